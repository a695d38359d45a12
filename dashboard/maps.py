"""The offline map: plotly MapLibre traces on a blank style, every shape from the warehouse.

map_style "white-bg" needs no tiles, fonts or sprites, and no text-mode
traces are used (those would fetch glyphs), so the map draws with no network.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import OKABE_ITO

CENTRE = {"lat": 36.1, "lon": 36.9}
LAYER_STYLE = {  # layer -> (maplibre type, colour, legend label)
    "countries": ("fill", "#EEEEEE", None),
    "m4_corridor": ("fill", "rgba(204,121,167,0.30)", "M4 security corridor (6 km each side)"),
    "border_tr_sy": ("line", "#000000", "Turkey–Syria border"),
    "m4": ("line", "#CC79A7", "M4 highway"),
}


def _collection(geometries: list[str], ids: list[str] | None = None) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": ids[i] if ids else i, "properties": {}, "geometry": json.loads(g)}
        for i, g in enumerate(geometries)
    ]}


def _layers(layers: pd.DataFrame) -> list[dict]:
    out = []
    for layer in ("countries", "m4_corridor", "border_tr_sy", "m4"):
        rows = layers[layers["layer"] == layer]
        if rows.empty:
            continue
        kind, colour, _ = LAYER_STYLE[layer]
        style = {"fill": {"outlinecolor": "#999999"}} if kind == "fill" else \
            {"line": {"width": 2.5 if layer == "border_tr_sy" else 2}, "color": colour}
        out.append({"source": _collection(rows["geojson"].tolist()), "sourcetype": "geojson", "type": kind,
                    "below": "traces", "color": colour, **style})
    return out


def _legend_keys(fig: go.Figure, layers: pd.DataFrame) -> None:
    """Legend entries for the backdrop layers (MapLibre layers have none of their own)."""
    for layer, (kind, colour, label) in LAYER_STYLE.items():
        if label and (layers["layer"] == layer).any():
            fig.add_trace(go.Scattermap(lon=[None], lat=[None], mode="lines" if kind == "line" else "markers",
                                        line={"color": colour, "width": 3}, marker={"size": 14, "color": colour},
                                        name=label, hoverinfo="skip"))


def _flow_lines(fig: go.Figure, flows: pd.DataFrame) -> None:
    if flows.empty:
        return
    top = flows["individuals"].max()
    for row in flows.head(25).itertuples():
        fig.add_trace(go.Scattermap(
            lon=[row.origin_lon, row.destination_lon], lat=[row.origin_lat, row.destination_lat], mode="lines+markers",
            line={"width": 1.5 + 8 * row.individuals / top, "color": "rgba(0,0,0,0.55)"},
            marker={"size": [4, 9], "color": "#000000"}, showlegend=False,
            hovertext=f"{row.origin_name} → {row.destination_name}: {row.individuals:,.0f} people", hoverinfo="text",
        ))
    fig.add_trace(go.Scattermap(lon=[None], lat=[None], mode="lines", line={"color": "#000000", "width": 3},
                                name="Flows origin → destination (dot = destination)"))


def _camps(fig: go.Figure, camps: pd.DataFrame) -> None:
    camps = camps.dropna(subset=["lat", "lon"])
    if camps.empty:
        return
    size = 6 + 24 * np.sqrt(camps["individuals"] / camps["individuals"].max())
    fig.add_trace(go.Scattermap(
        lon=camps["lon"], lat=camps["lat"], mode="markers", name="Camps (size = population)",
        marker={"size": size, "color": "#009E73", "opacity": 0.8},
        hovertext=[f"{n}: {p:,.0f} people" + (f" of {c:,.0f} capacity" if pd.notna(c) else "")
                   for n, p, c in zip(camps["name"], camps["individuals"], camps["capacity"])],
        hoverinfo="text",
    ))


def displacement_map(shapes: pd.DataFrame, values: pd.DataFrame, layers: pd.DataFrame, flows: pd.DataFrame,
                     camps: pd.DataFrame, label: str) -> go.Figure:
    """Sub-districts shaded by `values` (one figure type), the border, the M4 and its corridor, flows, camps."""
    fig = go.Figure()
    if not shapes.empty:
        merged = shapes[["pcode", "name_en"]].merge(values[["pcode", "individuals"]], on="pcode", how="left")
        fig.add_trace(go.Choroplethmap(
            geojson=_collection(shapes["geojson"].tolist(), shapes["pcode"].tolist()),
            locations=merged["pcode"], z=merged["individuals"].fillna(0),
            colorscale=[[0, "#FFFFFF"], [0.001, "#E8F1F8"], [1, "#0072B2"]], zmin=0,
            marker={"line": {"width": 0.6, "color": "#777777"}, "opacity": 0.85},
            colorbar={"title": {"text": "People"}, "tickformat": ",d"}, name=label,
            customdata=merged["name_en"],
            hovertemplate="%{customdata} (%{location})<br>%{z:,.0f} people<extra></extra>",
        ))
    _legend_keys(fig, layers)
    _flow_lines(fig, flows)
    _camps(fig, camps)
    fig.update_layout(
        map={"style": "white-bg", "center": CENTRE, "zoom": 7.2, "layers": _layers(layers)},
        title=f"{label} by sub-district", margin={"l": 0, "r": 0, "t": 50, "b": 0}, height=680,
        legend={"orientation": "h", "yanchor": "bottom", "y": 0.0, "bgcolor": "rgba(255,255,255,0.85)"},
        colorway=OKABE_ITO, separators=".,",
    )
    return fig
