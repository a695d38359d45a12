"""The pieces every query shares: the filter set, named-parameter clauses, and the one read helper.

Every query function states its question once, as one SQL statement that names the models it
reads (warehouse/models). `fetch_df` runs it; given the filters, it also decides, here and only
here, whether a materialised model (a rollup) is read as stored or computed from the facts:
see `stored_models`.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from warehouse import models
from warehouse.db import connect_read

# A piece of a WHERE clause and the named parameters ($name) it binds.
Clause = tuple[str, dict]


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

    def period_clause(self, start_col: str = "period_start", end_col: str = "period_end") -> Clause:
        """Rows whose reference period overlaps the selected one ($start, $end)."""
        parts, params = [], {}
        if self.start:
            parts.append(f"{end_col} >= $start")
            params["start"] = self.start
        if self.end:
            parts.append(f"{start_col} <= $end")
            params["end"] = self.end
        return " AND ".join(parts) or "TRUE", params

    def in_clause(self, column: str, values: tuple[str, ...], name: str) -> Clause:
        """`column` is one of `values` (bound as $name); 'TRUE' when nothing is picked."""
        if not values:
            return "TRUE", {}
        return f"list_contains(${name}, {column})", {name: list(values)}

    def sources_clause(self, column: str = "source_id") -> Clause:
        return self.in_clause(column, self.sources, "sources")


def where(*clauses: Clause) -> Clause:
    """Join clauses with AND, merging their parameters (a name bound twice must mean one value)."""
    sql = " AND ".join(f"({c})" for c, _ in clauses) or "TRUE"
    params: dict = {}
    for _, more in clauses:
        for name, value in more.items():
            if name in params and params[name] != value:
                raise ValueError(f"parameter ${name} bound to two values")
            params[name] = value
    return sql, params


def month_aligned(filters: Filters | None) -> bool:
    """True when the selected period starts on the 1st and ends on a month's last day (or is open)."""
    if filters is None:
        return True
    start_ok = filters.start is None or filters.start.day == 1
    end = filters.end
    end_ok = end is None or end.day == calendar.monthrange(end.year, end.month)[1]
    return start_ok and end_ok


def stored_models(con: duckdb.DuckDBPyConnection, filters: Filters | None, sql: str = "") -> frozenset[str]:
    """THE rule for rollup or facts: the materialised models read as stored, for these filters.

    A materialised model gathers single-day flows into calendar months, so it answers exactly
    only a period of whole months; and only when it was built from exactly these facts, places
    and models (rollups.fresh: False on a warehouse a writer did not rebuild, or one published
    by an earlier release). Otherwise the same model is computed from the facts, over the
    selected period's rows only (each query's period clause applies to rows before bucketing).
    """
    from warehouse import rollups

    rollups_named = {m.name for m in models.materialised()}
    read = rollups_named & {m.name for m in models.needed(sql)} if sql else rollups_named
    if not read or filters is None or not month_aligned(filters) or not rollups.fresh(con):
        return frozenset()  # (a query reading no rollup never pays for the freshness check)
    return frozenset(read)


# Fact tables that models bucket by period; where the facts answer, only the rows in the period count.
PERIOD_FACTS = ("displacement", "casualties")


def facts_in_period(filters: Filters | None) -> tuple[dict[str, str], dict]:
    """The fact tables restricted to rows overlapping the selected period, and its parameters.

    Every query that reads a fact table filters its rows (or their buckets) by overlap with the
    period, or by lying wholly inside it, so leaving the other rows out first changes no answer
    but a bucket's: a month of single days cut by the period holds only the days in it.
    """
    clause, params = (filters or Filters()).period_clause()
    if clause == "TRUE":
        return {}, {}
    return {t: f"SELECT * FROM main.{t} WHERE {clause}" for t in PERIOD_FACTS}, params


def fetch_df(db_path: Path, sql: str, params: dict | list | None = None,
             filters: Filters | None = None) -> pd.DataFrame:
    """Run one query on a fresh read-only connection and return its result.

    The models the query names are inlined from warehouse/models, except the rollups
    `stored_models` picks for `filters`. Every result passes warehouse.queries.disclosure.protect:
    in public mode small counts are suppressed and camps moved to their sub-district centroid.
    """
    from warehouse.queries import disclosure

    with connect_read(db_path) as con:
        stored = stored_models(con, filters, sql)
        inputs, period = ({}, {}) if stored else facts_in_period(filters)
        if models.reads_tables(sql, inputs, stored):
            params = where(("TRUE", dict(params or {})), ("TRUE", period))[1]
        return disclosure.protect(con.execute(models.inline(sql, stored, inputs), params or {}).df(), con)
