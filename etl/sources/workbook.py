"""Opening an XLSX workbook and reading its sheets' cached values (one way for every reader).

Every open goes through the same guards: the zip directory is checked before
openpyxl inflates anything (zip bombs), a damaged file is one clear error, and
no cell may be longer than Excel itself allows. Formulas come as Excel last
computed them (`data_only=True`): DuckDB and this ETL never recompute them.
"""
from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.sources.base import ReadError

# Excel cannot hold more than 32,767 characters in a cell: a longer one was not made by Excel.
MAX_CELL_CHARS = 32_767
# Real workbooks inflate 2-10 times (HDX/OCHA files measured: at most 8x). A zip whose directory
# promises more than this, or one part inflating more than MAX_ZIP_RATIO times, is refused unopened.
MAX_XLSX_UNCOMPRESSED_MB = int(os.environ.get("DISPLACEMENT_MAX_XLSX_UNCOMPRESSED_MB", "512"))
MAX_ZIP_RATIO = 200


def _unreadable(path: Path, exc: Exception) -> ReadError:
    return ReadError(path, f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})")


def no_such_sheet(path: Path, sheet: str, sheets) -> ReadError:
    """The error for a sheet the workbook does not have, listing those it has."""
    return ReadError(path, f"no sheet named '{sheet}' (sheets: {', '.join(sheets)})")


def check_zip_sizes(path: Path, limit_mb: int | None = None) -> None:
    """Refuse a zip bomb dressed as a workbook before openpyxl inflates anything.

    The sizes come from the zip's central directory. A directory that lies does
    not help an attacker: Python's zipfile never inflates an entry past its
    declared size (and fails its CRC check instead).
    """
    limit = (limit_mb if limit_mb is not None else MAX_XLSX_UNCOMPRESSED_MB) * 2**20
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from exc
    total = sum(e.file_size for e in entries)
    if total > limit:
        raise ReadError(path, f"the workbook would inflate to {total / 2**20:,.0f} MB, over the "
                              f"{limit // 2**20:,} MB limit (DISPLACEMENT_MAX_XLSX_UNCOMPRESSED_MB); refused unopened")
    for entry in entries:
        if entry.file_size > 10 * 2**20 and entry.file_size > MAX_ZIP_RATIO * max(1, entry.compress_size):
            raise ReadError(path, f"part {entry.filename} would inflate {entry.file_size // max(1, entry.compress_size):,} "
                                  f"times (over {MAX_ZIP_RATIO}x): looks like a zip bomb; refused unopened")


@contextmanager
def open_workbook(path: Path) -> Iterator[object]:
    """The workbook, read-only with cached values, closed on leaving (guards above applied first)."""
    from openpyxl import load_workbook

    check_zip_sizes(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from exc
    try:
        yield book
    finally:
        book.close()


def _rows(path: Path, book, sheet: str, limit: int | None) -> list[tuple]:
    rows = []
    for index, row in enumerate(book[sheet].iter_rows(values_only=True)):
        if limit is not None and index >= limit:
            break
        for column, value in enumerate(row):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                from openpyxl.utils import get_column_letter

                raise ReadError(path, f"a cell of {len(value):,} characters, over Excel's limit of {MAX_CELL_CHARS:,}",
                                sheet=sheet, row=index + 1, column=get_column_letter(column + 1))
        rows.append(row)
    return rows


def xlsx_sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names (no cell is read)."""
    with open_workbook(path) as book:
        return list(book.sheetnames)


def xlsx_rows(path: Path, sheet: str, limit: int | None = None) -> list[tuple]:
    """One sheet's rows of cached values (the first `limit` of them when given)."""
    with open_workbook(path) as book:
        if sheet not in book.sheetnames:
            raise no_such_sheet(path, sheet, book.sheetnames)
        return _rows(path, book, sheet, limit)


def workbook_rows(path: Path, limit: int | None = None) -> dict[str, list[tuple]]:
    """Every sheet's rows of cached values, in one open of the workbook."""
    with open_workbook(path) as book:
        return {name: _rows(path, book, name, limit) for name in book.sheetnames}
