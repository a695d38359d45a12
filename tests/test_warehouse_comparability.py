"""The comparability rule (warehouse/models/figure_roles.sql and place_nesting.sql): figures of places
that contain or overlap each other are never added, and what is shown is a published figure or a sum
the rule allows. Checked against an independent oracle (places as sets of leaf areas) on generated
reports, with the December 2019 IDP Task Force report as an explicit example.
"""
from __future__ import annotations

import csv
import itertools
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dashboard import catalog
from warehouse import models
from warehouse.queries import Filters, ledger

# A small admin tree: (pcode, admin_level, kind, parent). Leaves are the sub-districts plus one
# "rest of" leaf under every place that has children, so no place equals the union of its children.
TREE = [
    ("SY", 0, "country", None), ("SY07", 1, "governorate", "SY"), ("SY02", 1, "governorate", "SY"),
    ("SY0703", 2, "district", "SY07"), ("SY0204", 2, "district", "SY02"),
    ("SY070301", 3, "sub-district", "SY0703"), ("SY070302", 3, "sub-district", "SY0703"),
    ("SY020400", 3, "sub-district", "SY0204"), ("SY020401", 3, "sub-district", "SY0204"),
]
AREAS = {"SY-NW": ["SY07", "SY0204"], "SY-AREA-X": ["SY070301", "SY020400"], "SY-AREA-Y": ["SY070302"]}
PLACES = [p for p, *_ in TREE] + list(AREAS) + [None]


def _leaves(pcode: str | None) -> frozenset[str]:
    """The oracle: a place as the set of smallest pieces of Syria it covers (None: everywhere)."""
    if pcode is None:
        return _leaves("SY")
    if pcode in AREAS:
        return frozenset().union(*(_leaves(m) for m in AREAS[pcode]))
    children = [p for p, _l, _k, parent in TREE if parent == pcode]
    return frozenset({pcode}) if not children else frozenset({f"rest-of-{pcode}"}).union(*map(_leaves, children))


def _pair(o, d) -> tuple[frozenset, frozenset]:
    return _leaves(o), _leaves(d)


def _overlap(a, b) -> bool:
    return bool(a[0] & b[0]) and bool(a[1] & b[1])


def _contains(a, b) -> bool:
    return b[0] <= a[0] and b[1] <= a[1]


def _warehouse(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """An in-memory database with just the relations the models read."""
    con = duckdb.connect()
    con.execute("CREATE TABLE v_locations (pcode VARCHAR, admin_level INT, kind VARCHAR, parent_pcode VARCHAR)")
    places = TREE + [(a, 0, "region" if a == "SY-NW" else "area", "SY") for a in AREAS]
    con.executemany("INSERT INTO v_locations VALUES (?, ?, ?, ?)", places)
    con.execute("""CREATE TABLE v_location_admin AS SELECT pcode,
        CASE WHEN pcode LIKE 'SY__%' AND pcode NOT LIKE 'SY-%' THEN left(pcode, 4) END AS governorate_pcode,
        CASE WHEN pcode LIKE 'SY____%' AND pcode NOT LIKE 'SY-%' THEN left(pcode, 6) END AS district_pcode
        FROM v_locations""")
    con.execute("CREATE TABLE area_members (area_pcode VARCHAR, member_pcode VARCHAR)")
    con.executemany("INSERT INTO area_members VALUES (?, ?)", [(a, m) for a, ms in AREAS.items() for m in ms])
    con.execute("""CREATE TABLE displacement (period_start DATE, period_end DATE, origin_pcode VARCHAR,
        destination_pcode VARCHAR, figure_type VARCHAR, individuals DOUBLE, source_id VARCHAR)""")
    if rows:
        con.executemany("INSERT INTO displacement VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def _roles(rows: list[tuple]) -> pd.DataFrame:
    with _warehouse(rows) as con:
        return con.execute(models.inline("SELECT * FROM figure_roles")).df()


DECEMBER_2019 = [  # the IDP Task Force's December 2019 report: a Syria total and two parts of it
    (date(2019, 12, 1), date(2019, 12, 31), None, "SY", "displacements", 308200.0, "idptf"),
    (date(2019, 12, 1), date(2019, 12, 31), None, "SY07", "displacements", 214500.0, "idptf"),
    (date(2019, 12, 1), date(2019, 12, 31), "SY07", "SY02", "displacements", 81900.0, "idptf"),
]

report = st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(PLACES), st.integers(1, 10**6)),
                  min_size=1, max_size=6, unique_by=lambda t: (t[0], t[1]))


@settings(max_examples=60, deadline=None)
@given(report)
@example([(None, "SY", 308200), (None, "SY07", 214500), ("SY07", "SY02", 81900)])
def test_counted_figures_never_share_people_and_parts_lie_in_their_total(places):
    rows = [(date(2020, 1, 1), date(2020, 1, 31), o, d, "arrivals", float(v), "r") for o, d, v in places]
    roles = _roles(rows)
    assert len(roles) == len(rows)
    shape = {(r.origin_pcode if pd.notna(r.origin_pcode) else None,
              r.destination_pcode if pd.notna(r.destination_pcode) else None): r for r in roles.itertuples()}
    counted = [k for k, r in shape.items() if r.counted]
    for a, b in itertools.combinations(counted, 2):  # what is added shares no one
        assert not _overlap(_pair(*a), _pair(*b)), (a, b, shape[a].figure_role, shape[b].figure_role)
    totals = [k for k, r in shape.items() if r.figure_role == "total"]
    for key, r in shape.items():
        if r.figure_role == "part":
            assert len(totals) == 1 and _contains(_pair(*totals[0]), _pair(*key))
    if totals:  # a total contains every other figure of its report
        assert all(_contains(_pair(*totals[0]), _pair(*k)) for k in shape)
    if len(shape) > 1 and not any(_overlap(_pair(*a), _pair(*b)) for a, b in itertools.combinations(shape, 2)):
        assert set(roles["figure_role"]) <= {"disjoint", "separate"}   # disjoint places: nothing is left out
    # the number a report shows is a published figure or the sum of figures that share no one
    shown = roles[roles["counted"]]
    if roles["figure_role"].isin(["total", "single"]).any():
        assert len(shown) == 1


def test_the_december_2019_report_is_308200_for_syria_with_two_parts():
    roles = _roles(DECEMBER_2019).set_index("destination_pcode")
    assert roles.loc["SY", "figure_role"] == "total" and bool(roles.loc["SY", "counted"])
    assert set(roles.loc[["SY07", "SY02"], "figure_role"]) == {"part"}
    assert not roles.loc[["SY07", "SY02"], "counted"].any()


def test_figures_in_other_periods_of_one_report_never_meet():
    rows = [(date(2020, 1, d), date(2020, 1, d), None, "SY07", "arrivals", 10.0, "daily") for d in (1, 2, 3)]
    assert set(_roles(rows)["figure_role"]) == {"single"}


@pytest.mark.parametrize("outer, inner, contains", [
    ("SY", "SY-NW", True), ("SY-NW", "SY07", True), ("SY-NW", "SY0204", True), ("SY-NW", "SY02", False),
    ("SY07", "SY-AREA-Y", True), ("SY-AREA-X", "SY070301", True), ("SY-AREA-X", "SY0204", False),
])
def test_place_nesting(outer, inner, contains):
    with _warehouse([]) as con:
        found = con.execute(models.inline(
            "SELECT contains FROM place_nesting WHERE outer_pcode = $o AND inner_pcode = $i"), {"o": outer, "i": inner}
        ).fetchall()
    assert found and found[0][0] is contains
    assert _contains(_pair(None, outer), _pair(None, inner)) is contains


def test_disjoint_places_never_overlap_in_the_model():
    with _warehouse([]) as con:
        assert not con.execute(models.inline(
            "SELECT * FROM place_nesting WHERE outer_pcode = 'SY-AREA-X' AND inner_pcode = 'SY-AREA-Y'")).fetchall()


# ---- on the reference build: what the charts, exports and headlines show -------------------------
OFFENSIVE = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))
EVERY = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31), extra=(("reports", "all"),))  # 'Show all reports'


def _published(reference_db: Path) -> set[float]:
    with duckdb.connect(str(reference_db), read_only=True) as con:
        return {r[0] for r in con.execute("SELECT individuals FROM displacement").fetchall()}


def test_the_timeline_export_says_308200_for_syria_never_604600(reference_db):
    data = catalog.build("displacement-timeline", catalog.direct_query(reference_db), EVERY).data
    december = data[(data["figure_type"] == "displacements") & (pd.to_datetime(data["period_end"]) == "2019-12-31")]
    assert december["individuals"].tolist() == [308200.0]
    assert december["place_name"].tolist() == ["Syria"]
    assert 604600.0 not in set(data["individuals"])


def test_every_timeline_number_is_published_or_an_allowed_sum(reference_db):
    data = catalog.build("displacement-timeline", catalog.direct_query(reference_db), EVERY).data
    published = _published(reference_db)
    for row in data.itertuples():
        assert row.individuals in published or row.figure_role == "disjoint", row


def test_no_cumulative_line_joins_two_places(reference_db):
    figure = catalog.build("displacement-timeline", catalog.direct_query(reference_db), EVERY).figure
    cumulative = [t for t in figure.data if t.name and "(cumulative)" in t.name]
    assert cumulative
    data = catalog.build("displacement-timeline", catalog.direct_query(reference_db), EVERY).data
    by_value = data.groupby("individuals")["place_pcode"].first().to_dict()
    for trace in cumulative:
        assert len({by_value[y] for y in trace.y}) == 1, trace.name


def test_the_golden_export_says_308200():
    golden = Path(__file__).parent / "golden"
    found = list(golden.rglob("displacement-timeline*.csv"))
    every = [p for p in found if p.parent.name == "offensive-all-reports" and p.parent.parent.name == "reference"]
    assert every and any("308200" in line and "2019-12-31" in line for line in every[0].read_text().splitlines())
    for path in found:
        text = path.read_text(encoding="utf-8")
        assert "604600" not in text
        if "IDP Task Force" in text and "2019-12-31" in text:
            assert any("308200" in line for line in text.splitlines() if "2019-12-31" in line)


def test_the_ledger_quotes_one_figure_with_its_range(reference_db):
    found = ledger.summary(reference_db, OFFENSIVE, "displaced")
    assert found["quoted"]["value"] == 961300.0 and found["quoted"]["source_publisher"] == "WFP"
    assert (found["low"], found["high"]) == (948000.0, 961300.0)
    roles = ledger.figures(reference_db, OFFENSIVE, "displaced").set_index("value")
    assert roles.loc[752131.0, "reason_code"] == "movements"
    assert roles.loc[200000.0, "reason_code"] == "window"


def test_a_revision_quotes_the_later_publication():
    """The same publisher, place, window and measure published twice: the later one is quoted."""
    frame = pd.DataFrame({
        "figure_type": ["newly_displaced"] * 2, "source_id": ["a", "b"], "period_start": [date(2020, 1, 1)] * 2,
        "period_end": [date(2020, 1, 31)] * 2, "place_pcode": ["SY-NW"] * 2, "places": ["NW"] * 2,
        "value": [100.0, 120.0], "rows": [1, 1], "source_publisher": ["UN OCHA"] * 2, "source_title": ["x", "y"],
        "source_date": [pd.Timestamp("2020-02-01"), pd.Timestamp("2020-03-01")], "source_url": [None] * 2,
        "file_sha256": ["s"] * 2})
    ranked = ledger._rank(frame, Filters(start=date(2020, 1, 1)), "displaced")
    assert ranked.iloc[0]["value"] == 120.0
    assert ledger._reason(ranked.iloc[1], ranked.iloc[0], "displaced") == "revision"


def test_find_names_the_report_of_948000(reference_db):
    found = ledger.find(reference_db, 948000)
    assert found.iloc[0]["source_publisher"] == "UN OCHA" and found.iloc[0]["source_url"].startswith("http")
    assert ledger.find(reference_db, 604600).empty
    assert not ledger.find(reference_db, 1_000_000, tolerance_pct=5).empty


def test_the_first_chart_reads_at_a_glance_and_all_reports_are_one_switch_away(reference_db):
    from dashboard.chart_data import ALL_REPORTS

    query = catalog.direct_query(reference_db)
    glance = catalog.build("displacement-timeline", query, OFFENSIVE)
    legend = [t.name for t in glance.figure.data if t.showlegend is not False and t.name]
    assert len(legend) <= 8, legend
    assert any("UN OCHA, since 1 Dec 2019 (cumulative)" in name for name in legend)
    assert {"WFP", "REACH"} <= set(glance.data["source_publisher"])       # corroborating figures beside it
    assert set(glance.data["figure_type"]) == {"newly_displaced"}
    every = catalog.build("displacement-timeline", query, Filters(OFFENSIVE.start, OFFENSIVE.end, extra=(ALL_REPORTS,)))
    assert len(every.data) > len(glance.data) and "displacements" in set(every.data["figure_type"])
    assert 308200.0 in set(every.data["individuals"]) and 604600.0 not in set(every.data["individuals"])
