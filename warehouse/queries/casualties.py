"""Recorded deaths per month and governorate, and displacement on the same monthly axis."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.areas import area_clause, counted, flow_types, in_list
from warehouse.queries.base import Filters, fetch_df, where

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
        area_clause(filters, "c.governorate_pcode", "c.district_pcode"),
        filters.sources_clause("c.source_id"),
        (f"c.period_end - c.period_start < {MAX_DAYS}", {}),
    )
    sql = f"""
        SELECT c.key_start, c.key_end, min(c.period_start) AS period_start, max(c.period_end) AS period_end,
               date_trunc('month', min(c.period_start))::DATE AS month, c.category,
               coalesce(c.governorate_pcode, 'unknown') AS governorate_pcode,
               coalesce(any_value(g.name_en), 'Unknown governorate') AS governorate,
               c.source_id, citations.* EXCLUDE (source_id),
               sum(c.deaths_best) AS deaths_best,
               CASE WHEN sum(c.low_count) = sum(c.row_count) THEN sum(c.deaths_low) END AS deaths_low,
               CASE WHEN sum(c.high_count) = sum(c.row_count) THEN sum(c.deaths_high) END AS deaths_high,
               sum(c.row_count)::BIGINT AS rows
        FROM casualty_buckets c
        LEFT JOIN v_locations g ON g.pcode = c.governorate_pcode
        LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY ALL
        ORDER BY period_start, governorate
        """
    return fetch_df(db_path, sql, params, filters)


def displacement_monthly(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Flow figures per month (periods of a month or less), figure type and source."""
    clause, params = where(
        filters.period_clause(),
        area_clause(filters, "destination_governorate", "destination_district"),
        filters.sources_clause(),
        in_list("figure_type", flow_types(filters)),
        (f"period_end - period_start < {MAX_DAYS}", {}),
        counted(),
    )
    sql = f"""
        SELECT date_trunc('month', r.period_start)::DATE AS month, r.figure_type, r.source_id,
               citations.* EXCLUDE (source_id), sum(r.individuals) AS individuals
        FROM displacement_buckets r LEFT JOIN citations USING (source_id)
        WHERE {clause}
        GROUP BY ALL
        ORDER BY month, r.figure_type
        """
    return fetch_df(db_path, sql, params, filters)
