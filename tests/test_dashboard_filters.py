"""URL query string -> Filters: bad values are ignored with a notice, never an exception."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard.filters import Options, parse, to_params
from warehouse.queries import Filters

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
