"""What every reader returns, and the error a reader raises for an unreadable file.

A reader renames the publisher's columns into the warehouse's tidy columns and
keeps, for every row, where it came from (`_sheet`, `_row`) so that a reject
can name the sheet, row and column a data officer must fix. Readers do not
judge values: `etl.validate` does.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import pandas as pd

PROVENANCE_COLUMNS = ("_sheet", "_row")
# A reader may mark rows that are readable but outside what the warehouse holds (another country's
# figures in a worldwide file) with the reason in this column: the validator rejects them with that
# reason alone, and the load message counts them apart from rows with errors.
OUT_OF_SCOPE = "_out_of_scope"


class ReadError(Exception):
    """The file cannot be read at all. The message names file, sheet, row and column."""

    def __init__(self, path: Path | str, message: str, *, sheet: str | None = None,
                 row: int | None = None, column: str | None = None) -> None:
        self.path, self.sheet, self.row, self.column = Path(path), sheet, row, column
        where = [self.path.name]
        if sheet:
            where.append(f"sheet '{sheet}'")
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class SourceInfo:
    """Who published a figure, where; becomes a row of `sources`."""

    publisher: str
    title: str
    url: str | None = None
    licence: str | None = None
    published: date | None = None
    is_synthetic: bool = False
    notes: str | None = None

    @property
    def source_id(self) -> str:
        """A readable, stable key: publisher slug + short hash of title and URL."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.publisher.lower()).strip("-")[:24] or "source"
        digest = hashlib.sha1(f"{self.publisher}|{self.title}|{self.url or ''}".encode()).hexdigest()[:10]
        return f"{slug}-{digest}"

    def as_row(self) -> dict:
        return {
            "source_id": self.source_id,
            "publisher": self.publisher,
            "title": self.title,
            "url": self.url,
            "licence": self.licence,
            "published": self.published,
            "is_synthetic": self.is_synthetic,
            "notes": self.notes,
        }


@dataclass
class BulkRead:
    """A file the warehouse reads itself: its layout and the citations seen in its head (with source_id)."""

    layout: object                  # warehouse.bulk.CsvLayout
    citations: pd.DataFrame


@dataclass
class Staged:
    """Rows bound for one warehouse table, renamed but not yet validated.

    `frame` holds the table's tidy columns, `source_id`, and `_sheet`/`_row`.
    `columns` maps a tidy column to the column name in the file, so rejects
    speak the data officer's language.
    """

    table: str
    frame: pd.DataFrame
    columns: dict[str, str] = field(default_factory=dict)
    # Big tidy CSVs: the warehouse streams the file itself (warehouse.bulk); `frame` is then empty.
    bulk: BulkRead | None = None

    def file_column(self, tidy: str) -> str:
        return self.columns.get(tidy, tidy)


@dataclass
class ReadResult:
    """Everything a reader got from one file."""

    kind: str
    tables: list[Staged]
    sources: list[SourceInfo]
    notes: list[str] = field(default_factory=list)
    # Rows of the file the reader did not stage because they are outside the warehouse's scope, and why
    # (a worldwide table of which only Syrians' rows are read); reported, never counted as read.
    skipped: int = 0
    skipped_reason: str = ""
    # Figure cells a recipe's [cells] none says hold no figure ('-', empty): no row is made of them. Counted
    # and reported, so that rows read + those cells add up to the file's rows and nothing vanishes unsaid.
    without_figure: int = 0
    recipe_sha256: str = ""   # the recipe file's content, when a recipe read the file: part of "already loaded"

    @property
    def rows_read(self) -> int:
        """Rows held in memory; a streamed table's rows are counted while it loads."""
        return sum(len(t.frame) for t in self.tables if t.bulk is None)


def with_provenance(frame: pd.DataFrame, sheet: str | None, first_row: int) -> pd.DataFrame:
    """Stamp each row with its sheet and 1-based row number in the file."""
    frame = frame.reset_index(drop=True)
    frame.insert(0, "_sheet", sheet)
    frame.insert(1, "_row", range(first_row, first_row + len(frame)))
    return frame


def read_json(path: Path, max_bytes: int) -> object:
    """Parse a JSON file, refusing files over `max_bytes` and nesting deep enough to blow the stack."""
    import json

    from etl.sources.text import JSON_ENCODING  # here: etl.sources.text imports ReadError from this module

    if path.stat().st_size > max_bytes:
        raise ReadError(path, f"larger than {max_bytes // 2**20} MB; refusing to parse")
    try:
        return json.loads(path.read_text(encoding=JSON_ENCODING))
    except (ValueError, RecursionError) as exc:
        raise ReadError(path, f"not valid JSON ({exc})") from exc


@dataclass(frozen=True)
class FileDigest:
    """A file's sha256 (idempotent loads, provenance) and its number of lines (a last line without a newline counts)."""

    sha256: str
    lines: int


def digest_of(path: Path) -> FileDigest:
    """sha256 and line count in one read of the file.

    Both are needed for a streamed CSV (the line count proves each line held one
    row); one pass costs 1.5 s per 2 GB instead of 2.6 s for two, and the
    caller runs it while DuckDB parses the file.
    """
    import numpy as np

    digest, lines, last = hashlib.sha256(), 0, 10
    buffer = bytearray(1 << 22)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while size := handle.readinto(buffer):
            digest.update(view[:size])
            lines += int(np.count_nonzero(np.frombuffer(buffer, np.uint8, count=size) == 10))
            last = buffer[size - 1]
    return FileDigest(digest.hexdigest(), lines + (last != 10))


def sha256_of(path: Path) -> str:
    return digest_of(path).sha256


@dataclass(frozen=True)
class ReadOptions:
    """What a person tells the ETL about a file that the file does not say itself.

    `reference_date`: the date a file's figures are "as of" when neither the file nor
    its recipe dates them (--reference-date / --as-of); `sheet` and `header_row`
    (1-based) pin where the table is when it cannot be found by its column names.
    """

    reference_date: date | None = None
    sheet: str | None = None
    header_row: int | None = None


@dataclass
class Score:
    """How well a reader fits a file, and why: shown by `python -m etl load FILE --explain`."""

    kind: str
    score: float                      # 1.0: every required column (sheet, hashtag) found
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    where: str = ""                   # the sheet and header row the match was found on

    @property
    def fits(self) -> bool:
        return self.score >= 1.0


class Reader(Protocol):
    """The one interface every reader offers, whether a recipe (TOML) or code.

    Recipes (etl.recipes) describe a file shape declaratively; code readers stay
    where the logic is more than a mapping (TopoJSON meshing, HXL, the IDP
    workbook's month matching). Both are listed in etl.sources.READERS.
    """

    KIND: str
    DESCRIPTION: str
    SUFFIXES: tuple[str, ...]

    def detect(self, path: Path) -> bool: ...

    def read(self, path: Path) -> ReadResult: ...
