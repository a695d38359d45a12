"""The period every view opens on: the December 2019 – March 2020 offensive in Idleb.

One definition, used by the dashboard's sidebar and by `python -m dashboard.export`
when no period is given.

The rule:
1. The search window is the offensive as the humanitarian reporting frames it:
   OCHA counts people "displaced since 1 December 2019"; the Moscow ceasefire of
   5 March 2020 ended it, and the month's end-March figures close the story.
   These fixed dates (OFFENSIVE_START, OFFENSIVE_END) are also the fallback.
2. Inside that window the warehouse's own timeline refines it: the period starts on
   the first day of the month of the first hostilities event (an offensive,
   frontline or strike event) and ends on the last day of the month of the first
   ceasefire ('agreement' event) after the last hostilities event. Whole months,
   because publishers report displacement by month and "since the 1st". Where the
   timeline has no such event, the fixed date stands (and the basis says so).
3. The period is cut to the figures loaded (the date filter cannot go beyond them),
   and when no displacement figure falls inside it, the whole span is shown
   instead, with the reason: a warehouse that does not cover the offensive's
   displacement still opens on its data (deaths or events alone leave the
   displacement pages empty).
An empty warehouse has no default period (no rows).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from warehouse import models
from warehouse.db import connect_read

OFFENSIVE_START = date(2019, 12, 1)
OFFENSIVE_END = date(2020, 3, 31)
HOSTILITIES = ("offensive", "frontline", "strike")
CEASEFIRE = "agreement"

_TIMELINE = f"""
WITH window_events AS (
    SELECT event_date, title, category FROM events
    WHERE event_date BETWEEN $start AND $end AND category IN ({", ".join(f"'{c}'" for c in HOSTILITIES)}, '{CEASEFIRE}')
),
first_hostile AS (
    SELECT event_date, title FROM window_events WHERE category <> '{CEASEFIRE}'
    ORDER BY event_date, title LIMIT 1
),
last_hostile AS (SELECT max(event_date) AS day FROM window_events WHERE category <> '{CEASEFIRE}'),
ceasefire AS (
    SELECT event_date, title FROM window_events, last_hostile
    WHERE category = '{CEASEFIRE}' AND event_date >= last_hostile.day
    ORDER BY event_date, title LIMIT 1
),
span AS (SELECT min(first_day) AS first_day, max(last_day) AS last_day FROM fact_periods)
SELECT
    (SELECT event_date FROM first_hostile) AS first_hostilities,
    (SELECT title FROM first_hostile)      AS first_hostilities_title,
    (SELECT event_date FROM ceasefire)     AS ceasefire,
    (SELECT title FROM ceasefire)          AS ceasefire_title,
    span.first_day, span.last_day
FROM span
"""

# Displacement figures only: a warehouse with deaths and events in the offensive but no displacement
# figure would open on pages with nothing to draw (the story is about who fled).
_RECORDS_IN = "SELECT count(*) FROM displacement WHERE period_end >= $start AND period_start <= $end"


@dataclass(frozen=True)
class DefaultPeriod:
    """The period a view opens on, and why (said in the sidebar and in exports)."""

    start: date
    end: date
    is_offensive: bool   # False: the whole span, because no figure falls in the offensive
    label: str           # "Offensive Dec 2019 – Mar 2020"
    basis: str           # one sentence: where the dates come from


def _day(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _long(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _months(start: date, end: date) -> str:
    whole = start.day == 1 and end == _month_end(end)
    fmt = (lambda d: f"{d:%b %Y}") if whole else _long
    return fmt(start) if fmt(start) == fmt(end) else f"{fmt(start)} – {fmt(end)}"


def offensive_inputs(db_path: Path) -> pd.DataFrame:
    """What the rule reads: the timeline's first hostilities and the ceasefire in the window, and the data span."""
    with connect_read(db_path) as con:
        return con.execute(models.inline(_TIMELINE), {"start": OFFENSIVE_START, "end": OFFENSIVE_END}).df()


def offensive_dates(first_hostilities: date | None, ceasefire: date | None) -> tuple[date, date]:
    """Whole months from the first hostilities to the ceasefire; the fixed dates where the timeline is silent."""
    start = first_hostilities.replace(day=1) if first_hostilities else OFFENSIVE_START
    end = _month_end(ceasefire) if ceasefire else OFFENSIVE_END
    return start, end


def choose(first_hostilities: date | None, ceasefire: date | None, first_day: date | None, last_day: date | None,
           records_in: int, titles: tuple[str, str] = ("", "")) -> DefaultPeriod | None:
    """The rule of this module's docstring, on values already read (pure: tests call it directly)."""
    if first_day is None or last_day is None:
        return None
    start, end = offensive_dates(first_hostilities, ceasefire)
    if records_in == 0:
        return DefaultPeriod(first_day, last_day, False, f"Whole span {_months(first_day, last_day)}",
                             f"No displacement figure in the warehouse falls in the offensive ({_months(start, end)}), "
                             f"so the whole span of the figures loaded is shown.")
    basis = []
    if first_hostilities:
        basis.append(f"from the month of the first hostilities on the timeline ({_long(first_hostilities)}: {titles[0]})")
    else:
        basis.append(f"from {_long(OFFENSIVE_START)}, when OCHA's count of the displaced starts (no hostilities on the timeline)")
    if ceasefire:
        basis.append(f"to the end of the month of the ceasefire ({_long(ceasefire)}: {titles[1]})")
    else:
        basis.append(f"to {_long(OFFENSIVE_END)} (no ceasefire on the timeline)")
    label = f"Offensive {_months(start, end)}"
    cut_start, cut_end = max(start, first_day), min(end, last_day)
    text = "The offensive in Idleb, " + ", ".join(basis) + "."
    if (cut_start, cut_end) != (start, end):
        text += f" The figures loaded run {_long(first_day)} – {_long(last_day)}, so the period is cut to them."
    return DefaultPeriod(cut_start, cut_end, True, label, text)


def default_period(db_path: Path) -> pd.DataFrame:
    """The default period as one row (start, end, is_offensive, label, basis); no rows when nothing is loaded."""
    row = offensive_inputs(db_path).iloc[0]
    first_hostilities, ceasefire = _day(row["first_hostilities"]), _day(row["ceasefire"])
    start, end = offensive_dates(first_hostilities, ceasefire)
    with connect_read(db_path) as con:
        records_in = con.execute(models.inline(_RECORDS_IN), {"start": start, "end": end}).fetchone()[0]
    period = choose(first_hostilities, ceasefire, _day(row["first_day"]), _day(row["last_day"]), records_in,
                    (_text(row["first_hostilities_title"]), _text(row["ceasefire_title"])))
    columns = ["start", "end", "is_offensive", "label", "basis"]
    if period is None:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame([[period.start, period.end, period.is_offensive, period.label, period.basis]], columns=columns)


def from_frame(frame: pd.DataFrame) -> DefaultPeriod | None:
    """The DefaultPeriod a `default_period` row describes (None for an empty warehouse)."""
    if frame is None or frame.empty:
        return None
    row = frame.iloc[0]
    return DefaultPeriod(_day(row["start"]), _day(row["end"]), bool(row["is_offensive"]), str(row["label"]), str(row["basis"]))
