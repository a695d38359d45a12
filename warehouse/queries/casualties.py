"""Recorded deaths per month and governorate, and displacement on the same monthly axis."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.areas import DISPLACEMENT, LOCATION_AREAS, area_clause, flow_types, in_list
from warehouse.queries.base import Filters, where
from warehouse.queries.rollup import CITE, KEY_END, KEY_START, fetch, month_aligned

# Reports longer than a month cannot be put in one month without inventing a split.
MAX_DAYS = 31


def monthly(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Deaths per report period (single days gathered into their month), governorate, category
    and source; low/high only where every row has them.

    `period_start`..`period_end` is what the figure covers: a report's own period, or the first
    to the last recorded day of a month of daily records. `month` is the month it starts in.
    """
    clause, params = where(
        filters.period_clause("c.period_start", "c.period_end"),
        area_clause(filters, "a.governorate_pcode", "a.district_pcode"),
        filters.in_clause("c.source_id", filters.sources),
        (f"c.period_end - c.period_start < {MAX_DAYS}", []),
    )
    daily = "c.period_start = c.period_end"
    slow = f"""
        WITH areas AS ({LOCATION_AREAS})
        SELECT CASE WHEN {daily} THEN date_trunc('month', c.period_start)::DATE ELSE c.period_start END AS key_start,
               CASE WHEN {daily} THEN date_trunc('month', c.period_start)::DATE ELSE c.period_end END AS key_end,
               min(c.period_start) AS period_start, max(c.period_end) AS period_end,
               date_trunc('month', min(c.period_start))::DATE AS month, c.category,
               coalesce(a.governorate_pcode, 'unknown') AS governorate_pcode,
               coalesce(any_value(g.name_en), 'Unknown governorate') AS governorate,
               c.source_id, any_value(s.publisher) AS source_publisher, any_value(s.title) AS source_title,
               any_value(s.published) AS source_date,
               sum(c.deaths_best) AS deaths_best,
               CASE WHEN count(c.deaths_low) = count(*) THEN sum(c.deaths_low) END AS deaths_low,
               CASE WHEN count(c.deaths_high) = count(*) THEN sum(c.deaths_high) END AS deaths_high,
               count(*) AS rows
        FROM casualties c
        LEFT JOIN areas a ON a.pcode = c.location_pcode
        LEFT JOIN v_locations g ON g.pcode = a.governorate_pcode
        LEFT JOIN sources s ON s.source_id = c.source_id
        WHERE {clause}
        GROUP BY key_start, key_end, c.category, coalesce(a.governorate_pcode, 'unknown'), c.source_id
        ORDER BY period_start, governorate
        """
    fast_clause, fast_params = where(
        filters.period_clause("c.period_start", "c.period_end"),
        area_clause(filters, "c.governorate_pcode", "c.district_pcode"),
        filters.in_clause("c.source_id", filters.sources),
        (f"(c.daily OR c.period_end - c.period_start < {MAX_DAYS})", []),
    )
    key_start, key_end = KEY_START.replace("r.", "c."), KEY_END.replace("r.", "c.")
    fast = f"""
        SELECT {key_start} AS key_start, {key_end} AS key_end,
               min(c.period_start) AS period_start, max(c.period_end) AS period_end,
               date_trunc('month', min(c.period_start))::DATE AS month, c.category,
               coalesce(c.governorate_pcode, 'unknown') AS governorate_pcode,
               coalesce(any_value(g.name_en), 'Unknown governorate') AS governorate,
               c.source_id, {CITE},
               sum(c.deaths_best) AS deaths_best,
               CASE WHEN sum(c.low_count) = sum(c.row_count) THEN sum(c.deaths_low) END AS deaths_low,
               CASE WHEN sum(c.high_count) = sum(c.row_count) THEN sum(c.deaths_high) END AS deaths_high,
               sum(c.row_count)::BIGINT AS rows
        FROM casualties_rollup c
        LEFT JOIN v_locations g ON g.pcode = c.governorate_pcode
        LEFT JOIN sources s ON s.source_id = c.source_id
        WHERE {fast_clause}
        GROUP BY c.daily, c.month, {key_start}, {key_end}, c.category, coalesce(c.governorate_pcode, 'unknown'),
                 c.source_id
        ORDER BY period_start, governorate
        """
    return fetch(db_path, (fast, fast_params) if month_aligned(filters) else None, (slow, params))


def displacement_monthly(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Flow figures per month (periods of a month or less), figure type and source."""
    clause, params = where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.in_clause("source_id", filters.sources),
        in_list("figure_type", flow_types(filters)),
        (f"period_end - period_start < {MAX_DAYS}", []),
    )
    slow = f"""
        SELECT date_trunc('month', period_start)::DATE AS month, figure_type, source_id,
               any_value(source_publisher) AS source_publisher, any_value(source_title) AS source_title,
               any_value(source_date) AS source_date, sum(individuals) AS individuals
        FROM ({DISPLACEMENT})
        WHERE {clause}
        GROUP BY ALL
        ORDER BY month, figure_type
        """
    fast_clause = clause.replace(f"period_end - period_start < {MAX_DAYS}",
                                 f"r.daily OR r.period_end - r.period_start < {MAX_DAYS}")
    fast = f"""
        SELECT date_trunc('month', r.period_start)::DATE AS month, r.figure_type, r.source_id, {CITE},
               sum(r.individuals) AS individuals
        FROM displacement_rollup r LEFT JOIN sources s USING (source_id)
        WHERE {fast_clause}
        GROUP BY date_trunc('month', r.period_start)::DATE, r.figure_type, r.source_id
        ORDER BY month, r.figure_type
        """
    return fetch(db_path, (fast, params) if month_aligned(filters) else None, (slow, params))
