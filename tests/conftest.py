"""Shared fixtures: a fresh warehouse in tmp_path, the real files in ../shared, tidy files made by code."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
VARIANTS = ROOT.parent / "shared" / "data" / "variants"  # other countries' and years' files of the same families
REFERENCE = ROOT / "etl" / "reference"


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """Path of a warehouse that does not exist yet; DISPLACEMENT_DB points at it."""
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DISPLACEMENT_DB", str(path))
    return path


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory) -> Path:
    """A warehouse built once from the bundled reference data (read-only for tests)."""
    from etl.load import build_reference

    path = tmp_path_factory.mktemp("reference") / "warehouse.duckdb"
    reports = build_reference(path)
    failed = [r.message for r in reports if r.status == "failed"]
    assert not failed, failed
    return path


def _shared_folder(folder: Path) -> Path:
    """A folder of ../shared, read in place (never copied); fails instead of skipping when REQUIRE_REAL_DATA=1 (CI)."""
    if not folder.is_dir():
        if os.environ.get("REQUIRE_REAL_DATA") == "1":
            pytest.fail(f"REQUIRE_REAL_DATA=1 but {folder} is missing")
        pytest.skip(f"{folder} not present")
    return folder


@pytest.fixture(scope="session")
def real_data() -> Path:
    """../shared/data/real."""
    return _shared_folder(REAL_DATA)


@pytest.fixture(scope="session")
def variants() -> Path:
    """../shared/data/variants: other countries' files of the same families, for reader tests."""
    return _shared_folder(VARIANTS)


@pytest.fixture(scope="session")
def real_reference_db(tmp_path_factory, real_data) -> tuple[Path, list]:
    """A warehouse built once from the reference data plus every real file (read-only for tests),
    with the load reports of the real files."""
    from etl.load import build_reference, load_paths

    path = tmp_path_factory.mktemp("real-reference") / "warehouse.duckdb"
    build_reference(path)
    return path, load_paths([real_data], path)


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> Path:
    """Write a small CSV for a test (quoting every field)."""
    import csv

    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)
    return path


FLOW_HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals", "note",
               "source_publisher", "source_title", "source_date", "source_url", "source_is_synthetic"]


def one_flow_report(folder: Path, rows: list[tuple[str, str, int]]) -> Path:
    """A warehouse holding the gazetteer's places and one invented report's February 2020 arrivals,
    (origin, destination, people) each; an empty origin is one the report did not give."""
    from etl.load import load_file

    db = folder / "warehouse.duckdb"
    assert load_file(REFERENCE / "gazetteer.csv", db).status == "loaded"
    path = write_csv(folder / "origins.csv", FLOW_HEADER, [
        ["2020-02-01", "2020-02-29", origin, destination, "arrivals", people, "", "Synthetic test data",
         "Origins fixture (invented)", "2020-03-01", "", "true"] for origin, destination, people in rows])
    assert load_file(path, db).status == "loaded"
    return db


@pytest.fixture(scope="session")
def no_origin_db(tmp_path_factory) -> Path:
    """One report: 12,345 people arriving in Idleb, origin not given."""
    return one_flow_report(tmp_path_factory.mktemp("no-origin"), [("", "SY07", 12345)])


# A later UN OCHA flash update revising a reference figure (the bundled 150,000 newly displaced from the north-west,
# 29 Apr – 5 May 2019): an invented report, loaded as a tidy file.
REVISION = ["2019-04-29", "2019-05-05", "SY-NW", "", "newly_displaced", None, "revised count (test)", "UN OCHA",
            "Flash Update 2 (test revision)", "2019-05-09", "https://example.org/flash-2", "false"]
REAL_REFUGEES = "refugees/unhcr-persons-of-concern-origin-syr-csv-1.csv"


@pytest.fixture(scope="session")
def versioned_db(tmp_path_factory, real_data) -> Path:
    """Four versions of one warehouse (read-only for tests): 1 the reference build (`python -m etl
    build-reference`), 2 the revision (REVISION, 152,000), 3 a real UNHCR file, 4 the revision corrected to
    153,000 and loaded again under its name (it replaces load 2's rows)."""
    from click.testing import CliRunner

    from etl.cli import main
    from etl.load import load_file

    folder = tmp_path_factory.mktemp("versions")
    db = folder / "warehouse.duckdb"
    built = CliRunner().invoke(main, ["build-reference", "--db", str(db)])
    assert built.exit_code == 0, built.output
    for step, value in (("first", 152000), ("corrected", 153000)):
        (folder / step).mkdir()
        revision = write_csv(folder / step / "revision.csv", FLOW_HEADER, [[*REVISION[:5], value, *REVISION[6:]]])
        assert load_file(revision, db, kind="tidy").status == "loaded"
        if step == "first":
            assert load_file(real_data / REAL_REFUGEES, db).status == "loaded"
    return db


CITE = ["UN OCHA", "Test situation report", "2020-03-01", "https://example.org/sitrep"]
CITE_HEADER = ["source_publisher", "source_title", "source_date", "source_url"]


@pytest.fixture(autouse=True, scope="session")
def _private_tempdir(tmp_path_factory):
    """Upload and staging folders made during tests land under pytest's own temp tree, not /tmp
    (pytest prunes old runs; subprocesses such as streamlit servers inherit TMPDIR)."""
    import tempfile

    folder = str(tmp_path_factory.mktemp("tempfile"))
    old_dir, old_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir, os.environ["TMPDIR"] = folder, folder
    yield
    tempfile.tempdir = old_dir
    if old_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = old_env


@pytest.fixture(autouse=True)
def _no_officer_recipes_left_behind():
    """A test that points the process at a recipe folder (recipes.set_officer_dir) leaves no trace: an officer's
    recipe wins over the built-ins, so one left behind would read the next test's files."""
    from etl import recipes

    yield
    recipes.set_officer_dir(None)
