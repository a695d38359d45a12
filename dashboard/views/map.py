"""Map: sub-districts shaded by displacement for one month, the Turkey–Syria
border, the M4 and its 6 km security corridor, flows and camps. Offline:
MapLibre traces on a blank style, shapes from the warehouse, no tiles."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.components import require_warehouse, show_chart
from dashboard.data import chart, query
from dashboard.filters import current

st.title("Map")
st.caption("Sub-district boundaries and figures from the warehouse; drawn without any map tiles or network access.")
require_warehouse()
filters = current()

months = [pd.Timestamp(m).strftime("%Y-%m-01") for m in query("maps.months", filters)["month"]]
month = None
if len(months) > 1:
    month = st.select_slider("Month (reference period ending in)", options=["All months"] + months,
                             value=months[-1], key="map_month",
                             format_func=lambda m: m if m == "All months" else f"{pd.Timestamp(m):%B %Y}")
    month = None if month == "All months" else month
elif months:
    month = months[0]
    st.caption(f"One month of figures loaded: {pd.Timestamp(month):%B %Y}.")

map_filters = replace(filters, extra=filters.extra + ((("month", month),) if month else ()))
show_chart(chart("map-displacement", map_filters),
           hint="Load sub-district boundaries (GeoJSON with P-codes) and map layers with `python -m etl load FILE`.")
