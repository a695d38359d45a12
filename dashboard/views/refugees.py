"""Refugees: Syrian refugees by host country (a stock) and asylum applications (a flow), in separate charts."""
from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

from dashboard.components import require_warehouse, show_chart
from dashboard.data import chart
from dashboard.filters import current

st.title(_("Syrian refugees abroad"))
require_warehouse()
filters = current()
show_chart(chart("refugees-by-host-country", filters))
show_chart(chart("asylum-applications", filters),
           hint=_("Applications are a flow (lodged in a period) and are drawn apart from the refugee stock."))
