"""The offline map: plotly MapLibre traces on a blank style, every shape from the warehouse.

map_style "white-bg" needs no tiles, fonts or sprites, and no text-mode
traces are used (those would fetch glyphs), so the map draws with no network.
Labels are in the legend and the hover.

What it shows: Northwest Syria's sub-districts (OCHA COD-AB, shipped with the
project) shaded by the people a published destination breakdown placed there
(the same breakdown as 'Toward the border'); a figure published for an area
('some 400,000 … to northern Aleppo') drawn as the outline of the sub-districts
it covers with a marker at the area; lines at 10, 25 and 50 km from the Turkish
border; the border, the M4 and its 6 km corridor; geocoded events with their
publisher; camps.
"""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.chart_data import ChartData, Query, period_of
from dashboard.citations import cite
from dashboard.charts import OKABE_ITO
from dashboard.drawing import EVENT_CATEGORY_LABELS
from dashboard import i18n, places
from dashboard.charts import band_name
from dashboard.i18n import N_, _, isolate
from warehouse.queries import Filters

# name and title: declared once in dashboard/catalog.py
CENTRE = {"lat": 36.25, "lon": 36.85}  # Idleb and northern Aleppo, the border at the top
LAYER_STYLE = {  # layer -> (maplibre type, colour, legend label)
    "countries": ("fill", "#EEEEEE", None),
    "m4_corridor": ("fill", "rgba(204,121,167,0.30)", N_("M4 security corridor (6 km each side)")),
    "border_tr_sy": ("line", "#000000", N_("Turkey–Syria border")),
    "m4": ("line", "#CC79A7", N_("M4 highway")),
}
RING_COLOUR = "#7F7F7F"
AREA_COLOUR = "#6A3D9A"
EVENT_COLOURS = ["#D55E00", "#009E73", "#0072B2", "#E69F00", "#000000"]


def _collection(geometries: list[str], ids: list[str] | None = None) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": ids[i] if ids else i, "properties": {}, "geometry": json.loads(g)}
        for i, g in enumerate(geometries)
    ]}


def _layers(layers: pd.DataFrame, outlines: pd.DataFrame, rings: pd.DataFrame, areas: pd.DataFrame) -> list[dict]:
    out = []
    countries = layers[layers["layer"] == "countries"]
    if not countries.empty:  # under the sub-districts
        out.append({"source": _collection(countries["geojson"].tolist()), "sourcetype": "geojson", "type": "fill",
                    "below": "traces", "color": LAYER_STYLE["countries"][1], "fill": {"outlinecolor": "#999999"}})
    for area in areas.itertuples():  # over the sub-districts an area figure covers: a light wash
        out.append({"source": _collection([area.geojson]), "sourcetype": "geojson", "type": "fill",
                    "below": "", "color": "rgba(106,61,154,0.14)"})
    corridor = layers[layers["layer"] == "m4_corridor"]
    if not corridor.empty:
        out.append({"source": _collection(corridor["geojson"].tolist()), "sourcetype": "geojson", "type": "fill",
                    "below": "", "color": LAYER_STYLE["m4_corridor"][1], "fill": {"outlinecolor": "#CC79A7"}})
    if not outlines.empty:  # the rest of Syria: governorate outlines only
        out.append({"source": _collection(outlines["geojson"].tolist()), "sourcetype": "geojson", "type": "line",
                    "below": "", "color": "#AAAAAA", "line": {"width": 0.8}})
    for ring in rings.itertuples():
        out.append({"source": _collection([ring.geojson]), "sourcetype": "geojson", "type": "line",
                    "below": "", "color": RING_COLOUR, "line": {"width": 1.2, "dash": [2, 2]}})
    for area in areas.itertuples():
        out.append({"source": _collection([area.geojson]), "sourcetype": "geojson", "type": "line",
                    "below": "", "color": AREA_COLOUR, "line": {"width": 2.5, "dash": [3, 1.5]}})
    for layer in ("border_tr_sy", "m4"):
        rows = layers[layers["layer"] == layer]
        if not rows.empty:
            out.append({"source": _collection(rows["geojson"].tolist()), "sourcetype": "geojson", "type": "line",
                        "below": "", "color": LAYER_STYLE[layer][1], "line": {"width": 2.5 if layer == "border_tr_sy" else 2}})
    return out


def _key(fig: go.Figure, name: str, colour: str, kind: str = "lines", dash: str | None = None) -> None:
    """A legend entry for a MapLibre layer (layers have none of their own)."""
    fig.add_trace(go.Scattermap(lon=[None], lat=[None], mode=kind, name=name, hoverinfo="skip",
                                line={"color": colour, "width": 3}, marker={"size": 14, "color": colour}))


def _legend_keys(fig: go.Figure, layers: pd.DataFrame, rings: pd.DataFrame, areas: pd.DataFrame) -> None:
    for layer, (kind, colour, label) in LAYER_STYLE.items():
        if label and (layers["layer"] == layer).any():
            _key(fig, _(label), colour, "lines" if kind == "line" else "markers")
    if not rings.empty:
        _key(fig, _("Dotted: {distances} km from the border").format(
            distances=", ".join(i18n.localise_digits(f"{km:g}") for km in rings["km"])), RING_COLOUR)
    if not areas.empty:
        _key(fig, _("Dashed purple: area a figure was published for"), AREA_COLOUR)


def _place_text(english: object, arabic: object, pcode: object) -> str:
    """'<b>Ariha</b> أريحا (SY070200)' on an English page; '<b>أريحا</b> (SY070200)' on an Arabic one,
    the English name marked where no Arabic name is known."""
    arabic = arabic if isinstance(arabic, str) and arabic.strip() else None
    if i18n.language() == "en":
        return f"<b>{english}</b> {arabic or ''} ({pcode})"
    shown = arabic or places.english_marked(english)
    return f"<b>{shown}</b> ({isolate(pcode)})"


def _choropleth(fig: go.Figure, shapes: pd.DataFrame, values: pd.DataFrame, label: str) -> None:
    merged = shapes.merge(values, on="pcode", how="left")
    has = merged["individuals"].notna()
    text = [
        f"{_place_text(n, a, p)}<br>{b}" + ("<br>" + _("{value} people — {label}").format(value=i18n.number(v), label=label)
                                            if ok else "")
        for n, a, p, b, v, ok in zip(merged["name_en"], merged["name_ar"], merged["pcode"], merged["band"],
                                     merged["individuals"], has)
    ]
    fig.add_trace(go.Choroplethmap(
        geojson=_collection(shapes["geojson"].tolist(), shapes["pcode"].tolist()),
        locations=merged["pcode"], z=merged["individuals"].fillna(0),
        colorscale=[[0, "#FFFFFF"], [0.001, "#E8F1F8"], [1, "#0072B2"]], zmin=0,
        zmax=max(float(merged["individuals"].max()) if has.any() else 1.0, 1.0),
        marker={"line": {"width": 0.6, "color": "#777777"}, "opacity": 0.85},
        colorbar={"title": {"text": _("People placed<br>in the sub-district")}, "tickformat": ",d", "len": 0.6},
        name=_("Sub-districts (OCHA COD-AB)"), text=text, hovertemplate="%{text}<extra></extra>",
        showscale=bool(has.any()),
    ))


def _areas(fig: go.Figure, areas: pd.DataFrame, figures: pd.DataFrame, label: str) -> None:
    """A marker inside each area a figure was published for, named in the legend (the map has no text)."""
    if areas.empty:
        return
    rows = areas.merge(figures, on="pcode").sort_values("individuals", ascending=False)
    top = rows["individuals"].max()
    for row in rows.itertuples():
        fig.add_trace(go.Scattermap(
            lon=[row.lon], lat=[row.lat], mode="markers",
            name=_("{name}: {value} people ({band})").format(
                name=row.name_en if i18n.language() == "en" else (row.name_ar or places.english_marked(row.name_en)),
                value=i18n.number(row.individuals), band=band_name(row.band)),
            marker={"size": 12 + 28 * np.sqrt(row.individuals / top), "color": AREA_COLOUR, "opacity": 0.75},
            hovertext=[_("{place}: {value} people — {label}<br>{band}<br>covers the sub-districts {members}").format(
                place=_place_text(row.name_en, row.name_ar, row.pcode), value=i18n.number(row.individuals), label=label,
                band=band_name(row.band), members=row.members)],
            hoverinfo="text",
        ))


def _events(fig: go.Figure, events: pd.DataFrame) -> None:
    """Geocoded events as small markers, one legend entry per publisher (the label the brief asks for)."""
    for i, (publisher, rows) in enumerate(events.groupby("source_publisher", sort=True)):
        synthetic = bool(rows["is_synthetic"].fillna(False).any())
        name = _("Events: {name}").format(name=isolate(publisher)) + (" " + _("(synthetic)") if synthetic else "")
        fig.add_trace(go.Scattermap(
            lon=rows["lon"], lat=rows["lat"], mode="markers", name=name,
            marker={"size": 7, "color": EVENT_COLOURS[i % len(EVENT_COLOURS)], "opacity": 0.9},
            hovertext=[f"{i18n.day(d) if i18n.language() != 'en' else format(pd.Timestamp(d), '%d %b %Y')}: {t}<br>{publisher}"
                       + (f" — {EVENT_CATEGORY_LABELS.get(c, c)}" if isinstance(c, str) else "")
                       for d, t, c in zip(rows["event_date"], rows["title"], rows["category"])],
            hoverinfo="text",
        ))


def _camps(fig: go.Figure, camps: pd.DataFrame) -> None:
    camps = camps.dropna(subset=["lat", "lon"]) if not camps.empty else camps
    if camps.empty:
        return
    size = 6 + 24 * np.sqrt(camps["individuals"] / camps["individuals"].max())
    fig.add_trace(go.Scattermap(
        lon=camps["lon"], lat=camps["lat"], mode="markers", name=_("Camps (size = population)"),
        marker={"size": size, "color": "#009E73", "opacity": 0.8},
        hovertext=[_("{name}: {value} people").format(name=n, value=i18n.number(p))
                   + (" " + _("of {capacity} capacity").format(capacity=i18n.number(c)) if pd.notna(c) else "")
                   for n, p, c in zip(camps["name"], camps["individuals"], camps["capacity"])],
        hoverinfo="text",
    ))


def displacement_map(shapes: pd.DataFrame, values: pd.DataFrame, areas: pd.DataFrame, area_values: pd.DataFrame,
                     layers: pd.DataFrame, outlines: pd.DataFrame, rings: pd.DataFrame, events: pd.DataFrame,
                     camps: pd.DataFrame, label: str) -> go.Figure:
    """Sub-districts shaded by the people placed in them, areas outlined with a marker, band lines,
    the border, the M4 and its corridor, geocoded events and camps."""
    fig = go.Figure()
    if not shapes.empty:
        _choropleth(fig, shapes, values, label)
    _legend_keys(fig, layers, rings, areas)
    _areas(fig, areas, area_values, label)
    _events(fig, events)
    _camps(fig, camps)
    fig.update_layout(
        map={"style": "white-bg", "center": CENTRE, "zoom": 7.6,
             "layers": _layers(layers, outlines, rings, areas)},
        title=_("Where the displaced went — {label}").format(label=isolate(label)), margin={"l": 0, "r": 0, "t": 50, "b": 0}, height=700,
        legend={"orientation": "v", "x": 0.99 if i18n.is_rtl() else 0.01, "y": 0.99,
                "xanchor": "right" if i18n.is_rtl() else "left", "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.88)", "font": {"size": 11}},
        colorway=OKABE_ITO, separators=".,",
    )
    return fig


def build(query: Query, filters: Filters) -> ChartData:
    """The map for the period: the destination breakdown picked (Filters.extra ('breakdown', key)),
    else the one placing the most people; boundaries, layers and events whatever the figures."""
    from dashboard import border_bands

    plain = replace(filters, extra=tuple((k, v) for k, v in filters.extra if k not in ("breakdown", "month")))
    found = border_bands.found_in(query, plain)
    picked = next((v for k, v in filters.extra if k == "breakdown"), None)
    chosen = next((b for b in found if b.key == picked), found[0] if found else None)
    rows = border_bands.destinations(query, plain, chosen) if chosen is not None else pd.DataFrame(
        columns=["destination_pcode", "destination_name", "destination_band", "individuals"])
    figures = (rows.groupby(["destination_pcode", "destination_band"], as_index=False)["individuals"].sum()
               .rename(columns={"destination_pcode": "pcode", "destination_band": "band"}))
    is_sub = figures["pcode"].str.fullmatch(r"SY\d{6}")
    shapes = query("maps.shapes", plain)
    bands = query("maps.subdistrict_bands")
    shapes = shapes.merge(bands, on="pcode", how="left")
    shapes["band"] = [_("{band} from the border ({km} km)").format(band=band_name(b), km=i18n.number(km))
                      if pd.notna(km) else _("distance unknown")
                      for b, km in zip(shapes["band"], shapes["border_km"])]
    areas = query("maps.area_outlines", None, pcodes=tuple(sorted(figures.loc[~is_sub, "pcode"])))
    layers = pd.concat([query("maps.layers"), query("maps.m4_corridor")], ignore_index=True)
    outlines = query("maps.governorate_outlines")
    rings = query("maps.band_rings")
    events = query("maps.events", plain)
    camps = query("camps.occupancy", plain)
    label = border_bands.label_of(chosen) if chosen is not None else _("Sub-districts (no destination figures)")
    has_map = not shapes.empty or not layers.empty
    data = rows.reset_index(drop=True) if not rows.empty else shapes.drop(columns="geojson")
    placed_areas = figures.loc[~is_sub, "pcode"].isin(areas["pcode"]).sum()
    return ChartData(
        figure=displacement_map(shapes, figures[is_sub][["pcode", "individuals"]], areas, figures[~is_sub],
                                layers, outlines, rings, events, camps, label) if has_map else None,
        data=data, references=cite(rows) + [s for s in cite(pd.concat([layers, events])) if s not in cite(rows)],
        period=period_of(rows),
        measure=(_("Flow: {label}. Sub-districts shaded by the people the breakdown placed in them; "
                   "{areas} figure(s) published for an area drawn over the sub-districts the area covers. "
                   "Dotted lines: 10, 25 and 50 km from the Turkish border.").format(
                       label=label, areas=i18n.number(placed_areas))
                 if chosen is not None else _("No destination figures for this selection: boundaries only.")),
        empty_message=_("No sub-district boundaries or map layers are loaded."),
    )
