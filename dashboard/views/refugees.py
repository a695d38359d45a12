"""Refugees: Syrian refugees by host country (a stock) and asylum applications (a flow), in separate charts."""
from __future__ import annotations

import streamlit as st

from dashboard import catalog
from dashboard.components import require_warehouse, show_chart
from dashboard.data import query
from dashboard.filters import current

st.title("Syrian refugees abroad")
require_warehouse()
filters = current()
show_chart(catalog.build("refugees-by-host-country", query, filters))
show_chart(catalog.build("asylum-applications", query, filters),
           hint="Applications are a flow (lodged in a period) and are drawn apart from the refugee stock.")
