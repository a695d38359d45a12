"""OCHA's COD-AB sub-district shapefile (real file) and the project's GeoJSON derived from it."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from etl import sources
from etl.cli import main
from etl.load import expand, load_file
from etl.sources import cod_ab
from etl.sources.base import ReadError
from tests.real_loads import rows

SHP = "geo/cod_admin3_shp/syr_admin3.shp"


@pytest.fixture(scope="module")
def loaded(real_data, tmp_path_factory):
    db = tmp_path_factory.mktemp("cod-ab") / "warehouse.duckdb"
    return db, load_file(real_data / SHP, db)


def test_the_shapefile_is_recognised_and_its_sidecars_are_not_files_of_their_own(real_data):
    assert sources.detect(real_data / SHP).KIND == "cod-ab-boundaries"
    folder = expand([real_data / "geo" / "cod_admin3_shp"])
    assert [p.name for p in folder] == ["syr_admin3.shp"]


def test_loading_the_folder_loads_the_shapefile_once_and_says_nothing_of_the_sidecars(real_data, tmp_path):
    result = CliRunner().invoke(main, ["load", str(real_data / "geo" / "cod_admin3_shp"), "--db",
                                       str(tmp_path / "w.duckdb"), "--json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert [(r["kind"], r["status"]) for r in reports] == [("cod-ab-boundaries", "loaded")]
    assert reports[0]["rows_read"] == reports[0]["rows_loaded"] + reports[0]["rows_rejected"]


def test_every_level_loads_with_english_and_arabic_names(loaded):
    db, report = loaded
    assert report.status == "loaded", report.message
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert report.rows_rejected == 0
    counts = dict(rows(db, "SELECT admin_level, count(*) FROM locations GROUP BY ALL"))
    assert counts == {0: 1, 1: 14, 2: 62, 3: 272}
    assert rows(db, "SELECT count(*) FROM location_shapes") == [(348,)]
    per_gov = dict(rows(db, "SELECT left(pcode, 4), count(*) FROM locations WHERE admin_level = 3 GROUP BY ALL"))
    assert per_gov["SY07"] == 26 and per_gov["SY02"] == 40
    assert rows(db, "SELECT count(*) FROM locations WHERE name_ar IS NULL OR name_en IS NULL") == [(0,)]


@pytest.mark.parametrize(("pcode", "level", "parent", "name_en", "name_ar"), [
    ("SY070301", 3, "SY0703", "Dana", "دانا"),
    ("SY020400", 3, "SY0204", "A'zaz", "مركز اعزاز"),
    ("SY0703", 2, "SY07", "Harim", "حارم"),
    ("SY07", 1, "SY", "Idleb", "إدلب"),
    ("SY02", 1, "SY", "Aleppo", "حلب"),
    ("SY", 0, None, "Syrian Arab Republic", "الجمهورية العربية السورية"),  # ADM0_EN/ADM0_AR swapped in the file
])
def test_places_as_published(loaded, pcode, level, parent, name_en, name_ar):
    db, _ = loaded
    assert rows(db, "SELECT admin_level, parent_pcode, name_en, name_ar FROM locations WHERE pcode = ?",
                [pcode]) == [(level, parent, name_en, name_ar)]


def test_centroids_get_their_distance_to_the_border_by_code(loaded):
    db, _ = loaded
    (dana,) = rows(db, "SELECT lat, lon, border_km, in_m4_corridor FROM locations WHERE pcode = 'SY070301'")
    assert 36.1 < dana[0] < 36.4 and 36.6 < dana[1] < 36.9
    assert 5 < dana[2] < 12 and dana[3] is False
    assert rows(db, "SELECT count(*) FROM locations WHERE admin_level BETWEEN 1 AND 3 AND border_km IS NULL") == [(0,)]
    # Saraqab sub-district sits on the M4 / M5 junction
    assert rows(db, "SELECT in_m4_corridor FROM locations WHERE pcode = 'SY070003'") == [(True,)]


def test_districts_are_dissolved_from_their_sub_districts(loaded):
    from shapely.geometry import shape

    db, _ = loaded
    shapes = dict(rows(db, "SELECT pcode, geojson FROM location_shapes WHERE pcode LIKE 'SY0703%'"))
    district = shape(json.loads(shapes.pop("SY0703")))
    parts = [shape(json.loads(g)) for g in shapes.values()]
    assert len(parts) == 6
    assert abs(district.area - sum(p.area for p in parts)) < 1e-6 * district.area + 1e-9


def test_a_shapefile_without_its_dbf_fails_with_one_clear_line(real_data, tmp_path):
    copy = tmp_path / "syr_admin3.shp"
    shutil.copy(real_data / SHP, copy)
    shutil.copy((real_data / SHP).with_suffix(".shx"), copy.with_suffix(".shx"))
    with pytest.raises(ReadError, match=r"syr_admin3.shp: the shapefile's .dbf file is missing"):
        cod_ab.read(copy)
    report = load_file(copy, tmp_path / "w.duckdb", kind="cod-ab-boundaries")
    assert report.status == "failed" and ".dbf" in report.message


def test_another_shapefile_is_not_taken_for_cod_ab(tmp_path):
    import shapefile

    path = tmp_path / "roads.shp"
    with shapefile.Writer(str(path), shapeType=shapefile.POLYLINE) as writer:
        writer.field("NAME", "C")
        writer.line([[[36.0, 36.0], [36.1, 36.1]]])
        writer.record("a road")
    assert not cod_ab.detect(path)


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.test_fuzz_readers import check  # noqa: E402

DAMAGE = settings(max_examples=15, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def fuzz_warehouse(tmp_path_factory):
    from tests.conftest import REFERENCE

    path = tmp_path_factory.mktemp("fuzz-cod-ab") / "warehouse.duckdb"
    assert load_file(REFERENCE / "gazetteer.csv", path).status == "loaded"
    return path


@DAMAGE
@given(part=st.sampled_from([".shp", ".shx", ".dbf", ".cpg"]), cut=st.integers(0, 3000),
       flip=st.integers(0, 3000), truncate=st.booleans())
def test_a_damaged_shapefile_fails_on_one_line_or_loads_every_row(real_data, tmp_path, fuzz_warehouse, part, cut,
                                                                   flip, truncate):
    folder = tmp_path / f"set-{part[1:]}-{cut}-{flip}-{truncate}"
    folder.mkdir()
    for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        shutil.copy((real_data / SHP).with_suffix(suffix), folder / f"syr_admin3{suffix}")
    target = folder / f"syr_admin3{part}"
    data = bytearray(target.read_bytes())
    if truncate:
        data = data[: min(cut, len(data) - 1)]
    elif data:
        data[flip % len(data)] ^= 0xFF
    target.write_bytes(bytes(data))
    check(folder / "syr_admin3.shp", fuzz_warehouse)


@DAMAGE
@given(data=st.binary(max_size=2048))
def test_random_bytes_named_shp(tmp_path, fuzz_warehouse, data):
    path = tmp_path / f"random-{abs(hash(data))}.shp"
    path.write_bytes(data)
    check(path, fuzz_warehouse)


def test_an_area_member_that_is_no_sub_district_is_rejected_with_its_row(tmp_path):
    from tests.conftest import REFERENCE, write_csv

    db = tmp_path / "w.duckdb"
    assert load_file(REFERENCE / "geo" / "admin3.geojson", db).status == "loaded"
    header = ["area_pcode", "area_name_en", "area_name_ar", "parent_pcode", "member_pcode", "member_name_en", "note",
              "source_publisher", "source_title", "source_date", "source_url"]
    cite = ["UN OCHA", "Test page", "2020-03-01", "https://example.org/page"]
    write_csv(tmp_path / "areas.csv", header, [
        ["SY-AREA-TEST", "test area", "منطقة", "SY07", "SY070301", "Dana", "Page: 'Dana'", *cite],
        ["SY-AREA-TEST", "test area", "منطقة", "SY07", "SY999999", "Nowhere", "Page: 'Nowhere'", *cite],
    ])
    report = load_file(tmp_path / "areas.csv", db)
    assert report.status == "loaded" and report.kind == "named-areas"
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    assert rows(db, "SELECT row_number, column_name, reason FROM rejects") == [
        (3, "member_pcode", "unknown P-code SY999999 (load its location first)")]
