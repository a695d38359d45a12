"""Casualty reports that cover more than a month ('1,710 civilians killed since end of
April 2019'): they cannot be split into months without inventing figures, so they are
shown as they were reported, each over its own period, with its citation."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.areas import area_clause
from warehouse.queries.base import Filters, fetch_df, where
from warehouse.queries.casualties import MAX_DAYS


def long_reports(db_path: Path, filters: Filters, limit: int = 40) -> pd.DataFrame:
    """Each casualty report longer than a month, newest first (bounded: these are situation-report figures)."""
    clause, params = where(
        filters.period_clause("c.period_start", "c.period_end"),
        area_clause(filters, "c.governorate_pcode", "c.district_pcode"),
        filters.sources_clause("c.source_id"),
        (f"c.period_end - c.period_start >= {MAX_DAYS}", {}),
    )
    return fetch_df(
        db_path,
        f"""
        SELECT c.period_start, c.period_end, c.category, c.location_pcode,
               coalesce(l.name_en, c.location_pcode) AS location, c.deaths_low, c.deaths_best, c.deaths_high, c.note,
               citations.* EXCLUDE (source_id), s.url AS source_url
        FROM casualties_placed c
        LEFT JOIN v_locations l ON l.pcode = c.location_pcode
        LEFT JOIN citations ON citations.source_id = c.source_id
        LEFT JOIN sources s ON s.source_id = c.source_id
        WHERE {clause}
        ORDER BY c.period_end DESC, c.deaths_best DESC
        LIMIT $limit
        """,
        params | {"limit": limit}, filters,
    )
