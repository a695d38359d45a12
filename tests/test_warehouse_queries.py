"""Every dashboard query against a small SYNTHETIC warehouse with known numbers (tests/synthetic.py)."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import shape

import synthetic

from warehouse import warehouse_version
from warehouse.queries import Filters
from warehouse.queries import admin, border, camps, casualties, headlines, maps, options, refugees
from warehouse.queries.areas import non_overlapping

JAN = Filters(start=date(2020, 1, 1), end=date(2020, 1, 31))


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    return synthetic.build(folder / "warehouse.duckdb", folder / "csv")


def _by(frame: pd.DataFrame, key: str, value: str = "individuals") -> dict:
    return dict(zip(frame[key], frame[value]))


def test_bands_follow_the_destination_distance(wh):
    jan = border.by_band(wh, JAN)
    arrivals = jan[jan["figure_type"] == "arrivals"]
    # Atma 5.6 km; Synthetic village -> Dana sub-district centroid 12.3 km; Idleb 26.8 km; Khan Shaykhun 62.6 km
    assert _by(arrivals, "destination_band") == {"0–10 km": 1000, "10–25 km": 500, "25–50 km": 200, "over 50 km": 50}


def test_border_queries_never_include_stocks(wh):
    frame = border.by_band(wh, Filters())
    assert set(frame["figure_type"]) == {"arrivals", "newly_displaced"}
    assert border.by_band(wh, Filters(figure_types=("idp_stock",))).empty


def test_net_movement_counts_closer_and_farther(wh):
    frame = border.net_movement(wh, JAN)
    row = frame[frame["figure_type"] == "arrivals"].iloc[0]
    assert (row["toward"], row["away"], row["unknown"], row["net_toward"]) == (1500, 200, 50, 1300)


@pytest.mark.parametrize("level, pair, total", [
    ("governorate", ("SY07", "SY07"), 4700),
    ("district", ("SY0702", "SY0703"), 4500),
    ("district", ("SY0703", "SY0700"), 200),
])
def test_flows_by_area_pair(wh, level, pair, total):
    frame = border.flows(wh, Filters(figure_types=("arrivals",)), level=level)
    got = frame[(frame["origin_pcode"] == pair[0]) & (frame["destination_pcode"] == pair[1])]["individuals"]
    assert got.tolist() == [total]


def test_flows_reject_an_unknown_level(wh):
    with pytest.raises(ValueError):
        border.flows(wh, Filters(), level="country; DROP TABLE displacement")


@pytest.mark.parametrize("filters, figure_type, value", [
    (Filters(), "newly_displaced", 900000),          # the 82-day report covers more days than the monthly one
    (JAN, "newly_displaced", 700),                  # the cumulative report is not inside January
    (Filters(figure_types=("arrivals",)), "arrivals", 4750),
])
def test_displaced_headline_adds_only_non_overlapping_flows(wh, filters, figure_type, value):
    frame = headlines.displaced(wh, filters)
    assert frame.iloc[0]["figure_type"] == figure_type
    assert frame.iloc[0]["value"] == value
    assert "idp_stock" not in set(frame["figure_type"])


def test_idps_near_border_is_a_stock_at_the_latest_date(wh):
    row = headlines.idps_near_border(wh, Filters()).iloc[0]
    assert (row["value"], row["placed"], row["total"]) == (12000, 16000, 16000)
    assert pd.Timestamp(row["period_end"]).date() == date(2020, 2, 29)


@pytest.mark.parametrize("end, value", [(None, 3100000), (date(2019, 12, 31), 3000000)])
def test_refugees_in_turkey_latest(wh, end, value):
    assert headlines.refugees_in_turkey(wh, Filters(end=end)).iloc[0]["value"] == value


@pytest.mark.parametrize("filters, best, low, high", [
    (JAN, 18, 15, 22),
    (Filters(governorates=("SY02",)), 3, 3, 3),
    (Filters(), 25, None, None),  # the February report gives no range, so no range is claimed
])
def test_deaths_headline(wh, filters, best, low, high):
    row = headlines.deaths(wh, filters).iloc[0]
    assert row["value"] == best
    assert (None if pd.isna(row["low"]) else row["low"]) == low
    assert (None if pd.isna(row["high"]) else row["high"]) == high


def test_camps_occupancy_and_trend(wh):
    occ = camps.occupancy(wh, Filters())
    assert _by(occ, "camp_id", "occupancy") == {"CAMP-A": 1.2, "CAMP-B": 0.8}
    assert _by(occ, "camp_id", "border_km") == {"CAMP-A": 5.62, "CAMP-B": 26.84}
    assert _by(camps.trend(wh, Filters()), "period_end", "camps") == {pd.Timestamp("2020-01-31"): 1, pd.Timestamp("2020-02-29"): 2}
    head = headlines.camp_occupancy(wh, Filters()).iloc[0]
    assert (head["value"], head["capacity"]) == (1600, 1500)
    assert camps.camp_count(wh) == 2


def test_casualties_monthly_with_range_only_where_complete(wh):
    frame = casualties.monthly(wh, Filters(governorates=("SY07",)))
    jan, feb = frame.iloc[0], frame.iloc[1]
    assert (jan["deaths_best"], jan["deaths_low"], jan["deaths_high"]) == (15, 12, 19)
    assert feb["deaths_best"] == 7 and pd.isna(feb["deaths_low"])
    monthly = casualties.displacement_monthly(wh, Filters(figure_types=("arrivals",)))
    assert monthly["individuals"].tolist() == [1750, 3000]


def test_refugee_stock_and_applications_stay_apart(wh):
    stock = refugees.by_host(wh, Filters())
    flows = refugees.applications(wh, Filters())
    assert set(stock["population_type"]) == {"refugees"}
    assert set(flows["population_type"]) == {"asylum_applications"}
    assert flows["persons"].sum() == 2200


def test_map_queries(wh):
    assert set(maps.shapes(wh, Filters())["pcode"]) == {"SY070301", "SY070000"}
    assert set(maps.shapes(wh, Filters(extra=(("district", "SY0703"),)))["pcode"]) == {"SY070301"}
    february, january = Filters(start=date(2020, 2, 1), end=date(2020, 2, 29)), Filters(start=date(2020, 1, 1), end=date(2020, 1, 31))
    feb = maps.subdistrict_values(wh, replace(february, figure_types=("idp_stock",)))
    assert _by(feb, "pcode") == {"SY070301": 12000, "SY070000": 4000}
    lines = maps.flow_lines(wh, january)
    assert set(zip(lines["origin_area"], lines["destination_area"])) == {("SY0702", "SY0703"), ("SY0703", "SY0700")}
    by_month = maps.month_reports(wh, Filters())  # the month a report's period ends in; a country-wide figure left out
    assert set(pd.to_datetime(by_month["month"]).dt.strftime("%Y-%m")) <= {"2020-01", "2020-02"}
    assert not by_month.empty and by_month["destination_pcode"].str.len().gt(2).all()


def test_m4_corridor_surrounds_the_road(wh):
    corridor = shape(json.loads(maps.m4_corridor(wh).iloc[0]["geojson"]))
    road = shape(json.loads(maps.layers(wh).query("layer == 'm4'").iloc[0]["geojson"]))
    assert corridor.contains(road)
    # 6 km each side: about 0.054 degrees of latitude, so a point 0.04 deg north of the road's middle is inside
    middle = road.interpolate(0.5, normalized=True)
    from shapely.geometry import Point
    assert corridor.contains(Point(middle.x, middle.y + 0.04))
    assert not corridor.contains(Point(middle.x, middle.y + 0.09))


def test_filter_options_and_freshness(wh):
    assert set(options.areas(wh)["pcode"]) == {"SY07", "SY02", "SY0703", "SY0702", "SY0700"}
    assert options.sources(wh)["publisher"].tolist() == ["Synthetic test data"]
    span = options.date_span(wh).iloc[0]
    assert pd.Timestamp(span["first_day"]).date() == date(2019, 1, 1)
    fresh = admin.freshness(wh)
    assert pd.Timestamp(fresh.iloc[0]["latest_figure"]).date() == date(2020, 12, 31)


HOSTILE = ["SY07'; DROP TABLE displacement; --", "' OR '1'='1", "SY07) OR (1=1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_match_nothing_and_change_nothing(wh, value):
    before_version, before = warehouse_version(wh), admin.table_counts(wh)
    hostile = Filters(governorates=(value,), sources=(value,), figure_types=(value,), extra=(("district", value),))
    for query in (border.by_band, border.net_movement, border.flows, headlines.displaced, headlines.deaths,
                  camps.occupancy, casualties.monthly, refugees.by_host, maps.shapes, maps.subdistrict_values):
        assert query(wh, hostile).empty, query.__name__
    assert warehouse_version(wh) == before_version
    pd.testing.assert_frame_equal(admin.table_counts(wh), before)


@pytest.mark.parametrize("periods, kept", [
    ([("2020-01-01", "2020-01-31", 10), ("2020-02-01", "2020-02-29", 20)], [10, 20]),
    ([("2019-12-01", "2020-01-08", 312), ("2019-12-01", "2020-01-27", 390)], [390]),
    ([("2019-12-01", "2020-02-20", 900), ("2020-02-09", "2020-02-12", 142), ("2020-03-01", "2020-03-05", 5)], [900, 5]),
    ([("2020-01-01", "2020-01-31", 7), ("2020-01-01", "2020-01-31", 9)], [9]),
])
def test_non_overlapping_reports(periods, kept):
    frame = pd.DataFrame(periods, columns=["period_start", "period_end", "value"])
    assert sorted(non_overlapping(frame)["value"]) == sorted(kept)
