"""UNHCR persons of concern: real file figures and the format family (banner rows, no HXL
row, trailing spaces, CRLF, Windows-1256, NA / - / * / 0 cells, unmappable countries)."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl import sources
from etl.load import load_file
from tests.real_loads import load_alone, rows, scalar

REAL = "refugees/unhcr-persons-of-concern-origin-syr-csv-1.csv"


@pytest.fixture(scope="module")
def poc_db(real_data, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("poc") / "warehouse.duckdb"
    load_alone(real_data / REAL, db)
    return db


@pytest.mark.parametrize(("year", "persons"), [(2012, 248_466), (2017, 3_424_237)])
def test_turkey_refugees_at_year_end(poc_db, year, persons):
    got = rows(poc_db, "SELECT CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR), persons FROM refugees"
                       " WHERE asylum_iso3 = 'TUR' AND population_type = 'refugees' AND year(period_end) = ?", [year])
    assert got == [(f"{year}-12-31", f"{year}-12-31", persons)]


def test_syria_own_idps_load_as_idps_in_syria(poc_db):
    got = rows(poc_db, "SELECT persons FROM refugees WHERE asylum_iso3 = 'SYR' AND origin_iso3 = 'SYR'"
                       " AND population_type = 'idps' AND year(period_end) = 2017")
    assert got == [(6_150_005,)]


def test_totals_and_zeros_never_load(poc_db):
    assert scalar(poc_db, "SELECT count(*) FROM refugees WHERE population_type = 'total' OR persons = 0") == 0


def test_suppressed_and_unmappable_cells_are_rejects_with_reasons(poc_db):
    reasons = dict(rows(poc_db, "SELECT reason, count(*) FROM rejects GROUP BY reason"))
    assert reasons == {"not a number: * (suppressed by publisher)": 44,
                       "not an ISO 3166 alpha-3 country code: VARIOUS/UNKNOWN": 1}


@pytest.mark.parametrize(("name", "code"), [
    ("Iran (Islamic Rep. of)", "IRN"), ("Dem. Rep. of the Congo", "COD"), ("Turkey", "TUR"),
    ("Serbia and Kosovo (S/RES/1244 (1999))", "SRB"), ("Rep. of Moldova", "MDA"),
])
def test_unhcr_country_spellings_map_to_iso3(poc_db, name, code):
    """Each spelling is in the file (the only unmapped name is Various/Unknown, see above)."""
    assert scalar(poc_db, "SELECT count(*) FROM refugees WHERE asylum_iso3 = ?", [code]) > 0


def test_same_file_twice_is_unchanged(poc_db, real_data):
    assert load_file(real_data / REAL, poc_db).status == "unchanged"


def test_family_variant_banner_no_hxl_cp1256_crlf_and_markers(tmp_path, db):
    lines = [
        "المفوضية السامية للأمم المتحدة لشؤون اللاجئين",
        "Extracted: 2020-03-01,,,,,",
        "Year ,Country / territory of asylum/residence ,Origin,Refugees (incl. refugee-like situations) ,"
        "Asylum-seekers (pending cases),Internally displaced persons (IDPs),Total Population",
        "2019,Lebanon,Syrian Arab Rep.,\"910,256\",NA,,910256",
        "2019,Germany,Syrian Arab Rep.,0,*,-,*",
        "2019,Atlantis,Syrian Arab Rep.,5,,,5",
        "2019,Syrian Arab Rep.,Syrian Arab Rep.,,,6183919,6183919",
    ]
    path = tmp_path / "unhcr_poc.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1256") + b"\r\n")
    assert sources.detect(path).KIND == "unhcr-persons-of-concern"
    report = load_alone(path, db)
    got = rows(db, "SELECT asylum_iso3, population_type, persons FROM refugees ORDER BY 1, 2")
    assert got == [("LBN", "refugees", 910_256.0), ("SYR", "idps", 6_183_919.0)]
    assert report.rows_rejected == 2
    assert sorted(rows(db, "SELECT row_number, column_name, reason FROM rejects")) == [
        (5, "Asylum-seekers (pending cases)", "not a number: * (suppressed by publisher)"),
        (6, "Country / territory of asylum/residence", "not an ISO 3166 alpha-3 country code: ATLANTIS"),
    ]
