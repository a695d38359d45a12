"""Rows of CSV files, and a table's rows below its header as a frame (shared by the readers).

Decoding is etl.sources.text's, workbooks are etl.sources.workbook's, and
finding the header row is etl.sources.headers'.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from etl.sources.base import ReadError, with_provenance
from etl.sources.headers import MAX_HEADER_SCAN, is_hxl_row
from etl.sources.text import decode


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


def csv_head(path: Path, limit: int | None = MAX_HEADER_SCAN) -> list[list[str]]:
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
