"""The Streamlit floor: each dashboard page's layout replayed from a recording (bench/floor_layout.py).

Same navigation, sidebar widgets, titles, captions, metrics, tables and plotly
figures as the dashboard page, drawn with plain Streamlit calls from the
recorded data: no warehouse, no queries, no chart building. What is left is
Streamlit and the browser drawing the page; bench/browser_bench.py compares
each dashboard page with it.

    FLOOR_LAYOUT=layout.json streamlit run bench/floor_app.py   (open /overview)
"""
from __future__ import annotations

import io
import json
import os
from datetime import date
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import streamlit as st


@lru_cache(maxsize=1)
def _layout() -> dict[str, dict]:
    with open(os.environ["FLOOR_LAYOUT"], encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=64)
def _figure(spec: str) -> go.Figure:
    return go.Figure(json.loads(spec), skip_invalid=True)


@lru_cache(maxsize=64)
def _frame(data: str) -> pd.DataFrame:
    return pd.read_json(io.StringIO(data), orient="split")


def _day(value: object) -> object:
    if isinstance(value, list):
        return tuple(_day(v) for v in value)
    return date.fromisoformat(value) if isinstance(value, str) else value


def _draw(element: dict, key: str) -> None:
    kind, label = element["type"], element.get("label", "")
    if kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success", "text"):
        getattr(st, kind)(element["body"])
    elif kind == "plotly_chart":
        st.plotly_chart(_figure(element["spec"]), width="stretch", key=key)
    elif kind == "dataframe":
        st.dataframe(_frame(element["data"]), hide_index=True, width="stretch", key=key)
    elif kind == "metric":
        st.metric(label, element["value"], element.get("delta") or None, help=element.get("help") or None)
    elif kind == "flex_container":
        columns = st.columns(max(1, len(element["children"])))
        for i, (column, child) in enumerate(zip(columns, element["children"])):
            with column:
                _draw_all(child.get("children", []), f"{key}.{i}")
    elif kind == "expander":
        with st.expander(label or " "):
            _draw_all(element["children"], key)
    elif kind in ("column", "vertical", "tab_container", "tab"):
        _draw_all(element.get("children", []), key)
    elif kind == "date_input":
        st.date_input(label, _day(element.get("value")), min_value=_day(element.get("min")),
                      max_value=_day(element.get("max")), key=key)
    elif kind == "multiselect":
        st.multiselect(label, element.get("options", []), element.get("value") or [], key=key)
    elif kind in ("selectbox", "radio"):
        options = element.get("options", [])
        value = element.get("value")
        getattr(st, kind)(label, options, index=options.index(value) if value in options else 0, key=key)
    elif kind == "select_slider":
        options = element.get("options", [])
        st.select_slider(label, options, value=element.get("value") if element.get("value") in options else None,
                         key=key)
    elif kind == "download_button":
        st.download_button(label, b"", key=key)
    elif kind == "button":
        st.button(label, key=key)
    elif kind == "checkbox":
        st.checkbox(label, bool(element.get("value")), key=key)


def _draw_all(elements: list[dict], key: str) -> None:
    for i, element in enumerate(elements):
        _draw(element, f"{key}.{i}")


def _page(url: str):
    def draw() -> None:
        layout = _layout()[url]
        with st.sidebar:
            _draw_all(layout["sidebar"], f"{url}.sidebar")
        _draw_all(layout["main"], f"{url}.main")
    draw.__name__ = f"floor_{url}"
    return draw


st.set_page_config(page_title="Streamlit floor", layout="wide")
st.navigation([st.Page(_page(url), title=url.title(), url_path=url, default=i == 0)
               for i, url in enumerate(_layout())]).run()
