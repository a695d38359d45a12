"""Loading tidy files: validation, rejects, provenance, idempotency, replace, rollback."""
from __future__ import annotations

import duckdb
import pytest

from etl.load import load_file, rollback
from tests.conftest import CITE, CITE_HEADER, write_csv

LOC_HEADER = ["pcode", "admin_level", "kind", "parent_pcode", "name_en", "name_ar", "lat", "lon", *CITE_HEADER]
DISP_HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals", "note", *CITE_HEADER]


@pytest.fixture
def places(tmp_path, db):
    path = write_csv(tmp_path / "places.csv", LOC_HEADER, [
        ["SY07", 1, "governorate", "SY", "Idleb", "إدلب", "", "", *CITE],
        ["SY02", 1, "governorate", "SY", "Aleppo", "حلب", "", "", *CITE],
    ])
    report = load_file(path, db)
    assert report.status == "loaded", report.message
    return db


def _rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "-5", "", *CITE], "individuals", "negative count"),
        (["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "many", "", *CITE], "individuals", "not a number"),
        (["2020-02-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", *CITE], "period_end", "ends before it starts"),
        (["2020-01-01", "2020-01-31", "SY07", "SY07", "arrivals", "5", "", *CITE], "destination_pcode", "same place"),
        (["2020-01-01", "2020-01-31", "SY99", "SY02", "arrivals", "5", "", *CITE], "origin_pcode", "unknown P-code SY99"),
        (["2020-01-01", "2020-01-31", "SY07", "SY02", "fled", "5", "", *CITE], "figure_type", "not one of"),
        (["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", "", "", "", ""], "source_publisher", "no source cited"),
        (["2020-13-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", *CITE], "period_start", "not a date"),
    ],
)
def test_bad_row_is_rejected_with_row_column_and_reason(tmp_path, places, row, column, reason):
    good = ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "1,200", "", *CITE]
    path = write_csv(tmp_path / "moves.csv", DISP_HEADER, [good, row])
    report = load_file(path, places)
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_rejected) == ("loaded", 2, 1, 1)
    [(row_number, column_name, text)] = _rows(places, f"SELECT row_number, column_name, reason FROM rejects WHERE load_id = {report.load_id}")
    assert row_number == 3 and column_name == column and reason in text
    assert _rows(places, "SELECT individuals FROM displacement") == [(1200.0,)]


def test_every_fact_row_has_source_and_load(tmp_path, places):
    path = write_csv(tmp_path / "moves.csv", DISP_HEADER, [["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "10", "", *CITE]])
    report = load_file(path, places)
    [(source_id, load_id, publisher)] = _rows(places, "SELECT d.source_id, d.load_id, s.publisher FROM displacement d JOIN sources s USING (source_id)")
    assert load_id == report.load_id and publisher == "UN OCHA" and source_id


def test_same_file_twice_changes_nothing(tmp_path, places):
    path = write_csv(tmp_path / "moves.csv", DISP_HEADER, [["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "10", "", *CITE]])
    first = load_file(path, places)
    before = places.read_bytes()
    second = load_file(path, places)
    assert second.status == "unchanged" and second.load_id == first.load_id
    assert places.read_bytes() == before


def test_corrected_file_replaces_rows_of_its_earlier_load(tmp_path, places):
    path = tmp_path / "moves.csv"
    write_csv(path, DISP_HEADER, [["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "10", "", *CITE]])
    first = load_file(path, places)
    write_csv(path, DISP_HEADER, [["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "12", "", *CITE]])
    second = load_file(path, places)
    assert second.replaced_load_id == first.load_id
    assert _rows(places, "SELECT individuals, load_id FROM displacement") == [(12.0, second.load_id)]
    assert _rows(places, f"SELECT status FROM loads WHERE load_id = {first.load_id}") == [("replaced",)]


def test_rollback_removes_rows_and_is_recorded(tmp_path, places):
    path = write_csv(tmp_path / "moves.csv", DISP_HEADER, [["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "10", "", *CITE]])
    report = load_file(path, places)
    assert "1 rows removed" in rollback(places, report.load_id, by="amal")
    assert _rows(places, "SELECT count(*) FROM displacement") == [(0,)]
    [(status, by, at)] = _rows(places, f"SELECT status, rolled_back_by, rolled_back_at FROM loads WHERE load_id = {report.load_id}")
    assert (status, by) == ("rolled_back", "amal") and at is not None
    with pytest.raises(ValueError, match="rolled_back"):
        rollback(places, report.load_id)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "looks binary"), (b"just,a,header\n1,2,3\n", "not recognised")],
)
def test_unreadable_file_fails_with_one_line_and_changes_nothing(tmp_path, places, content, message):
    before = places.read_bytes()
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    report = load_file(path, places)
    assert report.status == "failed" and message in report.message and "broken.csv" in report.message
    assert "\n" not in report.message
    assert places.read_bytes() == before


def test_dry_run_writes_nothing(tmp_path, places):
    before = places.read_bytes()
    path = write_csv(tmp_path / "moves.csv", DISP_HEADER, [["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "10", "", *CITE]])
    report = load_file(path, places, dry_run=True)
    assert (report.status, report.rows_loaded) == ("checked", 1)
    assert places.read_bytes() == before


def test_rows_read_equals_loaded_plus_rejected(tmp_path, places):
    rows = [["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", str(n - 3), "", *CITE] for n in range(10)]
    report = load_file(write_csv(tmp_path / "m.csv", DISP_HEADER, rows), places)
    assert report.rows_read == report.rows_loaded + report.rows_rejected == 10
    assert report.rows_rejected == 3


def test_header_only_file_loads_nothing_without_error(tmp_path, places):
    report = load_file(write_csv(tmp_path / "empty.csv", DISP_HEADER, []), places)
    assert (report.status, report.rows_read, report.rows_loaded) == ("loaded", 0, 0)


def test_data_row_with_a_hash_value_is_not_taken_for_the_hxl_row(tmp_path, places):
    rows = [["2020-01-01", "2020-01-31", "SY07", "#x", "arrivals", "5", "", *CITE],
            ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "7", "", *CITE]]
    report = load_file(write_csv(tmp_path / "hash.csv", DISP_HEADER, rows), places)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 1, 1)


def test_downloaded_file_cites_the_url_in_its_sidecar(tmp_path, places):
    from etl.sources import sidecar

    path = write_csv(tmp_path / "moves.csv", DISP_HEADER,
                     [["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "10", "", "UN OCHA", "Sitrep", "2020-03-01", ""]])
    sidecar.write(path, url="https://data.humdata.org/dataset/x/resource/y", fetched_at="2026-11-25T10:00:00")
    load_file(path, places)
    assert _rows(places, "SELECT s.url FROM displacement d JOIN sources s USING (source_id)") == [
        ("https://data.humdata.org/dataset/x/resource/y",)]
