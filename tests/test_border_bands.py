"""Distance bands (defined once), named areas, and the 'Toward the border' chart: one destination
breakdown against the period's displacement total, areas over several bands said to span them."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import border_bands
from dashboard.catalog import build, direct_query
from etl.load import build_reference, load_file
from tests.conftest import CITE_HEADER, write_csv
from tests.real_loads import rows
from warehouse.queries import Filters, border
from warehouse import models
from warehouse.queries.areas import (
    BAND_LABELS, DISTANCE_BANDS, UNKNOWN_BAND, band_label, band_order, bands_nearer_than,
)

ROOT = Path(__file__).resolve().parents[1]
OFFENSIVE = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))
SYNTHETIC = ["Synthetic test data", "Toward-the-border fixture (invented figures)", "2020-03-01", ""]


@pytest.mark.parametrize(("lo", "hi", "label"), [
    (0, 0, "0–10 km"), (3, 3, "over 50 km"), (0, 1, "spans 0–25 km"), (1, 2, "spans 10–50 km"),
    (0, 3, "spans 0 to over 50 km"),
])
def test_band_labels(lo, hi, label):
    assert band_label(lo, hi) == label
    assert label in BAND_LABELS


def test_bands_are_ordered_nearest_first_with_spans_after_and_unknown_last():
    ordered = sorted(["unknown", "spans 0–25 km", "over 50 km", "0–10 km"], key=band_order)
    assert ordered == ["0–10 km", "over 50 km", "spans 0–25 km", "unknown"]
    assert [b[0] for b in DISTANCE_BANDS] == list(BAND_LABELS[:4])


@pytest.mark.parametrize(("km", "nearer"), [
    (10.0, ("0–10 km",)), (25.0, ("0–10 km", "spans 0–25 km", "10–25 km")),
])
def test_places_wholly_nearer_than_a_band_edge(km, nearer):
    assert set(bands_nearer_than(km)) == set(nearer)


def _bands(db: Path) -> dict[str, str]:
    return dict(rows(db, models.inline("SELECT pcode, place_band FROM location_areas")))


def test_areas_load_with_arabic_names_and_cited_members(reference_db):
    areas = rows(reference_db, "SELECT pcode, name_ar, kind FROM v_locations WHERE kind = 'area' ORDER BY pcode")
    # (the region Northwest Syria is listed in the same file by its governorate and districts: kind 'region')
    assert [a[0] for a in areas] == ["SY-AREA-IDLEB-CITY", "SY-AREA-N-ALEPPO", "SY-AREA-NW-IDLEB", "SY-AREA-W-ALEPPO"]
    assert all(a[1] for a in areas)
    members = rows(reference_db, "SELECT m.area_pcode, m.member_pcode, s.publisher, s.url, m.note, l.admin_level"
                                 " FROM area_members m JOIN sources s USING (source_id)"
                                 " JOIN v_locations l ON l.pcode = m.member_pcode")
    assert {m[5] for m in members if m[0] != "SY-NW"} == {3}  # every area member is a sub-district
    assert {m[1] for m in members if m[0] == "SY-NW"} == {"SY07", "SY0202", "SY0203", "SY0204", "SY0208"}
    assert all(m[2] and m[3].startswith("https://") and "Page: '" in m[4] for m in members if m[0] != "SY-NW")
    assert {m[1] for m in members if m[0] == "SY-AREA-N-ALEPPO"} == {"SY020400", "SY020300", "SY020302", "SY020200"}
    report = next(r for r in rows(reference_db, "SELECT file_name, rows_read, rows_loaded, rows_rejected FROM loads")
                  if r[0] == "areas.csv")
    assert report[1] == report[2] + report[3] and report[3] == 0


def test_a_place_is_banded_by_itself_an_area_by_its_sub_districts(reference_db):
    bands = _bands(reference_db)
    assert bands["SY070301"] == "0–10 km"                   # Dana, by its centroid
    assert bands["C4130"] == "0–10 km"                      # Atma town
    assert bands["SY-AREA-W-ALEPPO"] == "10–25 km"          # Atareb and Daret Azza: both 10–25 km
    assert bands["SY-AREA-NW-IDLEB"] == "spans 0–25 km"     # Dana and Salqin 0–10, Maaret Tamsrin 10–25
    assert bands["SY07"].startswith("spans")                 # a governorate is never put in one band
    assert bands["SY-NW"] == "unknown"                       # a region with no sub-districts listed


@pytest.fixture(scope="module")
def offensive_db(tmp_path_factory) -> Path:
    """The reference build plus synthetic destination figures (invented, labelled synthetic)."""
    folder = tmp_path_factory.mktemp("toward-border")
    db = folder / "warehouse.duckdb"
    build_reference(db)
    header = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals",
              "note", *CITE_HEADER, "source_is_synthetic"]
    figures = [
        # three destinations that share no one (A'zaz lies in neither area): a breakdown the rule counts
        ("2020-01-01", "2020-01-31", "SY-NW", "SY020400", "arrivals", 60000),
        ("2020-01-01", "2020-01-31", "SY-NW", "SY-AREA-NW-IDLEB", "arrivals", 20000),
        ("2020-01-01", "2020-01-31", "SY-NW", "SY-AREA-W-ALEPPO", "arrivals", 10000),
    ]
    write_csv(folder / "synthetic.csv", header,
              [[*f, "synthetic", *SYNTHETIC[:2], SYNTHETIC[2], SYNTHETIC[3], "true"] for f in figures])
    report = load_file(folder / "synthetic.csv", db)
    assert report.status == "loaded" and report.rows_rejected == 0, report.message
    return db


def test_the_chart_places_people_by_band_and_never_adds_cumulative_reports(reference_db):
    chart = build("displacement-by-border-band", direct_query(reference_db), OFFENSIVE)
    split = dict(zip(chart.data["destination_band"], chart.data["individuals"]))
    total = max(r[0] for r in rows(reference_db, "SELECT individuals FROM displacement WHERE figure_type ="
                                   " 'newly_displaced' AND destination_pcode IS NULL AND period_end <= '2020-03-31'"
                                   " AND period_start >= '2019-12-01'"))
    # one breakdown (one report), measured against the largest report of the period, never a sum of reports
    assert sum(split.values()) == pytest.approx(max(total, sum(v for b, v in split.items() if b != "unknown distance")))
    assert chart.data["source_id"].nunique() == 1
    unknown = split.get("unknown distance", 0) / sum(split.values())
    assert unknown < 0.2
    assert all(b in BAND_LABELS or b == "unknown distance" for b in split)
    assert chart.figure is not None and "Unknown" not in chart.measure.split(".")[0]


def test_an_area_over_two_bands_says_so_and_unplaced_people_are_unknown(offensive_db):
    filters = Filters(start=date(2020, 1, 1), end=date(2020, 1, 31))
    found = border_bands.found_in(direct_query(offensive_db), filters)
    synthetic = next(b for b in found if "Synthetic" in b.reports["source_publisher"].iloc[0])
    pick = Filters(start=filters.start, end=filters.end, extra=(("breakdown", synthetic.key),))
    chart = build("displacement-by-border-band", direct_query(offensive_db), pick)
    split = dict(zip(chart.data["destination_band"], chart.data["individuals"]))
    assert split["0–10 km"] == 60000 and split["spans 0–25 km"] == 20000 and split["10–25 km"] == 10000
    assert "northwestern Idleb" in chart.data.set_index("destination_band").loc["spans 0–25 km", "destinations"]
    # no displacement total lies within January (the reports are cumulative since 1 December), and every
    # destination of this breakdown has a distance: nothing is unknown
    assert split.get("unknown distance", 0) == 0


def test_breakdowns_keep_reports_that_do_not_overlap():
    frame = pd.DataFrame({
        "period_start": pd.to_datetime(["2019-12-01", "2019-12-01", "2020-02-01"]),
        "period_end": pd.to_datetime(["2020-01-08", "2020-01-31", "2020-02-29"]),
        "figure_type": "arrivals", "source_id": "s", "source_publisher": "P", "source_title": "T",
        "source_date": None, "destination_name": ["A", "A", "A"], "destination_band": "0–10 km",
        "individuals": [30000, 50000, 20000],
    })
    (only,) = border_bands.breakdowns(frame)
    assert only.placed == 70000  # 'since 1 Dec' as of 31 Jan, plus February; not the 8 Jan report again


def test_the_destinations_query_gives_area_names_and_bands(reference_db):
    frame = border.breakdown_destinations(reference_db, OFFENSIVE)
    named = dict(zip(frame["destination_name"], frame["destination_band"]))
    assert named["northwestern Idleb"] == "spans 0–25 km"
    assert named["Dana"] == "0–10 km"


def test_exported_csv_carries_the_same_split(reference_db, tmp_path):
    out = tmp_path / "bands.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISPLACEMENT_DB": str(reference_db)}
    result = subprocess.run([sys.executable, "-m", "dashboard.export", "--chart", "displacement-by-border-band",
                             "--format", "csv", "--start", "2019-12-01", "--end", "2020-03-31", "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    exported = pd.read_csv(out, encoding="utf-8-sig")
    chart = build("displacement-by-border-band", direct_query(reference_db), OFFENSIVE)
    assert exported["destination_band"].tolist() == chart.data["destination_band"].tolist()
    assert exported["individuals"].tolist() == pytest.approx(chart.data["individuals"].tolist())
    unknown = exported.loc[exported["destination_band"] == "unknown distance", "individuals"].sum()
    assert unknown / exported["individuals"].sum() < 0.2


def test_a_breakdowns_destinations_add_up_to_what_its_reports_place(offensive_db):
    query = direct_query(offensive_db)
    found = border_bands.found_in(query, OFFENSIVE)
    assert found
    for breakdown in found:
        rows = border_bands.destinations(query, OFFENSIVE, breakdown)
        assert set(rows["figure_type"] + "|" + rows["source_id"]) == {breakdown.key}
        by_band = rows.groupby("destination_band")["individuals"].sum().to_dict()
        assert by_band == pytest.approx(breakdown.reports.groupby("destination_band")["individuals"].sum().to_dict())
        assert rows.loc[rows["destination_band"] != UNKNOWN_BAND, "individuals"].sum() == pytest.approx(breakdown.placed)


def test_breakdown_destinations_reads_only_the_periods_given(offensive_db):
    every = border.breakdown_destinations(offensive_db, OFFENSIVE)
    reports = border.destination_reports(offensive_db, OFFENSIVE)
    first = reports.iloc[0]
    period = f"{first['period_start']:%Y-%m-%d}/{first['period_end']:%Y-%m-%d}"
    key = f"{first['figure_type']}|{first['source_id']}"
    one = border.breakdown_destinations(offensive_db, OFFENSIVE, breakdown=key, periods=(period,))
    in_report = reports[(reports["period_start"] == first["period_start"]) & (reports["period_end"] == first["period_end"])
                        & (reports["figure_type"] + "|" + reports["source_id"] == key)]
    assert one["individuals"].sum() == pytest.approx(in_report["individuals"].sum())
    assert 0 < one["individuals"].sum() <= every["individuals"].sum()
    assert border.breakdown_destinations(offensive_db, OFFENSIVE, breakdown=key, periods=("1990-01-01/1990-01-31",)).empty
