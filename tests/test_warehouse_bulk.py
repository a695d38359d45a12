"""Big tidy CSVs stream through DuckDB (warehouse.bulk): same rows, same rejects as the in-memory path."""
from __future__ import annotations

import duckdb
import pytest

from etl.load import load_file
from etl.sources import tidy
from tests.conftest import CITE, CITE_HEADER, write_csv

LOC_HEADER = ["pcode", "admin_level", "kind", "parent_pcode", "name_en", "name_ar", "lat", "lon", *CITE_HEADER]
DISP_HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals",
               "note", *CITE_HEADER]
OTHER = ["UN OCHA", "Another report", "2020-04-01", ""]

# Plain rows, rows validate() repairs (thousands separators, day-first dates, upper-case choices,
# edge spaces, missing markers) and rows it rejects: both paths must agree on every one.
ROWS = [
    ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "1200", "", *CITE],
    ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "1,200", "n/a", *CITE],
    ["01/02/2020", "2020-02-29", "", "SY02", "idp_stock", "15.5", " spaced note ", *OTHER],
    ["2020-03-01", "2020-03-31", "SY02", "", "Returns", "7", "-", *OTHER],
    ["2020-03-01", "2020-03-31", "SY02", "SY07", "returns", " 8 ", "\u00a0nbsp\u00a0", *CITE],
    ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "-5", "", *CITE],
    ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "many", "", *CITE],
    ["2020-02-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", *CITE],
    ["2020-01-01", "2020-01-31", "SY07", "SY07", "arrivals", "5", "", *CITE],
    ["2020-01-01", "2020-01-31", "SY99", "SY02", "arrivals", "5", "", *CITE],
    ["2020-01-01", "2020-01-31", "", "", "arrivals", "5", "", *CITE],
    ["2020-01-01", "2020-01-31", "SY07", "SY02", "fled", "5", "", *CITE],
    ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", "", "", "", ""],
    ["2020-13-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", *CITE],
    ["1500-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", *CITE],
    ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "", "", *CITE],
]


def _load(tmp_path, name: str, bulk: bool, monkeypatch, rows=ROWS):
    db = tmp_path / f"{name}.duckdb"
    places = write_csv(tmp_path / "places.csv", LOC_HEADER, [
        ["SY07", 1, "governorate", "SY", "Idleb", "", "", "", *CITE],
        ["SY02", 1, "governorate", "SY", "Aleppo", "", "", "", *CITE],
    ])
    assert load_file(places, db).status == "loaded"
    monkeypatch.setattr(tidy, "BULK_MIN_BYTES", 0 if bulk else 10**12)
    path = write_csv(tmp_path / "moves.csv", DISP_HEADER, rows)
    assert (tidy.read(path).tables[0].bulk is not None) is bulk
    report = load_file(path, db)
    assert report.status == "loaded", report.message
    with duckdb.connect(str(db), read_only=True) as con:
        facts = con.execute("SELECT * EXCLUDE (load_id) FROM displacement ORDER BY ALL").fetchall()
        rejects = con.execute("SELECT sheet, row_number, column_name, reason, raw FROM rejects"
                              " WHERE load_id = ? ORDER BY row_number", [report.load_id]).fetchall()
        sources = con.execute("SELECT * FROM sources ORDER BY source_id").fetchall()
    return report, facts, rejects, sources


def test_streamed_load_matches_in_memory_load(tmp_path, monkeypatch):
    slow = _load(tmp_path, "slow", False, monkeypatch)
    fast = _load(tmp_path, "fast", True, monkeypatch)
    assert fast[1] == slow[1]
    assert fast[2] == slow[2]
    assert fast[3] == slow[3]
    for field in ("rows_read", "rows_loaded", "rows_rejected", "tables"):
        assert getattr(fast[0], field) == getattr(slow[0], field), field
    assert slow[0].rows_loaded == 6 and slow[0].rows_rejected == 10


def test_streamed_rejects_name_the_row_in_the_file(tmp_path, monkeypatch):
    _, _, rejects, _ = _load(tmp_path, "fast", True, monkeypatch)
    by_row = {r[1]: r for r in rejects}
    # header is line 1, so ROWS[i] is line i + 2
    assert by_row[5 + 2][2:4] == ("individuals", "negative count")
    assert "unknown P-code SY99" in by_row[9 + 2][3]
    assert by_row[9 + 2][2] == "origin_pcode"


@pytest.mark.parametrize("extra", ["\n", "\n\n2020-01-01,2020-01-31,SY07,SY02,arrivals,3,,UN OCHA,x,2020,\n"])
def test_files_with_blank_lines_use_the_in_memory_reader(tmp_path, monkeypatch, extra):
    """Line numbers would not be row numbers, so such files are not streamed."""
    monkeypatch.setattr(tidy, "BULK_MIN_BYTES", 0)
    path = write_csv(tmp_path / "moves.csv", DISP_HEADER, ROWS[:2])
    path.write_text(path.read_text() + extra)
    result = tidy.read(path)
    assert result.tables[0].bulk is None
    assert result.rows_read == len(ROWS[:2]) + extra.count("arrivals")


def test_synthetic_flag_in_citation_marks_the_source(tmp_path, db):
    path = write_csv(tmp_path / "moves.csv", [*DISP_HEADER, "source_is_synthetic"],
                     [["2020-01-01", "2020-01-31", "", "", "arrivals", "5", "", *CITE, "true"]])
    result = tidy.read(path)
    assert [s.is_synthetic for s in result.sources] == [True]
