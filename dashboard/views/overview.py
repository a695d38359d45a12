"""Overview: the war in Syria from the uprising of March 2011 to the latest figure loaded —
Syrians in Turkey and the neighbouring countries, IDPs, deaths and the war's events on one time
axis, with the December 2019 – March 2020 offensive shaded and one click from its briefing — and
the headline figures for that span, each with its source and reference date.

It opens on the whole span: the default (offensive) period the other pages open on is the crisis
briefing's, and this page follows a period only when the link or the sidebar sets one."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard import language
from dashboard import story
from dashboard.i18n import _

from dashboard.drawing import CASUALTY_LABELS, FIGURE_LABELS, POPULATION_LABELS
from dashboard.components import day, metric, require_warehouse, show_chart, source_line
from dashboard.data import chart, query
from dashboard.export.buttons import briefing_buttons
from dashboard.filters import current, load_options, offensive_params, whole_span_unless_linked
from warehouse.queries.headlines import NEAR_BORDER_KM

st.title(_("Displacement in Northwest Syria"))  # the heading readers and links know; the war is its first chart
st.caption(_("Refugees, IDPs and deaths from the uprising of March 2011 to the latest figure loaded, with the war's "
             "events. The December 2019 – March 2020 offensive in Idleb is shaded; its briefing is one click away."))
require_warehouse()
filters = whole_span_unless_linked(current())
if (filters.start, filters.end) == (None, None):
    st.caption(_("Shown: the whole span of the figures loaded. Pick dates in the sidebar to narrow this page."))
    st.sidebar.info(_("This page shows the whole span. The period above is the other pages' until you pick one: "
                      "then every page, this one too, follows it."), icon="ℹ️")


def _crisis_link() -> None:
    """One click to the crisis briefing on the offensive (the app's landing page), in this language."""
    period = offensive_params(load_options(query))
    if period:
        link = "./?" + urlencode({**period, **language.url_params()})
        label = _("Open the crisis briefing: the Idleb offensive, {start} – {end} →").format(
            start=i18n.month(period["start"]), end=i18n.month(period["end"]))
        st.markdown(f"**[{label}]({link})**")


_crisis_link()
show_chart(chart("war-timeline", filters), hint=_("Load the UNHCR files with `python -m etl load FILE`."))


def _first(frame: pd.DataFrame) -> pd.Series | None:
    return None if frame.empty else frame.iloc[0]


def _quoted(name: str) -> tuple[pd.Series | None, str]:
    """The ledger's quoted figure and its caption link, else the headline query's best row."""
    row, ledger = story.quoted(query, name, filters)
    if row is None:
        return _first(query(name, filters)), ""
    return row, f" · [{ledger}](figures)"


def _span(row: pd.Series) -> str:
    start, end = day(row["period_start"]), day(row["period_end"])
    return end if start == end else f"{start} – {end}"


cols = [*st.columns(3), *st.columns(3)]  # two rows: five headlines stay readable on a laptop
row, ledger = _quoted("headlines.displaced")  # the figure the ledger quotes
metric(cols[0], _("Newly displaced") if row is None else FIGURE_LABELS.get(row["figure_type"], row["figure_type"]),
       None if row is None else row["value"],
       "" if row is None else _("{span}. Source: {source}").format(span=_span(row), source=source_line(row))
       + ledger,
       help=_("A flow. Overlapping cumulative reports are not added together."))

row = _first(query("headlines.idps_near_border", filters))
if row is not None and not row["placed"]:  # a region-wide total says nothing about distance to the border
    row = None
metric(cols[1], _("IDPs < {km} km from the border").format(km=i18n.number(NEAR_BORDER_KM)),
       None if row is None else row["value"],
       _("No IDP figures for places with a known distance to the border in this selection "
         "(load the HNO community estimates).") if row is None else
       _("As of {day}: {value} of {placed} IDPs at places with a known distance ({total} in all). Source: {source}").format(
           day=day(row["period_end"]), value=i18n.number(row["value"]), placed=i18n.number(row["placed"]),
           total=i18n.number(row["total"]), source=source_line(row)),
       help=_("A stock: IDPs present at places less than 25 km from the Turkish border."))

row, ledger = _quoted("headlines.refugees_in_turkey")
metric(cols[2], _("Syrian refugees in Turkey"), None if row is None else row["value"],
       "" if row is None else _("As of {day} ({population}). Source: {source}").format(
           day=day(row["period_end"]), population=POPULATION_LABELS.get(row["population_type"], row["population_type"]),
           source=source_line(row)) + ledger, help=_("A stock, at the latest date in the period."))

row, ledger = _quoted("headlines.deaths")
metric(cols[3], _("Recorded deaths") + ("" if row is None else f" ({row['category'] if i18n.language() == 'en' else CASUALTY_LABELS.get(row['category'], row['category'])})"),
       None if row is None else row["value"],
       "" if row is None else _("{span}. Source: {source}").format(span=_span(row), source=source_line(row))
       + ledger, unit="")

row = _first(query("headlines.camp_occupancy", filters))
capacity = "" if row is None or pd.isna(row["capacity"]) or not row["capacity"] else \
    " — " + _("{share} of the stated capacity of {capacity}").format(
        share=i18n.percent(row["population_with_capacity"] / row["capacity"]), capacity=i18n.number(row["capacity"]))
metric(cols[4], _("People in camps"), None if row is None else row["value"],
       "" if row is None else _("{camps} camps, latest count up to {day}{capacity}. Source: {source}").format(
           camps=i18n.number(row["camps"]), day=day(row["period_end"]), capacity=capacity, source=source_line(row)),
       help=_("A stock. Camps are loaded with `python -m etl template camps`."))

show_chart(chart("displacement-timeline", filters),
           hint=_("Load figures with `python -m etl load FILE`."))

with st.sidebar:  # the whole current view, for briefings: PDF and self-contained HTML
    briefing_buttons(filters)
