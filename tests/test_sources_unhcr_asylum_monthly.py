"""UNHCR monthly asylum applications: real file figures, suppressed cells, USA offices,
and the format family (banner rows, month numbers, trailing spaces, CRLF, NA / -)."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl import sources
from etl.load import load_file
from tests.real_loads import load_alone, rows, scalar

REAL = "refugees/2011-2018_monthly_refugee.csv"


@pytest.fixture(scope="module")
def monthly_db(real_data, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("monthly") / "warehouse.duckdb"
    load_alone(real_data / REAL, db)
    return db


def test_every_row_is_loaded_or_rejected(monthly_db):
    read, loaded, rejected = rows(monthly_db, "SELECT rows_read, rows_loaded, rows_rejected FROM loads")[0]
    assert (read, loaded, rejected) == (3_309, 3_174, 135)


def test_suppressed_cells_are_the_135_rejects(monthly_db):
    assert rows(monthly_db, "SELECT reason, column_name, count(*) FROM rejects GROUP BY ALL") == [
        ("not a number: * (suppressed by publisher)", "Value", 135)]


def test_first_row_of_the_file(monthly_db):
    got = rows(monthly_db, "SELECT CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR), persons FROM refugees"
                           " WHERE asylum_iso3 = 'ALB' AND population_type = 'asylum_applications'"
                           " ORDER BY period_start LIMIT 1")
    assert got == [("2012-12-01", "2012-12-31", 3.0)]


def test_usa_offices_stay_separate_rows_with_the_office_noted(monthly_db):
    notes = {r[0] for r in rows(monthly_db, "SELECT DISTINCT note FROM refugees WHERE asylum_iso3 = 'USA'")}
    assert notes == {"reported by USA (EOIR)", "reported by USA (INS/DHS)"}
    assert scalar(monthly_db, "SELECT count(*) FROM refugees WHERE asylum_iso3 <> 'USA' AND note IS NOT NULL") == 0


def test_same_file_twice_is_unchanged(monthly_db, real_data):
    assert load_file(real_data / REAL, monthly_db).status == "unchanged"


def test_family_variant_month_numbers_banner_and_markers(tmp_path, db):
    path = tmp_path / "asylum.csv"
    path.write_bytes((
        "UNHCR asylum applications,,,,\r\n"
        "\"Country \",Origin,Year , Month,Value \r\n"
        "Germany,Syrian Arab Rep.,2020,2,\"1,204\"\r\n"
        "Germany,Syrian Arab Rep.,2020,March,NA\r\n"
        "Greece,Syrian Arab Rep.,2020,Feb,-\r\n"
        "Greece,Syrian Arab Rep.,2020,13,7\r\n"
    ).encode("utf-8"))
    assert sources.detect(path).KIND == "unhcr-asylum-monthly"
    report = load_alone(path, db)
    assert rows(db, "SELECT asylum_iso3, CAST(period_end AS VARCHAR), persons FROM refugees") == [
        ("DEU", "2020-02-29", 1_204.0)]
    assert report.rows_rejected == 1
    [(row, reason)] = rows(db, "SELECT row_number, reason FROM rejects")
    assert row == 6 and reason.startswith("not a date (use YYYY-MM-DD): 2020 13")
