"""The displacement timeline and the conflict events laid on it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import Filters, fetch_df, where


def displacement_series(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Displacement figures per reference period, figure type and source.

    Rows are summed only within one period, figure type and source: overlapping
    periods (cumulative 'since 1 December' reports) stay separate rows, and stock
    and flow figures are never added together.
    """
    clause, params = where(
        filters.period_clause(),
        filters.in_clause("coalesce(destination_governorate, origin_governorate)", filters.governorates),
        filters.in_clause("source_id", filters.sources),
        filters.in_clause("figure_type", filters.figure_types),
    )
    return fetch_df(
        db_path,
        f"""
        SELECT period_start, period_end, figure_type, measure, source_id,
               any_value(source_publisher) AS source_publisher, any_value(source_title) AS source_title,
               sum(individuals) AS individuals, count(*) AS rows,
               string_agg(DISTINCT note, '; ') AS note
        FROM v_displacement
        WHERE {clause}
        GROUP BY period_start, period_end, figure_type, measure, source_id
        ORDER BY period_end, figure_type
        """,
        params,
    )


def events(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Conflict events in the period, with their citation for hover text."""
    clause, params = filters.period_clause("event_date", "coalesce(end_date, event_date)")
    return fetch_df(
        db_path,
        f"""
        SELECT e.event_date, e.end_date, e.title, e.description, e.category, e.location_pcode,
               s.publisher AS source_publisher, s.title AS source_title, s.published AS source_date, s.url AS source_url
        FROM events e LEFT JOIN sources s USING (source_id)
        WHERE {clause}
        ORDER BY e.event_date
        """,
        params,
    )
