"""etl.sources.cells: what readers and the validator take for 'no value', written once."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.sources.cells import MISSING_MARKERS, NO_VALUE, is_blank, is_dash


@pytest.mark.parametrize("value", [None, float("nan"), "", "  ", "N/A", "na", "NaN", "None", "null", "..", " .. "])
def test_blank_cells(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "-", "*", "x", "n.a.", "Idleb", "..."])
def test_values_that_are_not_blank(value):
    assert not is_blank(value)


@pytest.mark.parametrize(("value", "dash"), [
    ("-", True), ("   -  ", True), ("\u2013", True), ("--", True), ("-3", False), ("", False), (0, False), ("x-", False),
])
def test_accounting_dashes(value, dash):
    assert is_dash(value) is dash


def test_the_validators_markers_extend_the_readers():
    assert NO_VALUE < MISSING_MARKERS and {"-", "--", "*", "x", "n.a."} <= MISSING_MARKERS
    assert all(m == m.strip().lower() for m in MISSING_MARKERS)


@given(st.one_of(st.text(max_size=6), st.floats(allow_nan=True), st.integers(), st.none()))
def test_blank_and_dash_agree_with_the_markers(value):
    if isinstance(value, str):
        assert is_blank(value) == (value.strip().lower() in NO_VALUE)
        if is_dash(value):
            assert value.strip() and set(value.strip()) <= {"-", "\u2013", "\u2014"}
    else:
        assert is_blank(value) == (value is None or (isinstance(value, float) and math.isnan(value)))
        assert not is_dash(value)
