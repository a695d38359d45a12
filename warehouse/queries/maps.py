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

from warehouse.queries.areas import DISPLACEMENT, LOCATION_AREAS, area_clause, flow_types, in_list, stock_types
from warehouse.queries.base import Filters, fetch_df, where
from warehouse.queries.rollup import CITE, fetch, month_aligned

# Moscow Additional Protocol, 5 March 2020: a corridor 6 km deep on each side of the M4.
M4_CORRIDOR_KM = 6.0
_KM_PER_DEG_LAT = 110.574
_MONTH_OF_END = "date_trunc('month', period_end)"  # the rollups' `month` column


def layers(db_path: Path) -> pd.DataFrame:
    """Every map layer (countries backdrop, border line, M4, ...) with its source."""
    return fetch_df(
        db_path,
        "SELECT m.layer, m.name, m.geojson, s.publisher AS source_publisher, s.title AS source_title,"
        " s.published AS source_date FROM map_layers m LEFT JOIN sources s USING (source_id)"
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


def shapes(db_path: Path, filters: Filters, admin_level: int = 3) -> pd.DataFrame:
    """Boundary polygons at one admin level (3 = sub-districts) in the selected area."""
    clause, params = where(
        area_clause(filters, "coalesce(a.governorate_pcode, left(sh.pcode, 4))",
                    "coalesce(a.district_pcode, left(sh.pcode, 6))"),
        ("coalesce(a.admin_level, length(sh.pcode) / 2 - 1) = ?", [admin_level]),
    )
    return fetch_df(
        db_path,
        f"""
        WITH areas AS ({LOCATION_AREAS})
        SELECT sh.pcode, coalesce(any_value(a.name_en), sh.pcode) AS name_en,
               coalesce(any_value(a.governorate_pcode), left(sh.pcode, 4)) AS governorate_pcode,
               any_value(sh.geojson) AS geojson
        FROM location_shapes sh LEFT JOIN areas a USING (pcode)
        WHERE {clause}
        GROUP BY sh.pcode
        ORDER BY sh.pcode
        """,
        params,
    )


def months(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Months with displacement figures (flows or stocks) placed in a sub-district, for the map's slider."""
    clause, params = where(
        filters.period_clause(),
        ("destination_subdistrict IS NOT NULL", []),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.in_clause("source_id", filters.sources),
        filters.in_clause("figure_type", filters.figure_types),
    )
    fast = f"SELECT DISTINCT month FROM displacement_rollup WHERE {clause} ORDER BY month"
    slow = (f"SELECT DISTINCT date_trunc('month', period_end)::DATE AS month FROM ({DISPLACEMENT})"
            f" WHERE {clause} ORDER BY month")
    return fetch(db_path, (fast, params) if month_aligned(filters) else None, (slow, params))


def subdistrict_values(db_path: Path, filters: Filters, month: str | None = None) -> pd.DataFrame:
    """People per destination sub-district, figure type and source, for periods ending in `month`
    (YYYY-MM-01; all months when None). Flows and stocks stay in separate rows."""
    month_clause = (f"{_MONTH_OF_END} = CAST(? AS DATE)", [month]) if month else ("TRUE", [])
    clause, params = where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.in_clause("source_id", filters.sources),
        in_list("figure_type", flow_types(filters) + stock_types(filters)),
        ("destination_subdistrict IS NOT NULL", []),
        month_clause,
    )
    columns = """destination_subdistrict AS pcode, figure_type, any_value(measure) AS measure, source_id,
               {cite}, min(period_start) AS period_start, max(period_end) AS period_end,
               sum(individuals) AS individuals"""
    tail = "GROUP BY destination_subdistrict, figure_type, source_id ORDER BY individuals DESC"
    cite = ("any_value(source_publisher) AS source_publisher, any_value(source_title) AS source_title,"
            " any_value(source_date) AS source_date")
    fast = (f"SELECT {columns.format(cite=CITE)} FROM displacement_rollup r LEFT JOIN sources s USING (source_id)"
            f" WHERE {clause.replace(_MONTH_OF_END, 'r.month')} {tail}")
    slow = f"SELECT {columns.format(cite=cite)} FROM ({DISPLACEMENT}) WHERE {clause} {tail}"
    return fetch(db_path, (fast, params) if month_aligned(filters) else None, (slow, params))


def flow_lines(db_path: Path, filters: Filters, month: str | None = None) -> pd.DataFrame:
    """Flows from origin to destination district as line end points.

    An area without its own coordinates is placed at the mean of the places
    inside it that have some (approximate, for drawing only).
    """
    month_clause = (f"{_MONTH_OF_END} = CAST(? AS DATE)", [month]) if month else ("TRUE", [])
    clause, params = where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.in_clause("source_id", filters.sources),
        in_list("figure_type", flow_types(filters)),
        month_clause,
    )
    centres = f"""
        areas AS ({LOCATION_AREAS}),
        centres AS (
            SELECT pcode, avg(place_lat) AS lat, avg(place_lon) AS lon FROM (
                SELECT governorate_pcode AS pcode, place_lat, place_lon FROM areas
                UNION ALL SELECT district_pcode, place_lat, place_lon FROM areas
                UNION ALL SELECT pcode, place_lat, place_lon FROM areas
            ) WHERE pcode IS NOT NULL AND place_lat IS NOT NULL GROUP BY pcode
        )"""
    lines = """
        SELECT f.figure_type, f.source_id, any_value(f.source_publisher) AS source_publisher,
               any_value(f.source_title) AS source_title, any_value(f.source_date) AS source_date,
               min(f.period_start) AS period_start, max(f.period_end) AS period_end,
               f.origin_area, any_value(on_.name_en) AS origin_name,
               f.destination_area, any_value(dn.name_en) AS destination_name,
               any_value(oc.lat) AS origin_lat, any_value(oc.lon) AS origin_lon,
               any_value(dc.lat) AS destination_lat, any_value(dc.lon) AS destination_lon,
               sum(f.individuals) AS individuals
        FROM f
        JOIN centres oc ON oc.pcode = f.origin_area
        JOIN centres dc ON dc.pcode = f.destination_area
        LEFT JOIN v_locations on_ ON on_.pcode = f.origin_area
        LEFT JOIN v_locations dn ON dn.pcode = f.destination_area
        WHERE f.origin_area <> f.destination_area
        GROUP BY f.figure_type, f.source_id, f.origin_area, f.destination_area
        ORDER BY individuals DESC
        """
    fast = f"""
        WITH {centres},
        f AS (
            SELECT r.figure_type, r.source_id, s.publisher AS source_publisher, s.title AS source_title,
                   s.published AS source_date, r.individuals, r.period_start, r.period_end,
                   r.origin_area, r.destination_area
            FROM displacement_flow_rollup r LEFT JOIN sources s USING (source_id)
            WHERE {clause.replace(_MONTH_OF_END, 'r.month')}
        )
        {lines}"""
    slow = f"""
        WITH {centres},
        f AS (
            SELECT figure_type, source_id, source_publisher, source_title, source_date, individuals,
                   period_start, period_end,
                   coalesce(origin_district, origin_governorate, origin_pcode) AS origin_area,
                   coalesce(destination_district, destination_governorate, destination_pcode) AS destination_area
            FROM ({DISPLACEMENT}) WHERE {clause}
        )
        {lines}"""
    return fetch(db_path, (fast, params) if month_aligned(filters) else None, (slow, params))
