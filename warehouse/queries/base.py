"""The pieces every query shares: the filter set and a read helper."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from warehouse.db import connect_read


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the view to. Empty tuples mean 'everything'.

    Frozen and hashable so cached results can be keyed on it.
    """

    start: date | None = None
    end: date | None = None
    governorates: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    figure_types: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=())

    def period_clause(self, start_col: str = "period_start", end_col: str = "period_end") -> tuple[str, list]:
        """Rows whose reference period overlaps the selected one."""
        parts, params = [], []
        if self.start:
            parts.append(f"{end_col} >= ?")
            params.append(self.start)
        if self.end:
            parts.append(f"{start_col} <= ?")
            params.append(self.end)
        return " AND ".join(parts) or "TRUE", params

    def in_clause(self, column: str, values: tuple[str, ...]) -> tuple[str, list]:
        if not values:
            return "TRUE", []
        return f"{column} IN ({', '.join('?' for _ in values)})", list(values)


def where(*clauses: tuple[str, list]) -> tuple[str, list]:
    """Join (sql, params) pairs with AND."""
    sql = " AND ".join(f"({c})" for c, _ in clauses) or "TRUE"
    params = [p for _, ps in clauses for p in ps]
    return sql, params


def fetch_df(db_path: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run one query on a fresh read-only connection and return its result.

    Every result passes warehouse.queries.disclosure.protect: in public mode
    small counts are suppressed and camps moved to their sub-district centroid.
    """
    from warehouse.queries import disclosure

    with connect_read(db_path) as con:
        return disclosure.protect(con.execute(sql, params or []).df(), con)


def fetch_value(db_path: Path, sql: str, params: list | None = None):
    with connect_read(db_path) as con:
        row = con.execute(sql, params or []).fetchone()
    return row[0] if row else None
