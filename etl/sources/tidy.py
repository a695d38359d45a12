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

from etl.sources.base import ReadResult, SourceInfo, Staged
from etl.sources.tabular import csv_rows, frame_below_header, normalise, xlsx_rows, xlsx_sheet_names
from etl.specs import CITATION_COLUMNS, TABLES

KIND = "tidy"
DESCRIPTION = "The project's tidy template (CSV or XLSX): warehouse column names, a citation on every row"
SUFFIXES = (".csv", ".xlsx")

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
    for index, row in enumerate(rows[:10]):
        table = table_for(list(row))
        if table:
            return index, table
    return None


def detect(path: Path) -> bool:
    if path.suffix.lower() == ".csv":
        return _header_index(csv_rows(path)[:10]) is not None
    if path.suffix.lower() == ".xlsx":
        return any(_header_index(xlsx_rows(path, s, limit=10)) for s in xlsx_sheet_names(path))
    return False


def priority(path: Path) -> int:
    """Locations load before the facts that refer to them, camps before their populations."""
    for _, rows in _sheets(path):
        found = _header_index(rows[:10])
        if found:
            return {"locations": 10, "camps": 20}.get(found[1], 50)
    return 50


def _citation(row: pd.Series) -> SourceInfo | None:
    publisher, title = row.get("source_publisher"), row.get("source_title")
    if not isinstance(publisher, str) or not publisher.strip() or not isinstance(title, str) or not title.strip():
        return None
    published = pd.to_datetime(row.get("source_date"), errors="coerce")
    return SourceInfo(
        publisher=publisher.strip(),
        title=title.strip(),
        url=(str(row.get("source_url")).strip() or None) if isinstance(row.get("source_url"), str) else None,
        licence=(str(row.get("source_licence")).strip() or None) if isinstance(row.get("source_licence"), str) else None,
        published=None if pd.isna(published) else date(published.year, published.month, published.day),
    )


def _stage(frame: pd.DataFrame, table: str) -> tuple[Staged, list[SourceInfo]]:
    by_norm = {normalise(c): c for c in frame.columns}
    wanted = TABLES[table].names + CITATION_COLUMNS
    tidy = pd.DataFrame({name: frame[by_norm[name]] for name in wanted if name in by_norm}, index=frame.index)
    citations = tidy.apply(_citation, axis=1) if len(tidy) else pd.Series(dtype="object")
    tidy["source_id"] = [c.source_id if c else None for c in citations]
    tidy = tidy.drop(columns=[c for c in CITATION_COLUMNS if c in tidy])
    tidy.insert(0, "_sheet", frame["_sheet"])
    tidy.insert(1, "_row", frame["_row"])
    columns = {name: by_norm[name] for name in wanted if name in by_norm}
    sources = list({c.source_id: c for c in citations if c}.values())
    return Staged(table, tidy, columns), sources


def read(path: Path) -> ReadResult:
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
