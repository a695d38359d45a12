"""The briefing pack: the selected period as 2–6 printed A4 pages in the style of
a humanitarian flash update, or the same content as one self-contained HTML page.

First page: title, period, key messages (dashboard.key_messages, the same sentences
as the crisis page), key figures, key events and the map of where people went. Then the story's charts (dashboard.story) at full width, two to a page
where they fit; charts with no figures for the selection get no page, only a
"Not shown" line. Every headline, event and chart carries numbered references
([1], [3]–[5]) to the list of sources at the end (publisher, title, date, link).
The footer of every page names the export date, the filters and the warehouse
version, so a printed page is never orphaned from its data.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard import catalog, changes as changes_text, i18n, story
from dashboard.key_messages import key_messages
from dashboard.catalog import ChartData, Query
from dashboard.export import images, printed
from dashboard.export.about import PROJECT, About, day, describe_filters, file_stem, period_text
from dashboard.export.files import about_for, filter_names, version_label
from dashboard.export.references import Reference, References, label
from dashboard.story import Headline
from dashboard.i18n import N_, _
from warehouse import diff
from warehouse.links import web_link
from warehouse.queries import Filters

TITLE = N_("Displacement in Northwest Syria")   # English here; every use reads _(TITLE), the pack's language
KICKER = N_("Northwest Syria · Briefing")
SUBTITLE = N_("Idleb and northern Aleppo, against the conflict timeline of the 2019–2020 offensive")
PNG_SCALE = 2      # 1920 px for 180 mm: about 270 dpi on paper
MAX_PAGES = 6
METHODOLOGY = N_(
    "Figures are shown as each publisher reported them, over the period each report covers. Flows (people "
    "displaced during a period) and stocks (people present at a date) are never added together, figures from "
    "different publishers are never summed, and cumulative reports ('since 1 December') are drawn as their own "
    "series. Distances to the Turkish border are computed from place coordinates."
)

__all__ = ["Changed", "Headline", "Pack", "PackChart", "briefing_pack", "changed_since", "gather", "pack_file_name",
           "to_html", "to_pdf"]
CHANGED = N_("Changed since the last pack")
MAX_CHANGED_LINES = 8   # each list; the rest is counted, and `python -m etl diff` lists it whole


@dataclass
class PackChart:
    """One chart of the pack with its citation and reference numbers."""

    chart: ChartData
    about: About
    section: str
    refs: list[int]
    picture: object = None      # a Future of PNG bytes, or ImageExportUnavailable

    @property
    def caption(self) -> str:
        when = _("Reference period: {period}").format(period=self.about.period_text) + "." if any(self.about.period) else ""
        return " ".join(part for part in (when, self.about.measure) if part)


@dataclass(frozen=True)
class Changed:
    """The pack's "Changed since the last pack": figures revised in the pack's period and reports added since
    the version the last pack was made from, each list cut at MAX_CHANGED_LINES with the rest counted."""

    since: str                  # 'Since warehouse version 3 (8 Dec 2026):'
    revised: list[str]
    reports: list[str]
    more_revised: int = 0
    more_reports: int = 0

    def lines(self) -> list[tuple[str, list[str]]]:
        """(sub-heading, bullets) for each list that has something to say."""
        out = []
        for heading, items, more in ((_("Figures revised"), self.revised, self.more_revised),
                                     (_("Reports added"), self.reports, self.more_reports)):
            if items:
                out.append((heading, items + ([_("… and {count} more (python -m etl diff lists them all).").format(
                    count=i18n.number(more))] if more else [])))
        return out


def changed_since(changes: diff.Changes | None, query: Query, filters: Filters) -> Changed | None:
    """The section, or None when there is nothing to say: no revision of a figure whose period overlaps the
    pack's, and no report added."""
    if changes is None:
        return None
    revised = changes.revised
    if filters.start:
        revised = revised[pd.to_datetime(revised["period_end"]).dt.date >= filters.start]
    if filters.end:
        revised = revised[pd.to_datetime(revised["period_start"]).dt.date <= filters.end]
    added = changes.reports_added()
    if revised.empty and added.empty:
        return None
    known = changes_text.names(query) if not revised.empty else {}
    revised_lines = [changes_text.revised_sentence(row, known) for _i, row in revised.iterrows()]
    report_lines = [changes_text.report_sentence(row) for _i, row in added.iterrows()]
    since = _("Since warehouse version {number} ({day}):").format(
        number=i18n.number(changes.old.number), day=i18n.day(date.fromisoformat(changes.old.at[:10])))
    return Changed(since, revised_lines[:MAX_CHANGED_LINES], report_lines[:MAX_CHANGED_LINES],
                   max(len(revised_lines) - MAX_CHANGED_LINES, 0), max(len(report_lines) - MAX_CHANGED_LINES, 0))


@dataclass
class Pack:
    """Everything the pack shows, gathered once, then written as PDF or HTML."""

    filters: Filters
    filters_text: str
    period_text: str
    exported_on: date
    version: str
    headlines: list[tuple[Headline, int]]
    events: list[tuple[pd.Series, int]]
    map: PackChart | None
    charts: list[PackChart]
    not_shown: list[str]
    references: list[Reference] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)   # key messages, each source as its [n]
    language: str = i18n.DEFAULT   # the pack's language: Arabic packs are laid out right to left
    changed: Changed | None = None  # "Changed since the last pack" (--since VERSION), when there is something

    @property
    def footer_lines(self) -> list[str]:
        if self.language == "en":
            return [f"Exported {day(self.exported_on)} from the {PROJECT} · warehouse: {self.version}",
                    f"Filters: {self.filters_text}"]
        return [_("Exported {day} from the {project} · warehouse: {version}").format(
                    day=day(self.exported_on), project=_(PROJECT), version=i18n.isolate(self.version)),
                _("Filters: {filters}").format(filters=self.filters_text)]


# --- gathering ----------------------------------------------------------------

@dataclass(frozen=True)
class _EventSource:
    publisher: str
    title: str
    published: object
    url: str | None


def _event_source(event: pd.Series) -> _EventSource:
    url = event.get("source_url")
    return _EventSource(str(event["source_publisher"]), str(event["source_title"]), event.get("source_date"),
                        url if isinstance(url, str) and url else None)


def _period_text(query: Query, filters: Filters) -> str:
    if filters.start or filters.end:
        return period_text(filters.start, filters.end)
    span = query("options.date_span", None)
    if span.empty or pd.isna(span.iloc[0]["first_day"]):
        return _("All dates")
    return period_text(pd.Timestamp(span.iloc[0]["first_day"]).date(), pd.Timestamp(span.iloc[0]["last_day"]).date())


def start_picture(chart: ChartData) -> object:
    """Start the chart's PNG in Chromium now, so it draws while Python builds the next chart."""
    try:
        return images.render_async(printed.for_print(chart), "png", scale=PNG_SCALE)
    except images.ImageExportUnavailable as missing:
        return missing


def gather(query: Query, filters: Filters, *, charts: list[str] | None = None,
           exported_on: date | None = None, pictures: bool = False, changes: diff.Changes | None = None) -> Pack:
    """Run every query the pack needs and number the sources; with `pictures`, start drawing the charts;
    with `changes` (since the last pack's version), say what changed."""
    exported_on = exported_on or date.today()
    refs = References(query("briefing.sources_with_loads", None))
    messages = [m.text for m in key_messages(query, filters, cite=lambda source: label([refs.number(source)]))]
    headlines = [(h, refs.number(h)) for h in story.headline_figures(query, filters)]
    events = story.key_events(i18n.event_titles(query("timeline.events", filters)))
    numbered_events = [(event, refs.number(_event_source(event))) for _, event in events.iterrows()]
    the_map, drawn, not_shown = None, [], []
    names = charts or story.pack_charts()
    # the map is on the first page: its sources are numbered before the charts'
    for name in sorted(names, key=lambda n: n != story.MAP_CHART):
        chart = story.on_period(catalog.build(name, query, filters), filters)
        section = story.section_of(name)
        is_map = name == story.MAP_CHART
        if (chart.figure is None or (chart.is_empty and not is_map)) and not chart.note:  # a note is said
            not_shown.append(chart.title)
            continue
        cited = getattr(chart, "references", None) or chart.sources  # records with links, else text
        item = PackChart(chart, about_for(chart, filters, query=query, exported_on=exported_on),
                         _(section.heading) if section else "", refs.cite(cited))
        if pictures:
            item.picture = start_picture(chart)
        if is_map:
            the_map = item
        else:
            drawn.append(item)
    return Pack(
        filters=filters, filters_text=describe_filters(filters, filter_names(query, filters)),
        period_text=_period_text(query, filters), exported_on=exported_on, version=version_label(query),
        headlines=headlines, events=numbered_events, map=the_map, charts=drawn, not_shown=not_shown,
        references=refs.entries, messages=messages, language=i18n.language(),
        changed=changed_since(changes, query, filters),
    )


def headline_parts(headline: Headline) -> tuple[str, str, str]:
    """(number, label, 'when · note') as a key-figure box shows them."""
    when = _("as of {day}").format(day=day(headline.period[1])) if headline.is_stock else period_text(*headline.period)
    extra = "".join(f" · {text}" for text in (headline.note, headline.ledger) if text)
    return i18n.number(headline.value), headline.label, when + extra


def event_line(event: pd.Series) -> str:
    return f"{day(pd.Timestamp(event['event_date']).date())} — {i18n.isolate(event['title'])}"


# --- PDF ----------------------------------------------------------------------

def to_pdf(pack: Pack) -> bytes:
    """The pack as PDF, at most MAX_PAGES pages when the charts can shrink to fit."""
    from dashboard.export import brief_pdf  # fpdf2 and the fonts load only for the PDF

    return brief_pdf.write(pack, MAX_PAGES)


# --- HTML ---------------------------------------------------------------------

CSS = """
body{max-width:1100px}
.band{background:#005EB8;color:#fff;padding:14px 20px;margin:-2em -2em 1em;display:flex;justify-content:space-between}
.band h1{margin:.1em 0;font-size:1.8em}.kicker{font-weight:bold;font-size:.8em;letter-spacing:.05em}
.when{text-align:right}.label{color:#005EB8;text-transform:uppercase;font-size:.85em;border-bottom:2px solid #005EB8;
margin-top:1.6em;padding-bottom:2px;letter-spacing:.04em}
.figures{display:flex;gap:12px}.figure{flex:1;border-left:4px solid #005EB8;padding:4px 10px}
.figure .n{font-size:1.8em;font-weight:bold;color:#005EB8}.figure .what{font-weight:bold}
.small,.figure .fwhen{font-size:.8em;color:#555}.refs{font-size:.8em;color:#005EB8}
ol.sources{font-size:.85em;list-style:none;padding-left:0}ol.sources li{margin:.25em 0;padding-left:2.6em;text-indent:-2.6em}
footer.pack{font-size:.8em;color:#555;border-top:1px solid #ccc;margin-top:2em;padding-top:.5em}
@media print{.band{margin:0}}
"""
RTL_CSS = """
body{font-family:'Noto Sans Arabic','DejaVu Sans',Arial,sans-serif}
.when{text-align:left}.figure{border-left:none;border-right:4px solid #005EB8}
ol.sources{padding-right:0}ol.sources li{padding-left:0;padding-right:2.6em}
.label{text-transform:none;letter-spacing:0}
"""


def _refs_html(numbers: list[int]) -> str:
    return f"<span class='refs'>{html.escape(label(numbers))}</span>" if numbers else ""


def _figure_html(item: PackChart, first: bool) -> str:
    fig = printed.for_print(item.chart)
    fig.update_layout(width=None, autosize=True)
    return fig.to_html(full_html=False, include_plotlyjs=first, config=images.PLOTLY_CONFIG)


def _chart_html(item: PackChart, first: bool) -> str:
    sources = html.escape(_("Sources:"))
    return (f"<section class='chart'><h3>{html.escape(item.chart.title)}</h3>{_figure_html(item, first)}"
            f"<p class='small'>{html.escape(item.caption)} {sources} {_refs_html(item.refs)}</p></section>")


def to_html(pack: Pack) -> bytes:
    """The pack as one self-contained page: plotly.js embedded once, interactive charts."""
    issued, key_figures = _("Issued {day}").format(day=day(pack.exported_on)), _("Key figures")
    no_figures, key_events = _("No headline figures for this selection."), _("Key events")
    parts = [f"<style>{CSS}{RTL_CSS if pack.language in i18n.RTL else ''}</style><header class='band'><div>"
             f"<div class='kicker'>{html.escape(_(KICKER).upper())}</div>"
             f"<h1>{html.escape(_(TITLE))}</h1><div>{html.escape(_(SUBTITLE))}</div></div>"
             f"<div class='when'><b>{html.escape(pack.period_text)}</b><br>"
             f"{html.escape(issued)}</div></header>"]
    if pack.messages:
        items, heading = "".join(f"<li>{html.escape(text)}</li>" for text in pack.messages), _("Key messages")
        parts.append(f"<h2 class='label'>{html.escape(heading)}</h2><ul class='messages'>{items}</ul>")
    parts.append(f"<h2 class='label'>{html.escape(key_figures)}</h2>")
    if not pack.headlines:
        parts.append(f"<p>{html.escape(no_figures)}</p>")
    boxes = "".join(
        f"<div class='figure'><div class='n'>{html.escape(n)}</div><div class='what'>{html.escape(what)}</div>"
        f"<div class='fwhen'>{html.escape(when)} {_refs_html([ref])}</div></div>"
        for (n, what, when), ref in ((headline_parts(h), ref) for h, ref in pack.headlines))
    parts.append(f"<div class='figures'>{boxes}</div>")
    if pack.events:
        items = "".join(f"<li>{html.escape(event_line(e))} {_refs_html([ref])}</li>" for e, ref in pack.events)
        parts.append(f"<h2 class='label'>{html.escape(key_events)}</h2><ul>{items}</ul>")
    first = True
    sections = ([(pack.map.section, pack.map)] if pack.map else []) + [(c.section, c) for c in pack.charts]
    current = None
    for section, item in sections:
        if section != current:
            parts.append(f"<h2 class='label'>{html.escape(section)}</h2>")
            current = section
        parts.append(_chart_html(item, first))
        first = False
    parts.append(_changed_html(pack.changed))
    if pack.not_shown:
        not_shown = _("Not shown")
        why = _("(no figures for this selection): {charts}.").format(charts="; ".join(pack.not_shown))
        parts.append(f"<p class='small'><b>{html.escape(not_shown)}</b> {html.escape(why)}</p>")
    parts.append(_sources_html(pack.references))
    parts.append("<footer class='pack'>" + "<br>".join(html.escape(line) for line in pack.footer_lines) + "</footer>")
    return images.html_page(_("{title} — briefing, {period}").format(title=_(TITLE), period=pack.period_text),
                            "".join(parts)).encode("utf-8")


def _changed_html(changed: Changed | None) -> str:
    if changed is None:
        return ""
    parts = [f"<h2 class='label'>{html.escape(_(CHANGED))}</h2><p>{html.escape(changed.since)}</p>"]
    for heading, items in changed.lines():
        bullets = "".join(f"<li>{html.escape(item)}</li>" for item in items)
        parts.append(f"<p class='small'><b>{html.escape(heading)}</b></p><ul class='changed'>{bullets}</ul>")
    return "".join(parts)


def _sources_html(references: list[Reference]) -> str:
    items = []
    for ref in references:
        url = web_link(ref.url)
        link = f" <a href='{html.escape(url)}'>{html.escape(url)}</a>" if url else ""
        items.append(f"<li id='ref-{ref.number}'><b>[{ref.number}]</b> {html.escape(ref.text)}{link}</li>")
    heading, methodology = _("Sources"), _(METHODOLOGY)
    return (f"<h2 class='label'>{html.escape(heading)}</h2><p class='small'>{html.escape(methodology)}</p>"
            f"<ol class='sources'>{''.join(items)}</ol>")


def pack_file_name(query: Query, filters: Filters, fmt: str) -> str:
    """`briefing-pack_2019-12-01_2020-03-31.pdf`: the filter dates, else the warehouse's date span."""
    span = query("options.date_span", None)
    first, last = (span.iloc[0]["first_day"], span.iloc[0]["last_day"]) if not span.empty else (None, None)
    as_date = [pd.Timestamp(v).date() if v is not None and pd.notna(v) else None for v in (first, last)]
    return f"{file_stem('briefing-pack', filters, (as_date[0], as_date[1]))}.{fmt}"


def briefing_pack(query: Query, filters: Filters, fmt: str, *, exported_on: date | None = None,
                  charts: list[str] | None = None, changes: diff.Changes | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the pack as 'pdf' or 'html'; with `changes`, "Changed since the last pack"."""
    if fmt not in ("pdf", "html"):
        raise ValueError(f"the briefing pack is PDF or HTML, not {fmt!r}")
    pack = gather(query, filters, charts=charts, exported_on=exported_on, pictures=fmt == "pdf", changes=changes)
    return pack_file_name(query, filters, fmt), (to_pdf(pack) if fmt == "pdf" else to_html(pack))
