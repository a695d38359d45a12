"""Casualties: recorded deaths per month and governorate against displacement, on one time axis."""
from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

from dashboard.components import require_warehouse, show_chart
from dashboard.data import chart
from dashboard.filters import current

st.title(_("Casualties and displacement"))
st.caption(_("Deaths above, displacement below, on a shared time axis so that a lag between them is visible."))
require_warehouse()
show_chart(chart("casualties-vs-displacement", current()),
           hint=_("Load casualty counts with `python -m etl load FILE`."))
reports = chart("casualty-reports", current())
if not reports.is_empty:  # situation-report totals over long periods: as reported, never split into months
    show_chart(reports)
