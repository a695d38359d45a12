"""The generic HXL reader: table from hashtags, column claims, wide files, periods, citations."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from etl import sources
from etl.load import load_file
from etl.sources import hxl, sidecar
from etl.sources.country_names import iso3
from tests.conftest import REFERENCE

SYNTHETIC = "Synthetic test publisher"


def write_tagged(path: Path, header: list[str], tags: list[str], rows: list[list[object]],
                 encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerows([header, tags, *rows])
    return path


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def places(db):
    """A warehouse holding the reference gazetteer (SY07 Idleb, SY02 Aleppo, ...)."""
    report = load_file(REFERENCE / "gazetteer.csv", db)
    assert report.status == "loaded", report.message
    return db


@pytest.mark.parametrize(
    ("tags", "table"),
    [
        (["#date", "#adm3+code", "#affected+idps"], "displacement"),
        (["#date+year", "#country+residence", "#affected+refugees"], "refugees"),
        (["#date", "#adm1+code", "#affected+killed", "#affected+killed+min"], "casualties"),
        (["#date+start", "#event+name"], "events"),
        (["#loc+id+camp", "#loc+name+camp", "#geo+lat", "#geo+lon"], "camps"),
        (["#loc+id+camp", "#date", "#affected+idps+ind"], "camp_population"),
        (["#loc+code", "#loc+level", "#loc+type", "#loc+name+i_en"], "locations"),
    ],
)
def test_table_is_decided_by_the_hashtags(tmp_path, tags, table):
    path = write_tagged(tmp_path / "f.csv", [f"c{i}" for i in range(len(tags))], tags, [["x"] * len(tags)])
    assert sources.detect(path) is hxl
    assert hxl.read(path).tables[0].table == table


def test_hashtags_no_table_covers_fail_listing_the_tags(tmp_path, db):
    path = write_tagged(tmp_path / "3w.csv", ["Org", "Sector"], ["#org", "#sector"], [["NGO", "WASH"]])
    report = load_file(path, db)
    assert report.status == "failed"
    assert report.message.startswith("3w.csv: ") and "#org, #sector" in report.message and "\n" not in report.message
    assert not db.exists()


def test_header_starting_with_hash_is_not_hxl(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("# of people,# of sites\n10,2\n", encoding="utf-8")
    assert not hxl.detect(path)


def test_wide_displacement_melts_one_row_per_cell_and_widens_months(tmp_path, places):
    path = write_tagged(
        tmp_path / "idps.csv",
        ["Month", "Sub-district", "Name", "IDPs", "Newly displaced", "Households", "Publisher", "Title"],
        ["#date", "#adm2+code", "#adm2+name", "#affected+idps", "#affected+idps+new", "#affected+hh", "#meta+source", "#meta+source+title"],
        [["2020-02", "SY0700", "Idleb", "1,000", "", "200", SYNTHETIC, "Synthetic wide file"],
         ["2020-03", "SY0200", "Aleppo", "lots", "300", "", SYNTHETIC, "Synthetic wide file"]],
    )
    result = hxl.read(path)
    frame = result.tables[0].frame
    assert sorted(zip(frame["_row"], frame["figure_type"], frame["individuals"])) == [
        (3, "idp_stock", "1,000"), (4, "idp_stock", "lots"), (4, "newly_displaced", "300")]
    assert set(zip(frame["period_start"], frame["period_end"])) == {("2020-02-01", "2020-02-29"), ("2020-03-01", "2020-03-31")}
    assert any("Households" in note for note in result.notes)
    report = load_file(path, places)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    [(row, column, reason)] = _rows(places, f"SELECT row_number, column_name, reason FROM rejects WHERE load_id = {report.load_id}")
    assert row == 4 and "IDPs" in column and "not a number: lots" in reason
    assert _rows(places, "SELECT destination_pcode, individuals FROM displacement ORDER BY 1") == [("SY0200", 300.0), ("SY0700", 1000.0)]


def test_casualty_ranges_claim_min_and_max_before_best(tmp_path, places):
    path = write_tagged(
        tmp_path / "deaths.csv",
        ["High", "Best", "Low", "Province", "From", "To", "Source"],
        ["#affected+killed+max", "#affected+killed+civilians", "#affected+killed+min", "#adm1+code", "#date+start", "#date+end", "#meta+source"],
        [["12", "10", "8", "SY07", "2020-01-01", "2020-01-31", SYNTHETIC]],
    )
    report = load_file(path, places)
    assert report.status == "loaded", report.message
    assert _rows(places, "SELECT deaths_low, deaths_best, deaths_high, category, location_pcode FROM casualties") == [
        (8.0, 10.0, 12.0, "civilians", "SY07")]
    # no #meta+source+title column: the file name stands in for the title
    assert _rows(places, "SELECT publisher, title FROM sources WHERE publisher = ?", [SYNTHETIC]) == [
        (SYNTHETIC, "deaths.csv")]


@pytest.mark.parametrize(
    ("year", "month", "start", "end"),
    [("2019", "", "2019-01-01", "2019-12-31"), ("2020", "February", "2020-02-01", "2020-02-29"),
     ("2020", "3", "2020-03-01", "2020-03-31"), ("2020", "Dec", "2020-12-01", "2020-12-31")],
)
def test_year_and_month_columns_become_a_period(tmp_path, year, month, start, end):
    path = write_tagged(tmp_path / "r.csv", ["Year", "Month", "Asylum", "Origin", "Value"],
                        ["#date+year", "#date+month", "#country+asylum", "#country+origin", "#affected+applications"],
                        [[year, month, "Germany", "Syrian Arab Rep.", "5"]])
    frame = hxl.read(path).tables[0].frame
    assert frame.loc[0, ["period_start", "period_end", "asylum_iso3", "origin_iso3", "population_type"]].tolist() == [
        start, end, "DEU", "SYR", "asylum_applications"]


@pytest.mark.parametrize(
    ("name", "code"),
    [("Syrian Arab Rep.", "SYR"), ("Iran (Islamic Rep. of)", "IRN"), ("Turkey", "TUR"), ("Türkiye", "TUR"),
     ("Rep. of Moldova", "MDA"), ("Dem. Rep. of the Congo", "COD"), ("TUR", "TUR"), ("Various/Unknown", "Various/Unknown")],
)
def test_country_names_resolve_or_stay_for_the_validator(name, code):
    assert iso3(name) == code


def test_windows_1256_arabic_file_loads(tmp_path, places):
    path = write_tagged(
        tmp_path / "arabic.csv",
        ["الرمز", "المستوى", "النوع", "الاسم", "الاسم بالعربية", "المصدر", "العنوان"],
        ["#loc+code", "#loc+level", "#loc+type", "#loc+name+i_en", "#loc+name+i_ar", "#meta+source", "#meta+source+title"],
        [["SY-TEST-1", "4", "town", "Test town", "بلدة", SYNTHETIC, "Synthetic"]],
        encoding="cp1256",
    )
    report = load_file(path, places)
    assert report.status == "loaded", report.message
    assert _rows(places, "SELECT name_ar FROM locations WHERE pcode = 'SY-TEST-1'") == [("بلدة",)]


def test_xlsx_tags_on_a_later_sheet_name_that_sheet_in_rejects(tmp_path, places):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Cover"
    book.active.append(["Synthetic workbook for a test"])
    sheet = book.create_sheet("Data")
    sheet.append(["As of", "Place", "IDPs", "Source"])
    sheet.append(["#date", "#adm1+code", "#affected+idps", "#meta+source"])
    sheet.append(["2020-03-31", "SY07", 500, SYNTHETIC])
    sheet.append(["2020-03-31", "SY99", 5, SYNTHETIC])
    book.save(tmp_path / "book.xlsx")
    report = load_file(tmp_path / "book.xlsx", places)
    assert (report.kind, report.rows_loaded, report.rows_rejected) == ("hxl", 1, 1)
    assert report.rejects[0]["sheet"] == "Data" and report.rejects[0]["row_number"] == 4
    assert report.rejects[0]["column_name"] == "Place" and "unknown P-code SY99" in report.rejects[0]["reason"]


def test_file_without_citation_uses_sidecar_url_or_file_name(tmp_path, places):
    path = write_tagged(tmp_path / "dl.csv", ["Date", "Place", "IDPs"], ["#date", "#adm1+code", "#affected+idps"],
                        [["2020-03-31", "SY07", "5"]])
    assert hxl.read(path).sources[0].title == "dl.csv"
    sidecar.write(path, url="https://data.example.org/dl.csv", fetched_at="2020-04-01T00:00:00Z",
                  publisher=SYNTHETIC, title="Synthetic download")
    report = load_file(path, places)
    assert report.status == "loaded", report.message
    assert _rows(places, "SELECT s.publisher, s.url, s.notes LIKE '%2020-04-01T00:00:00Z%' FROM displacement JOIN sources s USING (source_id)") == [
        (SYNTHETIC, "https://data.example.org/dl.csv", True)]


def test_real_unhcr_persons_of_concern_read_as_hxl(real_data, db):
    """The HDX export carries an HXL row; read generically it gives UNHCR's Turkey series."""
    path = real_data / "refugees" / "unhcr-persons-of-concern-origin-syr-csv-1.csv"
    report = load_file(path, db, kind="hxl")
    assert report.status == "loaded", report.message
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    turkey = dict(_rows(db, "SELECT year(period_end), persons FROM refugees WHERE asylum_iso3 = 'TUR' "
                            "AND population_type = 'refugees' AND year(period_end) IN (2012, 2017)"))
    assert turkey == {2012: 248466.0, 2017: 3424237.0}
    reasons = {r for (r,) in _rows(db, "SELECT DISTINCT reason FROM rejects")}
    assert "not an ISO 3166 alpha-3 country code: VARIOUS/UNKNOWN" in reasons


def test_reader_is_registered_before_tidy():
    kinds = list(sources.kinds())
    assert kinds.index("hxl") < kinds.index("tidy")
    assert json.dumps(hxl.CITATION_TAGS)  # the template and the reader share these tags
