"""How the dashboard writes dates and numbers, everywhere a person reads them.

One format for a day ("5 Mar 2020", no leading zero, the form briefings use),
one for a period, thousands separators for counts, and an empty string, never
"None" or "nan", for a missing value.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import i18n

MISSING = "—"


def missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and other containers are not missing
        return False


def day(value: object, empty: str = "") -> str:
    """'5 Mar 2020' for a date, timestamp or ISO string; `empty` when there is none."""
    if missing(value):
        return empty
    return i18n.day(value)  # '5 Mar 2020'; '5 آذار 2020' on an Arabic page


def month(value: object) -> str:
    """'Mar 2020'."""
    return "" if missing(value) else i18n.month(value)


def period_text(start: object, end: object, empty: str = "") -> str:
    """'1 Dec 2019 – 5 Mar 2020', or one day when start and end are the same."""
    if missing(start) and missing(end):
        return empty
    if missing(start) or missing(end) or pd.Timestamp(start) == pd.Timestamp(end):
        return day(end if missing(start) else start)
    return f"{day(start)} – {day(end)}"


def count(value: object, empty: str = MISSING) -> str:
    """12,345 (thousands separators, no decimals)."""
    return empty if missing(value) else i18n.number(float(value))


def text(value: object, empty: str = "") -> str:
    """A value from the data as text, with `empty` instead of None/nan."""
    if missing(value):
        return empty
    if isinstance(value, (pd.Timestamp, date)):
        return day(value)
    return str(value)


# Plotly's d3 format for the same day on chart axes and hovers ("5 Mar 2020").
PLOTLY_DAY = "%-d %b %Y"


def readable(frame: pd.DataFrame, empty: str = "") -> pd.DataFrame:
    """A table as a person reads it: dates as '5 Mar 2020' (times kept for timestamps),
    counts with thousands separators where a column has gaps, `empty` for every missing
    value (a data grid prints a missing value as "None")."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_bool_dtype(column):
            continue
        if pd.api.types.is_datetime64_any_dtype(column) or column.map(lambda v: isinstance(v, date)).any():
            stamps = pd.to_datetime(column, errors="coerce")
            timed = (stamps.dropna().dt.normalize() != stamps.dropna()).any()
            out[name] = [empty if missing(v) else (f"{day(v)} {pd.Timestamp(v):%H:%M}" if timed else day(v)) for v in stamps]
        elif pd.api.types.is_numeric_dtype(column):
            if column.isna().any():
                out[name] = [empty if missing(v) else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}") for v in column]
        else:
            out[name] = [empty if missing(v) else v for v in column]
    return out
