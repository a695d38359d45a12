"""The map month by month (dashboard/map_months.py, warehouse.queries.maps.month_reports): one report per month,
its figures exactly as published, never added to another report's; the others said in the note."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import catalog, i18n, map_months, maps
from warehouse.queries import Filters, run

OFFENSIVE = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))


def _build(db, filters: Filters = OFFENSIVE, language: str = "en"):
    with i18n.using(language, "latn"):
        return catalog.build("map-by-month", catalog.direct_query(db), filters)


def _panels(fig) -> list[str]:
    return sorted(k for k in fig.layout.to_plotly_json() if k.startswith("map"))


def test_the_offensive_has_a_panel_per_month_each_one_report(reference_db):
    chart = _build(reference_db)
    assert _panels(chart.figure) == ["map", "map2", "map3", "map4"]
    drawn = chart.data[chart.data["drawn"]]
    assert sorted(pd.to_datetime(drawn["month"]).dt.strftime("%Y-%m").unique()) == ["2019-12", "2020-01", "2020-02", "2020-03"]
    assert drawn.groupby("month")["source_id"].nunique().eq(1).all()


def test_the_move_toward_the_border_reads_from_december_to_march(reference_db):
    """December: the IDP Task Force's movements into Idleb and Aleppo governorates; March: REACH/CCCM's
    sub-districts at the border (Dana, A'zaz within 10 km)."""
    drawn = _build(reference_db).data.query("drawn")
    by_month = {pd.Timestamp(m).strftime("%Y-%m"): rows for m, rows in drawn.groupby("month")}
    assert set(by_month["2019-12"]["destination_name"]) == {"Idleb", "Aleppo"}
    assert set(by_month["2020-02"]["destination_name"]) == {"northwestern Idleb", "northern Aleppo"}
    march = by_month["2020-03"].set_index("destination_name")["individuals"]
    assert march.to_dict() == {"Dana": 211597, "A'zaz": 107616, "Maaret Tamsrin": 71913}
    assert set(by_month["2020-03"]["destination_band"]) <= {"0–10 km", "10–25 km"}


def test_every_marker_is_one_published_figure(reference_db):
    """Each marker's value is a row of the warehouse's own month_reports, never a sum of two reports."""
    published = run(reference_db, "maps.month_reports", OFFENSIVE)
    figures = set(zip(published["destination_pcode"], published["individuals"], published["source_id"]))
    chart = _build(reference_db)
    drawn = chart.data.query("drawn")
    assert set(zip(drawn["destination_pcode"], drawn["individuals"], drawn["source_id"])) <= figures
    markers = [t for t in chart.figure.data if t.type == "scattermap"]
    hovers = [h for t in markers for h in t.hovertext]
    assert len(hovers) == len(drawn)
    for value in drawn["individuals"]:
        assert sum(f"{value:,.0f}" in h for h in hovers) >= 1


def test_a_months_other_reports_are_said_not_drawn(reference_db):
    chart = _build(reference_db)
    assert "Dana 267,000" in chart.note          # OCHA to 20 Feb: February draws OCHA's 5 March report instead
    assert "northern Aleppo 410,000" in chart.note  # REACH to 8 Mar: March draws REACH/CCCM's three sub-districts
    hovers = " ".join(h for t in chart.figure.data for h in t.hovertext)
    assert "267,000" not in hovers and "410,000" not in hovers
    assert {s.publisher for s in chart.references} >= {"UN OCHA", "REACH", "REACH / CCCM Cluster"}


def test_the_country_wide_movement_total_is_never_a_marker(reference_db):
    data = _build(reference_db).data
    assert "SY" not in set(data["destination_pcode"])  # 308,200 across Syria contains Idleb's and Aleppo's


@pytest.mark.parametrize(("rows", "picked"), [
    ([("a", 3, 100), ("b", 1, 900)], "a"),   # more destinations win over more people
    ([("a", 2, 100), ("b", 2, 900)], "b"),   # then more people placed
])
def test_the_drawn_report_names_the_most_destinations_then_places_the_most(rows, picked):
    frame = pd.DataFrame([
        {"month": "2020-02-01", "source_id": source, "period_start": "2019-12-01", "period_end": "2020-02-20",
         "figure_type": "arrivals", "destination_pcode": f"P{i}", "individuals": total / n}
        for source, n, total in rows for i in range(n)])
    assert map_months.drawn_reports(frame)["source_id"].tolist() == [picked]


def test_arabic_panels_run_right_to_left_with_arabic_names(reference_db):
    chart = _build(reference_db, language="ar")
    layout = chart.figure.layout.to_plotly_json()
    assert layout["map"]["domain"]["x"][0] > layout["map2"]["domain"]["x"][0]  # December on the right
    labels = [a["text"] for a in layout["annotations"]]
    assert any(text.strip("\u2067\u2069").startswith("إدلب") for text in labels)  # in RTL isolates
    assert any("كانون الأول" in text for text in labels)


def test_labels_stay_inside_a_narrow_panel(reference_db):
    """Every label box lies inside the narrowest panel the page gives (two side by side on a laptop)."""
    drawn = _build(reference_db).data.query("drawn")
    for _month, report in drawn.groupby("month"):
        areas = run(reference_db, "maps.area_outlines", None,
                    pcodes=tuple(p for p in report["destination_pcode"] if p.startswith("SY-AREA")))
        report = report.merge(run(reference_db, "maps.month_reports", OFFENSIVE)[["destination_pcode", "source_id", "lat", "lon"]],
                              on=["destination_pcode", "source_id"])
        placed = map_months._placed(report, areas)
        points = [maps.to_pixels(la, lo, map_months.CENTRE, map_months.ZOOM) for la, lo in zip(placed["lat"], placed["lon"])]
        texts = [map_months._label(row) for _, row in placed.iterrows()]
        bounds = (map_months.NARROWEST_PANEL_PX / 2, 140)
        for (x, y), text, spot in zip(points, texts, maps.label_spots(points, texts, bounds)):
            assert maps._outside(maps._label_box(x, y, text, spot), bounds) == 0, text


def test_a_period_without_destinations_says_so(reference_db):
    chart = _build(reference_db, Filters(start=date(2012, 1, 1), end=date(2012, 12, 31)))
    assert chart.figure is None and chart.empty_message.startswith("No report placed")
