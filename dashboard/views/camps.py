"""Camps and shelter: where the displaced were sheltering (the open, tents, unfinished buildings, camps and
sites) as reports gave it; with a camp list, population against capacity, overcrowding, distance to the
border, trends."""
from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

from dashboard import story
from dashboard.components import headline, require_warehouse, show_chart
from dashboard.data import chart, query
from dashboard.filters import current

st.title(_("Camps and sites"))
require_warehouse()
filters = current()

headline(story.camps_headline(query, filters))  # a camp list's count, else the reports' shelter figure
sheltered = chart("shelter-by-type", filters)
reported = chart("idps-in-camps-reported", filters)  # situation-report totals, camp list or not
if query("camps.camp_count") == 0:
    show_chart(story.on_period(sheltered, filters))
    if not reported.is_empty or sheltered.is_empty:
        show_chart(story.on_period(reported, filters))
    st.info(_("No camp list is loaded, so there is no population against capacity per camp. Fill in the camps "
              "template (`python -m etl template camps`) from a CCCM site list and load it with "
              "`python -m etl load FILE`."))
    st.stop()

occupancy = chart("camps-occupancy", filters)
if not occupancy.is_empty:
    over = occupancy.data[occupancy.data["occupancy"] > 1]
    cols = st.columns(3)
    cols[0].metric(_("Camps reporting"), i18n.number(len(occupancy.data)))
    cols[1].metric(_("Over capacity"), i18n.number(len(over)))
    near = occupancy.data[occupancy.data["border_km"] < 10]
    cols[2].metric(_("People in camps < 10 km from the border"), i18n.number(near["individuals"].sum()))
show_chart(occupancy)
show_chart(chart("camps-trend", filters))
for reports in (sheltered, reported):
    if not reports.is_empty:
        show_chart(story.on_period(reports, filters))
