"""The displacement timeline and the conflict events laid on it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import Filters, fetch_df, where


def displacement_series(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Displacement figures per reference period (single days gathered into their month),
    figure type and source.

    Rows are summed only within one period, figure type and source: overlapping
    periods (cumulative 'since 1 December' reports) stay separate rows, and stock
    and flow figures are never added together.
    """
    clause, params = where(
        filters.period_clause("r.period_start", "r.period_end"),
        filters.in_clause("r.area_governorate", filters.governorates, "governorates"),
        filters.sources_clause("r.source_id"),
        filters.in_clause("r.figure_type", filters.figure_types, "figure_types"),
    )
    sql = f"""
        WITH series AS (
            SELECT r.daily, r.key_start, r.key_end, r.figure_type, r.source_id, any_value(r.measure) AS measure,
                   min(r.period_start) AS period_start, max(r.period_end) AS period_end,
                   sum(r.individuals) AS individuals, sum(r.row_count)::BIGINT AS rows
            FROM displacement_buckets r WHERE {clause}
            GROUP BY r.daily, r.key_start, r.key_end, r.figure_type, r.source_id
        ),
        notes AS (
            SELECT r.daily, r.key_start, r.key_end, r.figure_type, r.source_id,
                   string_agg(DISTINCT r.note, '; ' ORDER BY r.note) AS note  -- in a fixed order: exports compare
            FROM displacement_note_buckets r WHERE {clause}
            GROUP BY r.daily, r.key_start, r.key_end, r.figure_type, r.source_id
        )
        SELECT x.period_start, x.period_end, x.figure_type, x.measure, x.source_id,
               c.source_publisher, c.source_title, x.individuals, x.rows, n.note
        FROM series x
        LEFT JOIN notes n USING (daily, key_start, key_end, figure_type, source_id)
        LEFT JOIN citations c ON c.source_id = x.source_id
        ORDER BY x.period_end, x.figure_type
        """
    return fetch_df(db_path, sql, params, filters)


def events(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Conflict events in the period, with their citation for hover text."""
    clause, params = filters.period_clause("e.event_date", "coalesce(e.end_date, e.event_date)")
    sql = f"""
        SELECT e.event_date, e.end_date, e.title, e.description, e.category, e.importance, e.location_pcode,
               citations.* EXCLUDE (source_id), s.url AS source_url
        FROM events e LEFT JOIN citations USING (source_id) LEFT JOIN sources s USING (source_id)
        WHERE {clause}
        ORDER BY e.event_date
        """
    return fetch_df(db_path, sql, params, filters)
