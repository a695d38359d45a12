"""Big tidy CSVs stream through DuckDB (warehouse.bulk): same rows, same rejects as the in-memory path."""
from __future__ import annotations

import csv

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def _load(tmp_path, name: str, bulk: bool, monkeypatch, rows=ROWS, quote_all: bool = True):
    db = tmp_path / f"{name}.duckdb"
    places = write_csv(tmp_path / "places.csv", LOC_HEADER, [
        ["SY07", 1, "governorate", "SY", "Idleb", "", "", "", *CITE],
        ["SY02", 1, "governorate", "SY", "Aleppo", "", "", "", *CITE],
    ])
    assert load_file(places, db).status == "loaded"
    monkeypatch.setattr(tidy, "BULK_MIN_BYTES", 0 if bulk else 10**12)
    if quote_all:
        path = write_csv(tmp_path / "moves.csv", DISP_HEADER, rows)
    else:  # as most tools write CSV: quotes only where needed, so an empty field is empty (DuckDB: NULL)
        path = tmp_path / "moves.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows([DISP_HEADER, *rows])
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


@pytest.mark.parametrize("extra", [
    "\n",                                                                            # empty last line
    "\n\n2020-01-01,2020-01-31,SY07,SY02,arrivals,3,,UN OCHA,x,2020,\n",                # empty line inside
    '2020-01-01,2020-01-31,SY07,SY02,arrivals,3,"two\nlines",UN OCHA,x,2020,\n',         # line break in quotes
    "2020-01-01,2020-01-31,SY07,SY02,arrivals,-3,,UN OCHA,x,2020,\r\r\n",                 # stray carriage return
])
def test_files_where_a_line_is_not_a_row_load_as_in_memory(tmp_path, monkeypatch, extra):
    """Row numbers in rejects must be lines of the file: such files fall back to the in-memory reader."""
    rows = [*ROWS[:6], ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "-9", "", *CITE]]

    def load(name: str, bulk: bool):
        db = tmp_path / f"{name}.duckdb"
        places = write_csv(tmp_path / "places.csv", LOC_HEADER, [
            ["SY07", 1, "governorate", "SY", "Idleb", "", "", "", *CITE],
            ["SY02", 1, "governorate", "SY", "Aleppo", "", "", "", *CITE]])
        assert load_file(places, db).status == "loaded"
        monkeypatch.setattr(tidy, "BULK_MIN_BYTES", 0 if bulk else 10**12)
        path = tmp_path / "moves.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows([DISP_HEADER, *rows])
        text = path.read_bytes()
        marker = b"\n2020-01-01,2020-01-31,SY07,SY02,arrivals,-5,"
        assert marker in text
        path.write_bytes(text.replace(marker, b"\n" + extra.encode() + marker[1:]))
        report = load_file(path, db)
        with duckdb.connect(str(db), read_only=True) as con:
            facts = con.execute("SELECT * EXCLUDE (load_id) FROM displacement ORDER BY ALL").fetchall()
            rejects = con.execute("SELECT row_number, column_name, reason FROM rejects WHERE load_id = ?"
                                  " ORDER BY ALL", [report.load_id]).fetchall()
        return report, facts, rejects

    slow, fast = load("slow", False), load("fast", True)
    assert fast[0].status == slow[0].status == "loaded", fast[0].message
    assert "read in memory, not streamed" in fast[0].message and "streamed" not in slow[0].message
    assert fast[1:] == slow[1:]
    assert (fast[0].rows_read, fast[0].rows_loaded, fast[0].rows_rejected) == (
        slow[0].rows_read, slow[0].rows_loaded, slow[0].rows_rejected)
    if '"' not in extra and "\r" not in extra:  # the last row's reject names its line in the file
        lines = (tmp_path / "moves.csv").read_bytes().split(b"\n")
        assert max(r[0] for r in fast[2] if r[2] == "negative count") == 1 + next(
            i for i, line in enumerate(lines) if b",-9," in line)


def test_a_citation_first_seen_far_down_the_file_is_recorded(tmp_path, monkeypatch):
    """Citations are read from the head of a streamed file; one further down is found while loading."""
    monkeypatch.setattr(tidy, "BULK_MIN_BYTES", 0)
    plain = ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", *CITE]
    later = ["2020-02-01", "2020-02-29", "SY07", "SY02", "arrivals", "7", "", *OTHER]
    rows = [plain] * 4000 + [later] * 3000 + [[*later[:5], "1,000", *later[6:]]]
    db = tmp_path / "w.duckdb"
    places = write_csv(tmp_path / "places.csv", LOC_HEADER, [
        ["SY07", 1, "governorate", "SY", "Idleb", "", "", "", *CITE],
        ["SY02", 1, "governorate", "SY", "Aleppo", "", "", "", *CITE]])
    assert load_file(places, db).status == "loaded"
    path = write_csv(tmp_path / "moves.csv", DISP_HEADER, rows)
    assert path.stat().st_size > tidy_head_bytes()
    result = tidy.read(path)
    assert result.tables[0].bulk is not None and {s.title for s in result.sources} == {CITE[1]}
    report = load_file(path, db)
    assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", len(rows), 0), report.message
    with duckdb.connect(str(db), read_only=True) as con:
        by_title = dict(con.execute("SELECT s.title, sum(d.individuals) FROM displacement d"
                                    " JOIN sources s USING (source_id) GROUP BY ALL").fetchall())
    assert by_title == {CITE[1]: 4000 * 5, OTHER[1]: 3000 * 7 + 1000}


def tidy_head_bytes() -> int:
    from etl.sources.tabular import HEAD_BYTES

    return HEAD_BYTES


def test_the_same_file_under_another_name_changes_nothing(tmp_path, monkeypatch):
    """A streamed file's sha256 is known only after its rows are written: the load is then thrown away."""
    report, _, _, _ = _load(tmp_path, "fast", True, monkeypatch)
    db = tmp_path / "fast.duckdb"
    before = db.read_bytes()
    copy = tmp_path / "moves-copy.csv"
    copy.write_bytes((tmp_path / "moves.csv").read_bytes())
    again = load_file(copy, db)
    assert (again.status, again.load_id) == ("unchanged", report.load_id)
    assert db.read_bytes() == before


def test_dry_run_of_a_streamed_file_counts_what_a_load_would(tmp_path, monkeypatch):
    report, _, _, _ = _load(tmp_path, "fast", True, monkeypatch)
    path = tmp_path / "moves.csv"
    path.write_bytes(path.read_bytes() + b"2020-05-01,2020-05-31,SY07,SY02,arrivals,9,,UN OCHA,x,2020,\n")
    checked = load_file(path, tmp_path / "fast.duckdb", dry_run=True)
    assert checked.status == "checked"
    assert (checked.rows_read, checked.rows_loaded, checked.rows_rejected) == (
        report.rows_read + 1, report.rows_loaded + 1, report.rows_rejected)


def test_synthetic_flag_in_citation_marks_the_source(tmp_path, db):
    path = write_csv(tmp_path / "moves.csv", [*DISP_HEADER, "source_is_synthetic"],
                     [["2020-01-01", "2020-01-31", "", "", "arrivals", "5", "", *CITE, "true"]])
    result = tidy.read(path)
    assert [s.is_synthetic for s in result.sources] == [True]


# Values people type, per column: canonical, repairable and wrong. Any mix must load the same way
# streamed and in memory (same facts, same rejects with the same rows and reasons, same sources).
_DATES = ["2020-01-01", "2020-01-31", "01/02/2020", "2020-02-30", " 2020-01-05", "2020-1-5", "", "1500-01-01",
          "2020-01-01T00:00", "infinity"]
_CODES = ["SY07", "SY02", "", "SY99", "sy07", " SY02"]
_TYPES = ["arrivals", "Returns", "idp_stock", "fled", "", "ARRIVALS"]
_COUNTS = ["5", "1,200", "-3", "1e3", " 7 ", "", "n/a", "5.1234567", "12.5", "0"]
_NOTES = ["", "x", " x", "NA", "-", "n/a", "a\u00a0", "ملاحظة"]
_CITES = [CITE, OTHER, ["", "", "", ""], [CITE[0], "", "", ""]]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(*(st.sampled_from(v) for v in (_DATES, _DATES, _CODES, _CODES, _TYPES, _COUNTS,
                                                        _NOTES, _CITES))), min_size=1, max_size=25), st.booleans())
def test_any_mix_of_typed_values_loads_the_same_streamed_or_not(tmp_path_factory, monkeypatch, picks, quote_all):
    rows = [[a, b, o, d, t, n, note, *cite] for a, b, o, d, t, n, note, cite in picks]
    folder = tmp_path_factory.mktemp("mix")
    slow = _load(folder, "slow", False, monkeypatch, rows, quote_all)
    fast = _load(folder, "fast", True, monkeypatch, rows, quote_all)
    assert fast[1:] == slow[1:]
    assert (fast[0].rows_read, fast[0].rows_loaded, fast[0].rows_rejected) == (
        slow[0].rows_read, slow[0].rows_loaded, slow[0].rows_rejected)
