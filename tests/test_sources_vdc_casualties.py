"""VDC daily deaths per province: real file figures and the format family (banner rows,
trailing spaces, CRLF, Windows-1256 Arabic headers, NA / - / * cells)."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl import sources
from tests.real_loads import load_alone, rows, scalar

REAL = "conflict_casualties/casualties_by_province_by_day.csv"


@pytest.fixture(scope="module")
def vdc_db(real_data, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("vdc") / "warehouse.duckdb"
    load_alone(real_data / REAL, db)
    return db


def test_national_total_is_the_published_total(vdc_db):
    assert scalar(vdc_db, "SELECT sum(deaths_best) FROM casualties") == 137_475


@pytest.mark.parametrize(("year", "deaths"), [(2012, 4_017), (2018, 670)])
def test_idlib_by_year(vdc_db, year, deaths):
    total = scalar(vdc_db, "SELECT sum(deaths_best) FROM casualties WHERE location_pcode = 'SY07'"
                           " AND year(period_start) = ?", [year])
    assert total == deaths


def test_one_row_per_listed_day_and_province_no_invented_days(vdc_db):
    days, cells = rows(vdc_db, "SELECT count(DISTINCT period_start), count(*) FROM casualties")[0]
    assert (days, cells) == (2_687, 2_687 * 14)
    assert scalar(vdc_db, "SELECT count(*) FROM casualties WHERE period_start <> period_end OR category <> 'all'") == 0


@pytest.mark.parametrize(("province", "pcode"), [
    ("Idlib", "SY07"), ("Damascus Suburbs", "SY03"), ("Deir Ezzor", "SY09"), ("Hasakeh", "SY08"),
    ("Sweida", "SY13"), ("Tartous", "SY10"), ("Lattakia", "SY06"), ("Quneitra", "SY14"),
])
def test_vdc_spellings_map_to_ocha_pcodes(vdc_db, province, pcode):
    assert rows(vdc_db, "SELECT DISTINCT location_pcode FROM casualties WHERE note = ?",
                [f"VDC province: {province}"]) == [(pcode,)]


def test_governorates_are_named_the_ocha_way_with_arabic(vdc_db):
    assert rows(vdc_db, "SELECT name_en, name_ar FROM locations WHERE pcode = 'SY07'") == [("Idleb", "إدلب")]


def test_source_says_who_aggregated(vdc_db):
    notes = scalar(vdc_db, "SELECT notes FROM sources WHERE publisher LIKE 'Violations Documentation Center%'")
    assert "romansul/syrian-civil-war" in notes and "missing, not zero" in notes


def test_same_file_twice_is_unchanged(vdc_db, real_data):
    from etl.load import load_file

    assert load_file(real_data / REAL, vdc_db).status == "unchanged"


def _write(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def test_family_variant_banner_spaces_crlf_arabic_and_missing_markers(tmp_path, db):
    path = _write(tmp_path / "vdc_ar.csv", [
        "تقرير مركز توثيق الانتهاكات,,,,,",
        ",,,,,",
        "Date , إدلب ,Aleppo ,Rif Dimashq,Unknown,Total",
        "2019-12-20,12,3,NA,1,16",
        "2019-12-21,-,*,2.0,,2",
        "2019-12-22,oops,0,,,0",
    ], encoding="cp1256")
    assert sources.detect(path).KIND == "vdc-casualties-daily"
    report = load_alone(path, db)
    got = rows(db, "SELECT CAST(period_start AS VARCHAR), location_pcode, deaths_best FROM casualties"
                   " ORDER BY 1, 2 NULLS LAST")
    assert got == [
        ("2019-12-20", "SY02", 3.0), ("2019-12-20", "SY07", 12.0), ("2019-12-20", None, 1.0),
        ("2019-12-21", "SY03", 2.0), ("2019-12-22", "SY02", 0.0),
    ]
    assert report.rows_rejected == 1
    assert rows(db, "SELECT row_number, column_name, reason FROM rejects") == [(6, "إدلب", "not a number: oops")]


def test_header_without_date_column_is_not_vdc(tmp_path):
    path = _write(tmp_path / "x.csv", ["Idlib,Aleppo,Hama", "1,2,3"])
    assert not sources.reader_for("vdc-casualties-daily").detect(path)
