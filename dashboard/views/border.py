"""Toward the border: displacement by the destination's distance to the Turkish
border, net movement toward it, and where people came from and went."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard.components import require_warehouse, show_chart
from dashboard.data import chart
from dashboard.filters import current

st.title("Toward the border")
st.caption("Distance bands: 0–10, 10–25, 25–50 and over 50 km from the Turkey–Syria border, "
           "measured from each destination (flows only; stocks are on the Overview and Map).")
require_warehouse()
filters = current()

show_chart(chart("displacement-by-border-band", filters))
show_chart(chart("net-movement-toward-border", filters))
level = st.radio("Group origin → destination flows by", ["governorate", "district"], horizontal=True, key="flow_level")
flow_filters = replace(filters, extra=filters.extra + (("level", level),)) if level == "district" else filters
show_chart(chart("flows-origin-destination", flow_filters))
