"""The Streamlit floor: the same number of plotly charts as a dashboard page, from precomputed figures.

No warehouse, no queries, no chart building: what is left is Streamlit and the
browser drawing plotly. bench/browser_bench.py compares each page with this.

    FLOOR_FIGURES=figures.json streamlit run bench/floor_app.py   (open /?page=overview)
"""
from __future__ import annotations

import json
import os
from functools import lru_cache

import plotly.graph_objects as go
import streamlit as st


@lru_cache(maxsize=1)
def _figures() -> dict[str, list[dict]]:
    with open(os.environ["FLOOR_FIGURES"], encoding="utf-8") as handle:
        return json.load(handle)


st.set_page_config(page_title="Streamlit floor", layout="wide")
page = st.query_params.get("page", "")
st.title(f"Floor: {page}")
for spec in _figures().get(page, []):
    st.plotly_chart(go.Figure(spec, skip_invalid=True), width="stretch")
