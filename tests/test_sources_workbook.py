"""etl.sources.workbook: every workbook is opened one way, with the same guards and errors."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.sources.base import ReadError
from etl.sources.workbook import MAX_CELL_CHARS, check_zip_sizes, workbook_rows, xlsx_rows, xlsx_sheet_names


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_sheets_rows_and_limits(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Summary": [["a", 1], ["b", 2], ["c", 3]], "Data ": [["x"]]})
    assert xlsx_sheet_names(path) == ["Summary", "Data "]
    assert xlsx_rows(path, "Summary", limit=2) == [("a", 1), ("b", 2)]
    assert workbook_rows(path) == {"Summary": [("a", 1), ("b", 2), ("c", 3)], "Data ": [("x",)]}
    assert workbook_rows(path, limit=1) == {"Summary": [("a", 1)], "Data ": [("x",)]}


def test_missing_sheet_names_the_sheets_there_are(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"One": [["a"]], "Two": [["b"]]})
    with pytest.raises(ReadError, match=r"no sheet named 'Three' \(sheets: One, Two\)"):
        xlsx_rows(path, "Three")


def _long_cell(tmp_path: Path) -> Path:
    """A workbook whose B2 is one character over Excel's limit (openpyxl cuts long cells: the XML is patched)."""
    plain = _book(tmp_path / "plain.xlsx", {"S": [["ok"], ["ok", "x" * MAX_CELL_CHARS]]})
    path = tmp_path / "b.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry, source.read(entry).replace(b"x" * MAX_CELL_CHARS, b"x" * (MAX_CELL_CHARS + 1)))
    return path


@pytest.mark.parametrize("read", [lambda p: xlsx_rows(p, "S"), workbook_rows])
def test_a_cell_longer_than_excel_allows_is_refused_where_it_is(tmp_path, read):
    path = _long_cell(tmp_path)
    with pytest.raises(ReadError, match=r"sheet 'S', row 2, column 'B': a cell of 32,768 characters"):
        read(path)


@pytest.mark.parametrize("read", [xlsx_sheet_names, lambda p: xlsx_rows(p, "S"), workbook_rows])
@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 truncated", b"not a zip at all"])
def test_a_damaged_workbook_is_one_clear_error(tmp_path, read, data):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=r"^broken\.xlsx: not a readable XLSX workbook"):
        read(path)


def test_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 2**20))
    with pytest.raises(ReadError, match="over the 2 MB limit"):
        check_zip_sizes(path, limit_mb=2)
