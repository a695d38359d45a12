"""Place names in English and Arabic, for a dashboard shown in Arabic (issue 16).

One query: every place the warehouse knows, with its Arabic name when a gazetteer,
the HNO shapes or the COD-AB boundaries gave one (NULL otherwise: the dashboard
then shows the English name and says so).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import fetch_df


def places(db_path: Path) -> pd.DataFrame:
    """pcode, name_en, name_ar of every location (name_ar NULL where no source gave one)."""
    return fetch_df(db_path, "SELECT pcode, name_en, nullif(trim(name_ar), '') AS name_ar FROM v_locations ORDER BY pcode")


def place_list(db_path: Path, level: int | None = None, search: str | None = None) -> pd.DataFrame:
    """P-code, level, kind, English and Arabic names and parent of the places the warehouse knows, one row
    each; `level` keeps one admin level, `search` the places whose P-code or English or Arabic name holds the
    text (case and accents ignored).

    Why: an officer writing a recipe or a file needs a place's P-code (`SY070100` for Ariha) and should
    never need SQL to find it (`python -m etl places`).
    """
    sql = ("SELECT DISTINCT pcode, admin_level, kind, name_en, nullif(trim(name_ar), '') AS name_ar, parent_pcode"
           " FROM v_locations WHERE ($level IS NULL OR admin_level = $level)"
           " AND ($search IS NULL OR strip_accents(lower(pcode || ' ' || coalesce(name_en, '') || ' '"
           " || coalesce(name_ar, ''))) LIKE '%' || strip_accents(lower($search)) || '%')"
           " ORDER BY admin_level, pcode")
    return fetch_df(db_path, sql, {"level": level, "search": (search or "").strip() or None})
