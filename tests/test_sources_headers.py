"""etl.sources.headers: the header row found by the columns a reader needs, on whichever row it sits."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.sources.headers import MAX_HEADER_SCAN, header_index, header_with, is_hxl_row, key, normalise

HEADER = ["Admin 3 P-Code", "Sub-district (EN)", "IDPs"]
banner = st.lists(st.lists(st.one_of(st.none(), st.text(max_size=8), st.integers()), max_size=4), max_size=MAX_HEADER_SCAN - 1)


@pytest.mark.parametrize(("text", "keyed", "normalised"), [
    ("Admin 3 P-Code", "admin3pcode", "admin 3 p-code"),
    ("  period_start\n", "periodstart", "period_start"),
    ("محافظة إدلب", "محافظةإدلب", "محافظة إدلب"),
    (None, "", ""),
])
def test_loose_comparisons(text, keyed, normalised):
    assert key(text) == keyed and normalise(text) == normalised


@given(above=banner)
def test_header_is_found_below_any_banner(above):
    rows = [*above, HEADER, ["SY070000", "Idleb", 5]]
    wanted = ["admin3pcode", "IDPS"]
    found = header_with(rows, wanted)
    assert found is not None and found <= len(above)
    assert set(map(key, wanted)) <= {key(c) for c in rows[found]}


def test_header_past_the_scan_limit_is_not_found():
    rows = [["banner"]] * MAX_HEADER_SCAN + [HEADER]
    assert header_with(rows, ["IDPs"]) is None
    assert header_with(rows, ["IDPs"], limit=MAX_HEADER_SCAN + 1) == MAX_HEADER_SCAN


def test_templates_match_names_as_written():
    rows = [["Period Start", "source_title"], ["period_start", "source_title"]]
    assert header_with(rows, ["period_start"], keyed=normalise) == 1
    assert header_with(rows, ["period_start"]) == 0
    assert header_index(rows, lambda cells: "sourcetitle" in cells) == 0


@pytest.mark.parametrize(("row", "tagged"), [
    (["#adm3+code", "#affected+idps", None, ""], True),
    (["#date +year", "#meta+source"], True),
    (["#1 priority", "#affected"], False),     # a data row with a '#' value is not the hashtag row
    (["#affected", "12"], False),
    ([None, " "], False),
])
def test_hxl_row(row, tagged):
    assert is_hxl_row(row) is tagged


def test_recipe_patterns_keep_their_wildcards():
    assert key("Admin 3 P-Code*", wildcards=True) == "admin3pcode*" and key("Admin 3 P-Code*") == "admin3pcode"
