"""Overview: the displacement timeline with the conflict events marked on it."""
from __future__ import annotations

import streamlit as st

from dashboard import catalog
from dashboard.data import query
from warehouse import WarehouseMissing
from warehouse.queries import Filters

st.title("Displacement in Northwest Syria")
st.caption("Idleb and northern Aleppo, seen against the conflict timeline of the 2019–2020 offensive.")

filters = Filters()
try:
    chart = catalog.build("displacement-timeline", query, filters)
except WarehouseMissing as missing:
    st.warning(str(missing))
    st.stop()

if chart.is_empty:
    st.info(chart.empty_message + " Load figures with `python -m etl load FILE`.")
else:
    st.plotly_chart(chart.figure, width="stretch")
    st.caption("Sources: " + "; ".join(chart.sources))
