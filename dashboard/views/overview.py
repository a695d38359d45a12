"""Overview: the headline figures for the selected period, each with its source
and reference date, and the displacement timeline with the conflict events."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.drawing import FIGURE_LABELS, POPULATION_LABELS
from dashboard.components import day, metric, require_warehouse, show_chart, source_line
from dashboard.data import chart, query
from dashboard.export.buttons import briefing_buttons
from dashboard.filters import current
from warehouse.queries.headlines import NEAR_BORDER_KM

st.title("Displacement in Northwest Syria")
st.caption("Idleb and northern Aleppo, seen against the conflict timeline of the 2019–2020 offensive.")
require_warehouse()
filters = current()


def _first(frame: pd.DataFrame) -> pd.Series | None:
    return None if frame.empty else frame.iloc[0]


def _span(row: pd.Series) -> str:
    start, end = day(row["period_start"]), day(row["period_end"])
    return end if start == end else f"{start} – {end}"


cols = [*st.columns(3), *st.columns(3)]  # two rows: five headlines stay readable on a laptop
row = _first(query("headlines.displaced", filters))
metric(cols[0], "Newly displaced" if row is None else FIGURE_LABELS.get(row["figure_type"], row["figure_type"]),
       None if row is None else row["value"],
       "" if row is None else f"{_span(row)}; {row['reports']} non-overlapping report(s) of "
                              f"{row['reports_offered']}. Source: {source_line(row)}",
       help="A flow. Overlapping cumulative reports are not added together.")

row = _first(query("headlines.idps_near_border", filters))
if row is not None and not row["placed"]:  # a region-wide total says nothing about distance to the border
    row = None
metric(cols[1], f"IDPs < {NEAR_BORDER_KM:.0f} km from the border", None if row is None else row["value"],
       "No IDP figures for places with a known distance to the border in this selection "
       "(load the HNO community estimates)." if row is None else
       f"As of {day(row['period_end'])}: {row['value']:,.0f} of {row['placed']:,.0f} IDPs "
       f"at places with a known distance ({row['total']:,.0f} in all). Source: {source_line(row)}",
       help="A stock: IDPs present at places less than 25 km from the Turkish border.")

row = _first(query("headlines.refugees_in_turkey", filters))
metric(cols[2], "Syrian refugees in Turkey", None if row is None else row["value"],
       "" if row is None else f"As of {day(row['period_end'])} ({POPULATION_LABELS.get(row['population_type'], row['population_type'])}). "
                              f"Source: {source_line(row)}", help="A stock, at the latest date in the period.")

row = _first(query("headlines.deaths", filters))
rng = "" if row is None or pd.isna(row.get("low")) or pd.isna(row.get("high")) else \
    f" (range {row['low']:,.0f}–{row['high']:,.0f})"
metric(cols[3], "Recorded deaths" + ("" if row is None else f" ({row['category']})"),
       None if row is None else row["value"],
       "" if row is None else f"{_span(row)}{rng}; {row['reports']} non-overlapping report(s). Source: {source_line(row)}",
       unit="")

row = _first(query("headlines.camp_occupancy", filters))
capacity = "" if row is None or pd.isna(row["capacity"]) or not row["capacity"] else \
    f" — {row['population_with_capacity'] / row['capacity']:.0%} of the stated capacity of {row['capacity']:,.0f}"
metric(cols[4], "People in camps", None if row is None else row["value"],
       "" if row is None else f"{row['camps']:,} camps, latest count up to {day(row['period_end'])}{capacity}. "
                              f"Source: {source_line(row)}",
       help="A stock. Camps are loaded with `python -m etl template camps`.")

show_chart(chart("displacement-timeline", filters),
           hint="Load figures with `python -m etl load FILE`.")

with st.sidebar:  # the whole current view, for briefings: PDF and self-contained HTML
    briefing_buttons(filters)
