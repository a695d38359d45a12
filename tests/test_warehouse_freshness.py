"""Freshness against expected update intervals, and the period a load covers."""
from __future__ import annotations

from datetime import date

import pytest

from warehouse.queries import admin, freshness


@pytest.mark.parametrize("kinds, publisher, cadence", [
    ("ocha-idp-movements", "OCHA Syria / IDP Task Force", "monthly (IDP Task Force / OCHA IDP movements)"),
    ("hno-idp-estimates", "UN OCHA", "yearly (Humanitarian Needs Overview)"),
    ("unhcr-persons-of-concern", "UNHCR", "yearly (UNHCR mid/end-year statistics)"),
    ("tidy", "UNHCR", "yearly (UNHCR)"),
    ("tidy", "UN OCHA", "monthly (OCHA situation reports)"),
    ("tidy", "Reuters (via National Post)", None),
    ("map-layer", "Natural Earth", None),
])
def test_expected_interval_by_kind_then_publisher(kinds, publisher, cadence):
    rule = freshness.expected_for(kinds, publisher)
    assert (rule.cadence if rule else None) == cadence


@pytest.mark.parametrize("days_after, status", [(20, "up to date"), (200, "overdue")])
def test_newest_ocha_report_is_up_to_date_then_overdue(reference_db, days_after, status):
    """A monthly publisher's newest report is up to date for a month or so after it, then overdue
    (measured from the newest OCHA figure loaded, whatever year the reference data reaches)."""
    from datetime import timedelta

    loaded = freshness.by_source(reference_db, today=date(2100, 1, 1))
    latest = loaded[loaded["publisher"] == "UN OCHA"]["latest_figure"].max().date()
    today = latest + timedelta(days=days_after)
    frame = freshness.by_source(reference_db, today=today)
    ocha = frame[frame["publisher"] == "UN OCHA"]
    newest = ocha.sort_values("latest_figure").iloc[-1]
    assert newest["status"] == status and bool(newest["overdue"]) == (status == "overdue")
    assert (ocha.drop(newest.name)["status"] == "superseded").all()  # older reports are not late, just older
    assert newest["days_old"] == (today - newest["latest_figure"].date()).days


def test_sources_without_a_schedule_are_never_overdue(reference_db):
    frame = freshness.by_source(reference_db, today=date(2030, 1, 1))
    unscheduled = frame[frame["expected_update"] == "no schedule"]
    assert not unscheduled.empty and not unscheduled["overdue"].any()


def test_load_span(reference_db):
    history = admin.load_history(reference_db).set_index("file_name")
    events = freshness.load_span(reference_db, int(history.loc["events.csv", "load_id"])).iloc[0]
    assert events["first_day"] <= events["last_day"]
    layer = freshness.load_span(reference_db, int(history.loc["m4.geojson", "load_id"])).iloc[0]
    assert layer.isna().all()  # a map layer covers no period
