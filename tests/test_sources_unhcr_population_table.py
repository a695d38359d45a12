"""UNHCR's end-year population table (population.rda from UNHCR's R package): real-file
figures, Syrians' rows only, the population types, and which Turkey figure wins."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyreadr
import pytest

from dashboard import catalog
from etl import sources
from etl.load import build_reference, load_file
from etl.sources import unhcr_population_table
from warehouse.queries import Filters, headlines
from tests.real_loads import load_alone, rows, scalar

REAL = "refugees/population.rda"
TABLE_TITLE = "UNHCR Refugee Data Finder: end-year population statistics%"


@pytest.fixture(scope="module")
def loaded(real_data, tmp_path_factory):
    db = tmp_path_factory.mktemp("population") / "warehouse.duckdb"
    return db, load_alone(real_data / REAL, db)


@pytest.fixture(scope="module")
def table_db(loaded) -> Path:
    return loaded[0]


def test_recognised_from_its_contents(real_data):
    assert sources.detect(real_data / REAL) is unhcr_population_table


@pytest.mark.parametrize(("year", "persons"), [(2018, 3_622_366), (2019, 3_576_370), (2020, 3_641_370), (2021, 3_737_369)])
def test_syrian_refugees_in_turkiye_at_year_end(table_db, year, persons):
    got = rows(table_db, "SELECT CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR), persons FROM refugees"
                         " WHERE origin_iso3 = 'SYR' AND asylum_iso3 = 'TUR' AND population_type = 'refugees'"
                         " AND year(period_end) = ?", [year])
    assert got == [(f"{year}-12-31", f"{year}-12-31", persons)]


@pytest.mark.parametrize(("year", "persons"), [(2019, 6_146_994), (2020, 6_701_972)])
def test_syria_own_idps(table_db, year, persons):
    got = rows(table_db, "SELECT persons FROM refugees WHERE origin_iso3 = 'SYR' AND asylum_iso3 = 'SYR'"
                         " AND population_type = 'idps' AND year(period_end) = ?", [year])
    assert got == [(persons,)]


def test_years_through_2025_and_only_syrians(table_db):
    assert scalar(table_db, "SELECT max(year(period_end)) FROM refugees") == 2025
    assert rows(table_db, "SELECT DISTINCT origin_iso3 FROM refugees") == [("SYR",)]
    assert scalar(table_db, "SELECT count(*) FROM refugees WHERE persons = 0") == 0


def test_every_unhcr_population_type_has_a_warehouse_type(table_db):
    types = {t for (t,) in rows(table_db, "SELECT DISTINCT population_type FROM refugees")}
    assert {"refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps", "others_of_concern",
            "host_community"} <= types


def test_other_origins_are_not_read_and_the_message_says_why(loaded):
    db, report = loaded
    assert report.rows_skipped == 138_893 - 2_377
    assert f"{report.rows_skipped} rows not read: people from other countries of origin" in report.message
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert rows(db, "SELECT reason FROM rejects") == [("not an ISO 3166 alpha-3 country code: UNKNOWN",)]


def test_source_row(table_db):
    got = rows(table_db, "SELECT publisher, licence, url FROM sources WHERE title LIKE ?", [TABLE_TITLE])
    assert got == [("UNHCR", "CC BY 4.0", "https://www.unhcr.org/refugee-statistics/")]


def test_same_file_twice_is_unchanged(table_db, real_data):
    assert load_file(real_data / REAL, table_db).status == "unchanged"


# ---------------------------------------------------------------- the format family


def _population(**overrides) -> pd.DataFrame:
    base = {"year": 2020.0, "coo_name": "Syrian Arab Rep.", "coo": "SYR", "coo_iso": "SYR", "coa_name": "Lebanon",
            "coa": "LEB", "coa_iso": "LBN", "refugees": 865_531.0, "asylum_seekers": 0.0, "returned_refugees": 0.0,
            "idps": 0.0, "returned_idps": 0.0, "stateless": 0.0, "ooc": 0.0, "oip": float("nan"), "hst": 0.0}
    return pd.DataFrame([base | o for o in overrides.get("rows", [{}])])


def test_family_variant_small_table(tmp_path, db):
    path = tmp_path / "population.rda"
    pyreadr.write_rdata(str(path), _population(rows=[
        {},
        {"coa_name": "Kosovo", "coa": "KOS", "coa_iso": "XKX", "refugees": 5.0},   # not an ISO 3166 code, nor a name
        {"coo_iso": "AFG", "coo_name": "Afghanistan", "refugees": 100.0},         # not Syrians: not read
        {"coa_name": "Syrian Arab Rep.", "coa": "SYR", "coa_iso": "SYR", "refugees": 0.0, "idps": 6_701_972.0},
    ]), df_name="population")
    assert sources.detect(path) is unhcr_population_table
    report = load_alone(path, db)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected, report.rows_skipped) == (3, 2, 1, 1)
    assert rows(db, "SELECT asylum_iso3, population_type, persons FROM refugees ORDER BY 1") == [
        ("LBN", "refugees", 865_531), ("SYR", "idps", 6_701_972)]
    assert rows(db, "SELECT row_number, column_name, reason FROM rejects") == [
        (2, "coa_iso", "not an ISO 3166 alpha-3 country code: KOSOVO")]


def test_other_r_data_files_are_not_claimed(tmp_path):
    path = tmp_path / "other.rda"
    pyreadr.write_rdata(str(path), _population(), df_name="flows")
    assert not unhcr_population_table.detect(path)


# ---------------------------------------------------------------- which Turkey figure wins


@pytest.fixture(scope="module")
def with_reference(real_data, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("population-reference") / "warehouse.duckdb"
    build_reference(db)
    for name in (REAL, "refugees/unhcr-persons-of-concern-origin-syr-csv-1.csv"):  # and UNHCR's older HDX export
        assert load_file(real_data / name, db).status == "loaded"
    return db


@pytest.mark.parametrize(("end", "persons"), [(date(2019, 12, 31), 3_576_370), (date(2020, 12, 31), 3_641_370)])
def test_turkey_headline_comes_from_unhcr_table_for_its_year(with_reference, end, persons):
    got = headlines.refugees_in_turkey(with_reference, Filters(end=end))
    first = got.iloc[0]
    assert first["source_title"].startswith("UNHCR Refugee Data Finder") and first["value"] == persons
    # the reference rows stay as their own candidates (IOM's 31 Dec 2019 registration figure)
    assert (got["source_publisher"] == "IOM").any()


def test_a_later_report_in_a_year_the_table_does_not_reach_still_wins(with_reference):
    first = headlines.refugees_in_turkey(with_reference, Filters(end=date(2020, 3, 31))).iloc[0]
    assert pd.Timestamp(first["period_end"]) == pd.Timestamp("2020-02-29")


def test_refugees_page_draws_the_unhcr_table_solid_and_the_reports_dashed(with_reference):
    chart = catalog.build("refugees-by-host-country", catalog.direct_query(with_reference), Filters())
    turkey = chart.data[chart.data["asylum_iso3"] == "TUR"]
    solid = turkey[~turkey["series"].str.contains("other|living in camps")]  # camps: a part, its own series
    by_year = solid.set_index(pd.to_datetime(solid["period_end"]).dt.year)["persons"]
    assert (by_year.get(2019), by_year.get(2020)) == (3_576_370, 3_641_370)
    assert (solid["source_title"].str.startswith("UNHCR Refugee Data Finder")).all()
    dashed = turkey[turkey["series"].str.contains("other")]
    assert not dashed.empty and "authority" not in chart.data
    # the older HDX export of the same UNHCR statistics is not drawn again as a dashed line
    assert not dashed["source_title"].str.contains("HDX export").any()
