"""Overview: the displacement timeline with the conflict events marked on it."""
from __future__ import annotations

import streamlit as st

from dashboard import charts
from dashboard.data import query
from warehouse import WarehouseMissing
from warehouse.queries import Filters

st.title("Displacement in Northwest Syria")
st.caption("Idleb and northern Aleppo, seen against the conflict timeline of the 2019–2020 offensive.")

filters = Filters()
try:
    series = query("timeline.displacement_series", filters)
    events = query("timeline.events", filters)
except WarehouseMissing as missing:
    st.warning(f"{missing}")
    st.stop()

if series.empty:
    st.info("No displacement figures in the warehouse yet. Load some with `python -m etl load FILE`.")
else:
    st.plotly_chart(charts.displacement_timeline(series, events), width="stretch")
    sources = sorted({f"{r.source_publisher}: {r.source_title}" for r in series.itertuples()})
    st.caption("Sources: " + "; ".join(sources))
