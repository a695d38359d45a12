"""The displacement timeline and the conflict events laid on it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import Filters, fetch_df, where
from warehouse.queries.rollup import BUCKET, KEY_END, KEY_START, fetch, month_aligned


def displacement_series(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Displacement figures per reference period, figure type and source.

    Rows are summed only within one period, figure type and source: overlapping
    periods (cumulative 'since 1 December' reports) stay separate rows, and stock
    and flow figures are never added together.
    """
    def clause_for(governorate: str) -> tuple[str, list]:
        return where(
            filters.period_clause(),
            filters.in_clause(governorate, filters.governorates),
            filters.in_clause("source_id", filters.sources),
            filters.in_clause("figure_type", filters.figure_types),
        )

    clause, params = clause_for("coalesce(destination_governorate, origin_governorate)")
    fast_clause, fast_params = clause_for("area_governorate")
    slow = f"""
        SELECT period_start, period_end, figure_type, measure, source_id,
               any_value(source_publisher) AS source_publisher, any_value(source_title) AS source_title,
               sum(individuals) AS individuals, count(*) AS rows,
               string_agg(DISTINCT note, '; ') AS note
        FROM v_displacement
        WHERE {clause}
        GROUP BY period_start, period_end, figure_type, measure, source_id
        ORDER BY period_end, figure_type
        """
    # Single days come gathered into months (a few hundred points per series, not thousands).
    fast = f"""
        WITH series AS (
            SELECT r.daily, {KEY_START} AS key_start, {KEY_END} AS key_end, r.figure_type, r.source_id,
                   any_value(r.measure) AS measure, min(r.period_start) AS period_start,
                   max(r.period_end) AS period_end, sum(r.individuals) AS individuals,
                   sum(r.row_count)::BIGINT AS rows
            FROM displacement_rollup r WHERE {fast_clause}
            GROUP BY {BUCKET}, r.figure_type, r.source_id
        ),
        notes AS (
            SELECT r.daily, {KEY_START} AS key_start, {KEY_END} AS key_end, r.figure_type, r.source_id,
                   string_agg(DISTINCT r.note, '; ') AS note
            FROM displacement_notes r WHERE {fast_clause}
            GROUP BY {BUCKET}, r.figure_type, r.source_id
        )
        SELECT x.period_start, x.period_end, x.figure_type, x.measure, x.source_id,
               s.publisher AS source_publisher, s.title AS source_title, x.individuals, x.rows, n.note
        FROM series x
        LEFT JOIN notes n USING (daily, key_start, key_end, figure_type, source_id)
        LEFT JOIN sources s ON s.source_id = x.source_id
        ORDER BY x.period_end, x.figure_type
        """
    return fetch(db_path, (fast, fast_params + fast_params) if month_aligned(filters) else None, (slow, params))


def events(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Conflict events in the period, with their citation for hover text."""
    clause, params = filters.period_clause("event_date", "coalesce(end_date, event_date)")
    return fetch_df(
        db_path,
        f"""
        SELECT e.event_date, e.end_date, e.title, e.description, e.category, e.importance, e.location_pcode,
               s.publisher AS source_publisher, s.title AS source_title, s.published AS source_date, s.url AS source_url
        FROM events e LEFT JOIN sources s USING (source_id)
        WHERE {clause}
        ORDER BY e.event_date
        """,
        params,
    )
