"""The displacement timeline and the conflict events laid on it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import Filters, fetch_df, where


def displacement_series(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Displacement figures per reference period (single days gathered into their month),
    figure type, source and place.

    Only what figure_roles counts is added, so a report's figure is the total it publishes (the
    IDP Task Force's 308,200 movements across Syria, not that plus its Idleb parts), or the sum of
    its disjoint places; a part of a total is left out (the ledger shows it), and figures whose
    places overlap with no total stay their own rows, each with its place. `place_pcode`/`place_name` name the one place a row is for (empty for a
    sum over several places); overlapping periods (cumulative 'since 1 December' reports) stay
    separate rows, and stocks and flows are never added together.
    """
    clause, params = where(
        filters.period_clause("r.period_start", "r.period_end"),
        filters.in_clause("r.area_governorate", filters.governorates, "governorates"),
        filters.sources_clause("r.source_id"),
        filters.in_clause("r.figure_type", filters.figure_types, "figure_types"),
    )
    sql = f"""
        WITH series AS (
            SELECT r.daily, r.key_start, r.key_end, r.figure_type, r.source_id, r.counted, r.shown_place,
                   any_value(r.measure) AS measure, min(r.period_start) AS period_start,
                   max(r.period_end) AS period_end, sum(r.individuals) AS individuals,
                   sum(r.row_count)::BIGINT AS rows,
                   CASE WHEN min(r.place_lo) = max(r.place_hi) THEN min(r.place_lo) END AS place_pcode,
                   CASE WHEN count(DISTINCT r.figure_role) = 1 THEN any_value(r.figure_role) ELSE 'disjoint' END
                       AS figure_role
            FROM displacement_buckets r WHERE {clause}
            GROUP BY r.daily, r.key_start, r.key_end, r.figure_type, r.source_id, r.counted, r.shown_place
        ),
        notes AS (
            SELECT r.daily, r.key_start, r.key_end, r.figure_type, r.source_id, r.counted, r.shown_place,
                   string_agg(DISTINCT r.note, '; ' ORDER BY r.note) AS note  -- in a fixed order: exports compare
            FROM displacement_note_buckets r WHERE {clause}
            GROUP BY r.daily, r.key_start, r.key_end, r.figure_type, r.source_id, r.counted, r.shown_place
        )
        SELECT x.period_start, x.period_end, x.figure_type, x.measure, x.source_id,
               c.source_publisher, c.source_title, x.place_pcode, p.name_en AS place_name, x.figure_role,
               x.individuals, x.rows, n.note
        FROM series x
        LEFT JOIN notes n USING (daily, key_start, key_end, figure_type, source_id, counted, shown_place)
        LEFT JOIN citations c ON c.source_id = x.source_id
        LEFT JOIN v_locations p ON p.pcode = x.place_pcode
        WHERE x.figure_role <> 'part'   -- a part is drawn inside its report's total, never beside it
        ORDER BY x.period_end, x.figure_type, x.source_id, x.place_pcode
        """
    return fetch_df(db_path, sql, params, filters)


def events(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Conflict events in the period, with their citation for hover text."""
    clause, params = filters.period_clause("e.event_date", "coalesce(e.end_date, e.event_date)")
    sql = f"""
        SELECT e.event_date, e.end_date, e.title, e.title_ar, e.description, e.category, e.importance, e.location_pcode,
               citations.* EXCLUDE (source_id), s.url AS source_url
        FROM events e LEFT JOIN citations USING (source_id) LEFT JOIN sources s USING (source_id)
        WHERE {clause}
        ORDER BY e.event_date
        """
    return fetch_df(db_path, sql, params, filters)
