"""The project's own tidy template: one table per file (or per sheet), a header
of warehouse column names, an optional HXL hashtag row, and a citation on every
row (source_publisher, source_title, source_date, source_url, source_licence).

The bundled reference data is written in this format, and so are the templates
data officers type figures from situation reports into.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd


from etl.sources.base import BulkRead, ReadResult, SourceInfo, Staged
from etl.sources.headers import header_index, is_hxl_row, normalise
from etl.sources.tabular import csv_head, csv_rows, frame_below_header
from etl.sources.workbook import xlsx_rows, xlsx_sheet_names
from etl.specs import CITATION_COLUMNS, CITATION_RULES, TABLES, load_rank

KIND = "tidy"
DESCRIPTION = "The project's tidy template (CSV or XLSX): warehouse column names, a citation on every row"
SUFFIXES = (".csv", ".xlsx")
# CSVs from this size on are streamed by the warehouse instead of read into memory.
BULK_MIN_BYTES = 8 * 1024 * 1024
BULK_MAX_BYTES = 20 * 1024**3
BULK_TABLES = frozenset({"displacement", "refugees", "casualties", "camp_population", "events"})
_TRUE = frozenset({"true", "yes", "1", "y"})

# The columns that tell the tables apart, most specific first.
_SIGNATURES: tuple[tuple[str, frozenset[str]], ...] = (
    ("camp_population", frozenset({"camp_id", "period_start", "individuals"})),
    ("camps", frozenset({"camp_id", "name"})),
    ("displacement", frozenset({"figure_type", "individuals"})),
    ("refugees", frozenset({"population_type", "persons"})),
    ("casualties", frozenset({"deaths_best"})),
    ("events", frozenset({"event_date", "title"})),
    ("locations", frozenset({"pcode", "admin_level", "name_en"})),
)


def table_for(header: list[object]) -> str | None:
    names = {normalise(c) for c in header}
    if not {"source_publisher", "source_title"} <= names:
        return None
    for table, signature in _SIGNATURES:
        if signature <= names:
            return table
    return None


def _sheets(path: Path) -> list[tuple[str | None, list]]:
    if path.suffix.lower() == ".csv":
        return [(None, csv_rows(path))]
    return [(name, xlsx_rows(path, name)) for name in xlsx_sheet_names(path)]


def _header_index(rows: list) -> tuple[int, str] | None:
    """(header row, table) of the first of the first ten rows naming a table's columns."""
    index = header_index(rows, lambda names: table_for(names) is not None, limit=10, keyed=normalise)
    return None if index is None else (index, table_for(list(rows[index])))


def detect(path: Path) -> bool:
    if path.suffix.lower() == ".csv":
        return _header_index(csv_head(path)) is not None
    if path.suffix.lower() == ".xlsx":
        return any(_header_index(xlsx_rows(path, s, limit=10)) for s in xlsx_sheet_names(path))
    return False


def priority(path: Path) -> int:
    """Locations load before the facts that refer to them, camps before their populations."""
    heads = [(None, csv_head(path))] if path.suffix.lower() == ".csv" else [
        (s, xlsx_rows(path, s, limit=10)) for s in xlsx_sheet_names(path)]
    for _, rows in heads:
        found = _header_index(rows[:10])
        if found:
            return load_rank(found[1])
    return 50


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _citation(row: pd.Series) -> SourceInfo | None:
    publisher, title = _text(row.get("source_publisher")), _text(row.get("source_title"))
    if not publisher or not title:
        return None
    published = pd.to_datetime(row.get("source_date"), errors="coerce")
    return SourceInfo(
        publisher=publisher,
        title=title,
        url=_text(row.get("source_url")),
        licence=_text(row.get("source_licence")),
        published=None if pd.isna(published) else date(published.year, published.month, published.day),
        is_synthetic=str(row.get("source_is_synthetic") or "").strip().lower() in _TRUE,
    )


def _citations(frame: pd.DataFrame) -> pd.Series:
    """One SourceInfo (or None) per row, computed once per distinct citation: files repeat a handful."""
    present = [c for c in CITATION_COLUMNS if c in frame]
    if frame.empty:
        return pd.Series(dtype="object")
    keys = frame[present].astype("object").where(frame[present].notna(), None)
    distinct = keys.drop_duplicates()
    by_key = {tuple(row): _citation(pd.Series(row, index=present)) for row in distinct.itertuples(index=False)}
    return pd.Series([by_key[k] for k in keys.itertuples(index=False, name=None)], index=frame.index, dtype="object")


def _stage(frame: pd.DataFrame, table: str) -> tuple[Staged, list[SourceInfo]]:
    by_norm = {normalise(c): c for c in frame.columns}
    wanted = TABLES[table].names + CITATION_COLUMNS
    tidy = pd.DataFrame({name: frame[by_norm[name]] for name in wanted if name in by_norm}, index=frame.index)
    citations = _citations(tidy)
    tidy["source_id"] = [c.source_id if c else None for c in citations]
    judged = {rule.name for rule in CITATION_RULES}  # kept for the validator to judge, row by row
    tidy = tidy.drop(columns=[c for c in CITATION_COLUMNS if c in tidy and c not in judged])
    tidy.insert(0, "_sheet", frame["_sheet"])
    tidy.insert(1, "_row", frame["_row"])
    columns = {name: by_norm[name] for name in wanted if name in by_norm}
    sources = list({c.source_id: c for c in citations if c}.values())
    return Staged(table, tidy, columns), sources


def read(path: Path, stream: bool = True) -> ReadResult:
    """Read a tidy file; a big CSV is only described, for the warehouse to stream, unless stream is False."""
    if stream and path.suffix.lower() == ".csv" and path.stat().st_size >= BULK_MIN_BYTES:
        streamed = read_bulk(path)
        if streamed is not None:
            return streamed
    tables, sources = [], []
    for sheet, rows in _sheets(path):
        found = _header_index(rows)
        if not found:
            continue
        index, table = found
        staged, cited = _stage(frame_below_header(rows, index, sheet), table)
        tables.append(staged)
        sources.extend(cited)
    return ReadResult(KIND, tables, sources)


def max_bytes(path: Path) -> int | None:
    """Big tidy CSVs stream through the warehouse, so the in-memory size limit does not apply to them."""
    return BULK_MAX_BYTES if path.suffix.lower() == ".csv" else None


def read_bulk(path: Path) -> ReadResult | None:
    """Describe a big tidy CSV for the warehouse to stream (see warehouse.bulk), or None to read it in memory.

    Nothing past the first 256 KB is read here: the warehouse parses the file
    once while it loads it. Only comma-separated files qualify, with a table
    that needs no derived columns (places and camps get border distances, so
    they stay in memory). Citations are taken from the head of the file; one
    first seen further down is found while loading (etl.load._write_bulk).
    Whether every line is one row (row numbers must be exact for rejects) is
    proved while loading too, and the load falls back to reading in memory if not.
    """
    from warehouse.bulk import CsvLayout

    head = csv_head(path, limit=None)
    found = _header_index(head)
    if not found or found[1] not in BULK_TABLES or not head[found[0]] or len(head[found[0]]) < 2:
        return None
    index, table = found
    header = tuple(str(c).strip() for c in head[index])
    if len(set(header)) != len(header) or b"," not in _first_line(path, index):
        return None
    hxl = index + 1 < len(head) and is_hxl_row(head[index + 1])
    skip = index + 1 + hxl
    by_norm = {normalise(c): c for c in header}
    columns = {n: by_norm[n] for n in TABLES[table].names if n in by_norm}
    cites = tuple(by_norm[n] for n in CITATION_COLUMNS if n in by_norm)
    distinct, infos = head_citations(head[skip:], header, cites)
    column_names = {**columns, **{n: by_norm[n] for n in CITATION_COLUMNS if n in by_norm}}
    bulk = BulkRead(CsvLayout(path, header, skip, columns, cites), distinct)
    staged = Staged(table, pd.DataFrame(), column_names, bulk=bulk)
    return ReadResult(KIND, [staged], list({i.source_id: i for i in infos if i}.values()))


def head_citations(rows: list[list[str]], header: tuple[str, ...],
                   cites: tuple[str, ...]) -> tuple[pd.DataFrame, list[SourceInfo | None]]:
    """The distinct citations among `rows` as DuckDB will read them (empty field: NULL), with source_id."""
    position = {c: header.index(c) for c in cites}
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    seen = {tuple((row[position[c]] if position[c] < len(row) else "") or None for c in cites) for row in rows}
    return citations_frame(sorted(seen, key=lambda k: tuple(v or "" for v in k)), cites)


def citations_frame(keys: list[tuple], cites: tuple[str, ...]) -> tuple[pd.DataFrame, list[SourceInfo | None]]:
    """Citation tuples (file column order) as a frame with their source_id, and their SourceInfo."""
    by_tidy = {c: normalise(c) for c in cites}
    infos = [_citation(pd.Series({by_tidy[c]: v for c, v in zip(cites, key)})) for key in keys]
    frame = pd.DataFrame(keys, columns=list(cites), dtype="object")
    frame["source_id"] = pd.Series([i.source_id if i else None for i in infos], index=frame.index, dtype="object")
    return frame, infos


def _first_line(path: Path, index: int) -> bytes:
    with open(path, "rb") as handle:
        for _ in range(index):
            handle.readline()
        return handle.readline()
