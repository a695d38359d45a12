"""Camps and sites: population against capacity, distance to the border, trends."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.areas import LOCATION_AREAS, area_clause
from warehouse.queries.base import Filters, fetch_df, where

_CAMPS = f"""
WITH areas AS ({LOCATION_AREAS})
SELECT c.camp_id, any_value(c.name) AS name, any_value(c.location_pcode) AS location_pcode,
       coalesce(any_value(c.lat), any_value(a.place_lat)) AS lat,
       coalesce(any_value(c.lon), any_value(a.place_lon)) AS lon,
       max(c.capacity_individuals) AS capacity,
       coalesce(any_value(c.border_km), any_value(a.place_border_km)) AS border_km,
       any_value(a.governorate_pcode) AS governorate_pcode, any_value(a.district_pcode) AS district_pcode
FROM camps c LEFT JOIN areas a ON a.pcode = c.location_pcode
GROUP BY c.camp_id
"""


def _where(filters: Filters) -> tuple[str, list]:
    return where(
        filters.period_clause("p.period_start", "p.period_end"),
        area_clause(filters, "k.governorate_pcode", "k.district_pcode"),
        filters.in_clause("p.source_id", filters.sources),
    )


def occupancy(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Each camp's latest population in the period, its capacity and occupancy (population / capacity)."""
    clause, params = _where(filters)
    return fetch_df(
        db_path,
        f"""
        WITH k AS ({_CAMPS}),
        latest AS (
            SELECT p.camp_id, arg_max(p.individuals, p.period_end) AS individuals,
                   arg_max(p.period_start, p.period_end) AS period_start, max(p.period_end) AS period_end,
                   arg_max(p.source_id, p.period_end) AS source_id
            FROM camp_population p JOIN k USING (camp_id)
            WHERE {clause}
            GROUP BY p.camp_id
        )
        SELECT k.camp_id, k.name, k.location_pcode, k.governorate_pcode, k.lat, k.lon, k.border_km, k.capacity,
               l.individuals, l.period_start, l.period_end, l.individuals / nullif(k.capacity, 0) AS occupancy,
               s.publisher AS source_publisher, s.title AS source_title, s.published AS source_date
        FROM latest l JOIN k USING (camp_id) LEFT JOIN sources s ON s.source_id = l.source_id
        ORDER BY occupancy DESC NULLS LAST, individuals DESC
        """,
        params,
    )


def trend(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Total camp population per reporting date, with how many camps reported (a stock, per source)."""
    clause, params = _where(filters)
    return fetch_df(
        db_path,
        f"""
        WITH k AS ({_CAMPS})
        SELECT p.period_end, p.source_id, any_value(s.publisher) AS source_publisher,
               any_value(s.title) AS source_title, any_value(s.published) AS source_date,
               min(p.period_start) AS period_start,
               sum(p.individuals) AS individuals, count(DISTINCT p.camp_id) AS camps
        FROM camp_population p JOIN k USING (camp_id) LEFT JOIN sources s ON s.source_id = p.source_id
        WHERE {clause}
        GROUP BY p.period_end, p.source_id
        ORDER BY p.period_end
        """,
        params,
    )


def camp_count(db_path: Path) -> int:
    """How many camps are loaded at all (to tell 'none loaded' from 'none in this selection')."""
    return int(fetch_df(db_path, "SELECT count(DISTINCT camp_id) AS n FROM camps")["n"].iloc[0])
