"""Helpers for the reader tests: load a file into a fresh warehouse once per
module, and ask it questions read-only (the way a data officer would check a
figure against the published file)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl.load import LoadReport, load_file


def load_alone(path: Path, db: Path) -> LoadReport:
    """Load one file into an empty warehouse; the load must succeed on its own."""
    assert not db.exists()
    report = load_file(path, db)
    assert report.status == "loaded", report.message
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    return report


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def scalar(db: Path, sql: str, params: list | None = None):
    return rows(db, sql, params)[0][0]
