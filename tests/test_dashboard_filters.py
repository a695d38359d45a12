"""URL query string -> Filters: bad values are ignored with a notice, never an exception."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dashboard.filters import Options, parse, to_params
from warehouse.queries import Filters
from warehouse.queries.periods import DefaultPeriod

OPTIONS = Options(
    governorates={"SY07": "Idleb", "SY02": "Aleppo"},
    districts={"SY0703": "Harim (Idleb)"},
    sources={"ocha-1": "UN OCHA — Flash update"},
    first_day=date(2019, 1, 1),
    last_day=date(2020, 12, 31),
)


@pytest.mark.parametrize("params, expected, notices", [
    ({}, Filters(), 0),
    ({"gov": ["SY07,SY02"]}, Filters(governorates=("SY07", "SY02")), 0),
    ({"gov": ["SY07", "SY07"]}, Filters(governorates=("SY07",)), 0),
    ({"start": ["2020-01-01"], "end": ["2020-03-31"]}, Filters(start=date(2020, 1, 1), end=date(2020, 3, 31)), 0),
    ({"start": ["yesterday"]}, Filters(), 1),
    ({"start": ["2030-01-01"]}, Filters(), 1),
    ({"start": ["2020-03-01"], "end": ["2020-01-01"]}, Filters(), 1),
    ({"gov": ["SY07,XX99"], "type": ["arrivals,bogus"]}, Filters(governorates=("SY07",), figure_types=("arrivals",)), 2),
    ({"district": ["SY0703"], "source": ["ocha-1"]}, Filters(sources=("ocha-1",), extra=(("district", "SY0703"),)), 0),
    ({"gov": ["SY07'; DROP TABLE displacement; --"]}, Filters(), 1),
])
def test_parse(params, expected, notices):
    filters, said = parse(params, OPTIONS)
    assert filters == expected
    assert len(said) == notices


def test_notices_quote_values_without_markdown():
    _, said = parse({"gov": ["[click](http://evil.example) ![x](http://evil.example/x.png)" + "a" * 100]}, OPTIONS)
    assert len(said) == 1
    assert "[" not in said[0] and "!" not in said[0]
    assert len(said[0]) < 200


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(start=date(2020, 1, 1), end=date(2020, 2, 1), governorates=("SY07",), sources=("ocha-1",),
            figure_types=("arrivals", "idp_stock"), extra=(("district", "SY0703"),)),
])
def test_params_round_trip(filters):
    assert parse(to_params(filters), OPTIONS) == (filters, [])


# With the warehouse's default period (warehouse/queries/periods.py): a link with no dates opens on the offensive.
OFFENSIVE = DefaultPeriod(date(2019, 12, 1), date(2020, 3, 31), True, "Offensive Dec 2019 – Mar 2020", "why")
WITH_DEFAULT = replace(OPTIONS, default=OFFENSIVE)
ON_OFFENSIVE = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))


@pytest.mark.parametrize("params, expected, notices", [
    ({}, ON_OFFENSIVE, 0),
    ({"gov": ["SY07"]}, replace(ON_OFFENSIVE, governorates=("SY07",)), 0),
    ({"period": ["offensive"]}, ON_OFFENSIVE, 0),
    ({"period": ["all"]}, Filters(), 0),
    ({"period": ["everything"]}, ON_OFFENSIVE, 1),
    # links with dates mean what they always meant: a missing edge is the edge of the figures loaded
    ({"start": ["2020-01-01"], "end": ["2020-03-31"]}, Filters(start=date(2020, 1, 1), end=date(2020, 3, 31)), 0),
    ({"start": ["2020-01-01"]}, Filters(start=date(2020, 1, 1)), 0),
    ({"end": ["2019-06-30"], "period": ["all"]}, Filters(end=date(2019, 6, 30)), 0),
    ({"start": ["yesterday"]}, Filters(), 1),
])
def test_parse_with_the_default_period(params, expected, notices):
    filters, said = parse(params, WITH_DEFAULT)
    assert filters == expected
    assert len(said) == notices


@pytest.mark.parametrize("filters, params", [
    (ON_OFFENSIVE, {}),                                    # the default view has a clean link
    (Filters(), {"period": "all"}),                        # the whole span says so
    (Filters(start=date(2020, 1, 1), end=date(2020, 2, 1)), {"start": "2020-01-01", "end": "2020-02-01"}),
    (Filters(start=date(2019, 12, 1)), {"start": "2019-12-01"}),
    (replace(ON_OFFENSIVE, governorates=("SY07",)), {"gov": "SY07"}),
])
def test_url_round_trip_with_the_default_period(filters, params):
    assert to_params(filters, WITH_DEFAULT) == params
    assert parse(to_params(filters, WITH_DEFAULT), WITH_DEFAULT) == (filters, [])


def test_an_offensive_cut_by_the_figures_loaded_keeps_a_clean_link():
    """Figures end on 31 Dec 2019: the default is 1-31 Dec 2019, written with an open end as the widget reads it."""
    cut = replace(OPTIONS, last_day=date(2019, 12, 31),
                  default=DefaultPeriod(date(2019, 12, 1), date(2019, 12, 31), True, "Offensive Dec 2019 – Mar 2020", ""))
    filters, _ = parse({}, cut)
    assert filters == Filters(start=date(2019, 12, 1))
    assert to_params(filters, cut) == {}


def test_whole_span_default_when_the_offensive_has_no_figures():
    span = replace(OPTIONS, default=DefaultPeriod(date(2019, 1, 1), date(2020, 12, 31), False, "Whole span", "none"))
    assert parse({}, span) == (Filters(), [])
    assert to_params(Filters(), span) == {}


def test_show_all_reports_travels_in_the_link():
    from dashboard.chart_data import ALL_REPORTS

    filters, notices = parse({"reports": ["all"]}, OPTIONS)
    assert ALL_REPORTS in filters.extra and not notices
    assert to_params(filters, OPTIONS)["reports"] == "all"
    plain, _ = parse({}, OPTIONS)
    assert ALL_REPORTS not in plain.extra and "reports" not in to_params(plain, OPTIONS)
