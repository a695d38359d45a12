"""Hostile and broken input: clear refusals or rejects, bounded memory, nothing written.

Every file is made by code (tests/soak_hostile.py, SYNTHETIC) and loaded by
`python -m etl load` in its own process; peak memory is that process's
ru_maxrss. Upload names and symbolic links are checked through etl.safety.
"""
from __future__ import annotations

import csv
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
import soak_hostile
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.load import load_file
from etl.safety import UnsafePath, open_upload, safe_upload_path
from etl.sources import tidy
from etl.sources.base import ReadError
from etl.sources.workbook import check_zip_sizes
from etl.synthetic import reliability
from warehouse import connect_read
from warehouse.links import LINK_PATTERN, LINK_REASON, web_link
from warehouse.queries import admin

MEMORY_BOUND_MB = 1536  # a memory bound, not a time: the zip bomb alone would take 3 GiB and more
# Smaller than the soak's 200,000 columns and 5 MB cell: still over Excel's 16,384 columns and
# 32,767 characters, refused the same way; only reading them took longer (over half this file's time).
HOSTILE = soak_hostile.cases(wide_columns=20_000, cell_mb=1)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, soak_hostile.Outcome]:
    """Every hostile case, loaded in parallel (two at a time), each into its own copy of one warehouse."""
    root = tmp_path_factory.mktemp("hostile")
    start = root / "start.duckdb"
    assert load_file(reliability.locations(root), start).status == "loaded"

    def one(index_case):
        index, case = index_case
        folder = root / f"case{index}"
        folder.mkdir()
        shutil.copyfile(start, folder / "w.duckdb")
        return case.name, soak_hostile.run_case(case, folder / "files", folder / "w.duckdb")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, enumerate(HOSTILE)))


CASES = {case.name: case for case in HOSTILE}


@pytest.mark.parametrize("name", list(CASES))
def test_memory_is_bounded_and_the_process_ends_cleanly(outcomes, name):
    outcome = outcomes[name]
    assert outcome.peak_rss_mb < MEMORY_BOUND_MB
    assert outcome.exit_code in (0, 1), outcome  # never killed, never a traceback exit
    assert outcome.status in ("failed", "loaded"), outcome


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.expect == "refused"])
def test_refused_with_one_line_naming_the_file_and_nothing_written(outcomes, name):
    outcome = outcomes[name]
    assert (outcome.status, outcome.exit_code) == ("failed", 1), outcome
    assert "\n" not in outcome.message and "Traceback" not in outcome.message
    assert outcome.message.split(":")[0].split(",")[0].endswith((".csv", ".xlsx", ".geojson", ".json"))
    assert outcome.warehouse_unchanged


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("CSV, one 50 MB cell in a data row", ["cell_50mb.csv, row 2", "field limit"]),
        ("XLSX, a 1 MB cell", ["sheet 'displacement', row 2, column 'F'", "1,048,576 characters"]),
        ("XLSX zip bomb (3 MB inflating to 3 GiB)", ["inflate to 3,072 MB", "refused unopened"]),
        ("CSV, 2 MB of random bytes", ["binary"]),
    ],
)
def test_refusal_says_where_and_why(outcomes, name, words):
    for word in words:
        assert word in outcomes[name].message


def test_formulas_are_never_computed(outcomes):
    """Cached values load (the SUM Excel computed: 3, and the plain 7); formulas without one are rejected."""
    outcome = outcomes["XLSX, formulas without cached values"]
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 2, 3)
    assert outcome.reject_reasons == ["missing value"]


def test_formula_cached_values_are_the_figures_loaded(tmp_path):
    db = tmp_path / "w.duckdb"
    assert load_file(reliability.locations(tmp_path), db).status == "loaded"
    report = load_file(soak_hostile.xlsx_formulas(tmp_path), db)
    from warehouse.queries.base import fetch_df

    figures = fetch_df(db, "SELECT note, individuals FROM displacement ORDER BY note")
    assert figures.to_dict("records") == [{"note": "formula, cached value 3", "individuals": 3.0},
                                          {"note": "plain seven", "individuals": 7.0}]
    assert {r["row_number"] for r in report.rejects} == {3, 4, 5}


@pytest.fixture(scope="module")
def bomb_1gib(tmp_path_factory) -> Path:
    return soak_hostile.xlsx_zip_bomb(tmp_path_factory.mktemp("bomb"), gib=1)


@pytest.mark.parametrize(("limit_mb", "refused"), [(1, True), (4096, False)])
def test_zip_size_limit_is_configurable(bomb_1gib, limit_mb, refused):
    bomb = bomb_1gib
    if refused:
        with pytest.raises(ReadError, match="over the 1 MB limit"):
            check_zip_sizes(bomb, limit_mb)
    else:  # under the size limit, the 1 GiB part still inflates over 200 times: a bomb by ratio
        with pytest.raises(ReadError, match="looks like a zip bomb"):
            check_zip_sizes(bomb, limit_mb)


def test_real_workbooks_pass_the_zip_check(real_data):
    workbooks = sorted(real_data.rglob("*.xlsx"))
    assert workbooks
    for workbook in workbooks:
        check_zip_sizes(workbook)


# --- upload names and symbolic links (etl.safety) ---------------------------------------------

@pytest.mark.parametrize(
    "name",
    ["../warehouse.duckdb", "../../etc/passwd", "/etc/passwd", "sub/x.csv", "..\\x.csv", "C:\\x.csv",
     "..", ".", "", "   ", "a\x00.csv", "a\n.csv", "x" * 2000 + ".csv"],
)
def test_upload_names_with_folders_dots_or_control_characters_are_refused(tmp_path, name):
    with pytest.raises(UnsafePath):
        safe_upload_path(tmp_path, name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "stored"), [("idp 2020.csv", "idp 2020.csv"), ("données.xlsx", "données.xlsx"),
                                               ("a<script>.csv", "a_script_.csv")])
def test_ordinary_names_are_kept_inside_the_folder(tmp_path, name, stored):
    path = safe_upload_path(tmp_path, name)
    assert path.parent == tmp_path.resolve() and path.name == stored


def test_symlinked_upload_folder_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    with pytest.raises(UnsafePath, match="symbolic link"):
        safe_upload_path(tmp_path / "link", "x.csv")


@pytest.mark.parametrize("dangling", [True, False])
def test_a_link_planted_in_the_folder_is_never_written_through(tmp_path, dangling):
    folder, victim = tmp_path / "uploads", tmp_path / "warehouse.duckdb"
    folder.mkdir()
    if not dangling:
        victim.write_bytes(b"precious")
    (folder / "x.csv").symlink_to(victim)
    path, handle = open_upload(folder, "x.csv")
    with handle:
        handle.write(b"upload")
    assert path.name == "x-2.csv" and not path.is_symlink()
    assert victim.read_bytes() == b"precious" if not dangling else not victim.exists()


def test_a_link_swapped_in_after_the_check_makes_the_write_fail(tmp_path):
    folder, victim = tmp_path / "uploads", tmp_path / "victim"
    folder.mkdir()
    victim.write_bytes(b"precious")
    target = safe_upload_path(folder, "x.csv")
    target.symlink_to(victim)  # the race: a link appears between the check and the write
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    with pytest.raises(FileExistsError):
        os.open(target, flags)
    assert victim.read_bytes() == b"precious"


def test_command_line_loads_the_path_the_officer_names_even_through_a_link(tmp_path):
    """The CLI is the officer's own tool on their machine: a linked file loads as named."""
    db = tmp_path / "w.duckdb"
    real = reliability.locations(tmp_path / "elsewhere")
    link = tmp_path / "linked_locations.csv"
    link.symlink_to(real)
    assert load_file(link, db).status == "loaded"


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "LineString", "coordinates": [[[[1, 2]]]]}, "not valid LineString"),
        ({"type": "Circle", "coordinates": [1, 2]}, "not a GeoJSON"),
        ({"type": "LineString", "coordinates": "x"}, "not valid LineString"),
    ],
)
def test_map_layer_with_malformed_geometry_is_refused(tmp_path, geometry, message):
    """A layer is drawn on every map: a geometry shapely cannot read is refused, naming the feature."""
    import json as _json

    from etl.load import load_file

    path = tmp_path / "road.geojson"
    path.write_text(_json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "ok"}, "geometry": {"type": "LineString", "coordinates": [[36, 35], [37, 36]]}},
        {"type": "Feature", "properties": {"name": "bad"}, "geometry": geometry}]}))
    db = tmp_path / "w.duckdb"
    report = load_file(path, db)
    assert report.status == "failed" and message in report.message and "row 2" in report.message
    assert not db.exists()


def _events_with_links(path: Path, links: tuple[str, ...]) -> Path:
    """A tidy events CSV: a first row citing a web link, then one row per link given."""
    header = ["event_date", "title", *reliability.CITE_HEADER]
    rows = [["2020-01-0%d" % (1 + i % 9), f"event {i}", reliability.PUBLISHER, f"report {i}", "2020-02-01", url]
            for i, url in enumerate(("https://example.org/sitrep", *links))]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


@pytest.mark.parametrize("streamed", [False, True], ids=["in-memory", "streamed"])
def test_a_link_that_is_not_http_is_rejected_at_load_with_row_column_and_reason(tmp_path, monkeypatch, streamed):
    if streamed:  # big tidy CSVs are judged by DuckDB as they stream: make this small one take that road
        monkeypatch.setattr(tidy, "BULK_MIN_BYTES", 0)
    path = _events_with_links(tmp_path / "links.csv", soak_hostile.HOSTILE_LINKS)
    db = tmp_path / "warehouse.duckdb"
    report = load_file(path, db)
    assert report.status == "loaded", report.message
    assert (report.rows_loaded, report.rows_rejected) == (1, len(soak_hostile.HOSTILE_LINKS))
    rejects = admin.load_rejects(db, report.load_id).sort_values("row_number")
    assert list(rejects["row_number"]) == list(range(3, 3 + len(soak_hostile.HOSTILE_LINKS)))
    assert set(rejects["column_name"]) == {"source_url"}
    assert rejects["reason"].str.startswith(LINK_REASON).all(), rejects["reason"].tolist()
    with connect_read(db) as con:
        stored = [u for (u,) in con.execute("SELECT url FROM sources WHERE url IS NOT NULL").fetchall()]
    assert stored == ["https://example.org/sitrep"]


def test_a_hostile_link_in_an_hxl_file_is_rejected_too(tmp_path):
    path = tmp_path / "events_hxl.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([
            ["Date", "Event", "Source", "Title", "Link"],
            ["#date+start", "#event+name", "#meta+source", "#meta+source+title", "#meta+url"],
            ["2020-01-01", "good", reliability.PUBLISHER, "report", "https://example.org/r"],
            ["2020-01-02", "bad", reliability.PUBLISHER, "report 2", "javascript:window.x=5"],
        ])
    report = load_file(path, tmp_path / "warehouse.duckdb", kind="hxl")
    assert (report.rows_loaded, report.rows_rejected) == (1, 1), report.message
    rejects = admin.load_rejects(tmp_path / "warehouse.duckdb", report.load_id)
    assert rejects[["row_number", "column_name"]].values.tolist() == [[4, "Link"]]
    assert rejects["reason"].iloc[0].startswith(LINK_REASON)


@given(st.text(max_size=40) | st.sampled_from(soak_hostile.HOSTILE_LINKS)
       | st.builds(lambda s, rest: s + rest, st.sampled_from(["http://", "HTTPS://", "https:/", "ftp://"]),
                   st.text(max_size=20)))
@settings(max_examples=300, deadline=None)
def test_the_load_rule_and_the_renderers_guard_agree(text):
    """One pattern, two engines: DuckDB's RE2 (the load) and Python's re (every renderer) judge alike."""
    stripped = text.strip()
    with duckdb.connect() as con:
        loads = con.execute("SELECT regexp_full_match(?, ?)", [stripped, LINK_PATTERN]).fetchone()[0]
    assert loads == (web_link(text) is not None)
