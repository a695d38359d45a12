"""What the offline map draws: backdrop layers, sub-district shapes shaded by a
figure, flow lines, camps, and the M4 security corridor.

Shapes and layers are GeoJSON text from the warehouse; no tile server is used.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from warehouse.queries.areas import DISTANCE_BANDS, area_clause, counted, flow_types, in_list, stock_types
from warehouse.queries.base import Filters, fetch_df, where
from warehouse.queries.border import PLACING_TYPES

# Moscow Additional Protocol, 5 March 2020: a corridor 6 km deep on each side of the M4.
M4_CORRIDOR_KM = 6.0
_KM_PER_DEG_LAT = 110.574


def layers(db_path: Path) -> pd.DataFrame:
    """Every map layer (countries backdrop, border line, M4, ...) with its source."""
    return fetch_df(
        db_path,
        "SELECT m.layer, m.name, m.geojson, citations.* EXCLUDE (source_id)"
        " FROM map_layers m LEFT JOIN citations USING (source_id)"
        # a layer loaded from two files (the bundled border and a Natural Earth download) is drawn once: the newest
        " WHERE m.load_id = (SELECT max(n.load_id) FROM map_layers n WHERE n.layer = m.layer)"
        " ORDER BY m.layer, m.name",
    )


def m4_corridor(db_path: Path, width_km: float = M4_CORRIDOR_KM) -> pd.DataFrame:
    """The M4 security corridor polygon: an 'm4_corridor' layer if one was loaded,
    otherwise the 'm4' layer buffered by `width_km` on each side.

    The buffer is drawn in a local equirectangular projection at the road's mean
    latitude (within ~2 % of true distance in Idleb): good for drawing, not for measuring.
    """
    frame = layers(db_path)
    loaded = frame[frame["layer"] == "m4_corridor"]
    if not loaded.empty:
        return loaded.reset_index(drop=True)
    road = frame[frame["layer"] == "m4"]
    if road.empty:
        return frame.iloc[0:0]
    geometry = shapely.union_all([shape(json.loads(g)) for g in road["geojson"]])
    lat0 = geometry.centroid.y
    kx = _KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    to_km = shapely.transform(geometry, lambda xy: xy * [kx, _KM_PER_DEG_LAT])
    corridor = shapely.transform(to_km.buffer(width_km, quad_segs=16), lambda xy: xy / [kx, _KM_PER_DEG_LAT])
    row = road.iloc[0].to_dict() | {
        "layer": "m4_corridor",
        "name": f"M4 security corridor ({width_km:g} km each side, drawn from the M4 line)",
        "geojson": json.dumps(mapping(corridor)),
    }
    return pd.DataFrame([row])


# Governorates drawn in detail when no area is picked: the offensive's Northwest Syria (Idleb, and
# Aleppo for its northern and western countryside). The rest of Syria is drawn as governorate outlines.
NORTHWEST_GOVERNORATES = ("SY07", "SY02")


def shapes(db_path: Path, filters: Filters, admin_level: int = 3) -> pd.DataFrame:
    """Boundary polygons at one admin level (3 = sub-districts) in the selected area
    (Northwest Syria when none is picked: the page stays small and fast)."""
    governorate = "coalesce(a.governorate_pcode, left(sh.pcode, 4))"
    picked = filters.governorates or any(k == "district" for k, _ in filters.extra)
    clause, params = where(
        area_clause(filters, governorate, "coalesce(a.district_pcode, left(sh.pcode, 6))") if picked
        else in_list(governorate, NORTHWEST_GOVERNORATES),
        ("coalesce(a.admin_level, length(sh.pcode) / 2 - 1) = $admin_level", {"admin_level": admin_level}),
    )
    return fetch_df(
        db_path,
        f"""
        SELECT sh.pcode, coalesce(any_value(a.name_en), sh.pcode) AS name_en, any_value(a.name_ar) AS name_ar,
               coalesce(any_value(a.governorate_pcode), left(sh.pcode, 4)) AS governorate_pcode,
               any_value(sh.geojson) AS geojson
        FROM location_shapes sh LEFT JOIN location_areas a USING (pcode)
        WHERE {clause}
        GROUP BY sh.pcode
        ORDER BY sh.pcode
        """,
        params, filters,
    )


def month_reports(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Every report that places people (or IDP movements) at a named destination, by the month its
    reference period ends in ("as reported by the end of December"), one row per report and destination,
    never summed across reports: what the map's month-by-month view chooses from. A country-wide
    destination is left out (it contains the others). Areas have no point of their own here: the
    dashboard places them inside their outline (`area_outlines`)."""
    clause, params = where(
        filters.period_clause("p.period_end", "p.period_end"),
        filters.sources_clause("p.source_id"),
        in_list("p.figure_type", PLACING_TYPES + ("displacements",)),
        ("p.destination_pcode IS NOT NULL AND p.destination_governorate IS NOT NULL", {}),
    )
    return fetch_df(db_path, f"""
        SELECT CAST(date_trunc('month', p.period_end) AS DATE) AS month, p.period_start, p.period_end,
               p.figure_type, any_value(p.measure) AS measure, p.source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               p.destination_pcode, any_value(p.destination_name) AS destination_name,
               any_value(l.name_ar) AS destination_name_ar,
               any_value(p.destination_lat) AS lat, any_value(p.destination_lon) AS lon,
               any_value(p.destination_band) AS destination_band, sum(p.individuals) AS individuals
        FROM displacement_placed p LEFT JOIN v_locations l ON l.pcode = p.destination_pcode
             LEFT JOIN citations ON citations.source_id = p.source_id
        WHERE {clause}
        GROUP BY p.period_start, p.period_end, p.figure_type, p.source_id, p.destination_pcode
        ORDER BY month, p.period_end, p.source_id, individuals DESC""", params, filters)


def subdistrict_values(db_path: Path, filters: Filters) -> pd.DataFrame:
    """People per destination sub-district, figure type and source. Flows and stocks stay in separate rows."""
    clause, params = where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.sources_clause(),
        in_list("figure_type", flow_types(filters) + stock_types(filters)),
        ("destination_subdistrict IS NOT NULL", {}),
        counted(),
    )
    sql = f"""
        SELECT destination_subdistrict AS pcode, figure_type, any_value(measure) AS measure, source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(period_start) AS period_start, max(period_end) AS period_end,
               sum(individuals) AS individuals
        FROM displacement_buckets LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY destination_subdistrict, figure_type, source_id
        ORDER BY individuals DESC
        """
    return fetch_df(db_path, sql, params, filters)


def flow_lines(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Flows from origin to destination district as line end points.

    An area without its own coordinates is placed at the mean of the places
    inside it that have some (approximate, for drawing only).
    """
    clause, params = where(
        filters.period_clause("f.period_start", "f.period_end"),
        area_clause(filters, "f.destination_governorate", "f.destination_district"),
        filters.sources_clause("f.source_id"),
        in_list("f.figure_type", flow_types(filters)),
        counted("f.counted"),
    )
    sql = f"""
        WITH centres AS (
            SELECT pcode, avg(place_lat) AS lat, avg(place_lon) AS lon FROM (
                SELECT governorate_pcode AS pcode, place_lat, place_lon FROM location_areas
                UNION ALL SELECT district_pcode, place_lat, place_lon FROM location_areas
                UNION ALL SELECT pcode, place_lat, place_lon FROM location_areas
            ) WHERE pcode IS NOT NULL AND place_lat IS NOT NULL GROUP BY pcode
        )
        SELECT f.figure_type, f.source_id, any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(f.period_start) AS period_start, max(f.period_end) AS period_end,
               f.origin_area, any_value(on_.name_en) AS origin_name,
               f.destination_area, any_value(dn.name_en) AS destination_name,
               any_value(oc.lat) AS origin_lat, any_value(oc.lon) AS origin_lon,
               any_value(dc.lat) AS destination_lat, any_value(dc.lon) AS destination_lon,
               sum(f.individuals) AS individuals
        FROM displacement_flow_buckets f
        JOIN centres oc ON oc.pcode = f.origin_area
        JOIN centres dc ON dc.pcode = f.destination_area
        LEFT JOIN v_locations on_ ON on_.pcode = f.origin_area
        LEFT JOIN v_locations dn ON dn.pcode = f.destination_area
        LEFT JOIN citations USING (source_id)
        WHERE f.origin_area <> f.destination_area AND {clause}
        GROUP BY f.figure_type, f.source_id, f.origin_area, f.destination_area
        ORDER BY individuals DESC
        """
    return fetch_df(db_path, sql, params, filters)


def subdistrict_bands(db_path: Path) -> pd.DataFrame:
    """Each sub-district's distance band (its centroid's distance to the border), for the map's hover."""
    return fetch_df(db_path, "SELECT pcode, place_band AS band, place_border_km AS border_km FROM location_areas"
                             " WHERE admin_level = 3 ORDER BY pcode")


def governorate_outlines(db_path: Path) -> pd.DataFrame:
    """Every governorate's boundary (admin 1), for the outline of Syria around the detailed area."""
    return fetch_df(db_path, """
        SELECT sh.pcode, any_value(l.name_en) AS name_en, any_value(sh.geojson) AS geojson
        FROM location_shapes sh JOIN v_locations l USING (pcode)
        WHERE l.admin_level = 1 GROUP BY sh.pcode ORDER BY sh.pcode""")


def area_outlines(db_path: Path, pcodes: tuple[str, ...]) -> pd.DataFrame:
    """The outline of each area, governorate or district in `pcodes` (the union of its sub-districts'
    shapes), a point inside it for its marker, and its sub-districts' names: an area figure is drawn
    over the sub-districts it covers."""
    if not pcodes:
        return pd.DataFrame(columns=["pcode", "name_en", "name_ar", "members", "geojson", "lat", "lon"])
    members = fetch_df(db_path, """
        SELECT m.pcode, a.name_en, a.name_ar, s.name_en AS member_name, sh.geojson
        FROM area_subdistricts m JOIN v_locations a ON a.pcode = m.pcode JOIN v_locations s ON s.pcode = m.member_pcode
        JOIN (SELECT pcode, any_value(geojson) AS geojson FROM location_shapes GROUP BY pcode) sh
          ON sh.pcode = m.member_pcode
        WHERE list_contains($pcodes, m.pcode)
        ORDER BY m.pcode, s.name_en""", {"pcodes": list(pcodes)})
    out = []
    for pcode, group in members.groupby("pcode", sort=True):
        union = shapely.coverage_union_all([shape(json.loads(g)) for g in group["geojson"]])
        inside = union.representative_point() if not union.is_empty else None
        out.append({"pcode": pcode, "name_en": group["name_en"].iloc[0], "name_ar": group["name_ar"].iloc[0],
                    "members": ", ".join(group["member_name"]), "geojson": json.dumps(mapping(union)),
                    "lat": inside.y if inside else None, "lon": inside.x if inside else None})
    return pd.DataFrame(out, columns=["pcode", "name_en", "name_ar", "members", "geojson", "lat", "lon"])


def band_rings(db_path: Path) -> pd.DataFrame:
    """Lines at the band edges (10, 25, 50 km from the Turkey–Syria border) on Syria's side, to read
    'how close to the border' on the map. Drawn from the border layer in a local equirectangular
    projection (within ~2 % of true distance here): for reading the map, not for measuring."""
    frame = layers(db_path)
    border = frame[frame["layer"] == "border_tr_sy"]
    syria = frame[(frame["layer"] == "countries") & (frame["name"].str.contains("Syria", case=False, na=False))]
    if border.empty:
        return pd.DataFrame(columns=["km", "name", "geojson"])
    line = shapely.union_all([shape(json.loads(g)) for g in border["geojson"]])
    lat0 = line.centroid.y
    kx = _KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    in_km = shapely.transform(line, lambda xy: xy * [kx, _KM_PER_DEG_LAT])
    country = shapely.union_all([shape(json.loads(g)) for g in syria["geojson"]]) if not syria.empty else None
    rows = []
    for _, _, upper in DISTANCE_BANDS:
        if upper is None:
            continue
        ring = shapely.transform(in_km.buffer(upper, quad_segs=8).exterior,
                                 lambda xy: xy / [kx, _KM_PER_DEG_LAT])
        if country is not None:
            ring = ring.intersection(country)
        ring = shapely.simplify(ring, 0.002)
        rows.append({"km": upper, "name": f"{upper:g} km from the border", "geojson": json.dumps(mapping(ring))})
    return pd.DataFrame(rows)


def events(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Events a source geocodes (events.lat/lon, migration 0005) in the period, with their publisher."""
    clause, params = filters.period_clause("e.event_date", "coalesce(e.end_date, e.event_date)")
    return fetch_df(db_path, f"""
        SELECT e.event_date, e.title, e.description, e.category, e.lat, e.lon,
               citations.* EXCLUDE (source_id), s.is_synthetic
        FROM events e LEFT JOIN citations USING (source_id) LEFT JOIN sources s USING (source_id)
        WHERE e.lat IS NOT NULL AND e.lon IS NOT NULL AND {clause}
        ORDER BY e.event_date""", params, filters)


def named_places(db_path: Path, pcodes: tuple[str, ...]) -> pd.DataFrame:
    """The places a briefing names (towns, crossings, a sub-district), with English and Arabic names and a
    point to label: the gazetteer's coordinates, else the centroid of the place's COD-AB sub-district."""
    return fetch_df(db_path, """
        SELECT pcode, name_en, name_ar, place_lat AS lat, place_lon AS lon
        FROM location_areas
        WHERE list_contains($pcodes, pcode) AND place_lat IS NOT NULL AND place_lon IS NOT NULL
        ORDER BY list_position($pcodes, pcode)""", {"pcodes": list(pcodes)})


def returns(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Returns (figure_type 'returns') each report published for a place with a point on the map, one row per
    place and report (never summed across reports), at the place's gazetteer point or sub-district centroid."""
    clause, params = where(
        filters.period_clause("p.period_start", "p.period_end"),
        filters.sources_clause("p.source_id"),
        ("p.figure_type = 'returns'", {}),
        ("p.destination_lat IS NOT NULL AND p.destination_lon IS NOT NULL", {}),
    )
    return fetch_df(db_path, f"""
        SELECT p.destination_pcode AS pcode, any_value(p.destination_name) AS name_en, any_value(l.name_ar) AS name_ar,
               any_value(p.destination_lat) AS lat, any_value(p.destination_lon) AS lon, p.source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(p.period_start) AS period_start, max(p.period_end) AS period_end, sum(p.individuals) AS individuals
        FROM displacement_placed p LEFT JOIN location_areas l ON l.pcode = p.destination_pcode
             LEFT JOIN citations ON citations.source_id = p.source_id
        WHERE {clause}
        GROUP BY p.destination_pcode, p.source_id, p.period_start, p.period_end
        ORDER BY individuals DESC""", params, filters)


def patrols(db_path: Path) -> pd.DataFrame:
    """Every joint patrol the events name (category 'patrol'), with its source, for the route's hover:
    the route is the ceasefire's, so its dates are listed whatever the period."""
    return fetch_df(db_path, """
        SELECT e.event_date, e.title, e.title_ar, citations.* EXCLUDE (source_id)
        FROM events e LEFT JOIN citations USING (source_id)
        WHERE e.category = 'patrol' ORDER BY e.event_date, e.title""")
