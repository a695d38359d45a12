"""The drawing rules (dashboard/drawing.py) on figures with known periods."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import catalog, charts, drawing
from dashboard.citations import Source, sources_line
from warehouse.queries import Filters

DAY_MS = 86_400_000


def _flows(rows: list[tuple]) -> pd.DataFrame:
    """(start, end, figure_type, publisher, source_id, individuals) -> a displacement_series frame."""
    frame = pd.DataFrame(rows, columns=["period_start", "period_end", "figure_type", "source_publisher", "source_id",
                                        "individuals"])
    measure = {"idp_stock": "stock", "idps_in_camps": "stock", "idps_outside_camps": "stock"}
    return frame.assign(period_start=pd.to_datetime(frame["period_start"]), period_end=pd.to_datetime(frame["period_end"]),
                        measure=frame["figure_type"].map(measure).fillna("flow"), source_title="t", note=None, rows=1)


NO_EVENTS = pd.DataFrame(columns=["event_date", "title", "description", "category", "source_publisher", "source_title"])
OHCHR = [("2020-01-01", "2020-01-31", "newly_displaced", "OHCHR", "jan", 186),
         ("2020-02-01", "2020-02-05", "newly_displaced", "OHCHR", "feb", 49)]


def _extents(trace) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    starts = pd.to_datetime(pd.Series(list(trace.x)))
    return [(s, s + pd.Timedelta(milliseconds=w)) for s, w in zip(starts, trace.width)]


def test_a_five_day_report_is_drawn_over_five_days_not_a_month():
    fig = charts.displacement_timeline(_flows(OHCHR), NO_EVENTS)
    [bars] = [t for t in fig.data if t.type == "bar"]
    assert bars.offset == 0
    assert _extents(bars) == [(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")),
                              (pd.Timestamp("2020-02-01"), pd.Timestamp("2020-02-06"))]
    assert list(bars.y) == [186, 49]


def test_reports_of_different_periods_are_never_joined_by_a_line():
    fig = charts.displacement_timeline(_flows(OHCHR), NO_EVENTS)
    lines = [t for t in fig.data if t.type == "scatter" and "lines" in (t.mode or "") and t.yaxis in (None, "y")]
    assert not lines  # two reports of different periods: bars, no trace connects them


def test_a_cumulative_series_is_its_own_line_joined_only_within_itself():
    since = [("2019-12-01", end, "newly_displaced", "UN OCHA", f"s{i}", n)
             for i, (end, n) in enumerate([("2020-01-08", 312_000), ("2020-02-02", 586_000), ("2020-03-03", 961_300)])]
    monthly = [("2020-02-01", "2020-02-29", "newly_displaced", "UN OCHA", "m", 752_131)]
    fig = charts.displacement_timeline(_flows(since + monthly), NO_EVENTS)
    [line] = [t for t in fig.data if t.type == "scatter" and "cumulative" in t.name]
    assert "since 1 Dec 2019" in line.name and list(line.y) == [312_000, 586_000, 961_300]
    [bars] = [t for t in fig.data if t.type == "bar"]
    assert list(bars.y) == [752_131]  # the month's own figure is not on the cumulative line


def test_stocks_join_only_within_one_dataset_and_never_share_an_axis_with_flows():
    rows = OHCHR + [("2020-04-17", "2020-04-17", "idp_stock", "UN OCHA", "a", 854_000),
                    ("2020-04-21", "2020-04-21", "idp_stock", "UN OCHA", "b", 2_800_000),
                    ("2020-05-01", "2020-05-01", "idp_stock", "UN OCHA", "c", 846_000)]
    fig = charts.displacement_timeline(_flows(rows), NO_EVENTS)
    [stock] = [t for t in fig.data if "stock" in (t.name or "")]
    assert all(x is None for x in stock.x[1::2])  # three reports: three points, a gap between each
    [bars] = [t for t in fig.data if t.type == "bar"]
    assert (bars.yaxis or "y") != stock.yaxis


def test_movements_never_share_an_axis_with_people():
    rows = OHCHR + [("2020-01-01", "2020-01-31", "displacements", "CCCM", "d", 400_000)]
    fig = charts.displacement_timeline(_flows(rows), NO_EVENTS)
    axes = {t.name: t.yaxis for t in fig.data if t.type == "bar"}
    people = next(a for n, a in axes.items() if "Newly displaced" in n)
    moves = next(a for n, a in axes.items() if "movements" in n)
    assert people != moves


def test_two_publishers_for_the_same_period_are_both_drawn_not_averaged():
    rows = [("2020-02-01", "2020-02-29", "newly_displaced", "UN OCHA", "o", 752_131),
            ("2020-02-01", "2020-02-29", "newly_displaced", "REACH", "r", 600_000)]
    fig = charts.displacement_timeline(_flows(rows), NO_EVENTS)
    bars = [t for t in fig.data if t.type == "bar"]
    assert sorted(v for t in bars for v in t.y) == [600_000, 752_131]
    assert fig.layout.barmode == "overlay" and all(t.marker.opacity < 1 for t in bars)
    assert len({t.marker.color for t in bars}) == 2


@pytest.mark.parametrize("rows", [
    [("2017-08-30", "2017-08-30", "idp_stock", "CCCM", "x", 1000)],
    [("2020-03-05", "2020-03-05", "newly_displaced", "UN OCHA", "y", 500)],
])
def test_a_single_point_gets_a_date_axis_of_days_not_milliseconds(rows):
    fig = charts.displacement_timeline(_flows(rows), NO_EVENTS)
    first, last = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert last - first >= pd.Timedelta(days=28)
    assert fig.layout.xaxis.type == "date" and fig.layout.xaxis.tickformatstops[0].value == "%-d %b %Y"


def test_the_camps_trend_with_one_count_has_a_date_axis():
    frame = pd.DataFrame({"period_end": [pd.Timestamp("2017-08-30")], "source_id": ["c"], "source_publisher": ["CCCM"],
                          "individuals": [1200], "camps": [3]})
    fig = charts.camps_trend(frame)
    first, last = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert first < pd.Timestamp("2017-08-30") < last and last - first >= pd.Timedelta(days=28)


def test_key_events_are_labelled_and_the_rest_are_ticks_by_category():
    events = pd.DataFrame({
        "event_date": pd.to_datetime(["2020-03-05", "2020-03-15", "2020-03-06", "2020-02-14"]),
        "title": ["Moscow agreement", "First joint patrol", "Ceasefire takes effect", "IDP sites hit"],
        "description": ["", None, "", ""], "category": ["agreement", "patrol", "agreement", "attack_on_health"],
        "source_publisher": ["UN OCHA", "Reuters", "UN OCHA", "Insecurity Insight"], "source_title": ["a", "b", "c", "d"],
    })
    fig = charts.displacement_timeline(_flows(OHCHR), events)
    labels = [a.text for a in fig.layout.annotations]
    assert labels == ["Moscow agreement", "First joint M4 patrol"]
    ticks = {t.name: len(t.x) for t in fig.data if (t.name or "").startswith("Events:")}
    assert ticks == {"Events: Agreements": 1, "Events: Attacks on health care (Insecurity Insight)": 1}


def test_the_key_event_rule():
    assert drawing.key_event_label({"event_date": "2020-02-27", "category": "strike"})
    assert drawing.key_event_label({"event_date": "2020-02-27", "category": "offensive"}) is None  # Spring Shield
    assert drawing.key_event_label({"event_date": "2020-01-01", "category": "strike", "importance": "key",
                                    "title": "A strike"}) == "A strike"
    assert drawing.key_event_label({"event_date": "2020-03-05", "category": "agreement", "importance": "minor"}) is None


def test_many_events_of_one_category_are_gathered_into_weekly_ticks():
    days = pd.date_range("2020-01-01", "2020-03-31", freq="D").repeat(2)
    events = pd.DataFrame({"event_date": days, "title": "Attack", "description": "", "category": "attack_on_health",
                           "source_publisher": "Insecurity Insight", "source_title": "x"})
    fig = drawing.add_events(go.Figure(go.Scatter(x=[days[0]], y=[1])), events)
    [ticks] = [t for t in fig.data if (t.name or "").startswith("Events:")]
    assert 12 <= len(ticks.x) <= 15 and "events, week of" in ticks.hovertext[0] and ticks.visible == "legendonly"


def test_colours_are_fixed_per_governorate_and_publisher_and_never_repeat_on_a_chart():
    colours = drawing.ChartColours()
    assert colours("Idleb", drawing.governorate_colour("Idleb")) == drawing.governorate_colour("SY07")
    assert colours("Aleppo", drawing.governorate_colour("Aleppo")) != colours("Idleb")
    assert drawing.publisher_colour("UN OCHA") == drawing.publisher_colour("UN OCHA Syria")
    many = [colours(f"series {i}", "#0072B2") for i in range(40)]
    assert len(set(many) | {colours("Idleb"), colours("Aleppo")}) == 42


def _data_colours(figure) -> list:
    return [drawing.look(t)[1] for t in figure.data
            if getattr(t, "showlegend", None) is not False and t.type in ("scatter", "bar")
            and not (t.name or "").startswith(("Events:", "Key events"))]


# The Map draws areas and layers, not series (dashboard/maps.py); every other chart is checked.
@pytest.mark.parametrize("name", [s.name for s in catalog.SPECS if s.page != "map"])
@pytest.mark.parametrize("filters", [Filters(start=date(2019, 12, 1), end=date(2020, 3, 31)), Filters()],
                         ids=["offensive", "whole-span"])
def test_no_two_traces_of_a_catalogue_chart_look_alike(reference_db, name, filters):
    chart = catalog.build(name, catalog.direct_query(reference_db), filters)
    if chart.is_empty:
        return
    colours = Counter(_data_colours(chart.figure))
    assert not {c: n for c, n in colours.items() if n > 1}
    looks = Counter(drawing.look(t) for t in chart.figure.data if getattr(t, "showlegend", None) is not False)
    assert not {k: n for k, n in looks.items() if n > 1}


def test_casualties_draw_each_report_over_its_own_period(reference_db):
    chart = catalog.build("casualties-vs-displacement", catalog.direct_query(reference_db),
                          Filters(start=date(2019, 12, 1), end=date(2020, 3, 31)))
    bars = [t for t in chart.figure.data if t.type == "bar" and "deaths" in t.name]
    spans = {(e - s).days: y for t in bars for (s, e), y in zip(_extents(t), t.y)}
    assert spans[5] == 49 and spans[31] == 186  # 1–5 Feb is five days wide, January a month
    assert not [t for t in chart.figure.data if t.type == "scatter" and "deaths" in (t.name or "")]
    assert any(t.type == "bar" and t.yaxis == "y2" for t in chart.figure.data)  # displacement panel not empty


def test_the_sources_line():
    sources = [Source("UN OCHA", f"Flash update {i}", date(2020, 1, i + 1), "https://x") for i in range(10)] + \
              [Source("WFP", "Situation report", date(2019, 12, 29)), Source("REACH", "Overview", date(2020, 3, 22)),
               Source("REACH", "Needs", date(2020, 3, 1)), Source("WFP", "Update", date(2020, 2, 1))]
    assert sources_line(sources) == "UN OCHA, REACH, WFP — 14 reports, 29 Dec 2019 – 22 Mar 2020"
    assert sources_line(sources[:1]) == "UN OCHA — 1 report, 1 Jan 2020"
    assert sources_line([]) == "No source recorded"


def test_refugees_living_in_camps_are_their_own_series_never_added(tmp_path):
    from warehouse import queries

    frame = pd.DataFrame({
        "period_start": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-02-01"]),
        "period_end": pd.to_datetime(["2020-01-31", "2020-01-31", "2020-02-29"]),
        "asylum_iso3": "TUR", "population_type": ["refugees", "refugees_in_camps", "refugees"],
        "source_id": "unhcr", "source_publisher": "UNHCR", "source_title": "t", "source_date": pd.NaT,
        "persons": [3_576_000, 63_000, 3_580_000],
    })
    assert "refugees_in_camps" in queries.refugees.STOCK_TYPES
    from dashboard import builders

    chart = builders.refugees_by_host_country(lambda name, filters, **kw: frame, Filters())
    lines = {t.name: list(t.y) for t in chart.figure.data}
    assert lines["Türkiye"] == [3_576_000, 3_580_000] or lines.get("Turkey") == [3_576_000, 3_580_000]
    assert [v for n, v in lines.items() if "living in camps" in n] == [[63_000]]


def test_the_sources_line_names_publishers_without_the_reprint_they_came_through():
    sources = [Source("AFP (republished by dailygamingworld.com)", "Syria army takes Idlib crossroads", date(2020, 2, 8)),
               Source("AFP", "Turkey and Russia agree", date(2020, 3, 5))]
    assert sources_line(sources) == "AFP — 2 reports, 8 Feb 2020 – 5 Mar 2020"


def _shelter(rows: list[tuple]) -> pd.DataFrame:
    """(date, figure_type, publisher, source_id, individuals) -> a displacement_series frame of shelter stocks."""
    frame = pd.DataFrame(rows, columns=["period_end", "figure_type", "source_publisher", "source_id", "individuals"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame.assign(period_start=frame["period_end"], measure="stock")


def test_shelter_stacks_a_reports_own_kinds_and_never_stacks_camps_on_tents():
    frame = _shelter([("2020-02-23", "idps_in_open", "UN OCHA", "ocha", 17_000),
                      ("2020-02-23", "idps_in_tents", "UN OCHA", "ocha", 135_000),
                      ("2020-02-23", "idps_in_unfinished_buildings", "UN OCHA", "ocha", 163_000),
                      ("2020-02-23", "idps_in_camps", "CCCM Cluster", "cccm", 90_000)])
    fig = charts.shelter_by_type(frame, pd.DataFrame(columns=["event_date", "title", "category", "importance"]))
    bars = [t for t in fig.data if t.type == "bar"]
    assert fig.layout.barmode == "relative" and [list(t.y) for t in bars] == [[17_000], [135_000], [163_000]]
    camps = [t for t in fig.data if t.type == "scatter" and t.name == drawing.FIGURE_LABELS["idps_in_camps"]]
    assert len(camps) == 1 and camps[0].mode == "markers"  # a point beside the bar, not a fourth segment
    # two reports of one date stand side by side, each at its own x: never one stack of two reports
    assert pd.Timestamp(camps[0].x[0]) != pd.Timestamp(bars[0].x[0])
    assert all("315,000" not in text for t in fig.data for text in (t.hovertext or ()))  # no unpublished total


def test_shelter_hover_gives_each_figure_its_date_and_publisher():
    frame = _shelter([("2020-02-23", "idps_in_tents", "UN OCHA", "ocha", 135_000)])
    fig = charts.shelter_by_type(frame, pd.DataFrame(columns=["event_date", "title", "category", "importance"]))
    assert list(fig.data[0].hovertext) == ["IDPs living in tents (stock): 135,000 people on 23 Feb 2020<br>UN OCHA"]
