"""Broken files through etl.load.load_file: a one-line failure and an untouched warehouse, or rows with rejects.

Hypothesis makes the broken files (bounded: tens of examples per property). The
invariants: load_file never raises; a failed load names the file on one line
(no traceback) and leaves the warehouse byte-for-byte as it was; a load that
goes through accounts for every row (read = loaded + rejected).
"""
from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import templates
from etl.load import load_file
from tests.conftest import CITE, CITE_HEADER, REFERENCE

# Bounded and derandomized: the same examples on every run (no flaky CI), about 30 s in all on an idle 2-core machine.
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                derandomize=True, print_blob=True)
FEW = settings(FUZZ, max_examples=15)
HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals", "note",
          *CITE_HEADER]
GOOD = ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "1,200", "", *CITE]
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
counter = itertools.count()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """One warehouse per property, holding the gazetteer so P-codes resolve."""
    path = tmp_path_factory.mktemp("fuzz") / "warehouse.duckdb"
    assert load_file(REFERENCE / "gazetteer.csv", path).status == "loaded"
    return path


def _fresh_name(folder: Path, suffix: str) -> Path:
    return folder / f"fuzz_{next(counter)}{suffix}"


def check(path: Path, warehouse: Path) -> None:
    """The invariants every load must keep, whatever the file."""
    before = warehouse.read_bytes()
    report = load_file(path, warehouse)
    if report.status == "failed":
        assert report.message.startswith(path.name), report.message
        assert "\n" not in report.message and "Traceback" not in report.message
        assert warehouse.read_bytes() == before, "a failed load changed the warehouse"
        return
    assert report.status in ("loaded", "unchanged"), report.message
    if report.status == "loaded":
        assert report.rows_read == report.rows_loaded + report.rows_rejected
        with duckdb.connect(str(warehouse), read_only=True) as con:
            stored = con.execute("SELECT rows_read, rows_loaded, rows_rejected, "
                                 "(SELECT count(*) FROM rejects r WHERE r.load_id = l.load_id) "
                                 "FROM loads l WHERE load_id = ?", [report.load_id]).fetchone()
        assert stored == (report.rows_read, report.rows_loaded, report.rows_rejected, report.rows_rejected)


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


cell = st.one_of(
    st.sampled_from(["", "NA", "-", "1,234", "12.5", "-3", "1e9", "2020-02-30", "SY07", "SY99", "arrivals", "#value"]),
    st.text(alphabet="abc 019,.;\"'\t" + ARABIC, max_size=20),
    st.integers(min_value=20_000, max_value=200_000).map(lambda n: "9" * n),  # a huge cell (over csv's field limit too)
)
row = st.lists(cell, min_size=0, max_size=len(HEADER) + 2)
encoding = st.sampled_from(["utf-8", "utf-8-sig", "cp1256", "latin-1"])


@FUZZ
@given(rows=st.lists(row, max_size=6), drop=st.sets(st.integers(0, len(HEADER) - 1), max_size=4),
       tagged=st.booleans(), enc=encoding)
def test_broken_tidy_csv(tmp_path, warehouse, rows, drop, tagged, enc):
    """Missing columns, text in numbers, huge cells, odd encodings (Windows-1256 Arabic, UTF-8 BOM)."""
    header = [h for i, h in enumerate(HEADER) if i not in drop]
    body = [header]
    if tagged:
        tags = {c.name: c.hashtag for c in templates.columns("displacement")}
        body.append([tags.get(h, "") for h in header])
    body += [GOOD[: len(header)]] + [r for r in rows]
    text = _csv_text(body)
    if enc in ("cp1256", "latin-1"):
        text = text.encode(enc, errors="replace").decode(enc)
    path = _fresh_name(tmp_path, ".csv")
    path.write_bytes(text.encode(enc, errors="replace"))
    check(path, warehouse)


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".json", ".rda", ".gpkg"]))
def test_random_bytes(tmp_path, warehouse, data, suffix):
    path = _fresh_name(tmp_path, suffix)
    path.write_bytes(data)
    check(path, warehouse)


TEMPLATE_XLSX = templates.xlsx_bytes("displacement")


@FEW
@given(cut=st.integers(min_value=0, max_value=len(TEMPLATE_XLSX) - 1), flip=st.integers(0, len(TEMPLATE_XLSX) - 1))
def test_truncated_or_corrupted_xlsx(tmp_path, warehouse, cut, flip):
    damaged = bytearray(TEMPLATE_XLSX)
    damaged[flip] ^= 0xFF
    for data in (TEMPLATE_XLSX[:cut], bytes(damaged)):
        path = _fresh_name(tmp_path, ".xlsx")
        path.write_bytes(data)
        check(path, warehouse)


@FEW
@given(rows=st.lists(st.lists(st.one_of(cell.filter(lambda c: len(c) < 1000), st.integers(-5, 10**9),
                                        st.floats(allow_nan=True, allow_infinity=True)), max_size=8), max_size=5),
       tagged=st.booleans())
def test_xlsx_with_junk_cells(tmp_path, warehouse, rows, tagged):
    """A filled XLSX template with junk in its cells: numbers as text, NaN, infinity, Arabic."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(TEMPLATE_XLSX))
    sheet = book["displacement"]
    if not tagged:
        sheet.delete_rows(2)
    for values in rows:
        sheet.append([v if not (isinstance(v, float) and v != v) else None for v in values])
    path = _fresh_name(tmp_path, ".xlsx")
    book.save(path)
    check(path, warehouse)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"   \r\n\r\n", "empty"),
        ("header_only_tagged.csv", templates.csv_bytes("displacement"), None),
        ("bom_arabic.csv", ("\ufeff" + _csv_text([HEADER, GOOD[:6] + ["نازحون"] + CITE])).encode("utf-8"), None),
        ("win1256.csv", _csv_text([HEADER, GOOD[:6] + ["نازحون"] + CITE]).encode("cp1256"), None),
        ("truncated.xlsx", TEMPLATE_XLSX[: len(TEMPLATE_XLSX) // 2], "not a readable XLSX workbook"),
        ("pdf.csv", b"%PDF-1.7\x00\x01", "binary"),
    ],
)
def test_named_broken_files(tmp_path, warehouse, name, data, message):
    """The cases the fuzzing is about, pinned: each one either fails clearly or loads its rows."""
    path = tmp_path / name
    path.write_bytes(data)
    before = warehouse.read_bytes()
    report = load_file(path, warehouse)
    if message:
        assert report.status == "failed" and message in report.message
        assert warehouse.read_bytes() == before
    else:
        assert report.status == "loaded", report.message
    if name in ("bom_arabic.csv", "win1256.csv"):
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert con.execute("SELECT note FROM displacement WHERE load_id = ?", [report.load_id]).fetchall() == [("نازحون",)]
