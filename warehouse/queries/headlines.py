"""Headline figures for the Overview: one number each, with its source and reference date.

Each function returns one row per (figure type or category, source), best
candidate first; the page shows the first and names its source. Numbers from
different sources are never added together, and stocks never added to flows.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.areas import DISPLACEMENT, LOCATION_AREAS, area_clause, flow_types, in_list, stock_types
from warehouse.queries.base import Filters, fetch_df, where

# Reports covering more than a month are usually cumulative ('since 1 December'):
# adding them to monthly figures would count people twice.
MAX_FLOW_DAYS = 31
NEAR_BORDER_KM = 25.0


def displaced(db_path: Path, filters: Filters) -> pd.DataFrame:
    """People newly displaced (or arriving) in the selected period, per figure type and source.

    Sums reference periods of at most a month; longer (cumulative) reports are left out.
    """
    types = tuple(t for t in flow_types(filters) if t in ("newly_displaced", "arrivals"))
    clause, params = where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.in_clause("source_id", filters.sources),
        in_list("figure_type", types),
        (f"period_end - period_start < {MAX_FLOW_DAYS}", []),
    )
    return fetch_df(
        db_path,
        f"""
        SELECT figure_type, source_id, any_value(source_publisher) AS source_publisher,
               any_value(source_title) AS source_title, any_value(source_date) AS source_date,
               min(period_start) AS period_start, max(period_end) AS period_end,
               sum(individuals) AS value, count(DISTINCT (period_start, period_end)) AS periods
        FROM ({DISPLACEMENT})
        WHERE {clause}
        GROUP BY figure_type, source_id
        ORDER BY figure_type = 'newly_displaced' DESC, max(period_end) DESC, value DESC
        """,
        params,
    )


def idps_near_border(db_path: Path, filters: Filters, km: float = NEAR_BORDER_KM) -> pd.DataFrame:
    """IDPs present within `km` of the Turkish border at the latest date in the period.

    `value` counts places nearer than `km`; `placed` is the stock at places whose
    distance is known, `total` the whole stock of that source on that date.
    """
    types = tuple(t for t in stock_types(filters) if t in ("idp_stock", "idps_in_camps"))
    clause, params = where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.in_clause("source_id", filters.sources),
        in_list("figure_type", types),
    )
    return fetch_df(
        db_path,
        f"""
        WITH rows AS (SELECT * FROM ({DISPLACEMENT}) WHERE {clause}),
        latest AS (SELECT figure_type, source_id, max(period_end) AS period_end FROM rows GROUP BY ALL)
        SELECT r.figure_type, r.source_id, any_value(r.source_publisher) AS source_publisher,
               any_value(r.source_title) AS source_title, any_value(r.source_date) AS source_date,
               min(r.period_start) AS period_start, r.period_end,
               coalesce(sum(r.individuals) FILTER (WHERE r.destination_border_km < ?), 0) AS value,
               coalesce(sum(r.individuals) FILTER (WHERE r.destination_border_km IS NOT NULL), 0) AS placed,
               sum(r.individuals) AS total, ? AS km
        FROM rows r JOIN latest USING (figure_type, source_id, period_end)
        GROUP BY r.figure_type, r.source_id, r.period_end
        ORDER BY r.figure_type = 'idp_stock' DESC, r.period_end DESC, total DESC
        """,
        params + [km, km],
    )


def refugees_in_turkey(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Syrian refugees hosted in Turkey at the latest date in the period, per source."""
    clause, params = where(
        filters.period_clause(),
        filters.in_clause("r.source_id", filters.sources),
        ("r.asylum_iso3 = 'TUR' AND r.origin_iso3 = 'SYR'", []),
        ("r.population_type IN ('refugees', 'registered_refugees')", []),
    )
    return fetch_df(
        db_path,
        f"""
        WITH rows AS (SELECT r.*, s.publisher AS source_publisher, s.title AS source_title,
                             s.published AS source_date
                      FROM refugees r LEFT JOIN sources s USING (source_id) WHERE {clause}),
        latest AS (SELECT source_id, population_type, max(period_end) AS period_end FROM rows GROUP BY ALL)
        SELECT population_type, source_id, any_value(source_publisher) AS source_publisher,
               any_value(source_title) AS source_title, any_value(source_date) AS source_date,
               min(period_start) AS period_start, period_end, sum(persons) AS value
        FROM rows JOIN latest USING (source_id, population_type, period_end)
        GROUP BY population_type, source_id, period_end
        ORDER BY period_end DESC, population_type = 'refugees' DESC, value DESC
        """,
        params,
    )


def deaths(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Recorded deaths in the period, per category and source (best estimate, with range if given)."""
    clause, params = where(
        filters.period_clause("c.period_start", "c.period_end"),
        area_clause(filters, "a.governorate_pcode", "a.district_pcode"),
        filters.in_clause("c.source_id", filters.sources),
    )
    return fetch_df(
        db_path,
        f"""
        WITH areas AS ({LOCATION_AREAS})
        SELECT c.category, c.source_id, any_value(s.publisher) AS source_publisher,
               any_value(s.title) AS source_title, any_value(s.published) AS source_date,
               min(c.period_start) AS period_start, max(c.period_end) AS period_end,
               sum(c.deaths_best) AS value,
               CASE WHEN count(c.deaths_low) = count(*) THEN sum(c.deaths_low) END AS low,
               CASE WHEN count(c.deaths_high) = count(*) THEN sum(c.deaths_high) END AS high
        FROM casualties c
        LEFT JOIN areas a ON a.pcode = c.location_pcode
        LEFT JOIN sources s ON s.source_id = c.source_id
        WHERE {clause}
        GROUP BY c.category, c.source_id
        ORDER BY c.category = 'all' DESC, c.category = 'civilians' DESC, value DESC
        """,
        params,
    )


def camp_occupancy(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Camp population (latest count per camp in the period) against stated capacity."""
    clause, params = where(
        filters.period_clause("p.period_start", "p.period_end"),
        area_clause(filters, "a.governorate_pcode", "a.district_pcode"),
        filters.in_clause("p.source_id", filters.sources),
    )
    return fetch_df(
        db_path,
        f"""
        WITH areas AS ({LOCATION_AREAS}),
        latest AS (
            SELECT p.camp_id, arg_max(p.individuals, p.period_end) AS individuals, max(p.period_end) AS period_end,
                   arg_max(p.period_start, p.period_end) AS period_start, arg_max(p.source_id, p.period_end) AS source_id
            FROM camp_population p
            JOIN (SELECT camp_id, any_value(location_pcode) AS location_pcode FROM camps GROUP BY camp_id) c
                USING (camp_id)
            LEFT JOIN areas a ON a.pcode = c.location_pcode
            WHERE {clause}
            GROUP BY p.camp_id
        ),
        capacity AS (SELECT camp_id, max(capacity_individuals) AS capacity FROM camps GROUP BY camp_id)
        SELECT count(*) AS camps, sum(l.individuals) AS value,
               sum(l.individuals) FILTER (WHERE c.capacity IS NOT NULL) AS population_with_capacity,
               sum(c.capacity) AS capacity, min(l.period_start) AS period_start, max(l.period_end) AS period_end,
               string_agg(DISTINCT s.publisher, '; ') AS source_publisher,
               string_agg(DISTINCT s.title, '; ') AS source_title, max(s.published) AS source_date
        FROM latest l LEFT JOIN capacity c USING (camp_id) LEFT JOIN sources s USING (source_id)
        HAVING count(*) > 0
        """,
        params,
    )
