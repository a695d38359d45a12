"""What the warehouse holds: tables, loads, rejects, sources."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import fetch_df
from warehouse.writes import FACT_TABLES

AUDIT_TABLES = ("sources", "loads", "rejects")


def table_counts(db_path: Path) -> pd.DataFrame:
    """Rows per table, fact tables first."""
    union = " UNION ALL ".join(
        f"SELECT '{t}' AS table_name, count(*) AS row_count FROM {t}" for t in FACT_TABLES + AUDIT_TABLES
    )
    return fetch_df(db_path, union)


def load_history(db_path: Path, limit: int = 50) -> pd.DataFrame:
    return fetch_df(
        db_path,
        "SELECT load_id, file_name, kind, status, rows_read, rows_loaded, rows_rejected,"
        " started_at, finished_at, loaded_by, replaces_load_id, rolled_back_by, rolled_back_at, file_sha256"
        " FROM loads ORDER BY load_id DESC LIMIT $limit",
        {"limit": limit},
    )


def load_rejects(db_path: Path, load_id: int | None = None, limit: int = 1000) -> pd.DataFrame:
    """Rejected rows with their reasons; the last loads' when no load is named."""
    if load_id is None:
        return fetch_df(
            db_path,
            "SELECT r.load_id, l.file_name, r.sheet, r.row_number, r.column_name, r.reason, r.raw"
            " FROM rejects r JOIN loads l USING (load_id)"
            " ORDER BY r.load_id DESC, r.sheet, r.row_number LIMIT $limit",
            {"limit": limit},
        )
    return fetch_df(
        db_path,
        "SELECT r.load_id, l.file_name, r.sheet, r.row_number, r.column_name, r.reason, r.raw"
        " FROM rejects r JOIN loads l USING (load_id) WHERE r.load_id = $load_id"
        " ORDER BY r.sheet, r.row_number LIMIT $limit",
        {"load_id": load_id, "limit": limit},
    )


def sources(db_path: Path) -> pd.DataFrame:
    """Every source with how many fact rows cite it and when it was last loaded.

    Rows are counted per (source, load) in each fact table first: joining
    millions of rows to `loads` before grouping took 180 ms at 10 M rows.
    """
    cites = " UNION ALL ".join(f"SELECT source_id, load_id, count(*) AS n FROM {t} GROUP BY ALL"
                               for t in FACT_TABLES)
    return fetch_df(
        db_path,
        f"""
        WITH cites AS ({cites})
        SELECT s.source_id, s.publisher, s.title, s.published, s.licence, s.url, s.is_synthetic,
               coalesce(sum(c.n), 0)::BIGINT AS fact_rows, max(l.finished_at) AS last_loaded
        FROM sources s
        LEFT JOIN cites c USING (source_id)
        LEFT JOIN loads l ON l.load_id = c.load_id
        GROUP BY ALL
        ORDER BY s.publisher, s.published DESC NULLS LAST, s.title
        """,
    )


def freshness(db_path: Path) -> pd.DataFrame:
    """How old each source's latest figure is: the last day it covers, and days since then."""
    return fetch_df(
        db_path,
        """
        SELECT s.publisher, s.title, s.published, max(c.last_day) AS latest_figure,
               current_date - max(c.last_day) AS days_old, sum(c.fact_rows)::BIGINT AS fact_rows, s.is_synthetic
        FROM source_coverage c JOIN sources s USING (source_id)
        GROUP BY s.source_id, s.publisher, s.title, s.published, s.is_synthetic
        ORDER BY latest_figure DESC, s.publisher, s.title
        """,
    )


def source_links(db_path: Path) -> pd.DataFrame:
    """`source_id, url` of every source: the links in a chart's list of sources."""
    return fetch_df(db_path, "SELECT source_id, url FROM sources WHERE url IS NOT NULL ORDER BY source_id")


def indicators(db_path: Path, limit: int = 2000) -> pd.DataFrame:
    """Figures kept in `indicators` (they fit no fact table yet), newest first, with their source."""
    return fetch_df(
        db_path,
        """
        SELECT i.indicator, i.value, i.unit, i.period_start, i.period_end, i.location_pcode, l.name_en AS place,
               s.publisher, s.title, i.note
        FROM indicators i
        JOIN sources s USING (source_id)
        LEFT JOIN v_locations l ON l.pcode = i.location_pcode
        ORDER BY i.period_end DESC, i.indicator, i.location_pcode NULLS FIRST
        LIMIT $limit
        """,
        {"limit": int(limit)},
    )


def known_pcodes(db_path: Path) -> set[str]:
    """Every P-code the warehouse knows (the column mapper's preview checks places against them)."""
    if not Path(db_path).exists():
        return set()
    return set(fetch_df(db_path, "SELECT DISTINCT pcode FROM v_locations")["pcode"].dropna())
