"""`--explain` is the load's own decision (etl.sources.choose): over every file of the test corpora and the shared
folders, the reader --explain names is the reader a load uses, and a refusal names the closest reader and what it
missed."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl import sources
from etl.cli import main
from etl.load import expand
from tests.conftest import REAL_DATA, ROOT, VARIANTS

CORPORA = [ROOT / "tests" / "fixtures", REAL_DATA, VARIANTS]
FILES = [path for folder in CORPORA if folder.is_dir() for path in expand([folder])]
CLOSEST = re.compile(r"Closest: (?P<kind>[\w-]+) \(\d+%, missing ")


def _cli(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert "Traceback" not in result.output, result.output
    return json.loads(result.output)


def test_the_corpora_are_there():
    assert len(FILES) >= 40, [str(f) for f in FILES]  # fixtures, real files, variants: nothing silently skipped


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_explain_names_the_reader_load_uses(path: Path, tmp_path):
    (explained,) = _cli("load", str(path), "--explain")
    (loaded,) = _cli("load", str(path), "--dry-run", "--db", str(tmp_path / "w.duckdb"))
    if explained["reader"] and loaded["status"] == "failed" and "give it with --reference-date" in loaded["message"]:
        # a sheet that carries no date (key figures): the reader that fits asks for the one fact it cannot know,
        # and reads the file once it is given; never a guessed date
        assert loaded["kind"] == explained["reader"], loaded["message"]
        (loaded,) = _cli("load", str(path), "--dry-run", "--reference-date", "2022-06-30", "--db", str(tmp_path / "w.duckdb"))
    if explained["reader"]:
        assert loaded["kind"] == explained["reader"], loaded["message"]
        assert loaded["status"] == "checked", loaded["message"]  # a reader that fits reads the file
        assert next(s for s in explained["scores"] if s["kind"] == explained["reader"])["score"] == 1.0
        return
    assert loaded["status"] == "failed" and loaded["kind"] is None
    assert loaded["message"] == explained["error"]  # the very refusal load gives
    _names_the_closest_reader_and_what_it_missed(path, loaded["message"])


def _names_the_closest_reader_and_what_it_missed(path: Path, message: str) -> None:
    found = CLOSEST.search(message)
    assert found, message
    scores = {s.kind: s for s in sources.explain(path)}
    closest = scores[found["kind"]]
    assert closest.score == max(s.score for s in scores.values() if not s.missing[0].endswith(" file"))
    assert closest.missing and f"{found['kind']} ({closest.score:.0%}, missing {closest.missing[0]}" in message


def test_a_reader_that_fits_in_explain_cannot_be_refused_by_its_read(tmp_path):
    """The portal time series without a country field: the recipe used to score 100% on its header and the
    load then failed; its required column is now part of its test, so the refusal says which one it missed."""
    path = tmp_path / "timeseries.json"
    path.write_text(json.dumps({"0": {"data": {"timeseries": [{"data_date": "2022-03-01", "individuals": 5}]}}}))
    (explained,) = _cli("load", str(path), "--explain")
    assert explained["reader"] is None
    assert "unhcr-portal-timeseries" in explained["error"] and "geomaster_name" in explained["error"]


def test_explain_of_an_unreadable_file_says_why_without_a_traceback(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    result = CliRunner().invoke(main, ["load", str(path), "--explain"])
    assert "Traceback" not in result.output and "broken.xlsx" in result.output
