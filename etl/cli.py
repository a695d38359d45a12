"""`python -m etl`: a thin command line over etl.load and warehouse.queries.

Every option comes from its flag, then its environment variable, then a default.
Exit codes: 0 ok, 1 a load failed, 2 usage error.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from etl import load as loading
from etl import sources
from warehouse import resolve_db_path
from warehouse.queries import admin

db_option = click.option(
    "--db", "db", envvar="DISPLACEMENT_DB", default=None, show_envvar=True,
    help="Warehouse file [default: data/warehouse.duckdb]",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


_used_db: list[Path] = []  # the warehouse the running command opened, for the damage message


def _db(db: str | None) -> Path:
    _used_db.append(resolve_db_path(db))
    return _used_db[-1]


SHORT_COLUMN = 20  # characters: a column no wider than this is never wrapped in a printed table
MIN_FREE_TEXT = 24  # characters a long column needs for a table to be worth printing


def _print_table(frame, title: str | None = None) -> None:
    """A table when the terminal is wide enough for its short columns and some of the free text; else one
    block per row (the short fields on one line, the long ones indented under it), never a column one
    letter wide."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    widths = {c: max([len(str(c))] + [len(str(v)) for v in frame[c]]) for c in frame.columns}
    short = [c for c in frame.columns if widths[c] <= SHORT_COLUMN]
    long = [c for c in frame.columns if c not in short]
    if sum(widths[c] + 3 for c in short) + MIN_FREE_TEXT * len(long) > console.width:
        _print_blocks(frame, short, long, title)
        return
    table = Table(title=title)
    for column in frame.columns:
        if column in short:  # numbers, times, hashes: kept on one line, the free text folds around them
            table.add_column(str(column), no_wrap=True, min_width=widths[column])
        else:
            table.add_column(str(column), overflow="fold")  # wrap long file names rather than cut them
    for row in frame.itertuples(index=False):
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)


def _print_blocks(frame, short: list, long: list, title: str | None) -> None:
    if title:
        click.echo(title)
    for row in frame.to_dict("records"):
        click.echo(" · ".join(str(row[c]) if str(row[c]) == str(c) else f"{c} {row[c]}"  # 'live', not 'live live'
                              for c in short if str(row[c]).strip()))
        for column in long:
            click.echo(f"    {column}: {row[column]}")


def _emit_reports(reports: list[loading.LoadReport], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in reports], default=str, ensure_ascii=False, indent=2))
    else:
        for report in reports:
            stream = sys.stderr if report.status == "failed" else sys.stdout
            click.echo(report.message, file=stream)
    if any(r.status == "failed" for r in reports):
        sys.exit(1)


class _Commands(click.Group):
    """Every command: a damaged warehouse is one line on stderr and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        import duckdb

        from warehouse import WarehouseDamaged, integrity
        from warehouse.db import WarehouseDiskFull

        try:
            return super().invoke(ctx)
        except WarehouseDamaged as exc:
            click.echo(f"damaged warehouse: {exc}", err=True)
        except WarehouseDiskFull as exc:
            click.echo(str(exc), err=True)
        except duckdb.Error:  # the file would not read: say what is wrong with it, if that is why
            path = _used_db[-1] if _used_db else resolve_db_path()
            found = integrity.damage(path)
            if not found:
                raise
            click.echo(f"damaged warehouse: {found}. {integrity.restore_hint(path)}", err=True)
        sys.exit(1)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Load humanitarian data files into the displacement warehouse and inspect it."""


def login_name(given: str | None = None) -> str:
    """Who is loading: --loaded-by (or $USER), else the login name of the account running the command.

    Why: a cron job or a container may run with $USER empty or unset; the history then said 'nan'.
    getpass reads $LOGNAME, $USER, $LNAME, $USERNAME (the first one not empty), then the password database.
    """
    import getpass
    import os

    if given and given.strip():
        return given.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no such variable and no account entry (a bare container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _loaded_by(ctx, param, value):
    return login_name(value)


def _use_recipes(ctx, param, value):
    """--recipes DIR: the data officer's recipe folder for this run (else $DISPLACEMENT_RECIPES, data/recipes/)."""
    if value:
        from etl import recipes

        before = recipes.set_officer_dir(value)
        ctx.call_on_close(lambda: recipes.set_officer_dir(before))  # the folder is this command's, not the process's
    return value


recipes_option = click.option(
    "--recipes", "recipes_dir", type=click.Path(path_type=Path), callback=_use_recipes, expose_value=False,
    is_eager=True, help="Folder of your own recipes (*.toml) [env DISPLACEMENT_RECIPES; default data/recipes/].",
)


@main.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", "kinds", envvar="DISPLACEMENT_KIND", multiple=True,
              help="Read every file as this kind (see `kinds`); repeat it to load a file with several recipes.")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--explain", is_flag=True, help="Show how well each recipe and reader fits each file, and why; load nothing.")
@click.option("--reference-date", "--as-of", "reference_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The date the figures are 'as of', for files that do not say it (YYYY-MM-DD).")
@click.option("--sheet", default=None, help="Read this sheet of a workbook (when the recipe cannot find it).")
@click.option("--header-row", type=click.IntRange(min=1), default=None, help="The header is on this row (1-based).")
@click.option("--loaded-by", envvar="USER", default=None, callback=_loaded_by,
              help="Who is loading [default: $USER, else your login name].")
@recipes_option
@db_option
@json_option
def load_cmd(paths, kinds, dry_run, explain, reference_date, sheet, header_row, loaded_by, db, as_json) -> None:
    """Load files or folders. The format is recognised from each file unless --kind is given or the
    folder's manifest (manifest.toml or manifest.csv, see docs/loading-data.md) names its recipe."""
    for kind in kinds:
        if kind not in sources.kinds():
            raise click.UsageError(f"unknown kind {kind!r}; known kinds: {', '.join(sources.kinds())}")
    if explain:
        from etl.folders import plan

        _explain(plan(list(paths), loading.expand, list(kinds)), as_json)
        return
    from etl.sources.base import ReadOptions

    options = ReadOptions(reference_date.date() if reference_date else None, sheet, header_row)
    read_options = options if options != ReadOptions() else None
    count = len(loading.expand(paths)) * max(1, len(kinds))
    with _file_bar(count, "loading", enabled=_bar_wanted(as_json) and count > 1) as tick:
        reports = loading.load_paths(paths, _db(db), kind=list(kinds), dry_run=dry_run, loaded_by=loaded_by,
                                     progress=_per_file(tick), read_options=read_options)
    _emit_reports(reports, as_json)


def _explain(jobs: list, as_json: bool) -> None:
    """Each file: every reader's score, what it found and what it missed; the one load would use
    (sources.choose: the same decision load makes), or the refusal load would give. A file whose
    recipe --kind or a folder's manifest names is scored by that recipe alone: load uses no other."""
    from dataclasses import asdict

    from etl.sources.base import ReadError

    out = []
    for job in jobs:
        path = job.path
        if job.error:
            out.append({"file": str(path), "reader": None, "error": job.error, "scores": []})
            continue
        if job.kind:
            reader = sources.reader_for(job.kind) if isinstance(job.kind, str) else job.kind
            fit = sources.score(reader, path)
            out.append({"file": str(path), "reader": reader.KIND, "named_by": job.named_by, "scores": [asdict(fit)],
                        "error": None if fit.fits else f"does not fit {reader.KIND}: missing {', '.join(fit.missing)}"})
            continue
        try:
            choice = sources.choose(path, every=True)
        except ReadError as exc:
            out.append({"file": str(path), "reader": None, "error": str(exc), "scores": []})
            continue
        chosen = choice.reader.KIND if choice.reader else None
        shown = [asdict(s) for s in choice.scores if s.score > 0 or s.kind == chosen] or [
            asdict(s) for s in sources.nearest(choice.scores)]
        out.append({"file": str(path), "reader": chosen, "scores": shown,
                    "error": None if chosen else str(choice.refusal())})
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for item in out:
        error = (item["error"] or "").removeprefix(Path(item["file"]).name + ": ")
        named = f" (named by {item['named_by']})" if item.get("named_by") else ""
        click.echo(f"{item['file']}: " + (f"read as {item['reader']}{named}" if item["reader"] else error)
                   + (f"; {error}" if item["reader"] and error else ""))
        for s in item["scores"]:
            mark = "*" if s["kind"] == item["reader"] else " "
            why = f"found {', '.join(s['found']) or 'nothing'}" + (f"; missing {', '.join(s['missing'])}" if s["missing"] else "")
            where = f" at {s['where']}" if s["where"] else ""
            click.echo(f"  {mark} {s['score']:>4.0%} {s['kind']:28} {why}{where}")


def _bar_wanted(as_json: bool) -> bool:
    """A progress bar only for a person watching: not in --json output, not into a pipe or a log."""
    return not as_json and sys.stderr.isatty()


@contextmanager
def _file_bar(total: int, what: str, enabled: bool):
    """A rich progress bar on stderr, one step per file; yields tick(label) called as each file starts."""
    if not enabled:
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True)) as bar:
        task, started = bar.add_task(what, total=total), [0]

        def tick(label: str) -> None:
            if started[0]:
                bar.advance(task)
            started[0] += 1
            bar.update(task, description=f"{what} {label}")

        yield tick
        bar.update(task, completed=total, description=f"{what}: done")


def _per_file(tick):
    """Adapt load_file's stage callback: a file starts with its 'reading' stage; a load that finds another
    publisher (an officer committing in the browser) says why it pauses, on stderr."""
    def progress(stage: str) -> None:
        if stage == "reading":
            tick("")
        elif stage == "waiting":
            click.echo("Another load is publishing this warehouse; waiting for it to finish, then loading after it.",
                       err=True)
    return progress


@main.command("build-reference")
@db_option
@json_option
def build_reference_cmd(db, as_json) -> None:
    """Load the cited reference data shipped with the project (a new warehouse is built all or nothing)."""
    path = _db(db)
    try:
        reports = loading.build_reference_if_missing(path)
    except loading.ReferenceBuildFailed as failed:
        click.echo(str(failed), err=True)
        sys.exit(1)
    _emit_reports(loading.build_reference(path) if reports is None else reports, as_json)


@main.group("recipe")
def recipe_group() -> None:
    """Write and check source recipes (a file shape described in TOML, see docs/loading-data.md)."""


@recipe_group.command("draft")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", default=None, help="The recipe's kind [default: from the file name].")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the draft here [default: print it].")
def recipe_draft_cmd(path, kind, out) -> None:
    """Write a draft recipe from a file's header, hashtags and column names, to edit and save."""
    from etl.recipes.draft import draft
    from etl.sources.base import ReadError

    try:
        text = draft(path, kind)
    except ReadError as exc:  # a file that cannot be read at all: one line, never a traceback
        click.echo(str(exc), err=True)
        sys.exit(1)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"draft recipe written to {out}: fill in every TODO, then `python -m etl load {path} --explain`")
    else:
        click.echo(text)


@recipe_group.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--file", "data_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Dry-run the recipe on this file [default: the file it was drafted from, `drafted_from`].")
@click.option("--reference-date", "--as-of", "reference_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The date the figures are 'as of', when neither the file nor the recipe says it.")
@click.option("--sheet", default=None, help="Read this sheet of a workbook.")
@db_option
def recipe_check_cmd(paths, data_file, reference_date, sheet, db) -> None:
    """Prove each recipe loads something: it parses, every required column is fed, its markers can match,
    and a dry run on a file loads at least one row (counts and the top three reject reasons, in plain text).
    Exit 1 when any recipe fails."""
    from etl.recipes import RecipeError, load_recipe
    from etl.sources.base import ReadOptions

    options = ReadOptions(reference_date.date() if reference_date else None, sheet)
    failed = False
    for path in paths:
        try:
            recipe = load_recipe(path)
        except RecipeError as exc:
            failed = True
            click.echo(str(exc), err=True)
            continue
        failed |= not _check_one(path, recipe, data_file, options if options != ReadOptions() else None, db)
    if failed:
        sys.exit(1)


def _check_one(path: Path, recipe, data_file: Path | None, options, db: str | None) -> bool:
    """Print what `recipe check` finds for one recipe; True when it passes (see etl.recipes.check)."""
    from etl.recipes import check
    from etl.recipes.reader import RecipeReader
    from etl.sources.base import ReadError

    click.echo(f"{path}: {recipe.kind} -> {recipe.table}")
    found = check.columns_problems(recipe)
    markers = check.marker_problems(recipe)
    problems, notes = found.problems + markers.problems, found.notes + markers.notes
    target = check.data_file(recipe, data_file)
    report = None
    if target is None:
        problems.append("not tried on a file: give one with --file FILE (a drafted recipe names its file in "
                        "[recipe] drafted_from)")
    elif not target.exists():
        problems.append(f"not tried on a file: {target} (drafted_from) does not exist; give one with --file FILE")
    else:
        reader = RecipeReader(recipe)
        try:
            in_file = check.markers_in_file(recipe, check.cell_texts(reader, target, options))
            problems, notes = problems + in_file.problems, notes + in_file.notes
        except ReadError:
            pass  # the dry run below says why the recipe does not fit the file
        warehouse = _db(db)
        if not warehouse.exists():
            notes.append(f"no warehouse at {warehouse}: every P-code and camp is unknown to the dry run (give --db, "
                         "or build it with `python -m etl build-reference`)")
        report = loading.load_file(target, warehouse, kind=reader, dry_run=True, read_options=options)
    for problem in problems:
        click.echo(f"  problem: {problem}")
    for note in notes:
        click.echo(f"  note: {note}")
    if report is not None:
        click.echo(f"  dry run on {target}:")
        if report.status == "failed":
            problems.append(report.message)
            click.echo(f"    cannot read it: {report.message}")
        else:
            click.echo(f"    {report.rows_loaded:,} rows would load, {report.rows_rejected:,} would be rejected")
            for reason in report.top_reasons:
                click.echo(f"    {check_reason(reason)}")
            if report.rows_loaded == 0:
                problems.append("no row would load")
                click.echo("  problem: no row would load")
    ok = not problems
    click.echo(f"  {'ok' if ok else 'FAILED'}: " + ("the recipe loads rows from the file" if ok else
                                                   f"{len(problems)} problem(s) to fix"))
    return ok


def check_reason(reason: dict) -> str:
    from etl.validate import reason_line

    return "rejected: " + reason_line(reason)


@main.command("places")
@click.option("--level", type=click.IntRange(0, 4), default=None,
              help="Only this admin level: 0 country, 1 governorate, 2 district, 3 sub-district, 4 community.")
@click.option("--search", default=None, help="Only places whose P-code or English or Arabic name holds this text.")
@db_option
@json_option
def places_cmd(level, search, db, as_json) -> None:
    """List the P-codes the warehouse knows, with English and Arabic names (to write a recipe or a file)."""
    from warehouse.queries import names

    path = _db(db)
    if not path.exists():
        raise click.UsageError(f"no warehouse at {path}: build it with `python -m etl build-reference`")
    frame = names.place_list(path, level, search)
    if as_json:
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=2))
        return
    if frame.empty:
        click.echo("no place matches" + (f" '{search}'" if search else "") + (f" at level {level}" if level is not None else ""))
        return
    _print_table(frame.fillna(""), title=f"{len(frame):,} places")


@main.command("kinds")
@recipes_option
def kinds_cmd() -> None:
    """List the file formats the ETL recognises."""
    for kind, description in sources.kinds().items():
        click.echo(f"{kind:28} {description}")


@main.command("status")
@db_option
@json_option
def status_cmd(db, as_json) -> None:
    """Tables with row counts, and the last loads."""
    path = _db(db)
    if not path.exists():
        click.echo(f"No warehouse at {path}. Run `python -m etl build-reference` or `make run`.", err=True)
        sys.exit(1)
    counts, history = admin.table_counts(path), admin.load_history(path, limit=10)
    if as_json:
        click.echo(json.dumps({"warehouse": str(path), "tables": counts.to_dict("records"),
                               "loads": history.to_dict("records")}, default=str, indent=2))
        return
    click.echo(f"Warehouse: {path}")
    _print_table(counts, "Tables")
    brief = ["load_id", "file_name", "kind", "status", "rows_loaded", "rows_rejected", "finished_at"]
    history = history.assign(finished_at=history["finished_at"].astype("string").str.slice(0, 16))
    _print_table(history[brief], "Last loads (python -m etl history for every column)")


def _iso(value, missing: str = "?") -> str:
    """A date as YYYY-MM-DD (query results carry timestamps); `missing` for none (None, NaT)."""
    return str(value)[:10] if value is not None and value == value else missing


@main.command("find")
@click.argument("number", type=float)
@click.option("--tolerance", "tolerance", type=click.FloatRange(min=0, max=100), default=0.0, show_default=True,
              envvar="DISPLACEMENT_FIND_TOLERANCE", help="Also figures within this many per cent (rounded quotes).")
@db_option
@json_option
def find_cmd(number, tolerance, db, as_json) -> None:
    """Where does this number come from? Every stored figure equal to NUMBER (or within --tolerance %),
    with publisher, title, date, what it counts, place, window, the file's sha256 and the URL.
    Exit status 0 when found, 1 when not."""
    from warehouse.queries import ledger

    path = _db(db)
    if not path.exists():
        click.echo(f"No warehouse at {path}. Run `python -m etl build-reference` or `make run`.", err=True)
        sys.exit(2)
    found = ledger.find(path, number, tolerance)
    if as_json:
        click.echo(json.dumps({"number": number, "tolerance_pct": tolerance, "found": found.to_dict("records")},
                              default=str, indent=2))
    elif found.empty:
        click.echo(f"No stored figure equals {number:,.0f}" + (f" within {tolerance:g} %." if tolerance else ".")
                   + " Try --tolerance 5 for a rounded figure.")
    for row in ([] if as_json else found.to_dict("records")):
        place = row["place_name"] or row["place_pcode"] or "no place given"
        click.echo(f"{row['value']:,.0f} {row['counts'].replace('_', ' ')} — {place}, "
                   f"{_iso(row['period_start'])} – {_iso(row['period_end'])}\n"
                   f"  {row['source_publisher']}, {row['source_title']} ({_iso(row['source_date'])})\n"
                   f"  {row['source_url'] or 'no URL recorded'}\n"
                   f"  file {row['file_name']} sha256 {row['file_sha256']}")
    sys.exit(0 if not found.empty else 1)


@main.command("history")
@click.option("--limit", default=50, show_default=True)
@db_option
@json_option
def history_cmd(limit, db, as_json) -> None:
    """Every load, newest first."""
    frame = admin.load_history(_db(db), limit=limit)
    if as_json:
        click.echo(frame.to_json(orient="records", date_format="iso"))
    else:
        _print_table(frame, "Loads")


@main.command("rejects")
@click.argument("load_id", type=int, required=False)
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Write the rejects to this CSV.")
@db_option
def rejects_cmd(load_id, csv_out, db) -> None:
    """Rejected rows (of one load, or of the last loads) with sheet, row, column and reason."""
    frame = admin.load_rejects(_db(db), load_id)
    if csv_out:
        frame.to_csv(csv_out, index=False, encoding="utf-8-sig")
        click.echo(f"{len(frame)} rejects written to {csv_out}")
    else:
        _print_table(frame.drop(columns=["raw"]), "Rejects")


@main.command("rollback")
@click.argument("load_id", type=int)
@click.option("--by", envvar="USER", default=None, help="Who is rolling back [default: $USER].")
@db_option
def rollback_cmd(load_id, by, db) -> None:
    """Remove a load's rows from the warehouse (recorded in the history, with who and when)."""
    try:
        click.echo(loading.rollback(_db(db), load_id, by=by))
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@main.command("versions")
@db_option
@json_option
def versions_cmd(db, as_json) -> None:
    """Every published version, newest first: number, time, who, what, loads, size, sha256, file kept."""
    from warehouse import versions

    noted = versions.listing(_db(db))
    if as_json:
        click.echo(json.dumps([v.__dict__ for v in noted]))
        return
    if not noted:
        click.echo("No versions noted yet: the next publish starts them.")
        return
    _print_table(versions.table(noted), "Warehouse versions")


@main.command("restore")
@click.argument("version", type=int)
@click.option("--by", envvar="USER", default=None, help="Who is restoring [default: $USER].")
@db_option
def restore_cmd(version, by, db) -> None:
    """Make a kept version live again (a publish itself: listed as a new version, so it can be undone)."""
    from warehouse.db import restore_version
    from warehouse.versions import VersionUnavailable

    path = _db(db)
    try:
        made = restore_version(path, version, by=by)
    except VersionUnavailable as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Version {version} is live again as version {made.number} ({made.loads} live loads). "
               f"To undo: python -m etl restore {made.number - 1} --db {path}")


@main.command("diff")
@click.argument("old", type=int, required=False)
@click.argument("new", type=int, required=False)
@db_option
@json_option
def diff_cmd(old, new, db, as_json) -> None:
    """What changed from version OLD to version NEW (default: the previous version and the live one): rows
    added and removed per table and source, figures revised (both values), reports added and removed."""
    from warehouse import WarehouseMissing, diff
    from warehouse.versions import VersionUnavailable

    try:
        changes = diff.compare(_db(db), old, new)
    except (VersionUnavailable, WarehouseMissing) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(changes.as_dict(), ensure_ascii=False, indent=1))
        return
    for line in _changes_lines(changes):
        click.echo(line)


def _changes_lines(changes) -> list[str]:
    """The plain-text report of `etl diff`."""
    def named(v) -> str:
        return f"version {v.number} ({v.at}, {v.what})"

    lines = [f"From {named(changes.old)}\n  to {named(changes.new)}"]
    if changes.empty:
        return lines + ["No changes."]
    if not changes.rows.empty:
        lines.append("Rows added and removed, per table and source:")
        lines += [f"  {r.table_name}: +{r.added} -{r.removed}  {r.publisher}, {r.title}"
                  for r in changes.rows.itertuples()]
    if not changes.revised.empty:
        lines.append("Figures revised (same publisher, place, window and measure):")
        lines += [f"  {r.table_name}: {r.publisher}, {r.place}, {_iso(r.period_start)} – {_iso(r.period_end)}, "
                  f"{r.measure}: {r.value_before:,.0f} → {r.value_after:,.0f}  ({r.report_after})"
                  for r in changes.revised.itertuples()]
    for change, heading in (("added", "Reports added:"), ("removed", "Reports removed:")):
        listed = changes.reports[changes.reports["change"] == change]
        if not listed.empty:
            lines.append(heading)
            lines += [f"  {r.publisher}, {r.title} ({_iso(r.published, 'no date')})"
                      for r in listed.itertuples()]
    return lines


@main.command("check")
@click.option("--accept", is_flag=True,
              help="Note the live file as published if its only problem is that it was not (a backup restored on purpose).")
@db_option
@json_option
def check_cmd(accept, db, as_json) -> None:
    """Integrity check: the file is the one published (size, sha256) and opens; row counts match the
    load audit, no orphan rows, every source cited exists, every block reads."""
    from warehouse import integrity

    path = _db(db)
    report = integrity.accept(path) if accept else integrity.check(path)
    if as_json:
        click.echo(json.dumps({**report.__dict__, "ok": report.ok}, indent=2))
    elif report.damaged:  # one line: what is wrong with the file, and how to put a whole one back
        click.echo(f"damaged warehouse: {report.damaged}. {integrity.restore_hint(path)}", err=True)
    else:
        click.echo(f"Warehouse: {report.path}: {report.live_loads} live loads, "
                   f"{sum(report.rows.values())} rows in {len(report.rows)} tables")
        for leftover in report.leftover_temp_files:
            click.echo(f"note: {leftover} was left by a killed load; the next load removes it")
        for problem in report.problems:
            click.echo(f"problem: {problem}", err=True)
        click.echo("integrity check passed" if report.ok else f"{len(report.problems)} problems found")
    if not report.ok:
        sys.exit(1)


@main.command("hash-password")
@click.option("--iterations", default=None, type=int, help="PBKDF2 iterations [default: 600000].")
@click.password_option("--password", envvar="DISPLACEMENT_NEW_PASSWORD",
                       help="Read from a hidden prompt (typed twice) unless given.")
def hash_password_cmd(iterations, password) -> None:
    """Print a salted hash of a data-officer password for secrets.toml (see docs/roles.md)."""
    from etl import passwords

    try:
        click.echo(passwords.hash_password(password, iterations or passwords.ITERATIONS))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command("template")
@click.argument("table", required=False)
@click.option("--out", "out", type=click.Path(path_type=Path), help="Write to FILE.csv or FILE.xlsx [default: CSV to stdout].")
@click.option("--list", "list_tables", is_flag=True, help="List the tables a template exists for.")
def template_cmd(table, out, list_tables) -> None:
    """Write an empty tidy template (header, HXL hashtag row; XLSX adds a README sheet)."""
    from etl import templates

    if list_tables:
        for name, description in templates.tables().items():
            click.echo(f"{name:18} {description}")
        return
    if not table or table not in templates.tables():
        raise click.UsageError(f"name a table: {', '.join(templates.tables())} (or use --list)")
    if out is None:
        click.echo(templates.csv_bytes(table).decode("utf-8-sig"), nl=False)
        return
    if out.suffix.lower().lstrip(".") not in templates.FORMATS:
        raise click.UsageError(f"--out must end in .csv or .xlsx, not {out.name!r}")
    templates.write_template(table, out)
    click.echo(f"template for {table} written to {out}")


@main.command("refresh")
@click.option("--manifest", type=click.Path(path_type=Path), default=None,
              help="Sources to load [default: etl/sources.toml].")
@click.option("--dry-run", is_flag=True, help="Fetch and validate; write nothing to the warehouse.")
@click.option("--loaded-by", envvar="USER", default=None, callback=_loaded_by,
              help="Who is loading [default: $USER, else your login name].")
@db_option
@json_option
def refresh_cmd(manifest, dry_run, loaded_by, db, as_json) -> None:
    """Load every source a manifest lists: local files, and HDX / UNHCR API / DTM API downloads."""
    from etl import refresh

    try:
        plan = refresh.read_manifest(manifest or refresh.DEFAULT_MANIFEST)
    except refresh.ManifestError as exc:
        raise click.UsageError(str(exc)) from exc
    show = _bar_wanted(as_json)
    with _file_bar(len(plan.entries), "fetching", enabled=show) as tick:
        planned = refresh.fetch_all(plan, tick=tick)
    with _file_bar(len(planned), "loading", enabled=show) as tick:
        reports = refresh.load_all(planned, _db(db), dry_run=dry_run, loaded_by=loaded_by, tick=tick)
    if as_json:
        _emit_reports(reports, as_json=True)
        return
    _print_summary(reports)
    for report in reports:
        if report.status == "failed":
            click.echo(report.message, err=True)
    if any(r.status == "failed" for r in reports):
        sys.exit(1)


def _print_summary(reports: list[loading.LoadReport]) -> None:
    import pandas as pd

    frame = pd.DataFrame([{"file": Path(r.file).name, "kind": r.kind or "", "status": r.status,
                           "rows loaded": r.rows_loaded, "rejected": r.rows_rejected, "seconds": f"{r.seconds:.2f}"}
                          for r in reports], columns=["file", "kind", "status", "rows loaded", "rejected", "seconds"])
    _print_table(frame, "Refresh")


@main.command("export-parquet")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Folder for the Parquet files.")
@click.option("--views-db", type=click.Path(path_type=Path), default=None,
              help="Also build a DuckDB file of views over the Parquet files (the dashboard can read it).")
@db_option
def export_parquet_cmd(out, views_db, db) -> None:
    """Write every warehouse table as Parquet (for object storage, DuckLake or MotherDuck)."""
    from warehouse.parquet import export_parquet, view_database

    written = export_parquet(_db(db), out)
    click.echo(f"{len(written)} files written to {out}")
    if views_db:
        click.echo(f"view database: {view_database(out, views_db)}")


endpoint_option = click.option(
    "--endpoint-url", envvar="DISPLACEMENT_S3_ENDPOINT", default=None, show_envvar=True,
    help="Address of an S3-compatible store (MinIO, a cloud's own) [default: AWS's].")


@main.command("publish-to")
@click.argument("target", envvar="DISPLACEMENT_PUBLISH_TO")
@endpoint_option
@db_option
@json_option
def publish_to_cmd(target, endpoint_url, db, as_json) -> None:
    """Copy each published version not yet at TARGET (a folder, file:// or s3://bucket/prefix) there, with a
    manifest (version, sha256, size, time) written last; followers read it (`follow`). Run it after each load."""
    from warehouse import replicate

    try:
        report = replicate.publish_to(_db(db), target, endpoint_url)
    except (replicate.NothingPublished, replicate.SourceUnavailable) as exc:
        click.echo(f"publish-to: {exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps(report.__dict__) if as_json else report.message)


@main.command("follow")
@click.argument("source", envvar="DISPLACEMENT_FOLLOW")
@click.option("--once", is_flag=True, help="Look once and exit (1 if the source could not be followed).")
@click.option("--interval", type=click.FloatRange(min=0), envvar="DISPLACEMENT_FOLLOW_INTERVAL", default=None,
              show_envvar=True, help="Seconds between looks at SOURCE [default: 60].")
@endpoint_option
@db_option
def follow_cmd(source, once, interval, endpoint_url, db) -> None:
    """Serve what the primary publishes: fetch each new version from SOURCE (what `publish-to` wrote), check
    its sha256 and swap it in as a local publish does; the dashboard here shows it at its next rerun."""
    from warehouse import replicate

    def say(line: str, error: bool) -> None:
        click.echo(f"follow: {line}", err=error)

    code = replicate.follow(_db(db), source, every=replicate.interval(interval), once=once,
                            endpoint_url=endpoint_url, say=say)
    sys.exit(code)
