"""etl.sources.months: month names, years and months widened to the days they stand for."""
from __future__ import annotations

import calendar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.sources.months import month_number, month_of, month_span, span, year_end, year_month, year_of, year_start


@pytest.mark.parametrize(("text", "number"), [
    ("March", 3), ("mar", 3), ("Mar.", 3), (" SEPT ", 9), ("Sep", 9), ("december", 12),
    ("Marsh", None), ("", None), (None, None), ("3", None),
])
def test_month_names(text, number):
    assert month_number(text) == number


@given(year=st.integers(1900, 2100), month=st.integers(1, 12), style=st.sampled_from(["name", "abbr", "int", "float", "padded"]))
def test_a_year_and_month_become_the_months_first_and_last_day(year, month, style):
    written = {"name": calendar.month_name[month], "abbr": calendar.month_abbr[month], "int": month,
               "float": float(month), "padded": f"{month:02d}"}[style]
    last = calendar.monthrange(year, month)[1]
    assert month_span(float(year), written) == (f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last:02d}")
    assert span(f"{year}-{month}") == span(f"{year}/{month:02d}") == month_span(year, month)


@pytest.mark.parametrize(("year", "month"), [
    ("2019", "13"), ("2019", "0"), ("2019", "3.5"), ("2019.5", "3"), ("19", "3"), ("2019", "Marsh"),
    ("2019", ""), ("", "March"), ("2019-03-01", "3"), ("twenty", "3"),
])
def test_anything_not_plainly_a_month_is_left_for_the_validator(year, month):
    assert month_span(year, month) is None


@given(text=st.text(max_size=12))
def test_junk_is_never_widened(text):
    """Text that is not exactly a year or a YYYY-MM month comes back as it was (the validator rejects it)."""
    if year_of(text) is None and year_month(text) is None:
        assert span(text) == (text, text)
        assert year_end(text) == year_start(text) == text.strip()


@pytest.mark.parametrize(("raw", "start", "end"), [
    ("2019", "2019-01-01", "2019-12-31"), (2019, "2019-01-01", "2019-12-31"), (2019.0, "2019-01-01", "2019-12-31"),
    (" 2020 ", "2020-01-01", "2020-12-31"),
])
def test_years(raw, start, end):
    assert span(raw) == (start, end) and year_start(raw) == start and year_end(raw) == end


@pytest.mark.parametrize("text", ["2020-13", "2020-00", "202-03", "2020-03-01", "03-2020"])
def test_year_month_is_strict(text):
    assert year_month(text) is None and month_of("13") is None
