"""The briefing pack: the current view as one PDF (or one self-contained HTML
page) that a policymaker can forward as it is.

Contents: a title page with the filters and headline figures (each with its
source and reference date), every catalogue chart, the conflict events in the
period, and a sources-and-methodology section listing every source in the
warehouse with publisher, title, URL, publication date, and the file it was
loaded from (load date, sha256), so any figure can be traced back.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard import catalog
from dashboard.catalog import ChartData, Query
from dashboard.export import images
from dashboard.export.about import PROJECT, About, day, describe_filters, file_stem, period_text
from dashboard.export.files import about_for, filter_names, version_label
from dashboard.export.pdf import BriefPDF
from warehouse.queries import Filters

TITLE = "Displacement in Northwest Syria — briefing pack"
SUBTITLE = "Idleb and northern Aleppo, against the conflict timeline of the 2019–2020 offensive"
PNG_SCALE = 2  # 2400 px wide: sharp in print at A4 width, small enough to keep the pack light
METHODOLOGY = (
    "Figures are shown as each publisher reported them. Flows (people displaced or arriving during a "
    "reference period) and stocks (people present at the end of it) are never added together, and figures "
    "from different publishers are never summed. Reports covering more than a month are usually cumulative "
    "('since 1 December') and are shown, not added to monthly figures. Distances to the Turkish border are "
    "computed from place coordinates. Every figure in the warehouse carries the source it was typed or "
    "loaded from and the load that brought it; the list below names both."
)


@dataclass(frozen=True)
class Headline:
    label: str
    value: float
    period: tuple[date | None, date | None]
    source: str
    note: str = ""


@dataclass
class Pack:
    """Everything the pack shows, gathered once, then written as PDF or HTML."""

    filters: Filters
    filters_text: str
    exported_on: date
    version: str
    headlines: list[Headline]
    charts: list[tuple[ChartData, About]]
    events: pd.DataFrame
    sources: pd.DataFrame
    pictures: dict[str, object] = field(default_factory=dict)  # chart name -> Future of PNG bytes, or the error


# --- gathering ----------------------------------------------------------------

def _first(query: Query, name: str, filters: Filters) -> pd.Series | None:
    """The best row of a headline query; None when it has no row or does not exist yet."""
    try:
        frame = query(name, filters)
    except (ImportError, AttributeError):
        return None
    return None if frame.empty else frame.iloc[0]


def _source(row: pd.Series) -> str:
    text = f"{row.get('source_publisher')}, {row.get('source_title')}"
    published = row.get("source_date")
    return text + (f" ({pd.Timestamp(published):%Y-%m-%d})" if published is not None and pd.notna(published) else "")


def _period(row: pd.Series) -> tuple[date | None, date | None]:
    start, end = row.get("period_start"), row.get("period_end")
    return (pd.Timestamp(start).date() if pd.notna(start) else None, pd.Timestamp(end).date() if pd.notna(end) else None)


def _reports(row: pd.Series) -> str:
    """'2 non-overlapping reports of 5' when the headline query says how it summed."""
    if pd.notna(row.get("reports")):
        offered = row.get("reports_offered")
        return f"sum of {int(row['reports'])} non-overlapping report(s)" + (
            f" of {int(offered)}" if pd.notna(offered) else "")
    return ""


def _displaced(row: pd.Series) -> Headline:
    label = "People newly displaced" if row["figure_type"] == "newly_displaced" else "IDP arrivals"
    return Headline(label, row["value"], _period(row), _source(row), _reports(row))


def _near_border(row: pd.Series) -> Headline | None:
    if not row.get("placed"):
        return None  # no IDP place has a known distance: a 0 here would be misleading
    return Headline(f"IDPs within {row['km']:g} km of the Turkish border", row["value"], (None, _period(row)[1]),
                    _source(row), f"of {row['total']:,.0f} IDPs reported on that date ({row['placed']:,.0f} placed)")


def _refugees(row: pd.Series) -> Headline:
    return Headline("Syrian refugees in Turkey", row["value"], (None, _period(row)[1]), _source(row),
                    str(row["population_type"]).replace("_", " "))


def _deaths(row: pd.Series) -> Headline:
    spread = f"range {row['low']:,.0f}–{row['high']:,.0f}" if pd.notna(row.get("low")) and pd.notna(row.get("high")) else ""
    note = "; ".join(part for part in (_reports(row), spread) if part)
    return Headline(f"Recorded deaths ({row['category']})", row["value"], _period(row), _source(row), note)


def _camps(row: pd.Series) -> Headline:
    capacity = f"stated capacity {row['capacity']:,.0f}" if pd.notna(row.get("capacity")) else ""
    return Headline(f"People in {int(row['camps'])} camps (latest count each)", row["value"], _period(row),
                    _source(row), capacity)


HEADLINES: tuple[tuple[str, Callable[[pd.Series], Headline | None]], ...] = (
    ("headlines.displaced", _displaced),
    ("headlines.idps_near_border", _near_border),
    ("headlines.deaths", _deaths),
    ("headlines.refugees_in_turkey", _refugees),
    ("headlines.camp_occupancy", _camps),
)


def headline_figures(query: Query, filters: Filters) -> list[Headline]:
    """One number per theme (the headline queries' best row), each with its source."""
    found = []
    for name, make in HEADLINES:
        row = _first(query, name, filters)
        headline = make(row) if row is not None and pd.notna(row.get("value")) else None
        if headline is not None:
            found.append(headline)
    return found


def _start_picture(chart: ChartData, about: About) -> object:
    """Start the chart's PNG in Chromium now, so it draws while Python builds the next chart."""
    try:
        return images.render_async(images.decorate(chart, about), "png", scale=PNG_SCALE)
    except images.ImageExportUnavailable as missing:
        return missing


def gather(query: Query, filters: Filters, *, charts: list[str] | None = None,
           exported_on: date | None = None, pictures: bool = False) -> Pack:
    """Run every query the pack needs; with `pictures`, start drawing the chart images too."""
    exported_on = exported_on or date.today()
    built, started = [], {}
    for name in charts or list(catalog.CHARTS):
        chart = catalog.build(name, query, filters)
        about = about_for(chart, filters, query=query, exported_on=exported_on)
        built.append((chart, about))
        if pictures and not chart.is_empty:
            started[name] = _start_picture(chart, about)
    return Pack(
        filters=filters,
        filters_text=describe_filters(filters, filter_names(query, filters)),
        exported_on=exported_on,
        version=version_label(query),
        headlines=headline_figures(query, filters),
        charts=built,
        events=query("timeline.events", filters),
        sources=query("briefing.sources_with_loads", None),
        pictures=started,
    )


# --- PDF ----------------------------------------------------------------------

def to_pdf(pack: Pack) -> bytes:
    """The pack as PDF. Without Chromium, charts are replaced by a note saying what to install."""
    pdf = BriefPDF(f"{PROJECT} · exported {pack.exported_on:%Y-%m-%d}")
    _title_page(pdf, pack)
    for chart, about in pack.charts:
        picture = pack.pictures.get(chart.name) or (None if chart.is_empty else _start_picture(chart, about))
        _chart_page(pdf, chart, about, picture)
    _events_page(pdf, pack.events)
    _sources_pages(pdf, pack.sources)
    return pdf.bytes()


def _title_page(pdf: BriefPDF, pack: Pack) -> None:
    pdf.add_page()
    pdf.heading(TITLE, size=20)
    pdf.paragraph(SUBTITLE, size=12)
    pdf.paragraph(f"Filters: {pack.filters_text}", bold_label=True)
    pdf.paragraph(f"Exported: {pack.exported_on:%Y-%m-%d} · warehouse {pack.version}", bold_label=True)
    if pdf.font_note:
        pdf.paragraph(pdf.font_note, size=9)
    pdf.heading("Headline figures", size=14)
    if not pack.headlines:
        pdf.paragraph("No headline figures for this selection.")
    for item in pack.headlines:
        pdf.paragraph(f"{item.label}: {item.value:,.0f}", size=12, bold=True)
        when = period_text(*item.period) if item.period[0] else f"as of {day(item.period[1])}"
        pdf.paragraph(f"{when}. {item.note + '. ' if item.note else ''}Source: {item.source}", size=9)
    pdf.paragraph(METHODOLOGY, size=9)


def _chart_page(pdf: BriefPDF, chart: ChartData, about: About, picture: object) -> None:
    pdf.add_page()
    pdf.heading(chart.title, size=14)
    if chart.is_empty:
        pdf.paragraph(f"{chart.empty_message} ({about.filters})")
        return
    if isinstance(picture, images.ImageExportUnavailable):
        pdf.paragraph(f"Chart image unavailable: {picture} The HTML briefing pack shows it.", size=10)
    else:
        try:
            pdf.image_png(images.collect(picture))
        except Exception as error:  # noqa: BLE001 - one chart that fails to draw must not sink the pack
            pdf.paragraph(f"Chart image could not be drawn ({type(error).__name__}: {error}).", size=10)
    pdf.paragraph(f"Reference period: {about.period_text}. {about.measure}", size=9)
    pdf.paragraph("Sources: " + about.sources_text, size=8)


def _events_page(pdf: BriefPDF, events: pd.DataFrame) -> None:
    pdf.add_page()
    pdf.heading("Conflict events in the period", size=14)
    if events.empty:
        pdf.paragraph("No events recorded for this selection.")
    for event in events.itertuples():
        pdf.paragraph(f"{pd.Timestamp(event.event_date):%Y-%m-%d} — {event.title}", size=10, bold=True)
        pdf.paragraph(f"Source: {event.source_publisher}, {event.source_title}", size=8)


def _sources_pages(pdf: BriefPDF, sources: pd.DataFrame) -> None:
    pdf.add_page()
    pdf.heading("Sources and methodology", size=14)
    pdf.paragraph(METHODOLOGY, size=9)
    pdf.paragraph(f"{sources['source_id'].nunique()} sources in the warehouse:", size=10, bold=True)
    for _, rows in sources.groupby("source_id", sort=False):
        first = rows.iloc[0]
        pdf.paragraph(f"{first['publisher']} — {first['title']}", size=9, bold=True)
        pdf.paragraph(_source_detail(first), size=8)
        for load in rows.dropna(subset=["load_id"]).itertuples():
            pdf.paragraph(_load_detail(load), size=7, mono=True)


def _source_detail(row: pd.Series, with_url: bool = True) -> str:
    parts = [f"Published: {pd.Timestamp(row['published']):%Y-%m-%d}" if pd.notna(row["published"]) else "Published: not stated"]
    if with_url and pd.notna(row["url"]):
        parts.append(f"URL: {row['url']}")
    if pd.notna(row["licence"]):
        parts.append(f"Licence: {row['licence']}")
    if bool(row["is_synthetic"]):
        parts.append("SYNTHETIC DATA (made by code for tests or benchmarks, not real figures)")
    return " · ".join(parts)


def _load_detail(load) -> str:
    when = f"{pd.Timestamp(load.loaded_at):%Y-%m-%d %H:%M}" if pd.notna(load.loaded_at) else "?"
    return f"Loaded {when} from {load.file_name} (load {int(load.load_id)}, {int(load.fact_rows)} rows) sha256 {load.file_sha256}"


# --- HTML ---------------------------------------------------------------------

def to_html(pack: Pack) -> bytes:
    """The pack as one self-contained page: plotly.js embedded once, interactive charts."""
    parts = [f"<h1>{html.escape(TITLE)}</h1><p>{html.escape(SUBTITLE)}</p>",
             f"<p><b>Filters:</b> {html.escape(pack.filters_text)}<br><b>Exported:</b> "
             f"{pack.exported_on:%Y-%m-%d} · warehouse {html.escape(pack.version)}</p>",
             _headlines_html(pack.headlines)]
    first = True
    for chart, about in pack.charts:
        parts.append(f"<section class='chart'><h2>{html.escape(chart.title)}</h2>")
        if chart.is_empty:
            parts.append(f"<p>{html.escape(chart.empty_message)}</p>")
        else:
            fig = images.decorate(chart, about)
            parts.append(fig.to_html(full_html=False, include_plotlyjs=first, config=images.PLOTLY_CONFIG))
            first = False
        parts.append(f"<p>Reference period: {html.escape(about.period_text)}. {html.escape(about.measure)}</p>"
                     f"<p class='small'>Sources: {html.escape(about.sources_text)}</p></section>")
    parts.append(_events_html(pack.events))
    parts.append(_sources_html(pack.sources))
    return images.html_page(TITLE, "".join(parts)).encode("utf-8")


def _headlines_html(headlines: list[Headline]) -> str:
    if not headlines:
        return "<h2>Headline figures</h2><p>No headline figures for this selection.</p>"
    rows = "".join(
        f"<tr><td>{html.escape(h.label)}</td><td style='text-align:right'><b>{h.value:,.0f}</b></td>"
        f"<td>{html.escape(period_text(*h.period) if h.period[0] else 'as of ' + day(h.period[1]))}</td>"
        f"<td>{html.escape(h.note)}</td><td>{html.escape(h.source)}</td></tr>"
        for h in headlines
    )
    return ("<h2>Headline figures</h2><table><tr><th>Figure</th><th>Value</th><th>Reference period</th>"
            f"<th>Note</th><th>Source</th></tr>{rows}</table>")


def _events_html(events: pd.DataFrame) -> str:
    rows = "".join(
        f"<tr><td>{pd.Timestamp(e.event_date):%Y-%m-%d}</td><td>{html.escape(str(e.title))}</td>"
        f"<td>{html.escape(f'{e.source_publisher}, {e.source_title}')}</td></tr>"
        for e in events.itertuples()
    )
    return ("<h2>Conflict events in the period</h2>"
            + (f"<table><tr><th>Date</th><th>Event</th><th>Source</th></tr>{rows}</table>" if rows else "<p>None.</p>"))


def _sources_html(sources: pd.DataFrame) -> str:
    items = []
    for _, rows in sources.groupby("source_id", sort=False):
        first = rows.iloc[0]
        url = f" <a href='{html.escape(str(first['url']))}'>{html.escape(str(first['url']))}</a>" if pd.notna(first["url"]) else ""
        loads = "".join(f"<br><code>{html.escape(_load_detail(load))}</code>" for load in rows.dropna(subset=["load_id"]).itertuples())
        items.append(f"<li><b>{html.escape(str(first['publisher']))}</b> — {html.escape(str(first['title']))}. "
                     f"{html.escape(_source_detail(first, with_url=False))}{url}{loads}</li>")
    return (f"<h2>Sources and methodology</h2><p>{html.escape(METHODOLOGY)}</p>"
            f"<p>{sources['source_id'].nunique()} sources in the warehouse:</p><ol class='small'>{''.join(items)}</ol>")


def pack_file_name(query: Query, filters: Filters, fmt: str) -> str:
    """`briefing-pack_2019-12-01_2020-03-31.pdf`: the filter dates, else the warehouse's date span."""
    span = query("options.date_span", None)
    first, last = (span.iloc[0]["first_day"], span.iloc[0]["last_day"]) if not span.empty else (None, None)
    as_date = [pd.Timestamp(v).date() if v is not None and pd.notna(v) else None for v in (first, last)]
    return f"{file_stem('briefing-pack', filters, (as_date[0], as_date[1]))}.{fmt}"


def briefing_pack(query: Query, filters: Filters, fmt: str, *, exported_on: date | None = None,
                  charts: list[str] | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the pack as 'pdf' or 'html'."""
    if fmt not in ("pdf", "html"):
        raise ValueError(f"the briefing pack is PDF or HTML, not {fmt!r}")
    pack = gather(query, filters, charts=charts, exported_on=exported_on, pictures=fmt == "pdf")
    return pack_file_name(query, filters, fmt), (to_pdf(pack) if fmt == "pdf" else to_html(pack))
