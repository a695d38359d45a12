"""What the sidebar filters can offer: areas, sources, figure types and the date span."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import fetch_df


def areas(db_path: Path) -> pd.DataFrame:
    """Governorates (admin 1) and districts (admin 2) known to the warehouse."""
    return fetch_df(
        db_path,
        "SELECT pcode, admin_level, name_en, left(pcode, 4) AS governorate_pcode FROM v_locations"
        " WHERE admin_level IN (1, 2) AND pcode LIKE 'SY%' ORDER BY admin_level, name_en",
    )


def sources(db_path: Path) -> pd.DataFrame:
    """Sources that have at least one figure (not just a place name or a map line)."""
    return fetch_df(
        db_path,
        """
        SELECT source_id, publisher, title, published, is_synthetic FROM sources
        WHERE source_id IN (SELECT source_id FROM fact_periods)
        ORDER BY publisher, title
        """,
    )


def figure_types(db_path: Path) -> pd.DataFrame:
    return fetch_df(db_path, "SELECT figure_type, measure, description FROM figure_types ORDER BY measure, figure_type")


def date_span(db_path: Path) -> pd.DataFrame:
    """First and last day covered by any figure or event (one row; NULLs when empty)."""
    return fetch_df(db_path, "SELECT min(first_day) AS first_day, max(last_day) AS last_day FROM fact_periods")
