"""The bundled reference data: every row cited, every row loads, the story's milestones are there."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REFERENCE

CITATION = ("source_publisher", "source_title", "source_date", "source_url")
REFERENCE_CSVS = sorted(REFERENCE.glob("*.csv"))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_reference_folder_has_the_story_files():
    names = {p.name for p in REFERENCE_CSVS}
    assert {"events.csv", "displacement.csv", "refugees.csv", "gazetteer.csv"} <= names


@pytest.mark.parametrize("path", REFERENCE_CSVS, ids=lambda p: p.name)
def test_every_reference_row_cites_publisher_title_date_and_url(path):
    rows = _rows(path)
    assert rows, f"{path.name} is empty"
    for number, row in enumerate(rows, start=2):
        missing = [c for c in CITATION if not (row.get(c) or "").strip()]
        assert not missing, f"{path.name} row {number} lacks {missing}"
        assert row["source_url"].startswith(("https://", "http://")), f"{path.name} row {number}: {row['source_url']}"
        date.fromisoformat(row["source_date"])


def test_reference_builds_with_no_rejects_and_no_failures(reference_db):
    with duckdb.connect(str(reference_db), read_only=True) as con:
        failed = con.execute("SELECT file_name, rows_rejected FROM loads WHERE rows_rejected > 0").fetchall()
        assert failed == []
        counts = dict(con.execute(
            "SELECT 'events', count(*) FROM events UNION ALL SELECT 'displacement', count(*) FROM displacement"
            " UNION ALL SELECT 'refugees', count(*) FROM refugees UNION ALL SELECT 'locations', count(*) FROM locations"
        ).fetchall())
    assert all(counts[t] > 0 for t in ("events", "displacement", "refugees", "locations")), counts


@pytest.mark.parametrize(
    ("day", "words"),
    [(date(2020, 3, 5), "moscow"), (date(2020, 3, 15), "patrol")],
)
def test_timeline_milestones_are_present(reference_db, day, words):
    with duckdb.connect(str(reference_db), read_only=True) as con:
        titles = [r[0].lower() + " " + (r[1] or "").lower() for r in con.execute(
            "SELECT title, description FROM events WHERE event_date = ?", [day]).fetchall()]
    assert any(words in t for t in titles), titles


def test_reference_figures_have_a_source_row_with_url(reference_db):
    with duckdb.connect(str(reference_db), read_only=True) as con:
        orphans = con.execute(
            "SELECT count(*) FROM displacement d LEFT JOIN sources s USING (source_id) WHERE s.url IS NULL"
        ).fetchone()[0]
    assert orphans == 0
