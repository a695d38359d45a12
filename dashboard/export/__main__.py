"""Command line: `python -m dashboard.export --chart NAME --format png --out FILE [filters]`,
`python -m dashboard.export --brief --out pack.pdf [--since VERSION] [filters]`, `python -m dashboard.export --list`,
`python -m dashboard.export --site DIR [--lang en|ar] [filters]` (every page as static HTML, dashboard/export/site.py).

A thin layer over files.py and brief.py. Each option: the flag, then its
environment variable, then the default (the warehouse: --db, then
$DISPLACEMENT_DB, then data/warehouse.duckdb). With no --start/--end the export
covers the period the dashboard opens on (the offensive, as defined once in
warehouse/queries/periods.py); --whole-span exports every date.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from dashboard import i18n
from dashboard import catalog
from dashboard.export import files, images
from warehouse import WarehouseMissing, diff, resolve_db_path
from warehouse.versions import VersionUnavailable
from warehouse.queries import Filters, run
from warehouse.queries.periods import from_frame

FORMATS = tuple(files.FORMATS)


def _day(ctx, param, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--list", "list_charts", is_flag=True, help="Name the charts that can be exported.")
@click.option("--chart", envvar="EXPORT_CHART", help="Chart name (see --list).")
@click.option("--brief", is_flag=True, help="Export the briefing pack (PDF or HTML) instead of one chart.")
@click.option("--site", type=click.Path(path_type=Path, file_okay=False),
              help="Write every page as a static HTML snapshot into this folder (opens from file:// or any web server).")
@click.option("--lang", type=click.Choice(("en", "ar")), default="en", show_default=True,
              help="The language of the export: the briefing pack, a chart's title, legend and source footer, "
                   "and with --site the snapshot's pages (Arabic: right to left).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), envvar="EXPORT_FORMAT",
              help="File format; default: from the --out suffix.")
@click.option("--out", type=click.Path(path_type=Path), envvar="EXPORT_OUT",
              help="File to write; default: a name saying what and when, in the current folder.")
@click.option("--start", callback=_day, envvar="EXPORT_START", help="First day (YYYY-MM-DD).")
@click.option("--end", callback=_day, envvar="EXPORT_END", help="Last day (YYYY-MM-DD).")
@click.option("--whole-span", is_flag=True, envvar="EXPORT_WHOLE_SPAN",
              help="Every date loaded (default without --start/--end: the period the dashboard opens on, the offensive).")
@click.option("--governorate", multiple=True, envvar="EXPORT_GOVERNORATES", help="Governorate P-code, e.g. SY07 (repeatable).")
@click.option("--source", multiple=True, envvar="EXPORT_SOURCES", help="Source id (repeatable).")
@click.option("--figure-type", multiple=True, envvar="EXPORT_FIGURE_TYPES", help="Figure type, e.g. newly_displaced (repeatable).")
@click.option("--since", "since", type=int, envvar="EXPORT_SINCE",
              help="With --brief: add 'Changed since the last pack' (figures revised, reports added) since this "
                   "warehouse version (python -m etl versions), when something changed.")
@click.option("--db", envvar="DISPLACEMENT_DB", help="Warehouse file (default data/warehouse.duckdb).")
def main(list_charts, chart, brief, site, lang, fmt, out, start, end, whole_span, governorate, source, figure_type,
         since, db) -> None:
    """Export a chart, or the briefing pack, with its sources, reference period and export date."""
    if list_charts:
        for spec in catalog.CHARTS.values():
            click.echo(f"{spec.name}\t{spec.title}")
        return
    if start and end and start > end:
        raise click.UsageError(f"--start {start} is after --end {end}")
    if whole_span and (start or end):
        raise click.UsageError("--whole-span cannot be combined with --start/--end")
    if since is not None and not brief:
        raise click.UsageError("--since goes with --brief (what changed since the last pack)")
    db_path = resolve_db_path(db)
    try:
        if not (start or end or whole_span) and (brief or chart or site):
            start, end = _default_period(db_path)
        filters = Filters(start=start, end=end, governorates=tuple(governorate), sources=tuple(source),
                          figure_types=tuple(figure_type))
        with i18n.using(lang):
            if site:
                written = _site(site, filters, db_path, lang)
            elif brief:
                written = _brief(filters, db_path, fmt, out, since)
            elif chart:
                written = _chart(chart, filters, db_path, fmt, out)
            else:
                raise click.UsageError("name a chart with --chart NAME, or use --brief, --site DIR or --list")
    except (WarehouseMissing, VersionUnavailable, images.ImageExportUnavailable) as error:
        raise click.ClickException(str(error)) from None
    for path in written:
        click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")


def _default_period(db_path: Path):
    """The dashboard's default period (the offensive), said on the terminal; (None, None) for the whole span."""
    period = from_frame(run(db_path, "periods.default_period"))
    if period is None or not period.is_offensive:
        return None, None
    click.echo(f"period: {period.label} ({period.start} – {period.end}), the dashboard's default; "
               f"--whole-span for every date", err=True)
    return period.start, period.end


def _format(fmt: str | None, out: Path | None, allowed: tuple[str, ...], default: str) -> str:
    if fmt is None and out is not None:
        fmt = out.suffix.lower().lstrip(".") or None
    fmt = fmt or default
    if fmt not in allowed:
        raise click.UsageError(f"format {fmt!r} is not one of {', '.join(allowed)}")
    return fmt


def _chart(name: str, filters: Filters, db_path: Path, fmt: str | None, out: Path | None) -> list[Path]:
    if name not in catalog.CHARTS:
        raise click.UsageError(f"unknown chart {name!r}; charts: {', '.join(catalog.CHARTS)}")
    fmt = _format(fmt, out, FORMATS, "png")
    chart, exported = files.export_named(name, fmt, filters, db_path)
    target = out or Path(exported.file_name)
    written = [files.write(exported.data, target)]
    if fmt == "csv":  # CSV is data only: its citation goes next to it
        about = files.about_for(chart, filters, query=catalog.direct_query(db_path))
        written.append(files.write(about.text().encode("utf-8"), target.with_name(target.stem + ".about.txt")))
    return written


def _site(folder: Path, filters: Filters, db_path: Path, lang: str) -> list[Path]:
    from dashboard.export import site

    if not db_path.exists():
        raise WarehouseMissing(f"no warehouse at {db_path}")
    written = site.build_site(folder, db_path, filters, lang)
    pages = [p for p in written if p.suffix == ".html"]
    total = sum(p.stat().st_size for p in written)
    click.echo(f"{len(pages)} pages, {len(written) - len(pages)} other files, {total / 1024:,.0f} KB in all; "
               f"open {folder / 'index.html'}")
    return pages


def _brief(filters: Filters, db_path: Path, fmt: str | None, out: Path | None, since: int | None) -> list[Path]:
    from dashboard.export import brief  # fpdf2 and fonts load only for the pack

    fmt = _format(fmt, out, ("pdf", "html"), "pdf")
    changes = diff.compare(db_path, since) if since is not None else None
    name, data = brief.briefing_pack(catalog.direct_query(db_path), filters, fmt, changes=changes)
    return [files.write(data, out or Path(name))]


if __name__ == "__main__":
    sys.exit(main())
