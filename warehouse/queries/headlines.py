"""Headline figures for the Overview: one number each, with its source and reference date.

Each function returns one row per (figure type or category, source), best
candidate first; the page shows the first and names its source. Numbers from
different sources are never added together, and stocks never added to flows.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse import models
from warehouse.queries.areas import (
    DISTANCE_BANDS, UNKNOWN_BAND, area_clause, bands_nearer_than, counted, flow_types, in_list, non_overlapping,
    stock_types, within,
)
from warehouse.queries.base import Filters, fetch_df, where
from warehouse.queries.provenance import is_reprint
from warehouse.queries.refugees import AUTHORITY_RANK

# Per period bucket: the reports it holds (the days of a month of single days, else 1) and the days they cover.
_REPORTS_AND_DAYS = """
    (CASE WHEN r.daily THEN bit_count(bit_or(r.day_mask)) ELSE 1 END)::BIGINT AS reports,
    (CASE WHEN r.daily THEN bit_count(bit_or(r.day_mask)) ELSE max(r.period_end) - min(r.period_start) + 1 END)::BIGINT
        AS days"""

NEAR_BORDER_KM = 25.0
_CITE_COLS = [c for c in models.models()["citations"].columns if c != "source_id"]


def _resolve(per_period: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One total per key (figure type or category, source) from non-overlapping reports only.

    `per_period` has one row per period bucket: its reports and the days they cover (a month of
    single days is one bucket).
    """
    if per_period.empty:
        return per_period.drop(columns=["reports", "days"])
    out = []
    for key, group in per_period.groupby(keys, sort=False):
        kept = non_overlapping(group)
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        row |= {c: kept[c].iloc[0] for c in _CITE_COLS}
        row |= {
            "period_start": kept["period_start"].min(), "period_end": kept["period_end"].max(),
            "value": kept["value"].sum(), "reports": int(kept["reports"].sum()),
            "reports_offered": int(group["reports"].sum()), "days_covered": int(kept["days"].sum()),
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
        within(filters, "r.period_start", "r.period_end"),
        area_clause(filters, "r.destination_governorate", "r.destination_district"),
        filters.sources_clause("r.source_id"),
        in_list("r.figure_type", types),
        counted("r.counted"),
    )
    sql = f"""
        SELECT r.figure_type, r.source_id, any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(r.period_start) AS period_start,
               max(r.period_end) AS period_end, sum(r.individuals) AS value, {_REPORTS_AND_DAYS}
        FROM displacement_buckets r LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY r.figure_type, r.source_id, r.daily, r.key_start, r.key_end
        """
    result = _resolve(fetch_df(db_path, sql, params, filters), ["figure_type", "source_id"])
    if result.empty:
        return result
    result["preferred"] = result["figure_type"] == "newly_displaced"
    return result.sort_values(["preferred", "period_end", "value"], ascending=False).reset_index(drop=True)


def idps_near_border(db_path: Path, filters: Filters, km: float = NEAR_BORDER_KM) -> pd.DataFrame:
    """IDPs present within `km` of the Turkish border at the latest date in the period.

    `value` counts places nearer than `km`; `placed` is the stock at places whose
    distance is known, `total` the whole stock of that source on that date.
    """
    types = tuple(t for t in stock_types(filters) if t in ("idp_stock", "idps_in_camps"))
    clause, params = where(
        filters.period_clause("r.period_start", "r.period_end"),
        area_clause(filters, "r.destination_governorate", "r.destination_district"),
        filters.sources_clause("r.source_id"),
        in_list("r.figure_type", types),
        counted("r.counted"),
    )
    near = bands_nearer_than(km) if km in {upper for _, _, upper in DISTANCE_BANDS} else None
    # An area (governorate, named area) counts as near only when all its sub-districts are: its band says so.
    # Stocks keep their own periods in the buckets, so any period reads them exactly; a distance that is not a
    # band edge needs each place's own distance (the facts).
    nearer, more = (("list_contains($near, r.destination_band)", {"near": list(near)}) if near is not None
                    else ("r.destination_border_km < $km", {}))
    relation = "displacement_buckets" if near is not None else "displacement_placed"
    sql = f"""
        WITH rows AS (SELECT r.* FROM {relation} r WHERE {clause}),
        latest AS (SELECT figure_type, source_id, max(period_end) AS period_end FROM rows GROUP BY ALL)
        SELECT r.figure_type, r.source_id, any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(r.period_start) AS period_start, r.period_end,
               coalesce(sum(r.individuals) FILTER (WHERE {nearer}), 0) AS value,
               coalesce(sum(r.individuals) FILTER (WHERE r.destination_band <> '{UNKNOWN_BAND}'), 0) AS placed,
               sum(r.individuals) AS total, $km AS km
        FROM rows r JOIN latest USING (figure_type, source_id, period_end) LEFT JOIN citations USING (source_id)
        GROUP BY r.figure_type, r.source_id, r.period_end
        ORDER BY placed > 0 DESC, r.figure_type = 'idp_stock' DESC, r.period_end DESC, total DESC
        """
    return fetch_df(db_path, sql, where((clause, params), (nearer, more), ("TRUE", {"km": km}))[1], filters)


def refugees_in_turkey(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Syrian refugees hosted in Turkey at the latest date in the period, per source; of figures
    for the same year the most authoritative first (refugees.authority: UNHCR's own statistics)."""
    clause, params = where(
        filters.period_clause(),
        filters.sources_clause("r.source_id"),
        ("r.asylum_iso3 = 'TUR' AND r.origin_iso3 = 'SYR'", {}),
        ("r.population_type IN ('refugees', 'registered_refugees')", {}),
    )
    return fetch_df(
        db_path,
        f"""
        WITH rows AS (SELECT r.* FROM refugees r WHERE {clause}),
        latest AS (SELECT source_id, population_type, max(period_end) AS period_end FROM rows GROUP BY ALL)
        SELECT population_type, source_id, any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(period_start) AS period_start, period_end, sum(persons) AS value
        FROM rows JOIN latest USING (source_id, population_type, period_end) LEFT JOIN citations USING (source_id)
        GROUP BY population_type, source_id, period_end
        ORDER BY year(period_end) DESC,
                 {AUTHORITY_RANK.format(population_type="population_type", publisher="any_value(citations.source_publisher)")},
                 period_end DESC, value DESC
        """,
        params, filters,
    )


def deaths(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Recorded deaths in the selected period per category and source: best estimate,
    with low/high where every counted report gives one; overlapping reports not added."""
    clause, params = where(
        within(filters, "r.period_start", "r.period_end"),
        area_clause(filters, "r.governorate_pcode", "r.district_pcode"),
        filters.sources_clause("r.source_id"),
    )
    sql = f"""
        SELECT r.category, r.source_id, any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(r.period_start) AS period_start,
               max(r.period_end) AS period_end, sum(r.deaths_best) AS value,
               CASE WHEN sum(r.low_count) = sum(r.row_count) THEN sum(r.deaths_low) END AS low,
               CASE WHEN sum(r.high_count) = sum(r.row_count) THEN sum(r.deaths_high) END AS high,
               {_REPORTS_AND_DAYS}
        FROM casualty_buckets r LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY r.category, r.source_id, r.daily, r.key_start, r.key_end
        """
    result = _resolve(fetch_df(db_path, sql, params, filters), ["category", "source_id"])
    if result.empty:
        return result
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
        filters.sources_clause("p.source_id"),
    )
    return fetch_df(
        db_path,
        f"""
        WITH latest AS (
            SELECT p.camp_id, arg_max(p.individuals, p.period_end) AS individuals, max(p.period_end) AS period_end,
                   arg_max(p.period_start, p.period_end) AS period_start, arg_max(p.source_id, p.period_end) AS source_id
            FROM camp_population p JOIN camps_placed a USING (camp_id)
            WHERE {clause}
            GROUP BY p.camp_id
        )
        SELECT count(*) AS camps, sum(l.individuals) AS value,
               sum(l.individuals) FILTER (WHERE c.capacity IS NOT NULL) AS population_with_capacity,
               sum(c.capacity) AS capacity, min(l.period_start) AS period_start, max(l.period_end) AS period_end,
               -- every camp's source: publishers and titles listed, the latest date
               string_agg(DISTINCT COLUMNS(citations.* EXCLUDE (source_id, source_date)), '; '),
               max(citations.source_date) AS source_date
        FROM latest l LEFT JOIN camps_placed c USING (camp_id) LEFT JOIN citations USING (source_id)
        HAVING count(*) > 0
        """,
        params, filters,
    )
