"""Crisis briefing, the landing page: the selected period told in the order a
briefing tells it (dashboard.story, shared with the briefing pack) — headline
figures with their dates and sources, the displacement curve with the key
events, where people went, casualties on the same time axis, Syrians in Turkey.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

from dashboard import story
from dashboard.catalog import ChartData
from dashboard.components import headline, key_messages, plain, require_warehouse, show_chart
from dashboard.data import chart, query
from dashboard.export.about import day, period_text
from dashboard.export.buttons import briefing_buttons
from dashboard.filters import current
from warehouse.queries import Filters

MAP_HEIGHT = 560   # the whole map and its legend on a 768-pixel-high laptop screen


def _period(filters: Filters) -> str:
    return period_text(filters.start, filters.end) if (filters.start or filters.end) else _("the whole span of the data")


def _headlines(filters: Filters) -> None:
    figures = story.headline_figures(query, filters)
    if not figures:
        st.info(_("No headline figures for this selection."))
        return
    for column, item in zip(st.columns(len(figures)), figures):
        with column:
            headline(item)


def _key_events(filters: Filters) -> None:
    events = story.key_events(i18n.event_titles(query("timeline.events", filters)))
    st.markdown("**" + _("Key events") + "**")
    if events.empty:
        st.caption(_("No events recorded for this selection."))
        return
    for event in events.itertuples():  # the publisher under each event, the report's title on hover
        st.markdown(f"**{day(pd.Timestamp(event.event_date).date())}** — {plain(i18n.isolate(event.title))}")
        st.caption(plain(_("Source: {publisher}").format(publisher=i18n.isolate(event.source_publisher))), help=plain(f"{event.source_publisher}, {event.source_title}"))


def _map(item: ChartData) -> ChartData:
    if item.figure is None:
        return item
    figure = go.Figure(item.figure)
    figure.update_layout(height=MAP_HEIGHT)
    return replace(item, figure=figure)


def _section(section: story.Section, filters: Filters, not_shown: list[str]) -> None:
    drawn = []
    for name in section.charts:
        item = chart(name, filters)
        if (item.figure is None or (item.is_empty and name != story.MAP_CHART)) and not item.note:
            not_shown.append(item.title)
        else:
            drawn.append(item)
    if not drawn:
        return
    st.header(_(section.heading), divider="gray")
    st.caption(_(section.lead))
    if section.key == "displacement":
        left, right = st.columns([3, 1])
        with left:
            show_chart(story.on_period(drawn[0], filters))
        with right:
            _key_events(filters)
        drawn = drawn[1:]
    for item in drawn:
        show_chart(_map(item) if item.name == story.MAP_CHART else story.on_period(item, filters))


st.title(_("Displacement in Northwest Syria"))
require_warehouse()
filters = current()
st.markdown(_("**Crisis briefing · {period}** · Idleb and northern Aleppo. Each figure names its "
              "publisher and the period it covers; figures from different publishers are never added together.").format(
                  period=_period(filters)))
key_messages(filters)
_headlines(filters)
missing: list[str] = []
for part in story.SECTIONS:
    _section(part, filters, missing)
if missing:
    st.caption(plain(_("Not shown (no figures for this selection): {charts}.").format(charts="; ".join(missing))))

with st.sidebar:  # the same story as a printable pack, for briefings
    briefing_buttons(filters)
