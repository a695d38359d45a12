"""Chart builders on the real files plus the reference data: the questions users bring."""
from __future__ import annotations

import pandas as pd

from dashboard import catalog
from warehouse.queries import Filters


def test_turkey_has_its_latest_refugee_figure_as_a_separate_line(real_reference_db):
    path, _ = real_reference_db
    chart = catalog.build("refugees-by-host-country", catalog.direct_query(path), Filters())
    turkey = chart.data[chart.data["asylum_iso3"] == "TUR"]
    turkey = turkey[~turkey["series"].str.contains("living in camps")]  # a part of the total, its own series
    assert turkey["series"].nunique() == 2
    other = turkey[turkey["series"].str.contains("other reports")]
    assert pd.Timestamp(other["period_end"].max()).year >= 2020
    assert other["persons"].max() >= 3_500_000
    solid = turkey[~turkey["series"].str.contains("other")]
    assert solid.set_index(pd.to_datetime(solid["period_end"]).dt.year)["persons"].get(2017) == 3_424_237
    names = [t.name for t in chart.figure.data]
    dashed = [t for t in chart.figure.data if t.line.dash == "dash" and "living in camps" not in t.name]
    assert len(dashed) == 1 and "other reports" in dashed[0].name and len(names) == len(set(names))


def test_turkey_reports_of_equal_standing_are_all_drawn(reference_db):
    """On the reference build every Turkey figure is a registration quoted in some report (none is
    UNHCR's statistics table): one is the main line, the others are drawn as points beside it."""
    chart = catalog.build("refugees-by-host-country", catalog.direct_query(reference_db), Filters())
    turkey = chart.data[(chart.data["asylum_iso3"] == "TUR") & ~chart.data["series"].str.contains("living in camps")]
    assert len(turkey) >= 9 and turkey["series"].str.contains("other reports").sum() == len(turkey) - 1


def test_refugee_chart_on_a_warehouse_without_refugees_says_so(db):
    from etl.load import load_file
    from tests.conftest import write_csv

    places = write_csv(db.parent / "places.csv", ["pcode", "admin_level", "kind", "name_en", "source_publisher",
                                                  "source_title", "source_date", "source_url"],
                       [["SY07", 1, "governorate", "Idleb", "Test (synthetic)", "Places", "2020-01-01", "https://x"]])
    assert load_file(places, db).status == "loaded"
    chart = catalog.build("refugees-by-host-country", catalog.direct_query(db), Filters())
    assert chart.is_empty and chart.empty_message == "No refugee figures for this selection."


def test_long_casualty_reports_are_shown_as_reported_not_split(reference_db):
    chart = catalog.build("casualty-reports", catalog.direct_query(reference_db), Filters())
    spans = (pd.to_datetime(chart.data["period_end"]) - pd.to_datetime(chart.data["period_start"])).dt.days
    assert (spans >= 31).all() and len(chart.data) >= 3
    assert 1710 in set(chart.data["deaths_best"])  # OHCHR: civilians killed since the end of April 2019
    [bars] = chart.figure.data[:1]
    assert list(bars.text) == [f"{v:,.0f}" for v in chart.data.sort_values(["period_end", "deaths_best"])["deaths_best"]]
    assert chart.sources and all("," in s for s in chart.sources)


def test_monthly_deaths_draw_northwest_syria_and_keep_the_rest_one_click_away(real_reference_db):
    path, _ = real_reference_db
    chart = catalog.build("casualties-vs-displacement", catalog.direct_query(path), Filters())
    deaths = [t for t in chart.figure.data if t.name and ": deaths" in t.name]
    shown = {t.name.split(":")[0] for t in deaths if t.visible is not False and t.visible != "legendonly"}
    assert shown == {"Idleb", "Aleppo"}
    assert len(deaths) > 10
    assert all(t.type == "bar" for t in deaths)  # each figure over the period it covers, never a line
