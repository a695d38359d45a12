"""OCHA HNO datasets: real 2018 and 2019 workbooks, reference dates from column names,
and a generated workbook of the same family (banner rows, header further down,
trailing spaces, Arabic names, accounting dashes, NA, a Dec–Jan flow)."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from etl import sources
from etl.load import load_file
from etl.sources import hno_idp_estimates
from etl.sources.hno_idp_estimates import figure_type, reference_period
from tests.real_loads import load_alone, rows, scalar


@pytest.fixture(scope="module")
def hno_db(real_data, tmp_path_factory) -> Path:
    """Both editions, each loaded into the same empty warehouse in turn (each on its own first)."""
    db = tmp_path_factory.mktemp("hno") / "warehouse.duckdb"
    load_alone(real_data / "hno_idp_estimates/data_2018.xlsx", db)
    report = load_file(real_data / "hno_idp_estimates/data_2019.xlsx", db)
    assert report.status == "loaded" and report.rows_rejected == 0, report.message
    return db


def _sum(db: Path, figure: str, end: str, governorate: str | None = None) -> float:
    sql = "SELECT sum(individuals) FROM v_displacement WHERE figure_type = ? AND CAST(period_end AS VARCHAR) = ?"
    params = [figure, end]
    if governorate:
        sql += " AND destination_governorate = ?"
        params.append(governorate)
    return scalar(db, sql, params)


@pytest.mark.parametrize(("figure", "end", "governorate", "expected"), [
    ("idp_stock", "2018-08-31", "SY07", 1_125_233.5),   # SOURCES.md: "about 1,125,234"
    ("idp_stock", "2018-08-31", None, 6_183_919),       # the workbook's own totals row
    ("returnees_stock", "2018-08-31", None, 987_215.5),
    ("newly_displaced", "2018-10-31", None, 610_886),
    ("idp_stock", "2017-08-31", None, 6_150_005),
    ("idps_in_camps", "2017-08-31", None, 335_892),
    ("newly_displaced", "2017-08-31", None, 383_969),
])
def test_totals_match_the_workbooks_totals_row(hno_db, figure, end, governorate, expected):
    assert _sum(hno_db, figure, end, governorate) == expected


def test_stocks_are_as_of_month_end_and_flows_span_their_months(hno_db):
    periods = rows(hno_db, "SELECT DISTINCT figure_type, CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR)"
                           " FROM displacement ORDER BY 3, 1")
    assert periods == [
        ("idp_stock", "2017-08-31", "2017-08-31"), ("idps_in_camps", "2017-08-31", "2017-08-31"),
        ("newly_displaced", "2017-06-01", "2017-08-31"), ("returnees_stock", "2017-08-31", "2017-08-31"),
        ("idp_stock", "2018-08-31", "2018-08-31"), ("returnees_stock", "2018-08-31", "2018-08-31"),
        ("newly_displaced", "2018-08-01", "2018-10-31"),
    ]


def test_community_codes_with_suffixes_are_kept_and_placed(hno_db):
    got = rows(hno_db, "SELECT admin_level, parent_pcode FROM v_locations WHERE pcode = 'C1001_5'")
    assert got == [(4, "SY010000")]
    assert rows(hno_db, "SELECT name_en, parent_pcode FROM v_locations WHERE pcode = 'SY07'") == [("Idleb", "SY")]


def test_the_sub_district_sheet_adds_places_not_figures(hno_db):
    """Its figures repeat the community sheet's; only the finest sheet's load."""
    assert scalar(hno_db, "SELECT count(DISTINCT pcode) FROM v_locations WHERE admin_level = 3") >= 272
    assert scalar(hno_db, "SELECT count(*) FROM displacement WHERE destination_pcode LIKE 'SY%'") == 0


def test_edition_is_cited(hno_db):
    titles = {r[0] for r in rows(hno_db, "SELECT title FROM sources")}
    assert {"Syria Humanitarian Needs Overview 2018 dataset: community-level IDP estimates",
            "Syria Humanitarian Needs Overview 2019 dataset: community-level IDP estimates"} <= titles


def test_same_file_twice_is_unchanged(hno_db, real_data):
    assert load_file(real_data / "hno_idp_estimates/data_2019.xlsx", hno_db).status == "unchanged"


@pytest.mark.parametrize(("name", "figure", "period"), [
    ("IDPs_estimates_August_2018", "idp_stock", ("2018-08-31", "2018-08-31")),
    ("IDPs_HNO_Aug_2017", "idp_stock", ("2017-08-31", "2017-08-31")),
    ("Returnees_estimates_Aug_2018", "returnees_stock", ("2018-08-31", "2018-08-31")),
    ("IDPs_in_camps_sites_Aug_2017", "idps_in_camps", ("2017-08-31", "2017-08-31")),
    ("Newly_displaced (Aug_July_Jun)_2017", "newly_displaced", ("2017-06-01", "2017-08-31")),
    ("Newly_displaced (Aug_Sep_Oct)_Dec_2018", "newly_displaced", ("2018-08-01", "2018-10-31")),
    ("Newly_displaced (Nov_Dec_Jan)_2020", "newly_displaced", ("2019-11-01", "2020-01-31")),
    ("IDPs estimates February 2020 ", "idp_stock", ("2020-02-29", "2020-02-29")),
])
def test_reference_dates_come_from_column_names(name, figure, period):
    assert figure_type(name) == figure
    assert reference_period(name, figure) == period


@pytest.mark.parametrize("name", ["Number_IDPs_in_open_areas_August_2019", "PiN_HNO_2019", "Acute_PiN_2018",
                                  "inter_sector_severity", "Access_status_October_2018"])
def test_other_columns_are_not_displacement_figures(name):
    assert figure_type(name) is None


def _variant(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Communities 2020"
    sheet.append(["Humanitarian Needs Overview 2021 — community data"])
    sheet.append([])
    sheet.append([None, None, None, None, None, None, 3000, 15])
    sheet.append(["Admin1Name_En ", "Admin2Pcode", "Admin3Pcode ", "Admin4Pcode", "Admin4Name_En",
                  "Admin4Name_Ar", " IDPs_estimates_Dec_2020", "Newly_displaced (Nov_Dec_Jan)_2021", "PiN_2021"])
    sheet.append(["Idleb", "SY0703", "SY070302", "C4150", "Sarmada", "سرمدا", 2000.5, "   -  ", 9])
    sheet.append(["Idleb", "SY0703", "SY070302", "C4151", "Atma", "أطمة", "NA", 15, 9])
    sheet.append(["Idleb", "SY0703", "SY070302", "C4152", "Kafr Lusin", "كفرلوسين", "many", None, 9])
    book.save(path)
    return path


def test_family_variant_workbook(tmp_path, db):
    path = _variant(tmp_path / "hno_2021.xlsx")
    assert sources.detect(path) is hno_idp_estimates
    report = load_alone(path, db)
    got = rows(db, "SELECT destination_pcode, figure_type, CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR),"
                   " individuals FROM displacement ORDER BY 1, 2")
    assert got == [
        ("C4150", "idp_stock", "2020-12-31", "2020-12-31", 2000.5),
        ("C4150", "newly_displaced", "2020-11-01", "2021-01-31", 0.0),
        ("C4151", "newly_displaced", "2020-11-01", "2021-01-31", 15.0),
    ]
    assert rows(db, "SELECT sheet, row_number, column_name, reason FROM rejects") == [
        ("Communities 2020", 7, "IDPs_estimates_Dec_2020", "not a number: many")]
    assert rows(db, "SELECT pcode, parent_pcode, name_ar FROM locations WHERE admin_level = 4 ORDER BY 1")[0] == (
        "C4150", "SY070302", "سرمدا")
    assert rows(db, "SELECT pcode, name_en FROM locations WHERE admin_level = 1") == [("SY07", "Idleb")]
    assert report.rows_rejected == 1


def test_earlier_year_with_banner_rows_and_no_month_is_as_of_the_default_month(tmp_path, db):
    """An HNO file of an earlier year: three banner rows, trailing spaces in headers, and an IDP column
    that names no month ('IDPs_estimates_2017'): the year is a reference year, dated at the HNO's documented
    default month (31 August), said in the load's message; --reference-date dates it otherwise."""
    from click.testing import CliRunner

    from etl.cli import main

    book = Workbook()
    sheet = book.active
    sheet.title = "Community_level_data"
    for banner in (["Humanitarian Needs Overview 2018"], ["Source: OCHA"], []):
        sheet.append(banner)
    sheet.append(["Admin2Pcode ", "Admin3Pcode ", "Admin4Pcode ", "Admin4Name_En ", "IDPs_estimates_2017 "])
    sheet.append(["SY0702", "SY070205", "C4099", "Tah", 1250])
    sheet.append(["SY0702", "SY070205", "C4100", "Heish", 300])
    path = tmp_path / "data_2017.xlsx"
    book.save(path)
    from etl.load import read_file

    dated = read_file(path)   # recognised without --kind, dated without --reference-date, and it says how
    assert dated.kind == "hno-idp-estimates"
    assert any("names a year only: dated 2017-08-31" in n and "--reference-date" in n for n in dated.notes)
    assert {(t.frame["period_start"].iloc[0], t.frame["period_end"].iloc[0]) for t in dated.tables
            if t.table == "displacement"} == {("2017-08-31", "2017-08-31")}
    loaded = CliRunner().invoke(main, ["load", str(path), "--db", str(db), "--reference-date", "2017-06-30"])
    assert loaded.exit_code == 0, loaded.output
    assert rows(db, "SELECT destination_pcode, CAST(period_end AS VARCHAR), individuals FROM displacement ORDER BY 1") == [
        ("C4099", "2017-06-30", 1250.0), ("C4100", "2017-06-30", 300.0)]
