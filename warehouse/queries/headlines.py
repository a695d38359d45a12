"""Headline figures for the Overview: one number each, with its source and reference date.

Each function returns one row per (figure type or category, source), best
candidate first; the page shows the first and names its source. Numbers from
different sources are never added together, and stocks never added to flows.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.areas import (
    DISPLACEMENT, DISTANCE_BANDS, LOCATION_AREAS, UNKNOWN_BAND, area_clause, bands_nearer_than, flow_types, in_list,
    non_overlapping, stock_types, within,
)
from warehouse.queries.refugees import AUTHORITY_RANK
from warehouse.queries.base import Filters, fetch_df, where
from warehouse.queries.provenance import is_reprint
from warehouse.queries.rollup import BUCKET, CITE, DAYS, REPORTS, fetch, month_aligned

NEAR_BORDER_KM = 25.0
_CITE_COLS = ["source_publisher", "source_title", "source_date"]


def _resolve(per_period: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One total per key (figure type or category, source) from non-overlapping reports only."""
    out = []
    for key, group in per_period.groupby(keys, sort=False):
        kept = non_overlapping(group)
        if "days" in kept:  # rows from the rollups: a month of single days is one row
            covered, reports, offered = int(kept["days"].sum()), int(kept["reports"].sum()), int(group["reports"].sum())
        else:
            covered = int(sum((pd.Timestamp(e) - pd.Timestamp(s)).days + 1
                              for s, e in zip(kept["period_start"], kept["period_end"])))
            reports, offered = len(kept), len(group)
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        row |= {c: kept[c].iloc[0] for c in _CITE_COLS}
        row |= {
            "period_start": kept["period_start"].min(), "period_end": kept["period_end"].max(),
            "value": kept["value"].sum(), "reports": reports, "reports_offered": offered,
            "days_covered": covered,
        }
        for extra in ("low", "high"):
            if extra in kept:
                row[extra] = kept[extra].sum() if kept[extra].notna().all() else None
        out.append(row)
    return pd.DataFrame(out)


def displaced(db_path: Path, filters: Filters) -> pd.DataFrame:
    """People newly displaced (or arriving) in the selected period, per figure type and source.

    Only reports whose whole period lies inside the selection count, and of
    overlapping reports ('since 1 December' as of several dates) only a
    non-overlapping set is added (see areas.non_overlapping).
    """
    types = tuple(t for t in flow_types(filters) if t in ("newly_displaced", "arrivals"))
    clause, params = where(
        within(filters),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.in_clause("source_id", filters.sources),
        in_list("figure_type", types),
    )
    fast = f"""
        SELECT r.figure_type, r.source_id, {CITE}, min(r.period_start) AS period_start,
               max(r.period_end) AS period_end, sum(r.individuals) AS value, {REPORTS} AS reports, {DAYS} AS days
        FROM displacement_rollup r LEFT JOIN sources s USING (source_id)
        WHERE {clause}
        GROUP BY r.figure_type, r.source_id, {BUCKET}
        """
    slow = f"""
        SELECT figure_type, source_id, any_value(source_publisher) AS source_publisher,
               any_value(source_title) AS source_title, any_value(source_date) AS source_date,
               period_start, period_end, sum(individuals) AS value
        FROM ({DISPLACEMENT})
        WHERE {clause}
        GROUP BY figure_type, source_id, period_start, period_end
        """
    per_period = fetch(db_path, (fast, params) if month_aligned(filters) else None, (slow, params))
    if per_period.empty:
        return per_period.drop(columns=["reports", "days"], errors="ignore")
    result = _resolve(per_period, ["figure_type", "source_id"])
    result["preferred"] = result["figure_type"] == "newly_displaced"
    return result.sort_values(["preferred", "period_end", "value"], ascending=False).reset_index(drop=True)


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
    near = bands_nearer_than(km) if km in {upper for _, _, upper in DISTANCE_BANDS} else None
    # An area (governorate, named area) counts as near only when all its sub-districts are: its band says so.
    nearer = (f"r.destination_band IN ({', '.join('?' for _ in near)})" if near is not None
              else "r.destination_border_km < ?")
    slow = f"""
        WITH rows AS (SELECT * FROM ({DISPLACEMENT}) WHERE {clause}),
        latest AS (SELECT figure_type, source_id, max(period_end) AS period_end FROM rows GROUP BY ALL)
        SELECT r.figure_type, r.source_id, any_value(r.source_publisher) AS source_publisher,
               any_value(r.source_title) AS source_title, any_value(r.source_date) AS source_date,
               min(r.period_start) AS period_start, r.period_end,
               coalesce(sum(r.individuals) FILTER (WHERE {nearer}), 0) AS value,
               coalesce(sum(r.individuals) FILTER (WHERE r.destination_band <> '{UNKNOWN_BAND}'), 0) AS placed,
               sum(r.individuals) AS total, ? AS km
        FROM rows r JOIN latest USING (figure_type, source_id, period_end)
        GROUP BY r.figure_type, r.source_id, r.period_end
        ORDER BY placed > 0 DESC, r.figure_type = 'idp_stock' DESC, r.period_end DESC, total DESC
        """
    # Stocks keep their own periods in the rollup, so any period filter is exact; the
    # distance must be a band edge.
    fast = None if near is None else f"""
        WITH rows AS (SELECT r.*, s.publisher AS source_publisher, s.title AS source_title,
                             s.published AS source_date
                      FROM displacement_rollup r LEFT JOIN sources s USING (source_id) WHERE {clause}),
        latest AS (SELECT figure_type, source_id, max(period_end) AS period_end FROM rows GROUP BY ALL)
        SELECT r.figure_type, r.source_id, any_value(r.source_publisher) AS source_publisher,
               any_value(r.source_title) AS source_title, any_value(r.source_date) AS source_date,
               min(r.period_start) AS period_start, r.period_end,
               coalesce(sum(r.individuals) FILTER (WHERE r.destination_band IN ({', '.join('?' for _ in near)})), 0)
                   AS value,
               coalesce(sum(r.individuals) FILTER (WHERE r.destination_band <> 'unknown'), 0) AS placed,
               sum(r.individuals) AS total, ? AS km
        FROM rows r JOIN latest USING (figure_type, source_id, period_end)
        GROUP BY r.figure_type, r.source_id, r.period_end
        ORDER BY placed > 0 DESC, r.figure_type = 'idp_stock' DESC, r.period_end DESC, total DESC
        """
    return fetch(db_path, None if fast is None else (fast, params + list(near or ()) + [km]),
                 (slow, params + (list(near) if near is not None else [km]) + [km]))


def refugees_in_turkey(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Syrian refugees hosted in Turkey at the latest date in the period, per source; of figures
    for the same year the most authoritative first (refugees.authority: UNHCR's own statistics)."""
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
        ORDER BY year(period_end) DESC, {AUTHORITY_RANK.format(population_type="population_type", publisher="any_value(source_publisher)")},
                 period_end DESC, value DESC
        """,
        params,
    )


def deaths(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Recorded deaths in the selected period per category and source: best estimate,
    with low/high where every counted report gives one; overlapping reports not added."""
    clause, params = where(
        within(filters, "c.period_start", "c.period_end"),
        area_clause(filters, "a.governorate_pcode", "a.district_pcode"),
        filters.in_clause("c.source_id", filters.sources),
    )
    slow = f"""
        WITH areas AS ({LOCATION_AREAS})
        SELECT c.category, c.source_id, any_value(s.publisher) AS source_publisher,
               any_value(s.title) AS source_title, any_value(s.published) AS source_date,
               c.period_start, c.period_end, sum(c.deaths_best) AS value,
               CASE WHEN count(c.deaths_low) = count(*) THEN sum(c.deaths_low) END AS low,
               CASE WHEN count(c.deaths_high) = count(*) THEN sum(c.deaths_high) END AS high
        FROM casualties c
        LEFT JOIN areas a ON a.pcode = c.location_pcode
        LEFT JOIN sources s ON s.source_id = c.source_id
        WHERE {clause}
        GROUP BY c.category, c.source_id, c.period_start, c.period_end
        """
    fast_clause, fast_params = where(
        within(filters, "r.period_start", "r.period_end"),
        area_clause(filters, "r.governorate_pcode", "r.district_pcode"),
        filters.in_clause("r.source_id", filters.sources),
    )
    fast = f"""
        SELECT r.category, r.source_id, {CITE}, min(r.period_start) AS period_start,
               max(r.period_end) AS period_end, sum(r.deaths_best) AS value,
               CASE WHEN sum(r.low_count) = sum(r.row_count) THEN sum(r.deaths_low) END AS low,
               CASE WHEN sum(r.high_count) = sum(r.row_count) THEN sum(r.deaths_high) END AS high,
               {REPORTS} AS reports, {DAYS} AS days
        FROM casualties_rollup r LEFT JOIN sources s ON s.source_id = r.source_id
        WHERE {fast_clause}
        GROUP BY r.category, r.source_id, {BUCKET}
        """
    per_period = fetch(db_path, (fast, fast_params) if month_aligned(filters) else None, (slow, params))
    if per_period.empty:
        return per_period.drop(columns=["reports", "days"], errors="ignore")
    result = _resolve(per_period, ["category", "source_id"])
    result["rank"] = result["category"].map({"all": 0, "civilians": 1}).fillna(2)
    # Within a category, a publisher's own page (OHCHR, OCHA, ...) comes before a reprint of any size.
    result["reprint"] = result["source_publisher"].map(is_reprint)
    return (result.sort_values(["rank", "reprint", "value"], ascending=[True, True, False])
            .drop(columns=["rank", "reprint"]).reset_index(drop=True))


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
