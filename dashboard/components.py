"""Pieces every page uses: a chart with its citation and export slot, headline
metrics with source and reference date, and the 'no warehouse yet' message.

Source names and labels are shown as plain text (st.caption/st.text with
markdown characters escaped), never as HTML.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import border_bands, formats, i18n
from dashboard.i18n import N_, _
from dashboard.catalog import ChartData
from dashboard.citations import Source, sources_line, sources_table
from dashboard.data import db_path, query
from dashboard.shared_figure import shared
from dashboard.story import Headline
from dashboard.export.buttons import export_buttons
from warehouse import WarehouseMissing
from warehouse.queries.base import Filters

SOURCE_COLUMNS = (N_("Publisher"), N_("Title"), N_("Published"), N_("Link"))  # citations.sources_table, shown via _()
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]<>()#+-.!|~$"})


def plain(text: object) -> str:
    """Text from the data with markdown characters escaped, safe inside st.caption/st.info."""
    return str(text).translate(_MARKDOWN)


day = formats.day  # "5 Mar 2020": one date format across the app


def chart_caption(chart: ChartData) -> str:
    """What the chart shows and the period its figures cover (the sources are in the line below it)."""
    parts = []
    if formats.period_text(*chart.period):
        parts.append(_("Reference period: {period}").format(period=formats.period_text(*chart.period)))
    if chart.measure:
        parts.append(chart.measure)
    return " · ".join(parts)


def chart_sources(chart: ChartData) -> list[Source]:
    """The chart's reports; a chart built with source strings only lists them without dates or links."""
    return chart.references or [Source(publisher=str(s), title="") for s in chart.sources]


def show_sources(chart: ChartData) -> None:
    """One short line under the chart that opens the full list: publisher, title, date, link."""
    sources = chart_sources(chart)
    with st.expander(plain(_("Sources: {sources}").format(sources=i18n.isolate(sources_line(sources))))):
        table = sources_table(sources)
        st.dataframe(table.rename(columns=lambda c: _(c)), hide_index=True, width="stretch",
                     column_config={_("Link"): st.column_config.LinkColumn(_("Link"), display_text=_("open"))})


def _export_slot(chart: ChartData) -> None:
    """The chart's download buttons (dashboard/export/buttons.py)."""
    export_buttons(chart)


def show_chart(chart: ChartData, *, hint: str = "") -> None:
    """Render a catalogue chart, its sources and reference period under it, and the export slot."""
    st.subheader(chart.title)
    if chart.is_empty and chart.note:  # figures said in words where nothing is drawn (no origin given)
        st.markdown(plain(chart.note))
        show_sources(chart)
        return
    if chart.is_empty:
        st.info(_(chart.empty_message) + (" " + _(hint) if hint else ""))
        return
    st.plotly_chart(shared(chart.figure), width="stretch", key=f"chart-{chart.name}")  # no copy per viewer
    st.caption(plain(chart_caption(chart)))
    show_sources(chart)
    _export_slot(chart)


def metric(column, label: str, value: float | None, caption: str, *, unit: str = "people", help: str = "") -> None:
    """A headline number with its source and reference date written under it."""
    with column:
        if value is None or pd.isna(value):
            st.metric(label, "—", help=help or None)
            st.caption(plain(caption) if caption else _("Not loaded for this selection."))
            return
        st.metric(label, f"{formats.count(value)} {_(unit) if unit else ''}".strip(), help=help or None)
        st.caption(plain(caption))


def require_warehouse() -> None:
    """Stop the page with a clear message when there is no warehouse, or it holds nothing yet."""
    try:
        counts = query("admin.table_counts")
    except WarehouseMissing:
        st.warning(_("No warehouse at {path}. Build one with `python -m etl build-reference` "
                     "or load files with `python -m etl load FILE`.").format(path=db_path()))
        st.stop()
    except Exception as exc:  # a file that is not a warehouse (empty, corrupt, another program's)
        st.error(_("The warehouse at {path} cannot be read ({error}). "
                   "Rebuild it with `python -m etl build-reference --db {path}`.").format(path=db_path(), error=type(exc).__name__))
        st.stop()
    facts = counts[~counts["table_name"].isin(("sources", "loads", "rejects"))]["row_count"].sum()
    if facts == 0:
        st.info(_("The warehouse is empty: no figures have been loaded yet. "
                  "Build it with `python -m etl build-reference` or load files with `python -m etl load FILE`."))
        st.stop()


def source_line(row: pd.Series) -> str:
    """'Publisher, Title (5 Mar 2020)' for a headline caption."""
    publisher = formats.text(row.get("source_publisher"), _("Unknown publisher"))
    title = formats.text(row.get("source_title"), _("untitled"))
    text = i18n.isolate(f"{publisher}, {title}")
    published = row.get("source_date")
    return text + (f" ({day(published)})" if not formats.missing(published) else "")


def breakdown_picker(filters: Filters, label: str, key: str) -> tuple[Filters, list[border_bands.Breakdown]]:
    """The filters with one destination breakdown chosen (one publisher's report; reports are never added).

    Toward the border and the Map draw one breakdown at a time: with several loaded for the period,
    the reader picks one (the largest first); the choice travels in `filters.extra`. Returns the
    filters and every breakdown found.
    """
    found = border_bands.found_in(query, filters)
    picked = found[0].key if found else None
    if len(found) > 1:
        labels = {b.key: _("{breakdown} — {placed} placed").format(breakdown=border_bands.label_of(b),
                                                                   placed=i18n.number(b.placed)) for b in found}
        picked = st.selectbox(label, list(labels), format_func=labels.get, key=key)
    return replace(filters, extra=filters.extra + ((("breakdown", picked),) if picked else ())), found


TITLE_CHARS = 70   # a report title longer than this is cut under a headline (the full one on hover)


def headline(item: Headline | None) -> None:
    """One headline number: its label, value, date or period, source, and the ledger's caption linking to
    every published figure (Figures side by side)."""
    if item is None:
        return
    when = _("As of {day}").format(day=day(item.period[1])) if item.is_stock else formats.period_text(*item.period)
    published = f" ({day(item.published)})" if item.published else ""
    title = item.title if len(item.title) <= TITLE_CHARS else item.title[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"
    st.metric(item.label, i18n.number(item.value), help=item.note or None)
    ledger = f" · [{plain(item.ledger)}](figures)" if item.ledger else ""  # all the figures, one click away
    st.caption(plain(_("{when}. Source: {source}{published}").format(
                   when=when, source=i18n.isolate(f"{item.publisher}, {title}"), published=published)) + ledger,
               help=plain(f"{item.publisher}, {item.title}{published}") if title != item.title else None)


def key_messages(filters: Filters) -> None:
    """The period's key messages (dashboard.key_messages) above the headlines: none when it has no figures."""
    from dashboard.key_messages import key_messages as build

    messages = build(query, filters)
    if messages:
        # paragraphs with their own bullet, not a markdown list: a list's markers stay on the left in Arabic
        st.markdown("**" + _("Key messages") + "**\n\n" + "\n\n".join(f"•\u00a0{plain(m.text)}" for m in messages))
