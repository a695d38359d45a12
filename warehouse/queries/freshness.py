"""How fresh each source is against how often its publisher updates it, and the
period a load covers (for the upload preview).

EXPECTED_UPDATES is the one place that says how often a kind of source is
expected to bring a newer figure. A source is *overdue* when its latest figure
is older than the interval plus the usual publication lag: a monthly OCHA
report on January is out by the end of February, so it is overdue in April.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from warehouse.queries.base import fetch_df

@dataclass(frozen=True)
class Expected:
    """How often a source is updated: matched by loader kind, else by publisher name."""

    cadence: str          # what a data officer calls it: monthly, yearly
    interval_days: int    # one reporting period
    lag_days: int         # usual delay between the period's end and publication
    kind: str | None = None
    publisher_contains: str | None = None

    @property
    def max_age_days(self) -> int:
        return self.interval_days + self.lag_days


# First match wins: the publishers' own formats by kind, then tidy/HXL files by publisher.
EXPECTED_UPDATES: tuple[Expected, ...] = (
    Expected("monthly (IDP Task Force / OCHA IDP movements)", 31, 45, kind="ocha-idp-movements"),
    Expected("yearly (Humanitarian Needs Overview)", 366, 120, kind="hno-idp-estimates"),
    Expected("yearly (UNHCR mid/end-year statistics)", 366, 183, kind="unhcr-persons-of-concern"),
    Expected("monthly (UNHCR asylum applications)", 31, 90, kind="unhcr-asylum-monthly"),
    Expected("monthly (VDC casualty records)", 31, 31, kind="vdc-casualties-daily"),
    Expected("yearly (UNHCR)", 366, 183, publisher_contains="unhcr"),
    Expected("yearly (Humanitarian Needs Overview)", 366, 120, publisher_contains="humanitarian needs"),
    Expected("monthly (OCHA situation reports)", 31, 45, publisher_contains="ocha"),
    Expected("monthly (IOM DTM)", 31, 45, publisher_contains="iom"),
    Expected("monthly (casualty monitors)", 31, 31, publisher_contains="violations documentation"),
)


def expected_for(kinds: str | None, publisher: str | None) -> Expected | None:
    """The expected update interval of a source (None: no schedule, e.g. boundaries, events)."""
    kinds_loaded = set((kinds or "").split(","))
    for rule in EXPECTED_UPDATES:
        if rule.kind and rule.kind in kinds_loaded:
            return rule
        if rule.publisher_contains and rule.publisher_contains in (publisher or "").lower():
            return rule
    return None


def by_source(db_path: Path, today: date | None = None) -> pd.DataFrame:
    """Each source's latest figure, its age, its expected update interval and whether it is overdue.

    Each fact table is first reduced to one row per (source, load): joining
    millions of rows to `loads` before grouping took 340 ms at 10 M rows.
    """
    frame = fetch_df(
        db_path,
        """
        SELECT s.publisher, s.title, s.published, max(c.last_day) AS latest_figure,
               coalesce($today::DATE, current_date) - max(c.last_day) AS days_old,
               string_agg(DISTINCT l.kind, ',' ORDER BY l.kind) AS kinds, sum(c.fact_rows)::BIGINT AS fact_rows,
               s.is_synthetic
        FROM source_coverage c JOIN sources s USING (source_id) LEFT JOIN loads l USING (load_id)
        GROUP BY s.source_id, s.publisher, s.title, s.published, s.is_synthetic
        ORDER BY latest_figure DESC, s.publisher, s.title
        """,
        {"today": today},
    )
    rules = [expected_for(k, p) for k, p in zip(frame["kinds"], frame["publisher"])]
    frame["expected_update"] = [r.cadence if r else "no schedule" for r in rules]
    frame["max_age_days"] = pd.array([r.max_age_days if r else None for r in rules], dtype="Int64")
    frame["status"] = _statuses(frame, rules)
    frame["overdue"] = frame["status"] == "overdue"
    return frame


def _statuses(frame: pd.DataFrame, rules: list[Expected | None]) -> list[str]:
    """overdue | up to date | superseded | no schedule.

    Each situation report is its own source; only the newest of a publisher's
    series (same publisher, same cadence) can be overdue: older ones are
    superseded by it, not late.
    """
    newest: dict[tuple, object] = {}
    for rule, publisher, last in zip(rules, frame["publisher"], frame["latest_figure"]):
        if rule is not None:
            key = (publisher, rule.cadence)
            newest[key] = max(newest.get(key, last), last)
    out = []
    for rule, publisher, last, age in zip(rules, frame["publisher"], frame["latest_figure"], frame["days_old"]):
        if rule is None or pd.isna(age):
            out.append("no schedule")
        elif last < newest[(publisher, rule.cadence)]:
            out.append("superseded")
        else:
            out.append("overdue" if age > rule.max_age_days else "up to date")
    return out


def load_span(db_path: Path, load_id: int) -> pd.DataFrame:
    """First and last day the facts of one load cover (one row; NULLs for places-only loads)."""
    return fetch_df(db_path, "SELECT min(first_day) AS first_day, max(last_day) AS last_day FROM fact_periods"
                             " WHERE load_id = $load_id", {"load_id": load_id})
