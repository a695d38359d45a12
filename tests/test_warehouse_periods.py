"""The period every view opens on (warehouse/queries/periods.py): the offensive, derived from the
timeline where it has the events, the fixed dates where not, the whole span where nothing covers it."""
from __future__ import annotations

from datetime import date

import pytest

from etl.load import load_file
from etl.synthetic import reliability
from tests.conftest import CITE, CITE_HEADER, write_csv
from warehouse import publishing
from warehouse.queries import periods

D = date
EVENT_HEADER = ["event_date", "end_date", "title", "description", "location_pcode", "category", *CITE_HEADER]
DISPLACEMENT_HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals",
                       *CITE_HEADER]
REFUGEE_HEADER = ["period_start", "period_end", "origin_iso3", "asylum_iso3", "population_type", "persons", "note",
                  *CITE_HEADER]


def test_reference_build_opens_on_the_offensive_its_timeline_defines(reference_db):
    period = periods.from_frame(periods.default_period(reference_db))
    assert (period.start, period.end, period.is_offensive) == (D(2019, 12, 1), D(2020, 3, 31), True)
    assert period.label == "Offensive Dec 2019 – Mar 2020"
    # the basis names the events it was read from: first hostilities in the window, the ceasefire that held
    assert "16 Dec 2019: Airstrikes and shelling intensify in southern Idleb" in period.basis
    assert "5 Mar 2020: Moscow agreement between Russia and Turkey on Idlib" in period.basis


@pytest.mark.parametrize("hostile, ceasefire, span, records, expected", [
    # the timeline's events, rounded to whole months
    (D(2019, 12, 16), D(2020, 3, 5), (D(2012, 1, 1), D(2021, 1, 1)), 40, (D(2019, 12, 1), D(2020, 3, 31), True)),
    (D(2020, 1, 3), D(2020, 2, 29), (D(2012, 1, 1), D(2021, 1, 1)), 40, (D(2020, 1, 1), D(2020, 2, 29), True)),
    # no such events: the fixed dates
    (None, None, (D(2012, 1, 1), D(2021, 1, 1)), 3, (D(2019, 12, 1), D(2020, 3, 31), True)),
    # figures end inside the offensive: the period is cut to them (the date filter cannot go beyond)
    (None, None, (D(2011, 1, 1), D(2019, 12, 31)), 1, (D(2019, 12, 1), D(2019, 12, 31), True)),
    # nothing at all in the offensive: the whole span
    (None, None, (D(2011, 1, 1), D(2018, 12, 31)), 0, (D(2011, 1, 1), D(2018, 12, 31), False)),
])
def test_rule(hostile, ceasefire, span, records, expected):
    period = periods.choose(hostile, ceasefire, *span, records, ("a strike", "a ceasefire"))
    assert (period.start, period.end, period.is_offensive) == expected
    if not period.is_offensive:
        assert period.label == "Whole span Jan 2011 – Dec 2018"
        assert period.basis.startswith("No displacement figure in the warehouse falls in the offensive (Dec 2019 – Mar 2020)")
    elif span[1] < periods.OFFENSIVE_END:
        assert "cut to them" in period.basis


def test_empty_warehouse_has_no_default_period(tmp_path):
    path = tmp_path / "empty.duckdb"
    with publishing(path):
        pass
    assert periods.default_period(path).empty
    assert periods.from_frame(periods.default_period(path)) is None


def _refugees(tmp_path, years):
    rows = [[f"{y}-12-31", f"{y}-12-31", "SYR", "TUR", "registered_refugees", str(1000 * (y - 2000)), "", *CITE]
            for y in years]
    return write_csv(tmp_path / "refugees.csv", REFUGEE_HEADER, rows)


def test_warehouse_that_does_not_cover_the_offensive_opens_on_its_whole_span(tmp_path):
    db = tmp_path / "w.duckdb"
    assert load_file(_refugees(tmp_path, range(2011, 2019)), db).status == "loaded"
    period = periods.from_frame(periods.default_period(db))
    assert (period.start, period.end, period.is_offensive) == (D(2011, 12, 31), D(2018, 12, 31), False)


def test_figures_in_the_offensive_that_are_not_displacement_do_not_open_it(tmp_path):
    """Refugee stocks (or deaths, or events) inside the offensive but no displacement figure: the
    displacement pages would be empty, so the whole span opens, with the reason."""
    db = tmp_path / "w.duckdb"
    assert load_file(_refugees(tmp_path, range(2011, 2021)), db).status == "loaded"
    period = periods.from_frame(periods.default_period(db))
    assert (period.start, period.end, period.is_offensive) == (D(2011, 12, 31), D(2020, 12, 31), False)
    assert period.basis.startswith("No displacement figure in the warehouse falls in the offensive")


def test_later_hostilities_on_the_timeline_move_the_start(tmp_path):
    """Derived, not fixed: a timeline whose offensive starts in January opens on January (a repeated
    ceasefire inside the offensive does not end it: the one after the last hostilities does)."""
    db = tmp_path / "w.duckdb"
    events = write_csv(tmp_path / "events.csv", EVENT_HEADER, [
        ["2019-08-31", "", "Earlier ceasefire", "", "", "agreement", *CITE],
        ["2020-01-15", "", "Ground offensive", "", "", "offensive", *CITE],
        ["2020-01-20", "", "A truce that failed", "", "", "agreement", *CITE],
        ["2020-02-10", "", "Town taken", "", "", "frontline", *CITE],
        ["2020-02-20", "", "Hospital hit", "", "", "attack_on_health", *CITE],
        ["2020-02-25", "", "Ceasefire that held", "", "", "agreement", *CITE],
        ["2020-06-01", "", "Returns", "", "", "humanitarian", *CITE],
    ])
    assert load_file(events, db).status == "loaded"
    assert load_file(reliability.locations(tmp_path), db).status == "loaded"
    fled = write_csv(tmp_path / "displacement.csv", DISPLACEMENT_HEADER,
                     [["2019-06-01", "2020-06-30", "", reliability.GOVERNORATE, "newly_displaced", "1000", *CITE]])
    assert load_file(fled, db).rows_loaded == 1
    period = periods.from_frame(periods.default_period(db))
    assert (period.start, period.end, period.label) == (D(2020, 1, 1), D(2020, 2, 29), "Offensive Jan 2020 – Feb 2020")
    assert "Ceasefire that held" in period.basis
