"""Camps and sites: population against capacity, distance to the border, trends."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.areas import area_clause
from warehouse.queries.base import Clause, Filters, fetch_df, where


def _where(filters: Filters) -> Clause:
    return where(
        filters.period_clause("p.period_start", "p.period_end"),
        area_clause(filters, "k.governorate_pcode", "k.district_pcode"),
        filters.sources_clause("p.source_id"),
    )


def occupancy(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Each camp's latest population in the period, its capacity and occupancy (population / capacity)."""
    clause, params = _where(filters)
    return fetch_df(
        db_path,
        f"""
        WITH latest AS (
            SELECT p.camp_id, arg_max(p.individuals, p.period_end) AS individuals,
                   arg_max(p.period_start, p.period_end) AS period_start, max(p.period_end) AS period_end,
                   arg_max(p.source_id, p.period_end) AS source_id
            FROM camp_population p JOIN camps_placed k USING (camp_id)
            WHERE {clause}
            GROUP BY p.camp_id
        )
        SELECT k.camp_id, k.name, k.location_pcode, k.governorate_pcode, k.lat, k.lon, k.border_km, k.capacity,
               l.individuals, l.period_start, l.period_end, l.individuals / nullif(k.capacity, 0) AS occupancy,
               citations.* EXCLUDE (source_id)
        FROM latest l JOIN camps_placed k USING (camp_id) LEFT JOIN citations ON citations.source_id = l.source_id
        ORDER BY occupancy DESC NULLS LAST, individuals DESC
        """,
        params, filters,
    )


def trend(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Total camp population per reporting date, with how many camps reported (a stock, per source)."""
    clause, params = _where(filters)
    return fetch_df(
        db_path,
        f"""
        SELECT p.period_end, p.source_id, any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(p.period_start) AS period_start,
               sum(p.individuals) AS individuals, count(DISTINCT p.camp_id) AS camps
        FROM camp_population p JOIN camps_placed k USING (camp_id)
            LEFT JOIN citations ON citations.source_id = p.source_id
        WHERE {clause}
        GROUP BY p.period_end, p.source_id
        ORDER BY p.period_end
        """,
        params, filters,
    )


def camp_count(db_path: Path) -> int:
    """How many camps are loaded at all (to tell 'none loaded' from 'none in this selection')."""
    return int(fetch_df(db_path, "SELECT count(DISTINCT camp_id) AS n FROM camps")["n"].iloc[0])
