"""Reading the rollup tables (migration 0003, warehouse/rollups.py) instead of the facts.

A query gives two versions of its SQL: `fast` over the rollups and `slow` over
the facts. The fast one is used when the rollups are fresh and can answer
exactly: single-day flows are gathered into calendar months, so a period
filter that cuts a month in two (15 Jan – 10 Mar) must read the facts.
"""
from __future__ import annotations

import calendar
from pathlib import Path

import pandas as pd

from warehouse.db import connect_read
from warehouse.queries.base import Filters

# A period bucket: a month of single-day flows, or one reference period as given.
KEY_START = "CASE WHEN r.daily THEN r.month ELSE r.period_start END"
KEY_END = "CASE WHEN r.daily THEN r.month ELSE r.period_end END"
BUCKET = f"r.daily, r.month, {KEY_START}, {KEY_END}"
# Reports in a bucket (days for a month of daily rows) and the days they cover.
REPORTS = "(CASE WHEN r.daily THEN bit_count(bit_or(r.day_mask)) ELSE 1 END)::BIGINT"
DAYS = ("(CASE WHEN r.daily THEN bit_count(bit_or(r.day_mask))"
        " ELSE max(r.period_end) - min(r.period_start) + 1 END)::BIGINT")
CITE = "any_value(s.publisher) AS source_publisher, any_value(s.title) AS source_title, any_value(s.published) AS source_date"


def month_aligned(filters: Filters) -> bool:
    """True when the selected period starts on the 1st and ends on a month's last day (or is open)."""
    start_ok = filters.start is None or filters.start.day == 1
    end = filters.end
    end_ok = end is None or end.day == calendar.monthrange(end.year, end.month)[1]
    return start_ok and end_ok


def fetch(db_path: Path, fast: tuple[str, list] | None, slow: tuple[str, list]) -> pd.DataFrame:
    """Run `fast` if given and the rollups match the facts, else `slow`; one read-only connection.

    Results pass disclosure.protect like every other query (base.fetch_df).
    """
    from warehouse import rollups
    from warehouse.queries import disclosure

    with connect_read(db_path) as con:
        sql, params = fast if fast is not None and rollups.fresh(con) else slow
        return disclosure.protect(con.execute(sql, params).df(), con)
