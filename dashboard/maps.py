"""The offline map: plotly MapLibre traces on a blank style, every shape from the warehouse.

map_style "white-bg" needs no tiles, fonts or sprites, and no text-mode
traces are used (those would fetch glyphs), so the map draws with no network.
Place names are layout annotations, placed in pixels from the map's centre by the
same Web Mercator arithmetic MapLibre uses: they sit on their places in the view the
map opens on (the browser shapes Arabic, so Arabic names need no map fonts).

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
AREA_MARKER_COLOURS = ["#6A3D9A", "#E69F00", "#56B4E9", "#D55E00", "#009E73", "#F0E442"]  # one per area figure
PATROL_COLOUR = "#B2182B"
RETURNS_COLOUR = "#1B7837"
ZOOM = 7.6
PLOT_HEIGHT, TOP_MARGIN = 700, 50
# The places a briefing on the 2019–2020 offensive names (gazetteer P-codes; Atareb is its COD-AB sub-district).
BRIEFING_PLACES = ("C3871", "C1007", "C3916", "C3985", "C4278", "C4199", "SY020001", "C4126", "C4121", "C4130",
                   "C4140", "C4115", "C1564", "C1366", "C1202", "XB-BAB-AL-HAWA", "XB-BAB-AL-SALAMA")
LABEL_FONT_PX = 11
# where a label's text goes around its point: (xanchor, yanchor, x shift, y shift) in pixels
LABEL_SPOTS = {"right": ("left", "middle", 5, 0), "left": ("right", "middle", -5, 0),
               "top": ("center", "bottom", 0, 5), "bottom": ("center", "top", 0, -5),
               "top right": ("left", "bottom", 3, 3), "top left": ("right", "bottom", -3, 3),
               "bottom right": ("left", "top", 3, -3), "bottom left": ("right", "top", -3, -3)}
EVENT_COLOURS = ["#D55E00", "#009E73", "#0072B2", "#E69F00", "#000000"]


def to_pixels(lat: float, lon: float, centre: dict = CENTRE, zoom: float = ZOOM) -> tuple[float, float]:
    """A point's offset in screen pixels (x right, y up) from the map's centre: Web Mercator with
    MapLibre's 512-pixel world at zoom 0, so annotations land where MapLibre draws the place."""
    world = 512 * 2 ** zoom

    def mercator(la: float, lo: float) -> tuple[float, float]:
        phi = np.radians(la)
        return (lo + 180) / 360 * world, (1 - np.log(np.tan(phi) + 1 / np.cos(phi)) / np.pi) / 2 * world

    x, y = mercator(lat, lon)
    x0, y0 = mercator(centre["lat"], centre["lon"])
    return float(x - x0), float(y0 - y)


def _label_box(x: float, y: float, text: str, spot: str) -> tuple[float, float, float, float]:
    """The pixel box (left, bottom, right, top) a label's text covers at `spot` around its point."""
    width, height = 0.62 * LABEL_FONT_PX * len(text) + 4, LABEL_FONT_PX + 4
    xanchor, yanchor, dx, dy = LABEL_SPOTS[spot]
    left = x + dx - {"left": 0, "center": width / 2, "right": width}[xanchor]
    bottom = y + dy - {"bottom": 0, "middle": height / 2, "top": height}[yanchor]
    return left, bottom, left + width, bottom + height


def _overlap(a: tuple, b: tuple) -> float:
    """The area two boxes share (0 when apart)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _outside(box: tuple, bounds: tuple[float, float] | None) -> float:
    """The area of a label box beyond the view's half-width and half-height (0 inside, or with no bounds)."""
    if bounds is None:
        return 0.0
    half_w, half_h = bounds
    inside = _overlap(box, (-half_w, -half_h, half_w, half_h))
    return (box[2] - box[0]) * (box[3] - box[1]) - inside


def label_spots(points: list[tuple[float, float]], texts: list[str],
                bounds: tuple[float, float] | None = None) -> list[str]:
    """A text position per label, chosen greedily, the most crowded place first: the spot whose box overlaps
    the labels already placed and the other points least, ties broken by the farthest from the nearest
    neighbour; so two
    nearby towns (Dana and Sarmada, Bab al-Hawa and Atmeh) get their names on different sides. With `bounds`
    (half-width, half-height in pixels), a spot that runs off the view costs as much as one over a point."""
    placed: list[tuple] = []
    spots: dict[int, str] = {}
    crowding = [sum(np.hypot(x - px, y - py) < 80 for px, py in points) for x, y in points]
    for i in sorted(range(len(points)), key=lambda k: -crowding[k]):  # the most crowded place chooses first
        (x, y), text = points[i], texts[i]
        others = [p for j, p in enumerate(points) if j != i]

        def cost(spot: str) -> tuple[float, float]:
            box = _label_box(x, y, text, spot)
            hits = sum(_overlap(box, b) for b in placed) + sum(
                _overlap(box, (px - 3, py - 3, px + 3, py + 3)) * 10 for px, py in others) + _outside(box, bounds) * 10
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            nearest = min((np.hypot(centre[0] - px, centre[1] - py) for px, py in others), default=0.0)
            return hits, -nearest

        best = min(LABEL_SPOTS, key=cost)
        spots[i] = best
        placed.append(_label_box(x, y, text, best))
    return [spots[i] for i in range(len(points))]


def label_name(english: str, arabic: object) -> str:
    """The name written on the map: Arabic on an Arabic page (the English marked where none is known);
    'Bab al-Hawa crossing' for the gazetteer's 'Bab al-Hawa border crossing' (the border is drawn beside it)."""
    if i18n.language() != "en":
        return arabic if isinstance(arabic, str) and arabic.strip() else places.english_marked(english)
    return english.replace(" border crossing", " crossing")


def _labels(fig: go.Figure, places_: pd.DataFrame) -> None:
    """The places a briefing names: a small dot each (with the name in its hover) and the name beside it,
    in Arabic on an Arabic page; positions chosen so that names do not run into each other."""
    if places_.empty:
        return
    names = [label_name(n, a) for n, a in zip(places_["name_en"], places_["name_ar"])]
    fig.add_trace(go.Scattermap(
        lon=places_["lon"], lat=places_["lat"], mode="markers", name=_("Places named in briefings"),
        marker={"size": 6, "color": "#222222"}, hoverinfo="text",
        hovertext=[_place_text(n, a, p) for n, a, p in zip(places_["name_en"], places_["name_ar"], places_["pcode"])],
    ))
    points = [to_pixels(la, lo) for la, lo in zip(places_["lat"], places_["lon"])]
    plot_height = PLOT_HEIGHT - TOP_MARGIN
    for (x, y), name, spot in zip(points, names, label_spots(points, names)):
        if abs(y) > plot_height / 2:  # off the map's opening view
            continue
        xanchor, yanchor, dx, dy = LABEL_SPOTS[spot]
        fig.add_annotation(x=0.5, y=0.5, xref="paper", yref="paper", xshift=x + dx, yshift=y + dy,
                           xanchor=xanchor, yanchor=yanchor, text=name, showarrow=False,
                           font={"size": LABEL_FONT_PX, "color": "#111111"}, bgcolor="rgba(255,255,255,0.7)",
                           borderpad=1)


def _patrol(fig: go.Figure, layers: pd.DataFrame, patrols: pd.DataFrame) -> None:
    """The joint-patrol route as a line trace (a trace, not a layer, so it has a legend entry and a hover
    that lists the patrols the events name, with their publishers)."""
    rows = layers[layers["layer"] == "m4_patrol"]
    for geojson in rows["geojson"]:
        geometry = json.loads(geojson)
        lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
        lon = [c[0] for line in lines for c in line + [[None, None]]]
        lat = [c[1] for line in lines for c in line + [[None, None]]]
        dates = "<br>".join(f"{_day(d)}: {t} ({isolate(p)})" for d, t, p in
                            zip(patrols["event_date"], patrols["title"], patrols["source_publisher"]))
        hover = _("Russian–Turkish joint patrol route on the M4 (approximate)") + (
            "<br>" + _("Patrols:") + "<br>" + dates if dates else "")
        fig.add_trace(go.Scattermap(lon=lon, lat=lat, mode="lines", name=_("Joint patrol route (M4)"),
                                    line={"color": PATROL_COLOUR, "width": 5}, hoverinfo="text", hovertext=hover))


def _day(value: object) -> str:
    return i18n.day(value) if i18n.language() != "en" else format(pd.Timestamp(value), "%d %b %Y")


def _returns(fig: go.Figure, returns: pd.DataFrame) -> None:
    """Returns as their own layer: a green triangle-like marker per place and report, sized by the figure."""
    if returns.empty:
        return
    size = 8 + 22 * np.sqrt((returns["individuals"] / returns["individuals"].max()).fillna(0))  # suppressed: smallest
    fig.add_trace(go.Scattermap(
        lon=returns["lon"], lat=returns["lat"], mode="markers", name=_("Returns (size = people)"),
        marker={"size": size, "color": RETURNS_COLOUR, "opacity": 0.8},
        hovertext=[_("{place}: {value} people returned, {start} – {end}<br>{publisher}").format(
            place=_place_text(n, a, p), value=i18n.number(v), start=_day(s), end=_day(e), publisher=isolate(pub))
            for n, a, p, v, s, e, pub in zip(returns["name_en"], returns["name_ar"], returns["pcode"],
                                             returns["individuals"], returns["period_start"], returns["period_end"],
                                             returns["source_publisher"])],
        hoverinfo="text",
    ))


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
    """A marker inside each area a figure was published for, sized by its figure, each its own colour and
    named in the legend, so two areas' figures are told apart."""
    if areas.empty:
        return
    rows = areas.merge(figures, on="pcode").sort_values("individuals", ascending=False)
    top = rows["individuals"].max()
    for i, row in enumerate(rows.itertuples()):
        fig.add_trace(go.Scattermap(
            lon=[row.lon], lat=[row.lat], mode="markers",
            name=_("{name}: {value} people ({band})").format(
                name=row.name_en if i18n.language() == "en" else (row.name_ar or places.english_marked(row.name_en)),
                value=i18n.number(row.individuals), band=band_name(row.band)),
            marker={"size": 12 + 28 * (np.sqrt(row.individuals / top) if pd.notna(row.individuals) and top else 0), "opacity": 0.8,
                    "color": AREA_MARKER_COLOURS[i % len(AREA_MARKER_COLOURS)]},
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
    size = 6 + 24 * np.sqrt((camps["individuals"] / camps["individuals"].max()).fillna(0))  # suppressed: smallest
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
                     camps: pd.DataFrame, label: str, named: pd.DataFrame | None = None,
                     patrols: pd.DataFrame | None = None, returns: pd.DataFrame | None = None) -> go.Figure:
    """Sub-districts shaded by the people placed in them, areas outlined with a marker, band lines,
    the border, the M4 and its corridor, geocoded events and camps."""
    fig = go.Figure()
    if not shapes.empty:
        _choropleth(fig, shapes, values, label)
    _legend_keys(fig, layers, rings, areas)
    _areas(fig, areas, area_values, label)
    _patrol(fig, layers, patrols if patrols is not None else pd.DataFrame(
        columns=["event_date", "title", "source_publisher"]))
    _returns(fig, returns if returns is not None else pd.DataFrame())
    _events(fig, events)
    _camps(fig, camps)
    _labels(fig, named if named is not None else pd.DataFrame())
    fig.update_layout(
        map={"style": "white-bg", "center": CENTRE, "zoom": ZOOM,
             "layers": _layers(layers, outlines, rings, areas)},
        title=_("Where the displaced went — {label}").format(label=isolate(label)), margin={"l": 0, "r": 0, "t": TOP_MARGIN, "b": 0}, height=PLOT_HEIGHT,
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
    named = query("maps.named_places", None, pcodes=BRIEFING_PLACES)
    patrols = i18n.event_titles(query("maps.patrols"))
    returns = query("maps.returns", plain)
    label = border_bands.label_of(chosen) if chosen is not None else _("Sub-districts (no destination figures)")
    has_map = not shapes.empty or not layers.empty
    data = rows.reset_index(drop=True) if not rows.empty else shapes.drop(columns="geojson")
    placed_areas = figures.loc[~is_sub, "pcode"].isin(areas["pcode"]).sum()
    return ChartData(
        figure=displacement_map(shapes, figures[is_sub][["pcode", "individuals"]], areas, figures[~is_sub],
                                layers, outlines, rings, events, camps, label, named, patrols, returns)
        if has_map else None,
        data=data, references=cite(rows) + [s for s in cite(pd.concat([layers, events, patrols, returns]))
                                            if s not in cite(rows)],
        period=period_of(rows),
        measure=(_("Flow: {label}. Sub-districts shaded by the people the breakdown placed in them; "
                   "{areas} figure(s) published for an area drawn over the sub-districts the area covers. "
                   "Dotted lines: 10, 25 and 50 km from the Turkish border.").format(
                       label=label, areas=i18n.number(placed_areas))
                 if chosen is not None else _("No destination figures for this selection: boundaries only.")),
        empty_message=_("No sub-district boundaries or map layers are loaded."),
    )
