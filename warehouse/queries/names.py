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
