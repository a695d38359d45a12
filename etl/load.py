"""Load files into the warehouse: read, validate, publish — all or nothing per file.

A load never half-writes: it runs inside `warehouse.publishing`, which writes a
private copy and swaps it in only when everything succeeded. The same file
(by sha256) loaded twice changes nothing; an updated file with the same kind
and name replaces the rows of its earlier load.
"""
from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from etl import sources
from etl.sources import sidecar
from etl.sources.base import ReadError, ReadOptions, ReadResult, SourceInfo, Staged, digest_of
from etl.sources.tidy import citations_frame
from etl.sources.tabular import drop_blank_rows
from etl.specs import CITATION_RULES, TABLES
from etl.validate import (MISSING_MARKERS, Context, Validated, iso3_codes, reason_line, strict_rules, top_reasons,
                          validate)
from warehouse import bulk as bulk_sql
from warehouse import WarehouseDamaged, publishing
from warehouse import rollups
from warehouse import writes
from warehouse.db import Receipt, WarehouseDiskFull, building_new, connect_read
from warehouse.links import web_link

DATA_SUFFIXES = (".csv", ".xlsx", ".json", ".geojson", ".topojson", ".rda", ".rdata",
                 ".shp", ".gpkg", ".zip")  # a .shp's .shx/.dbf/.prj/.cpg are read with it
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
    rows_out_of_scope: int = 0  # of the rejected rows, those outside the warehouse's scope (not errors)
    rows_skipped: int = 0       # rows the reader left unread as outside the scope (not in rows_read)
    cells_without_figure: int = 0  # figure cells a recipe's [cells] none reads as no figure: no row (not in rows_read)
    replaced_load_id: int | None = None
    tables: dict[str, int] = field(default_factory=dict)
    message: str = ""
    seconds: float = 0.0
    rejects: list[dict] = field(default_factory=list)
    top_reasons: list[dict] = field(default_factory=list)  # the commonest reasons of every reject (validate.top_reasons)
    version: int | None = None  # the warehouse version this load published
    version_token: str = ""     # that version's warehouse_version token
    # Versions other publishers made after the version the caller previewed (`seen`), newest first:
    # the load was checked against them, under the writer lock (number, at, by, what, token).
    followed: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class _AlreadyLoaded(Exception):
    def __init__(self, load_id: int, kind: str) -> None:
        self.load_id, self.kind = load_id, kind


class _NotStreamable(Exception):
    """A big CSV that cannot be streamed after all; it is read in memory instead (the message says why)."""


def _in_background(fn: Callable, *args) -> Future:
    """Run fn(*args) on its own thread: hashing and DuckDB's scans release the GIL, so they overlap."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="load")
    try:
        return pool.submit(fn, *args)
    finally:
        pool.shutdown(wait=False)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the data files inside folders named (sorted, recursive; a folder's manifest is not data)."""
    from etl.folders import MANIFEST_NAMES

    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in DATA_SUFFIXES
                         and p.name.lower() not in MANIFEST_NAMES)
        else:
            found.append(path)
    return found


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ReadError(path, "no such file")
    if not path.is_file():
        raise ReadError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise ReadError(path, "the file is empty")
    if path.suffix.lower() in (".xlsx", ".xlsm"):  # every reader, before detection opens the workbook
        from etl.sources.workbook import check_zip_sizes

        check_zip_sizes(path)


def _check_size(path: Path, limit: int | None, why: str | None = None) -> None:
    size, limit = path.stat().st_size, limit or MAX_FILE_BYTES
    if size > limit:
        because = f" (it could not be streamed: {why})" if why else ""
        raise ReadError(path, f"{size / 2**20:.0f} MB is over the {limit // 2**20} MB limit{because}")


def _size_limit(reader, path: Path) -> int | None:
    """A reader that streams (big tidy CSVs) may accept files over the in-memory limit."""
    fn = getattr(reader, "max_bytes", None)
    return fn(path) if fn else None


def read_file(path: Path, kind: str | sources.Reader | None = None, streamed_failed: str | None = None,
              options: ReadOptions | None = None) -> ReadResult:
    """Recognise and read one file; every failure becomes one ReadError line.

    `kind`: a kind name, or the reader itself (a recipe file a manifest or `recipe check` names, which
    joins no detection); None: recognised from the contents.
    `streamed_failed` says why a big CSV could not be streamed: it is then read in memory.
    `options`: what the person said about the file (--reference-date, --sheet, --header-row).
    """
    _check_file(path)
    reader = (sources.reader_for(kind) if isinstance(kind, str) else kind) if kind else sources.detect(path)
    _check_size(path, None if streamed_failed else _size_limit(reader, path), streamed_failed)
    try:
        extra = {"stream": False} if streamed_failed else {}
        read = sources.read(reader, path, options, **extra)
        read.recipe_sha256 = getattr(getattr(reader, "recipe", None), "sha256", "")  # a recipe's own text
        return sidecar.apply(path, read)  # a downloaded file cites the URL it came from
    except ReadError as exc:
        exc.kind = reader.KIND  # the report says which reader refused it
        raise
    except MemoryError as exc:
        raise ReadError(path, "too large to read in memory") from exc
    except Exception as exc:  # a reader bug or a file it cannot cope with: one clear line, no traceback
        error = ReadError(path, f"could not be read as {reader.KIND}: {exc.__class__.__name__}: {exc}")
        error.kind = reader.KIND
        raise error from exc


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
    """Validate tables in dependency order, letting later tables see earlier ones' keys.

    Streamed tables (big CSVs, `staged.bulk`) are validated while they are written: see _write_bulk.
    """
    order = {"map_layers": 0, "locations": 1, "location_shapes": 2, "area_members": 2, "camps": 3}
    out = []
    for staged in sorted((t for t in result.tables if t.bulk is None), key=lambda s: order.get(s.table, 9)):
        checked = _enrich(validate(staged, ctx))
        if checked.table == "locations":
            ctx.pcodes |= set(checked.good["pcode"])
        if checked.table == "camps":
            ctx.camp_ids |= set(checked.good["camp_id"])
        out.append(checked)
    return out


def _bulk_known(ctx: Context) -> dict[str, set[str]]:
    return {"pcode": ctx.pcodes, "camp": ctx.camp_ids, "iso3": iso3_codes()}


@dataclass
class Streamed:
    """What a streamed (bulk) table came to: counts, and the first rejects for the report."""

    table: str
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    sample_rejects: list[pd.DataFrame] = field(default_factory=list)


def _as_staged_frame(chunk: pd.DataFrame, staged: Staged) -> pd.DataFrame:
    """File columns renamed to tidy names, in the order the in-memory reader stages them."""
    names = [n for n in TABLES[staged.table].names if n in staged.columns]
    names += [rule.name for rule in CITATION_RULES if rule.name in staged.columns]  # judged by validate()
    # the csv module reads an empty field as "", DuckDB as NULL: keep the in-memory reader's view
    frame = pd.DataFrame({n: chunk[staged.columns[n]].astype("object").fillna("") for n in names}, index=chunk.index)
    frame["source_id"] = chunk["source_id"]
    frame.insert(0, "_sheet", None)
    frame.insert(1, "_row", chunk["_row"])
    return frame


def _write_bulk(con: duckdb.DuckDBPyConnection | None, staged: Staged, ctx: Context,
                load_id: int | None, digest: Future) -> Streamed:
    """Stream a big CSV: DuckDB stages it and inserts the plainly valid rows; the rest go through validate().

    With con None (dry run) the plain rows are only counted and nothing is
    written. Raises _NotStreamable when DuckDB cannot parse the file as plain
    CSV or a line is not one row (then row numbers would be wrong).
    """
    bulk = staged.bulk
    plan = bulk_sql.Plan(staged.table, bulk.layout, strict_rules(staged.table), bulk.citations, _bulk_known(ctx),
                         tuple(sorted(MISSING_MARKERS)), TABLES[staged.table].checks,
                         tuple(staged.columns[r.name] for r in CITATION_RULES if r.name in staged.columns))
    out = Streamed(staged.table)
    with tempfile.TemporaryDirectory(prefix="displacement-bulk-") as folder, contextlib.ExitStack() as stack:
        target = con if con is not None else stack.enter_context(bulk_sql.scratch())
        rows_file = Path(folder) / "rows.parquet"
        try:
            rows = bulk_sql.stage(plan, rows_file)
        except duckdb.Error as exc:
            raise _NotStreamable(f"DuckDB could not read it as plain comma-separated UTF-8 ({_first_line(exc)})") from exc
        if digest.result().lines != bulk.layout.skip + rows:
            raise _NotStreamable("a line in it is not one row: an empty line, or a line break inside quotes")
        out.read = out.loaded = bulk_sql.insert_plain_rows(target, plan, rows_file, load_id)
        for chunk in bulk_sql.other_rows(plan, rows_file):
            plan = _cite_new_sources(con, plan, chunk)
            count, rest = bulk_sql.insert_plain_chunk(target, plan, chunk, load_id)
            rest = _as_staged_frame(drop_blank_rows(rest, ("_row", "source_id")), staged)
            checked = validate(Staged(staged.table, rest, staged.columns), ctx)
            if con is not None:
                writes.insert_facts(con, checked.table, checked.good, load_id)
                writes.insert_rejects(con, load_id, checked.rejects)
            out.read += count + len(rest)
            out.loaded += count + len(checked.good)
            out.rejected += len(checked.rejects)
            if sum(map(len, out.sample_rejects)) < 20:
                out.sample_rejects.append(checked.rejects.head(20))
    return out


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__


def _cite_new_sources(con: duckdb.DuckDBPyConnection | None, plan: bulk_sql.Plan,
                      chunk: pd.DataFrame) -> bulk_sql.Plan:
    """Citations first seen past the head of the file: record their sources and add them to the plan."""
    cites = list(plan.layout.citation_columns)
    unknown = chunk.loc[chunk["source_id"].isna(), cites] if cites else chunk.iloc[0:0]
    if unknown.empty:
        return plan
    key = lambda values: tuple(None if pd.isna(v) else v for v in values)  # noqa: E731
    known = {key(row) for row in plan.citations[cites].itertuples(index=False)}
    new = sorted({key(row) for row in unknown.itertuples(index=False)} - known,
                 key=lambda k: tuple(v or "" for v in k))
    if not new:
        return plan
    frame, infos = citations_frame(new, plan.layout.citation_columns)
    if con is not None:
        writes.upsert_sources(con, _sources_frame([i for i in infos if i]))
    return replace(plan, citations=pd.concat([plan.citations, frame], ignore_index=True))


def _sources_frame(sources: Iterable[SourceInfo]) -> pd.DataFrame:
    rows = list({s.source_id: s.as_row() | {"url": web_link(s.url)} for s in sources}.values())  # never a non-web link
    return pd.DataFrame(rows, columns=["source_id", "publisher", "title", "url", "licence", "published", "is_synthetic", "notes"])


def _summarise(report: LoadReport, result: ReadResult, checked: list[Validated],
               streamed: list[Streamed] = ()) -> None:
    report.rows_read = sum(len(t.frame) for t in result.tables if t.bulk is None) + sum(s.read for s in streamed)
    report.rows_loaded = sum(len(v.good) for v in checked) + sum(s.loaded for s in streamed)
    report.rows_rejected = sum(len(v.rejects) for v in checked) + sum(s.rejected for s in streamed)
    report.rows_out_of_scope = sum(v.out_of_scope for v in checked)
    report.rows_skipped = result.skipped
    report.cells_without_figure = result.without_figure
    report.tables = {}
    for table, rows in [(v.table, len(v.good)) for v in checked] + [(s.table, s.loaded) for s in streamed]:
        report.tables[table] = report.tables.get(table, 0) + rows
    samples = [v.rejects.head(20) for v in checked] + [f for s in streamed for f in s.sample_rejects]
    every = [v.rejects for v in checked if len(v.rejects)] + [f for s in streamed for f in s.sample_rejects if len(f)]
    report.top_reasons = top_reasons(pd.concat(every, ignore_index=True)) if every else []
    report.rejects = [r for frame in samples for r in frame.to_dict("records")][:20 * max(1, len(samples))]


def _publish(db_path: Path, path: Path, digest: Future, result: ReadResult, report: LoadReport,
             loaded_by: str | None, progress: Progress, receipt: Receipt, sheet: str | None = None) -> None:
    streams = [t for t in result.tables if t.bulk is not None]
    read_as = (result.kind, sheet, result.recipe_sha256 or None)  # what "the same load" means besides the content
    with publishing(db_path, receipt=receipt, on_wait=lambda: progress("waiting")) as con:
        replaces = writes.previous_load_of(con, result.kind, path.name, sheet)
        if replaces or not streams:  # a small file, or probably the same one again: know before any work
            _refuse_if_loaded(con, digest.result().sha256, *read_as)
        progress("validating")
        ctx = _context(con)
        checked = validate_result(result, ctx)
        if replaces:
            writes.remove_load_rows(con, replaces, "replaced")
        load_id = writes.start_load(con, file_name=path.name, sha256="", kind=result.kind,
                                    started_at=_now(), loaded_by=loaded_by, replaces=replaces,
                                    sheet=sheet, recipe_sha256=read_as[2])
        progress("writing")
        writes.upsert_sources(con, _sources_frame(result.sources))
        for v in checked:
            writes.insert_facts(con, v.table, v.good, load_id)
            writes.insert_rejects(con, load_id, v.rejects)
        streamed = [_write_bulk(con, t, ctx, load_id, digest) for t in streams]
        sha = digest.result().sha256
        _refuse_if_loaded(con, sha, *read_as)  # the same content under another name: nothing of this load is kept
        _summarise(report, result, checked, streamed)
        writes.finish_load(con, load_id, sha256=sha, read=report.rows_read, loaded=report.rows_loaded,
                           rejected=report.rows_rejected, finished_at=_now())
        rollups.rebuild(con)  # same transaction: readers never see facts and rollups out of step
        progress("publishing")
        report.load_id, report.replaced_load_id = load_id, replaces


def _refuse_if_loaded(con: duckdb.DuckDBPyConnection, sha256: str, kind: str, sheet: str | None = None,
                      recipe_sha256: str | None = None) -> None:
    """The same content read by the same reader or recipe (the same recipe text), from the same sheet,
    is live already: nothing to do."""
    existing = writes.loaded_with_hash(con, sha256, kind, sheet, recipe_sha256)
    if existing:
        raise _AlreadyLoaded(existing, kind)


def load_file(path: Path, db_path: Path, *, kind: str | sources.Reader | None = None, dry_run: bool = False,
              loaded_by: str | None = None, progress: Progress | None = None,
              read_options: ReadOptions | None = None, seen: str | None = None) -> LoadReport:
    """Load one file atomically. Never raises for bad input: the report says what went wrong.

    `seen`: the warehouse_version the caller previewed against (the officer page). The load is
    validated against whatever is live when it takes the writer lock; the report's `followed`
    names the versions published since `seen`, so a second officer committing at the same moment
    is told that the file was checked again after the first one's load.
    """
    path, started = Path(path), time.perf_counter()
    progress = progress or (lambda stage: None)
    report, receipt = LoadReport(file=str(path)), Receipt(seen)
    sheet = read_options.sheet if read_options else None
    try:
        progress("reading")
        result = read_file(path, kind, options=read_options)
        digest = _in_background(digest_of, path)  # overlaps DuckDB's scans of a streamed file
        try:
            _load_or_check(db_path, path, digest, result, report, loaded_by, progress, dry_run, receipt, sheet)
        except _NotStreamable as why:
            result = read_file(path, kind, streamed_failed=str(why), options=read_options)
            _load_or_check(db_path, path, digest, result, report, loaded_by, progress, dry_run, receipt, sheet)
            report.message += f" (read in memory, not streamed: {why})"
    except _AlreadyLoaded as already:
        report.status, report.load_id, report.kind = "unchanged", already.load_id, already.kind
        report.message = (f"{path.name}: already loaded as {already.kind} (load {already.load_id}, same sha256"
                          + (f", sheet '{sheet}'" if sheet else "") + "); nothing changed")
    except ReadError as exc:
        report.status, report.message = "failed", str(exc)
        report.kind = report.kind or getattr(exc, "kind", None)
        if report.kind and report.kind not in report.message:
            report.message += f" (read as {report.kind})"
    except (WarehouseDamaged, WarehouseDiskFull) as exc:
        report.status, report.message = "failed", f"{path.name}: not loaded: {exc}"
    _note_receipt(report, receipt)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _note_receipt(report: LoadReport, receipt: Receipt) -> None:
    """Copy onto the report which version the load made and which it followed (also for 'unchanged':
    the same file committed by another officer a moment earlier)."""
    report.followed = [{"number": v.number, "at": v.at, "by": v.by, "what": v.what, "token": v.token}
                       for v in receipt.landed]
    if receipt.version is not None:
        report.version, report.version_token = receipt.version.number, receipt.version.token


def _load_or_check(db_path: Path, path: Path, digest: Future, result: ReadResult, report: LoadReport,
                   loaded_by: str | None, progress: Progress, dry_run: bool, receipt: Receipt,
                   sheet: str | None = None) -> None:
    report.kind = result.kind
    if dry_run:
        _dry_run(db_path, result, report, digest)
        return
    _publish(db_path, path, digest, result, report, loaded_by, progress, receipt, sheet)
    report.status = "loaded"
    report.message = _loaded_message(report, result)


def _dry_run(db_path: Path, result: ReadResult, report: LoadReport, digest: Future) -> None:
    if db_path.exists():
        with connect_read(db_path) as con:
            ctx = _context(con)
    else:
        ctx = Context()
    checked = validate_result(result, ctx)
    streamed = [_write_bulk(None, t, ctx, None, digest) for t in result.tables if t.bulk is not None]
    _summarise(report, result, checked, streamed)
    report.status = "checked"
    report.message = (f"{Path(report.file).name}: dry run as {result.kind}: {report.rows_loaded} rows would load, "
                      f"{report.rows_rejected} would be rejected{_scope_note(report, result)}; nothing written"
                      + "".join(f"\n  {reason_line(r)}" for r in report.top_reasons))


def _loaded_message(report: LoadReport, result: ReadResult) -> str:
    replaced = f", replacing load {report.replaced_load_id}" if report.replaced_load_id else ""
    return (f"{Path(report.file).name}: loaded as {report.kind} (load {report.load_id}{replaced}): "
            f"{report.rows_read} read, {report.rows_loaded} loaded, {report.rows_rejected} rejected"
            f"{_scope_note(report, result)}")


def _scope_note(report: LoadReport, result: ReadResult) -> str:
    """Say which rejects are only outside the warehouse's scope, so nobody hunts for errors in them."""
    note = ""
    if report.rows_out_of_scope:
        errors = report.rows_rejected - report.rows_out_of_scope
        note += (f" ({report.rows_out_of_scope} of them outside this warehouse's scope, not errors; "
                 f"{errors} with errors to fix)")
    if report.rows_skipped:
        note += f"; {report.rows_skipped} rows not read: {result.skipped_reason}"
    if report.cells_without_figure:
        n = report.cells_without_figure
        note += f"; {n} {'cell' if n == 1 else 'cells'} without a figure (no row: the recipe's [cells] none)"
    return note


def load_paths(paths: Iterable[Path], db_path: Path, *, kind: str | Iterable[str] | None = None,
               read_options: ReadOptions | None = None, **options) -> list[LoadReport]:
    """Load files and folders, places first so facts can refer to them.

    `kind`: one kind or several (one load of each file per kind). A folder's manifest (etl.folders)
    names the recipe and reference date of the files it lists; the others are recognised.
    """
    from etl.folders import plan

    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    jobs = plan(list(paths), expand, kinds, read_options)
    ordered = [(_rank(job), str(job.path), job.kind_name, job) for job in jobs]
    return [LoadReport(file=str(job.path), message=job.error) if job.error else
            load_file(job.path, db_path, kind=job.kind, read_options=job.options, **options)
            for *_, job in sorted(ordered, key=lambda item: item[:3])]


def _rank(job) -> int:
    """A job's place in the load order: a manifest problem first, then places before facts."""
    if job.error:
        return -1
    try:
        module = sources.reader_for(job.kind) if isinstance(job.kind, str) else job.kind or sources.detect(job.path)
        return sources.priority(module, job.path)
    except Exception:  # the load itself says why the file cannot be read
        return 99


def rollback(db_path: Path, load_id: int, by: str | None = None) -> str:
    """Remove a load's rows and record that it was rolled back, by whom and when."""
    with publishing(db_path, what=f"rollback of load {load_id}", by=by) as con:
        status = writes.load_status(con, load_id)
        if status is None:
            raise ValueError(f"no load {load_id}")
        if status != "loaded":
            raise ValueError(f"load {load_id} is {status}; only a live load can be rolled back")
        removed = writes.remove_load_rows(con, load_id, "rolled_back")
        writes.record_rollback(con, load_id, by, _now())
        rollups.rebuild(con)
    return f"load {load_id} rolled back: {removed} rows removed"


REFERENCE_DIR = Path(__file__).parent / "reference"


def build_reference(db_path: Path, progress: Progress | None = None) -> list[LoadReport]:
    """Build (or update) the warehouse from the cited reference data shipped with the project."""
    return load_paths([REFERENCE_DIR], db_path, progress=progress, loaded_by="reference")


class ReferenceBuildFailed(RuntimeError):
    """A bundled reference file did not load: nothing was published."""


def build_reference_if_missing(db_path: Path, progress: Progress | None = None,
                               on_wait: Callable[[], None] | None = None) -> list[LoadReport] | None:
    """First start: build the reference warehouse at db_path, all or nothing; None if one is already there.

    Why: `streamlit run dashboard/app.py` (and Streamlit hosting) start without `make run`.
    Two processes starting at once build once: the second waits on the writer lock,
    then finds the published warehouse (warehouse.db.building_new).
    """
    with building_new(Path(db_path), on_wait) as private:
        if private is None:
            return None
        reports = build_reference(private, progress)
        failed = [r.message for r in reports if r.status == "failed"]
        if failed:
            raise ReferenceBuildFailed("The reference warehouse was not built: " + "; ".join(failed))
        return reports


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
