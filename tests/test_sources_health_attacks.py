"""Insecurity Insight's attacks on health care: real file figures (the 2019-2020 offensive),
out-of-scope rows kept as rejects, and the format family (sheet and header anywhere, no HXL
row, Excel serial dates, no metadata sheet)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from etl import sources
from etl.load import load_file
from etl.sources import health_attacks, hxl
from tests.real_loads import load_alone, rows, scalar

REAL = "conflict_events/2016-2023-attacks-on-health-care-incident-data.xlsx"
OUTSIDE = "outside Syria (%"


@pytest.fixture(scope="module")
def loaded(real_data, tmp_path_factory) -> tuple[Path, object]:
    db = tmp_path_factory.mktemp("health") / "warehouse.duckdb"
    return db, load_alone(real_data / REAL, db)


@pytest.fixture(scope="module")
def health_db(loaded) -> Path:
    return loaded[0]


def test_recognised_from_its_contents_before_the_generic_hxl_reader(real_data):
    assert hxl._tagged_sheet(real_data / REAL) is not None  # it is HXL-tagged: order, not luck, decides
    assert sources.detect(real_data / REAL) is health_attacks


@pytest.mark.parametrize(("month", "incidents", "in_idleb", "killed"), [
    ("2019-12", 5, 3, 0), ("2020-01", 33, 21, 9), ("2020-02", 37, 22, 9), ("2020-03", 3, 1, 0),
])
def test_syrian_incidents_and_health_workers_killed_per_month(health_db, month, incidents, in_idleb, killed):
    got = rows(health_db, "SELECT count(*), count(*) FILTER (WHERE location_pcode = 'SY07') FROM events"
                          " WHERE strftime(event_date, '%Y-%m') = ? AND category = 'attack_on_health'", [month])
    assert got == [(incidents, in_idleb)]
    deaths = scalar(health_db, "SELECT coalesce(sum(deaths_best), 0) FROM casualties WHERE category = 'health_workers'"
                               " AND period_start = period_end AND strftime(period_start, '%Y-%m') = ?", [month])
    assert deaths == killed


def test_every_february_2020_incident_has_coordinates_in_syria(health_db):
    got = rows(health_db, "SELECT count(*), count(lat), min(lat), max(lat), min(lon), max(lon) FROM events"
                          " WHERE event_date BETWEEN '2020-02-01' AND '2020-02-29'")
    count, located, lat_min, lat_max, lon_min, lon_max = got[0]
    assert count == located == 37
    assert 32 < lat_min and lat_max < 38 and 35 < lon_min and lon_max < 43


def test_all_904_syrian_rows_are_loaded_or_rejected_with_an_error(health_db):
    loaded = scalar(health_db, "SELECT count(*) FROM events")
    errors = rows(health_db, f"SELECT DISTINCT row_number, reason FROM rejects WHERE reason NOT LIKE '{OUTSIDE}'")
    assert loaded + len(errors) == 904
    assert errors and all("unknown P-code" in reason for _, reason in errors)  # e.g. Admin 1 'al-Bab District'


def test_other_countries_are_out_of_scope_rejects_counted_apart(loaded):
    db, report = loaded
    reasons = rows(db, f"SELECT column_name, reason FROM rejects WHERE reason LIKE '{OUTSIDE}' LIMIT 1")
    assert reasons[0][0] == "Country ISO"
    assert reasons[0][1].endswith("): this warehouse holds Syrian figures only")
    outside = scalar(db, f"SELECT count(*) FROM rejects WHERE reason LIKE '{OUTSIDE}'")
    assert outside == report.rows_out_of_scope > 7_900
    assert f"{outside} of them outside this warehouse's scope, not errors" in report.message
    assert scalar(db, "SELECT count(*) FROM rejects WHERE reason LIKE 'outside Syria (Country ISO SYR%'") == 0


def test_titles_read_well_and_are_built_from_the_row(health_db):
    titles = [t for (t,) in rows(health_db, "SELECT title FROM events WHERE event_date BETWEEN '2020-02-01' AND '2020-02-29'")]
    assert all(t.startswith("Attack on health care") for t in titles)
    assert "Attack on health care: aerial bomb (plane) by Syrian Armed Forces in Idleb" in titles
    assert not any("No Information" in t or "Governorate" in t for t in titles)
    described = scalar(health_db, "SELECT count(description) FROM events WHERE event_date BETWEEN '2020-02-01' AND '2020-02-29'")
    assert described == 37


def test_unplaced_syrian_incidents_load_without_a_place(health_db):
    got = rows(health_db, "SELECT count(*) FROM events WHERE location_pcode IS NULL AND title LIKE '% in Syria'")
    assert got[0][0] > 0


def test_health_workers_killed_are_noted_as_insecurity_insight_counts(health_db):
    notes = [n for (n,) in rows(health_db, "SELECT note FROM casualties LIMIT 5")]
    assert all("Insecurity Insight's count of health workers killed in attacks on health care" in n for n in notes)
    assert scalar(health_db, "SELECT count(*) FROM casualties WHERE deaths_best = 0") == 0


def test_citation_and_licence_come_from_the_metadata_sheet(health_db):
    got = rows(health_db, "SELECT title, licence, CAST(published AS VARCHAR), notes FROM sources"
                          " WHERE publisher = 'Insecurity Insight'")
    [(title, licence, published, notes)] = got
    assert title == "2016-2023 Attacks on Health Care Incident Data, v. 05 January 2024"
    assert licence == "Creative Commons Attribution-ShareAlike (CC BY-SA)"
    assert published == "2024-01-05"
    assert "Not representative or a comprehensive compilation" in notes


def test_same_file_twice_is_unchanged(health_db, real_data):
    assert load_file(real_data / REAL, health_db).status == "unchanged"


# ---------------------------------------------------------------- the format family

HEADER = ["Date", "Event Description", "Country", "Country ISO", "Admin 1", "Latitude", "Longitude",
          "Reported Perpetrator", "Reported Perpetrator Name", "Weapon Carried/Used", "Health Workers Killed",
          "SiND Event ID"]
TAGS = ["#date", None, "#country +name", "#country +ISO", "#admin1", "#lat", "#long", "#group +perp",
        "#group +perp +name", "#weapons", "#affected +healthworker +killed", None]


def _workbook(path: Path, body: list[list[object]], *, banner: int = 0, tags: bool = True) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "2020 Attacks "
    for i in range(banner):
        sheet.append([f"Insecurity Insight export, part {i}"])
    sheet.append(HEADER)
    if tags:
        sheet.append(TAGS)
    for row in body:
        sheet.append(row)
    book.save(path)
    return path


def test_family_variant_banner_serial_dates_no_metadata(tmp_path, db):
    path = _workbook(tmp_path / "attacks.xlsx", [
        [43871, "A hospital was hit.", "Syria", "SYR", "Idlib Governorate", 35.9, 36.6, "NSA", "No Information",
         "Shelling", 2, 101],
        [datetime(2020, 2, 11), "A clinic was raided.", "Syria", "SYR", "No Information", None, None,
         "No Information", "No Information", "No Information on the Weapon Used", 0, 102],
        [datetime(2020, 2, 12), "An ambulance was stopped.", "Afghanistan", "AFG", "Kabul", 34.5, 69.2, "NSA",
         "Taliban", "Firearms", 1, 103],
        ["soon", "A bad date.", "Syria", "SYR", "Aleppo Governorate", 36.2, 37.1, "NSA", "", "Firearms", 0, 104],
    ], banner=2)
    assert sources.detect(path) is health_attacks
    report = load_alone(path, db)
    assert (report.rows_out_of_scope, report.rows_rejected) == (1, 2)
    got = rows(db, "SELECT CAST(event_date AS VARCHAR), title, location_pcode FROM events ORDER BY event_date")
    assert got == [("2020-02-10", "Attack on health care: shelling by NSA in Idleb", "SY07"),
                   ("2020-02-11", "Attack on health care in Syria", None)]
    assert rows(db, "SELECT deaths_best, location_pcode, note FROM casualties") == [
        (2, "SY07", "Insecurity Insight's count of health workers killed in attacks on health care (SiND event 101)")]
    assert sorted(rows(db, "SELECT row_number, column_name, reason FROM rejects")) == [
        (7, "Country ISO", "outside Syria (Country ISO AFG): this warehouse holds Syrian figures only"),
        (8, "Date", "not a date (use YYYY-MM-DD): soon"),
    ]
    assert rows(db, "SELECT publisher, title FROM sources WHERE publisher = 'Insecurity Insight'") == [
        ("Insecurity Insight", "attacks.xlsx")]


def test_other_hxl_files_are_not_claimed(tmp_path):
    book = Workbook()
    book.active.append(["Date", "Country", "Killed"])
    book.active.append(["#date", "#country+name", "#affected+killed"])
    book.active.append([datetime(2020, 1, 1), "Syria", 3])
    book.save(tmp_path / "deaths.xlsx")
    assert not health_attacks.detect(tmp_path / "deaths.xlsx")
    assert sources.detect(tmp_path / "deaths.xlsx") is hxl


_banner = st.lists(st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=12)), max_size=5), max_size=8)


@settings(max_examples=60, deadline=None)
@given(banner=_banner, tagged=st.booleans(), padded=st.booleans())
def test_header_and_hashtag_row_are_found_below_any_banner(banner, tagged, padded):
    header = [f"  {h.upper()} " if padded else h for h in HEADER]
    table = [*banner, header, *([TAGS] if tagged else []), [datetime(2020, 1, 1), "x", "Syria", "SYR"]]
    assert health_attacks.find_header(table) == (len(banner), len(banner) + 1 if tagged else None)


@pytest.mark.parametrize("missing", ["Country ISO", "Admin 1", "Health Workers Killed"])
def test_a_header_without_a_required_column_is_not_this_format(missing):
    header = [h for h in HEADER if h != missing]
    assert health_attacks.find_header([header, TAGS]) is None


@pytest.mark.parametrize(("weapon", "who", "group", "place", "expected"), [
    ("Aerial Bomb: Plane", "Syrian Armed Forces", "Armed Forces", "Idleb",
     "Attack on health care: aerial bomb (plane) by Syrian Armed Forces in Idleb"),
    ("VBIED", "No Information", "NSA", "Aleppo", "Attack on health care: VBIED by NSA in Aleppo"),
    ("No Information on the Weapon Used", "Unidentified Armed Actor", "No Information", "Syria",
     "Attack on health care in Syria"),
    (None, None, "Police", "Homs", "Attack on health care by Police in Homs"),
])
def test_titles(weapon, who, group, place, expected):
    assert health_attacks.title(weapon, who, group, place) == expected
