"""Toward the border: where displaced people ended up, by distance to the Turkish border.

Only flow figures (arrivals, newly displaced, ...) are used here: a stock of
IDPs present is a different quantity and is never added to a flow.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.areas import area_clause, counted, flow_types, in_list, within
from warehouse.queries.base import Clause, Filters, fetch_df, where


def flow_where(filters: Filters) -> Clause:
    """Flow rows in the selected period, area (by destination), sources and figure types."""
    return where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.sources_clause(),
        in_list("figure_type", flow_types(filters)),
        counted(),
    )


def by_band(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Flow figures per reference period (single days gathered into months), figure type, source
    and destination distance band: a few thousand rows at most, whatever the number of facts."""
    clause, params = flow_where(filters)
    sql = f"""
        SELECT min(r.period_start) AS period_start, max(r.period_end) AS period_end, r.figure_type, r.source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               r.destination_band, sum(r.individuals) AS individuals,
               sum(r.row_count)::BIGINT AS rows
        FROM displacement_buckets r LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY r.daily, r.key_start, r.key_end, r.figure_type, r.source_id, r.destination_band
        ORDER BY period_end, r.figure_type, r.source_id, r.destination_band
        """
    return fetch_df(db_path, sql, params, filters)


def net_movement(db_path: Path, filters: Filters) -> pd.DataFrame:
    """People who moved closer to the border than where they came from, and farther away.

    'toward' = destination nearer the border than the origin, 'away' = farther,
    'same' = equal distance; rows without both distances count as 'unknown' (displacement_buckets).
    net_toward = toward - away.
    """
    clause, params = flow_where(filters)
    sql = f"""
        SELECT min(r.period_start) AS period_start, max(r.period_end) AS period_end, r.figure_type, r.source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               sum(r.toward) AS toward, sum(r.away) AS away, sum(r.same) AS same,
               sum(r.unknown) AS unknown, sum(r.toward) - sum(r.away) AS net_toward
        FROM displacement_buckets r LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY r.daily, r.key_start, r.key_end, r.figure_type, r.source_id
        ORDER BY period_end, r.figure_type, r.source_id
        """
    return fetch_df(db_path, sql, params, filters)


def flows(db_path: Path, filters: Filters, level: str = "governorate") -> pd.DataFrame:
    """Origin area -> destination area totals at governorate or district level, largest first;
    level 'published' keeps each end as the publisher gave it (a region, a named area, a sub-district)."""
    if level not in ("governorate", "district", "published"):
        raise ValueError(f"level must be 'governorate', 'district' or 'published', not {level!r}")
    clause, params = flow_where(filters)
    if level == "published":  # a place, not an area: the rollup keeps areas only
        return fetch_df(db_path, f"""
            SELECT figure_type, source_id, any_value(COLUMNS(citations.* EXCLUDE (source_id))),
                   min(period_start) AS period_start, max(period_end) AS period_end,
                   coalesce(origin_pcode, 'unknown') AS origin_pcode,
                   coalesce(any_value(origin_name), 'Origin not given') AS origin_name,
                   coalesce(destination_pcode, 'unknown') AS destination_pcode,
                   coalesce(any_value(destination_name), 'Destination not given') AS destination_name,
                   sum(individuals) AS individuals
            FROM displacement_placed LEFT JOIN citations USING (source_id)
            WHERE {clause}
            GROUP BY figure_type, source_id, coalesce(origin_pcode, 'unknown'), coalesce(destination_pcode, 'unknown')
            ORDER BY individuals DESC
            """, params, filters)
    # an end coarser than the level (a region such as Northwest Syria) keeps the place as published:
    # 'unknown' is an end the publisher did not give, said in words by the chart, never drawn
    origin, destination = f"coalesce(f.origin_{level}, f.origin_area)", f"coalesce(f.destination_{level}, f.destination_area)"
    sql = f"""
        SELECT f.figure_type, f.source_id, any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               min(f.period_start) AS period_start, max(f.period_end) AS period_end,
               coalesce({origin}, 'unknown') AS origin_pcode,
               coalesce(any_value(o.name_en), 'Unknown origin') AS origin_name,
               coalesce({destination}, 'unknown') AS destination_pcode,
               coalesce(any_value(t.name_en), 'Unknown destination') AS destination_name,
               sum(f.individuals) AS individuals
        FROM displacement_flow_buckets f
        LEFT JOIN v_locations o ON o.pcode = {origin}
        LEFT JOIN v_locations t ON t.pcode = {destination}
        LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY f.figure_type, f.source_id, coalesce({origin}, 'unknown'), coalesce({destination}, 'unknown')
        ORDER BY individuals DESC
        """
    return fetch_df(db_path, sql, params, filters)


# Figure types that say where displaced people went (a return or a departure does not).
PLACING_TYPES = ("arrivals", "newly_displaced")


def _placing_where(filters: Filters) -> Clause:
    """Flows that place people (arrivals, newly displaced) at a published destination."""
    return where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.sources_clause(),
        in_list("figure_type", tuple(t for t in flow_types(filters) if t in PLACING_TYPES)),
        ("destination_pcode IS NOT NULL", {}),
        counted(),
    )


def destination_reports(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Every published report with destinations in the period (source, figure type, reference period),
    people per distance band of the destination: what choosing a breakdown needs.

    A few rows per report whatever the number of destinations, so a page that offers the
    breakdowns never holds the destination rows of them all (740,000 rows on the 10 M-row
    bench warehouse); the one picked is read with `breakdown_destinations`.
    """
    clause, params = _placing_where(filters)
    sql = f"""
        SELECT period_start, period_end, figure_type, source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               destination_band, sum(individuals) AS individuals
        FROM displacement_placed LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY period_start, period_end, figure_type, source_id, destination_band
        ORDER BY period_end, source_id, destination_band
        """
    return fetch_df(db_path, sql, params, filters)


def breakdown_destinations(db_path: Path, filters: Filters, breakdown: str = "",
                           periods: tuple[str, ...] = ()) -> pd.DataFrame:
    """People per destination of one breakdown ('figure_type|source_id'), summed over the reference
    periods given ('YYYY-MM-DD/YYYY-MM-DD'), with the destination's name and distance band.

    A destination may be a sub-district (its own band), or a governorate or a named area (the
    band of its sub-districts, 'spans …' when they fall in several). The periods are the reports
    dashboard.border_bands keeps because they do not overlap, so summing them counts no one twice.
    Without a breakdown: every figure type and source; without periods: every report.
    """
    clause, params = where(
        _placing_where(filters),
        ("figure_type || '|' || source_id = $breakdown", {"breakdown": breakdown}) if breakdown else ("TRUE", {}),
        ("list_contains($periods, strftime(period_start, '%Y-%m-%d') || '/' || strftime(period_end, '%Y-%m-%d'))",
         {"periods": list(periods)}) if periods else ("TRUE", {}),
    )
    sql = f"""
        SELECT min(period_start) AS period_start, max(period_end) AS period_end, figure_type, source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))),
               destination_pcode, any_value(destination_name) AS destination_name,
               any_value(destination_band) AS destination_band, sum(individuals) AS individuals
        FROM displacement_placed LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY figure_type, source_id, destination_pcode
        ORDER BY figure_type, source_id, individuals DESC, destination_pcode
        """
    return fetch_df(db_path, sql, params, filters)


def displaced_reports(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Reports of people newly displaced with no destination ('almost 950,000 displaced since
    1 December'), per report: the number a destination breakdown is measured against.
    Reports overlap (cumulative 'since' figures): never add them up. Only reports whose whole
    period lies in the selection: 'since 1 December' as of March says nothing of January."""
    clause, params = where(
        within(filters),
        area_clause(filters, "origin_governorate", None),
        filters.sources_clause(),
        in_list("figure_type", tuple(t for t in flow_types(filters) if t == "newly_displaced")),
        ("destination_pcode IS NULL", {}),
        counted(),
    )
    sql = f"""
        SELECT period_start, period_end, figure_type, source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))), sum(individuals) AS individuals
        FROM displacement_placed LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY period_start, period_end, figure_type, source_id
        ORDER BY individuals DESC
        """
    return fetch_df(db_path, sql, params, filters)
