"""What an export or briefing pack needs to cite itself: readable names for the
codes in the filters, and every source with the files it was loaded from.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import fetch_df
from warehouse.writes import FACT_TABLES


def names(db_path: Path, codes: tuple[str, ...] = ()) -> pd.DataFrame:
    """`code, name` for P-codes (English place name) and source ids ('Publisher, Title')."""
    if not codes:
        return pd.DataFrame({"code": pd.Series(dtype="str"), "name": pd.Series(dtype="str")})
    return fetch_df(
        db_path,
        """
        SELECT pcode AS code, name_en AS name FROM v_locations WHERE list_contains($codes, pcode)
        UNION ALL
        SELECT source_id, publisher || ', ' || title FROM sources WHERE list_contains($codes, source_id)
        """,
        {"codes": list(codes)},
    )


def sources_with_loads(db_path: Path) -> pd.DataFrame:
    """Every source in the warehouse, once per load that brought rows citing it.

    Columns: source_id, publisher, title, url, published, licence, is_synthetic,
    load_id, file_name, file_sha256, loaded_at, fact_rows. A source with no
    loaded rows appears once with the load columns empty.
    """
    cites = " UNION ALL ".join(f"SELECT source_id, load_id FROM {table}" for table in FACT_TABLES)
    return fetch_df(
        db_path,
        f"""
        WITH cites AS (SELECT source_id, load_id, count(*) AS fact_rows FROM ({cites}) GROUP BY ALL)
        SELECT s.source_id, s.publisher, s.title, s.url, s.published, s.licence, s.is_synthetic,
               l.load_id, l.file_name, l.file_sha256, coalesce(l.finished_at, l.started_at) AS loaded_at,
               coalesce(c.fact_rows, 0) AS fact_rows
        FROM sources s
        LEFT JOIN cites c USING (source_id)
        LEFT JOIN loads l ON l.load_id = c.load_id
        ORDER BY s.publisher, s.published DESC NULLS LAST, s.title, l.load_id
        """,
    )


def warehouse_state(db_path: Path) -> pd.DataFrame:
    """One row: the last load's id and time, so an export can say which data it was made from."""
    return fetch_df(
        db_path,
        "SELECT max(load_id) AS last_load_id, max(coalesce(finished_at, started_at)) AS last_loaded_at,"
        " count(*) FILTER (WHERE status = 'loaded') AS live_loads FROM loads",
    )
