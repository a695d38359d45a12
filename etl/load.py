"""Load files into the warehouse: read, validate, publish — all or nothing per file.

A load never half-writes: it runs inside `warehouse.publishing`, which writes a
private copy and swaps it in only when everything succeeded. The same file
(by sha256) loaded twice changes nothing; an updated file with the same kind
and name replaces the rows of its earlier load.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from etl import sources
from etl.sources.base import ReadError, ReadResult, sha256_of
from etl.validate import Context, Validated, validate
from warehouse import publishing
from warehouse import writes
from warehouse.db import connect_read

DATA_SUFFIXES = (".csv", ".xlsx", ".json", ".geojson", ".topojson")
MAX_FILE_BYTES = 200 * 1024 * 1024
Progress = Callable[[str], None]


@dataclass
class LoadReport:
    """What happened to one file; printed by the CLI, returned as JSON with --json."""

    file: str
    kind: str | None = None
    status: str = "failed"  # loaded | unchanged | failed | checked (dry run)
    load_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    replaced_load_id: int | None = None
    tables: dict[str, int] = field(default_factory=dict)
    message: str = ""
    seconds: float = 0.0
    rejects: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class _AlreadyLoaded(Exception):
    def __init__(self, load_id: int) -> None:
        self.load_id = load_id


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the data files inside folders named (sorted, recursive)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
        else:
            found.append(path)
    return found


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ReadError(path, "no such file")
    if not path.is_file():
        raise ReadError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(path, "the file is empty")
    if size > MAX_FILE_BYTES:
        raise ReadError(path, f"{size / 2**20:.0f} MB is over the {MAX_FILE_BYTES // 2**20} MB limit")


def read_file(path: Path, kind: str | None = None) -> ReadResult:
    """Recognise and read one file; every failure becomes one ReadError line."""
    _check_file(path)
    reader = sources.reader_for(kind) if kind else sources.detect(path)
    try:
        return reader.read(path)
    except ReadError:
        raise
    except MemoryError as exc:
        raise ReadError(path, "too large to read in memory") from exc
    except Exception as exc:  # a reader bug or a file it cannot cope with: one clear line, no traceback
        raise ReadError(path, f"could not be read as {reader.KIND}: {exc.__class__.__name__}: {exc}") from exc


def _context(con: duckdb.DuckDBPyConnection | None) -> Context:
    if con is None:
        return Context()
    return Context(pcodes=writes.known_pcodes(con), camp_ids=writes.known_camp_ids(con))


def _enrich(result: Validated) -> Validated:
    """Add what code derives rather than people type: distance to the border, the M4 corridor."""
    frame = result.good
    if result.table not in ("locations", "camps") or frame.empty:
        return result
    from etl.geo import border_distance_km_many, in_m4_corridor_many

    has_point = frame["lat"].notna() & frame["lon"].notna()
    frame["border_km"] = None
    if has_point.any():
        lons, lats = frame.loc[has_point, "lon"].to_numpy(float), frame.loc[has_point, "lat"].to_numpy(float)
        frame.loc[has_point, "border_km"] = border_distance_km_many(lons, lats).round(2)
        if result.table == "locations":
            frame["in_m4_corridor"] = None
            frame.loc[has_point, "in_m4_corridor"] = in_m4_corridor_many(lons, lats)
    return result


def validate_result(result: ReadResult, ctx: Context) -> list[Validated]:
    """Validate tables in dependency order, letting later tables see earlier ones' keys."""
    order = {"map_layers": 0, "locations": 1, "location_shapes": 2, "camps": 3}
    out = []
    for staged in sorted(result.tables, key=lambda s: order.get(s.table, 9)):
        checked = _enrich(validate(staged, ctx))
        if checked.table == "locations":
            ctx.pcodes |= set(checked.good["pcode"])
        if checked.table == "camps":
            ctx.camp_ids |= set(checked.good["camp_id"])
        out.append(checked)
    return out


def _sources_frame(result: ReadResult) -> pd.DataFrame:
    rows = list({s.source_id: s.as_row() for s in result.sources}.values())
    return pd.DataFrame(rows, columns=["source_id", "publisher", "title", "url", "licence", "published", "is_synthetic", "notes"])


def _summarise(report: LoadReport, result: ReadResult, checked: list[Validated]) -> None:
    report.rows_read = result.rows_read
    report.rows_loaded = sum(len(v.good) for v in checked)
    report.rows_rejected = sum(len(v.rejects) for v in checked)
    report.tables = {v.table: report.tables.get(v.table, 0) + len(v.good) for v in checked}
    report.rejects = [r for v in checked for r in v.rejects.head(20).to_dict("records")]


def _publish(db_path: Path, path: Path, sha: str, result: ReadResult, report: LoadReport,
             loaded_by: str | None, progress: Progress) -> None:
    with publishing(db_path) as con:
        existing = writes.loaded_with_hash(con, sha)
        if existing:
            raise _AlreadyLoaded(existing)
        progress("validating")
        checked = validate_result(result, _context(con))
        _summarise(report, result, checked)
        replaces = writes.previous_load_of(con, result.kind, path.name)
        if replaces:
            writes.remove_load_rows(con, replaces, "replaced")
        load_id = writes.start_load(con, file_name=path.name, sha256=sha, kind=result.kind,
                                    started_at=_now(), loaded_by=loaded_by, replaces=replaces)
        progress("writing")
        writes.upsert_sources(con, _sources_frame(result))
        for v in checked:
            writes.insert_facts(con, v.table, v.good, load_id)
            writes.insert_rejects(con, load_id, v.rejects)
        writes.finish_load(con, load_id, read=report.rows_read, loaded=report.rows_loaded,
                           rejected=report.rows_rejected, finished_at=_now())
        progress("publishing")
        report.load_id, report.replaced_load_id = load_id, replaces


def load_file(path: Path, db_path: Path, *, kind: str | None = None, dry_run: bool = False,
              loaded_by: str | None = None, progress: Progress | None = None) -> LoadReport:
    """Load one file atomically. Never raises for bad input: the report says what went wrong."""
    path, started = Path(path), time.perf_counter()
    progress = progress or (lambda stage: None)
    report = LoadReport(file=str(path))
    try:
        progress("reading")
        result = read_file(path, kind)
        report.kind = result.kind
        sha = sha256_of(path)
        if dry_run:
            _dry_run(db_path, result, report)
        else:
            _publish(db_path, path, sha, result, report, loaded_by, progress)
            report.status = "loaded"
            report.message = _loaded_message(report)
    except _AlreadyLoaded as already:
        report.status, report.load_id = "unchanged", already.load_id
        report.message = f"{path.name}: already loaded as load {already.load_id} (same sha256); nothing changed"
    except ReadError as exc:
        report.status, report.message = "failed", str(exc)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _dry_run(db_path: Path, result: ReadResult, report: LoadReport) -> None:
    if db_path.exists():
        with connect_read(db_path) as con:
            ctx = _context(con)
    else:
        ctx = Context()
    _summarise(report, result, validate_result(result, ctx))
    report.status = "checked"
    report.message = (f"{Path(report.file).name}: dry run as {result.kind}: {report.rows_loaded} rows would load, "
                      f"{report.rows_rejected} would be rejected; nothing written")


def _loaded_message(report: LoadReport) -> str:
    replaced = f", replacing load {report.replaced_load_id}" if report.replaced_load_id else ""
    return (f"{Path(report.file).name}: loaded as {report.kind} (load {report.load_id}{replaced}): "
            f"{report.rows_read} read, {report.rows_loaded} loaded, {report.rows_rejected} rejected")


def load_paths(paths: Iterable[Path], db_path: Path, **options) -> list[LoadReport]:
    """Load files and folders, places first so facts can refer to them."""
    ordered = []
    for path in expand(paths):
        try:
            module = sources.detect(path) if not options.get("kind") else sources.reader_for(options["kind"])
            rank = sources.priority(module, path)
        except Exception:
            rank = 99
        ordered.append((rank, str(path), path))
    return [load_file(path, db_path, **options) for _, _, path in sorted(ordered)]


def rollback(db_path: Path, load_id: int) -> str:
    """Remove a load's rows and record that it was rolled back."""
    with publishing(db_path) as con:
        status = writes.load_status(con, load_id)
        if status is None:
            raise ValueError(f"no load {load_id}")
        if status != "loaded":
            raise ValueError(f"load {load_id} is {status}; only a live load can be rolled back")
        removed = writes.remove_load_rows(con, load_id, "rolled_back")
    return f"load {load_id} rolled back: {removed} rows removed"


REFERENCE_DIR = Path(__file__).parent / "reference"


def build_reference(db_path: Path, progress: Progress | None = None) -> list[LoadReport]:
    """Build (or update) the warehouse from the cited reference data shipped with the project."""
    return load_paths([REFERENCE_DIR], db_path, progress=progress, loaded_by="reference")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
