"""Every figure the dashboard draws, built from query results.

Colour-blind-safe palette (Okabe–Ito), units and reference periods on axes,
thousands separators, and the sources named under each chart by the page.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
EVENT_COLOUR = "#666666"
FIGURE_LABELS = {
    "newly_displaced": "Newly displaced (flow)",
    "arrivals": "IDP arrivals (flow)",
    "departures": "IDP departures (flow)",
    "returns": "Returns (flow)",
    "idp_stock": "IDPs present (stock)",
    "idps_in_camps": "IDPs in camps and sites (stock)",
    "returnees_stock": "Returnees present (stock)",
}


def _base_layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        template="plotly_white",
        colorway=OKABE_ITO,
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "top", "y": -0.15},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        separators=".,",
    )
    fig.update_yaxes(title=y_title, tickformat=",d", rangemode="tozero")
    return fig


def add_events(fig: go.Figure, events: pd.DataFrame) -> go.Figure:
    """Mark conflict events as dotted vertical lines, with a hover marker carrying the citation."""
    if events.empty:
        return fig
    for day in events["event_date"]:
        fig.add_vline(x=pd.Timestamp(day).timestamp() * 1000, line_dash="dot", line_color=EVENT_COLOUR, opacity=0.5)
    hover = [
        f"<b>{r.title}</b><br>{pd.Timestamp(r.event_date):%d %b %Y}<br>{(r.description or '')[:160]}"
        f"<br><i>Source: {r.source_publisher}, {r.source_title}</i>"
        for r in events.itertuples()
    ]
    fig.add_trace(go.Scatter(
        x=pd.to_datetime(events["event_date"]), y=[1.0] * len(events), yaxis="y2", mode="markers",
        marker={"symbol": "triangle-down", "size": 11, "color": EVENT_COLOUR},
        name="Conflict events", hovertext=hover, hoverinfo="text",
    ))
    fig.update_layout(yaxis2={"overlaying": "y", "range": [0, 1.05], "visible": False, "fixedrange": True})
    return fig


def displacement_timeline(series: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """Displacement figures at the end of their reference period, one line per figure type and source.

    Cumulative reports ('displaced since 1 December') are drawn as reported, not summed.
    """
    fig = go.Figure()
    for (figure_type, publisher), rows in series.groupby(["figure_type", "source_publisher"], sort=False):
        rows = rows.sort_values("period_end")
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(rows["period_end"]), y=rows["individuals"], mode="lines+markers",
            name=f"{FIGURE_LABELS.get(figure_type, figure_type)} — {publisher}",
            customdata=list(zip(pd.to_datetime(rows["period_start"]).dt.strftime("%d %b %Y"), rows["note"].fillna(""))),
            hovertemplate="%{y:,.0f} people<br>period %{customdata[0]} – %{x|%d %b %Y}<br>%{customdata[1]}<extra></extra>",
        ))
    _base_layout(fig, "Displacement in Northwest Syria, as reported", "People (individuals)")
    fig.update_xaxes(title="End of reference period")
    return add_events(fig, events)
