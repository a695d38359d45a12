"""Shared plumbing for CSV and XLSX readers: decoding, header finding, HXL rows.

Published spreadsheets put their header on different rows from one year to the
next (banner rows, a totals row above the header), so readers look for the
header by the columns they need instead of assuming row 1.
"""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from etl.sources.base import ReadError, with_provenance

MAX_HEADER_SCAN = 30
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def normalise(name: object) -> str:
    """Header text compared loosely: case, spaces, line breaks and trailing blanks ignored."""
    return re.sub(r"\s+", " ", str(name or "")).strip().lower()


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) first; Windows-1256 for Arabic Excel exports; else Latin-1."""
    if not data.strip():
        raise ReadError(path, "the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    arabic = data.decode("cp1256", errors="replace")
    if len(_ARABIC.findall(arabic)) > 0:
        return arabic
    return data.decode("latin-1")


def _parse_csv(text: str, path: Path, limit: int | None = None) -> list[list[str]]:
    """Rows of decoded CSV text (delimiter sniffed), the first `limit` of them when given."""
    if "\x00" in text:
        raise ReadError(path, "the file looks binary, not CSV text")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [row for _, row in zip(range(limit), reader)] if limit is not None else list(reader)
    except csv.Error as exc:
        raise ReadError(path, f"not a readable CSV file ({exc})", row=reader.line_num) from exc


def csv_rows(path: Path) -> list[list[str]]:
    """All rows of a CSV as lists of strings, whatever its encoding and line endings."""
    return _parse_csv(decode(path.read_bytes(), path), path)


HEAD_BYTES = 256 * 1024


def csv_head(path: Path, limit: int = MAX_HEADER_SCAN) -> list[list[str]]:
    """The first rows of a CSV, reading only its first 256 KB.

    Detection and load ordering look at the header only; reading a 1 GB file
    whole for that took most of a load's time.
    """
    with open(path, "rb") as handle:
        data = handle.read(HEAD_BYTES)
        more = bool(handle.read(1))
    if more and b"\n" in data:
        data = data[: data.rindex(b"\n") + 1]  # never cut a row (or a UTF-8 character) in half
    return _parse_csv(decode(data, path), path, limit)


# Excel cannot hold more than 32,767 characters in a cell: a longer one was not made by Excel.
MAX_CELL_CHARS = 32_767
# Real workbooks inflate 2-10 times (HDX/OCHA files measured: at most 8x). A zip whose directory
# promises more than this, or one part inflating more than MAX_ZIP_RATIO times, is refused unopened.
MAX_XLSX_UNCOMPRESSED_MB = int(os.environ.get("DISPLACEMENT_MAX_XLSX_UNCOMPRESSED_MB", "512"))
MAX_ZIP_RATIO = 200


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
        raise ReadError(path, f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})") from exc
    total = sum(e.file_size for e in entries)
    if total > limit:
        raise ReadError(path, f"the workbook would inflate to {total / 2**20:,.0f} MB, over the "
                              f"{limit // 2**20:,} MB limit (DISPLACEMENT_MAX_XLSX_UNCOMPRESSED_MB); refused unopened")
    for entry in entries:
        if entry.file_size > 10 * 2**20 and entry.file_size > MAX_ZIP_RATIO * max(1, entry.compress_size):
            raise ReadError(path, f"part {entry.filename} would inflate {entry.file_size // max(1, entry.compress_size):,} "
                                  f"times (over {MAX_ZIP_RATIO}x): looks like a zip bomb; refused unopened")


def _check_cells(path: Path, sheet: str, index: int, row: tuple) -> None:
    for column, value in enumerate(row):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            from openpyxl.utils import get_column_letter

            raise ReadError(path, f"a cell of {len(value):,} characters, over Excel's limit of {MAX_CELL_CHARS:,}",
                            sheet=sheet, row=index + 1, column=get_column_letter(column + 1))


def xlsx_sheet_names(path: Path) -> list[str]:
    """Sheet names without loading the workbook (reads the zip directory)."""
    from openpyxl import load_workbook

    check_zip_sizes(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(path, f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})") from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def xlsx_rows(path: Path, sheet: str, limit: int | None = None) -> list[tuple]:
    """Cached values of a sheet (formulas as Excel last computed them)."""
    from openpyxl import load_workbook

    check_zip_sizes(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(path, f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})") from exc
    try:
        if sheet not in book.sheetnames:
            raise ReadError(path, f"no sheet named '{sheet}' (sheets: {', '.join(book.sheetnames)})")
        rows = []
        for index, row in enumerate(book[sheet].iter_rows(values_only=True)):
            if limit is not None and index >= limit:
                break
            _check_cells(path, sheet, index, row)
            rows.append(row)
        return rows
    finally:
        book.close()


_HASHTAG = re.compile(r"^#[A-Za-z][\w]*(\s*\+\s*[A-Za-z][\w]*)*$")


def is_hxl_row(row: Iterable[object]) -> bool:
    """An HXL hashtag row: every non-empty cell is a hashtag with attributes (#affected+idps).

    Strict on purpose: a data row that merely contains a '#' value must not be
    mistaken for the hashtag row and silently skipped.
    """
    cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
    return bool(cells) and all(_HASHTAG.match(c) for c in cells)


def find_header(rows: Sequence[Sequence[object]], required: Iterable[str], path: Path,
                sheet: str | None = None) -> int:
    """Index of the first row holding every required column name."""
    wanted = {normalise(r) for r in required}
    for index, row in enumerate(rows[:MAX_HEADER_SCAN]):
        if wanted <= {normalise(c) for c in row}:
            return index
    raise ReadError(path, f"no header row with the columns {', '.join(sorted(wanted))} in the first "
                          f"{MAX_HEADER_SCAN} rows", sheet=sheet)


def frame_below_header(rows: Sequence[Sequence[object]], header_index: int, sheet: str | None) -> pd.DataFrame:
    """Rows under the header as a frame keyed by the stripped header names.

    Skips an HXL hashtag row right under the header and fully blank rows, and
    stamps each row with its 1-based row number in the file.
    """
    header = [str(c).strip() if c is not None else "" for c in rows[header_index]]
    first = header_index + 1
    if first < len(rows) and is_hxl_row(rows[first]):
        first += 1
    body = [list(r) + [None] * (len(header) - len(r)) for r in rows[first:]]
    frame = pd.DataFrame([r[: len(header)] for r in body], columns=_unique(header), dtype="object")
    return drop_blank_rows(with_provenance(frame, sheet, first + 1))


def drop_blank_rows(frame: pd.DataFrame, ignore: tuple[str, ...] = ("_sheet", "_row")) -> pd.DataFrame:
    """Rows with nothing but blanks are spacing, not data (provenance columns aside)."""
    values = frame.drop(columns=[c for c in ignore if c in frame])
    if values.empty:
        return frame.reset_index(drop=True)
    text = values.astype("object").where(values.notna(), "").astype(str)
    blank = text.apply(lambda s: s.str.strip().eq("")).all(axis=1)
    return frame[~blank.fillna(False)].reset_index(drop=True)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name or "unnamed"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def pick(frame: pd.DataFrame, mapping: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename file columns to tidy names, matching headers loosely; keep provenance.

    Returns the renamed frame and tidy -> file column names for rejects.
    """
    by_norm = {normalise(c): c for c in frame.columns}
    columns, names = {}, {}
    for file_name, tidy in mapping.items():
        actual = by_norm.get(normalise(file_name))
        if actual is not None:
            columns[tidy] = frame[actual]
            names[tidy] = actual
    out = pd.DataFrame(columns, index=frame.index)
    out.insert(0, "_sheet", frame["_sheet"])
    out.insert(1, "_row", frame["_row"])
    return out, names
