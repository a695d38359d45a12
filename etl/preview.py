"""What a load would do, before it is done: rows that load, rows rejected (with
sheet, row, column and reason) and how the headline figures would change.

The files are loaded for real, but into a scratch copy of the warehouse in a
temporary folder that is thrown away: validation then sees exactly what a real
load would (places already known, earlier files of the same batch, a file that
replaces an earlier version of itself), and the would-be headlines come from
the same query functions the Overview uses. The live warehouse is only read.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl import sources
from etl.load import LoadReport, load_file
from warehouse.db import copy_live
from warehouse.queries import Filters, admin, freshness, headlines

REJECT_COLUMNS = ["sheet", "row_number", "column_name", "reason", "raw"]
# (label, headline function, unit) in the Overview's order.
HEADLINES: list[tuple[str, Callable, str]] = [
    ("Newly displaced / arrivals (flow)", headlines.displaced, "people"),
    ("IDPs < 25 km from the border (stock)", headlines.idps_near_border, "people"),
    ("Syrian refugees in Turkey (stock)", headlines.refugees_in_turkey, "people"),
    ("Recorded deaths", headlines.deaths, "deaths"),
    ("People in camps (stock)", headlines.camp_occupancy, "people"),
]


@dataclass
class FilePreview:
    """One file's dry run: counts, the full list of rejects, and the period it covers."""

    report: LoadReport
    rejects: pd.DataFrame
    first_day: object = None
    last_day: object = None

    @property
    def ok(self) -> bool:
        return self.report.status in ("loaded", "unchanged")


@dataclass
class Preview:
    """A batch's dry run against the warehouse as it was at `warehouse_version`."""

    files: list[FilePreview]
    headlines: pd.DataFrame
    tables: pd.DataFrame
    warehouse_version: str
    selections: dict[str, Filters] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Committable: every file can be read (rejected rows are allowed, failed files are not)."""
        return bool(self.files) and all(f.ok for f in self.files)

    @property
    def changes_anything(self) -> bool:
        return any(f.report.status == "loaded" for f in self.files)


def load_order(files: list[tuple[Path, str | None]]) -> list[tuple[Path, str | None]]:
    """Places before the facts about them, as `python -m etl load` orders a folder."""
    def rank(item: tuple[Path, str | None]) -> tuple[int, str]:
        path, kind = item
        try:
            module = sources.reader_for(kind) if kind else sources.detect(path)
            return sources.priority(module, path), str(path)
        except Exception:  # the load itself will report why the file cannot be read
            return 99, str(path)
    return sorted(files, key=rank)


def preview(files: list[tuple[Path, str | None]], db_path: Path, filters: Filters | None = None) -> Preview:
    """Dry-run `files` (path, kind or None to recognise it) against a scratch copy of `db_path`."""
    db_path = Path(db_path)
    with tempfile.TemporaryDirectory(prefix="displacement-preview-") as folder:
        scratch = Path(folder) / "scratch.duckdb"
        # the token of the very bytes copied: a commit names it as the version this preview saw
        version = copy_live(db_path, scratch) if db_path.exists() else ""
        before = _snapshot(scratch) if scratch.exists() else None
        previews = [_one(path, kind, scratch) for path, kind in load_order(files)]
        selections = _selections(filters or Filters(), previews)
        heads = _compare_headlines(db_path if before is not None else None, scratch, selections)
        tables = _compare_tables(before, _snapshot(scratch) if scratch.exists() else None)
    return Preview(previews, heads, tables, version, selections)


def _one(path: Path, kind: str | None, scratch: Path) -> FilePreview:
    report = load_file(path, scratch, kind=kind, loaded_by="preview")
    if report.status != "loaded":
        return FilePreview(report, pd.DataFrame(columns=REJECT_COLUMNS))
    rejects = admin.load_rejects(scratch, report.load_id, limit=1_000_000)[REJECT_COLUMNS]
    span = freshness.load_span(scratch, report.load_id).iloc[0]
    return FilePreview(report, rejects, span["first_day"], span["last_day"])


def _selections(filters: Filters, previews: list[FilePreview]) -> dict[str, Filters]:
    """The dashboard's current selection, and the period the new files cover."""
    out = {"current selection": filters}
    firsts = [p.first_day for p in previews if p.first_day is not None and not pd.isna(p.first_day)]
    lasts = [p.last_day for p in previews if p.last_day is not None and not pd.isna(p.last_day)]
    if firsts and lasts:
        start, end = pd.Timestamp(min(firsts)).date(), pd.Timestamp(max(lasts)).date()
        out[f"the files' period ({start:%d %b %Y} – {end:%d %b %Y})"] = Filters(start=start, end=end)
    return out


def _headline(db: Path | None, func: Callable, filters: Filters) -> tuple[float | None, str]:
    """The value the Overview would show (first row), and its source."""
    if db is None or not db.exists():
        return None, ""
    frame = func(db, filters)
    if frame.empty or pd.isna(frame.iloc[0]["value"]):
        return None, ""
    row = frame.iloc[0]
    return float(row["value"]), f"{row.get('source_publisher', '')}, {row.get('source_title', '')}"


def _compare_headlines(live: Path | None, scratch: Path, selections: dict[str, Filters]) -> pd.DataFrame:
    rows = []
    for selection, filters in selections.items():
        for label, func, unit in HEADLINES:
            before, before_source = _headline(live, func, filters)
            after, after_source = _headline(scratch, func, filters)
            change = None if before is None and after is None else (after or 0) - (before or 0)
            rows.append({"selection": selection, "figure": label, "before": before, "after": after,
                         "change": change, "unit": unit,
                         "source_after": _source_note(before_source, after_source)})
    return pd.DataFrame(rows)


def _source_note(before: str, after: str) -> str:
    """Name the source only when the headline would switch to another one."""
    return after if after and after != before else ("(same source)" if after else "")


def _snapshot(db: Path) -> pd.DataFrame | None:
    return admin.table_counts(db).set_index("table_name")["row_count"] if db.exists() else None


def _compare_tables(before: pd.Series | None, after: pd.Series | None) -> pd.DataFrame:
    if after is None:
        return pd.DataFrame(columns=["table_name", "before", "after", "change"])
    before = before if before is not None else after * 0
    frame = pd.DataFrame({"before": before, "after": after}).fillna(0).astype(int)
    frame["change"] = frame["after"] - frame["before"]
    return frame.reset_index(names="table_name")
