"""OCHA's COD-AB sub-districts as a GeoPackage: written here from the real shapefile, loaded to the same rows."""
from __future__ import annotations

import random

import pyogrio.raw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import sources
from etl.load import load_file
from etl.sources import cod_ab, geopackage
from etl.sources.base import ReadError
from tests.real_loads import rows

SHP = "geo/cod_admin3_shp/syr_admin3.shp"
SAME = [  # the figures a data officer sees, compared between the two loads
    "SELECT admin_level, pcode, parent_pcode, name_en, name_ar, lat, lon, border_km, in_m4_corridor FROM locations"
    " ORDER BY pcode",
    "SELECT pcode, geojson FROM location_shapes ORDER BY pcode",
]


def _gpkg(shp, target, layer="syr_admin3"):
    """The shapefile rewritten as a GeoPackage layer, as HDX's .gpkg download holds it."""
    meta, _fids, wkb, columns = pyogrio.raw.read(shp)
    pyogrio.raw.write(target, wkb, columns, meta["fields"], layer=layer, driver="GPKG", crs=meta["crs"],
                      geometry_type="MultiPolygon", promote_to_multi=True)
    return target


@pytest.fixture(scope="module")
def loads(real_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gpkg")
    gpkg = _gpkg(real_data / SHP, folder / "syr_adm3.gpkg")
    return gpkg, (folder / "from-gpkg.duckdb", load_file(gpkg, folder / "from-gpkg.duckdb")), \
        (folder / "from-shp.duckdb", load_file(real_data / SHP, folder / "from-shp.duckdb"))


def test_the_geopackage_is_recognised_by_its_layer_fields(loads):
    gpkg, _, _ = loads
    assert sources.detect(gpkg) is geopackage


def test_it_loads_every_level_with_english_and_arabic_names(loads):
    _, (db, report), _ = loads
    assert report.status == "loaded", report.message
    assert report.rows_read == report.rows_loaded + report.rows_rejected and report.rows_rejected == 0
    assert dict(rows(db, "SELECT admin_level, count(*) FROM locations GROUP BY ALL")) == {0: 1, 1: 14, 2: 62, 3: 272}
    per_gov = dict(rows(db, "SELECT left(pcode, 4), count(*) FROM locations WHERE admin_level = 3 GROUP BY ALL"))
    assert per_gov["SY07"] == 26 and per_gov["SY02"] == 40
    assert rows(db, "SELECT parent_pcode, name_en, name_ar FROM locations WHERE pcode = 'SY070301'") == [
        ("SY0703", "Dana", "دانا")]
    assert rows(db, "SELECT name_en, name_ar FROM locations WHERE pcode = 'SY'") == [
        ("Syrian Arab Republic", "الجمهورية العربية السورية")]


@pytest.mark.parametrize("query", SAME)
def test_it_loads_to_the_same_rows_as_the_shapefile(loads, query):
    _, (gpkg_db, gpkg_report), (shp_db, shp_report) = loads
    assert (gpkg_report.rows_read, gpkg_report.rows_loaded) == (shp_report.rows_read, shp_report.rows_loaded)
    assert rows(gpkg_db, query) == rows(shp_db, query)


def test_random_bytes_fail_on_one_line_naming_the_file(tmp_path):
    broken = tmp_path / "boundaries.gpkg"
    broken.write_bytes(random.Random(14).randbytes(4096))
    report = load_file(broken, tmp_path / "w.duckdb")
    assert report.status == "failed" and "boundaries.gpkg" in report.message and "\n" not in report.message


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.binary(max_size=2048))
def test_an_sqlite_header_over_junk_fails_on_one_line(tmp_path, tail):
    """Past the cheap header check GDAL opens the file: its errors still come back as one ReadError line."""
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(geopackage.SQLITE + tail)
    with pytest.raises(ReadError) as failure:
        geopackage.detect(junk)
    assert str(failure.value).startswith("junk.gpkg") and "\n" not in str(failure.value)


def test_a_truncated_geopackage_fails_on_one_line(loads, tmp_path):
    gpkg, _, _ = loads
    cut = tmp_path / "cut.gpkg"
    cut.write_bytes(gpkg.read_bytes()[:2048])
    with pytest.raises(ReadError) as failure:
        geopackage.read(cut)
    assert "cut.gpkg" in str(failure.value) and "\n" not in str(failure.value)


def test_a_geopackage_without_cod_ab_fields_names_its_layers(real_data, tmp_path):
    meta, _fids, wkb, columns = pyogrio.raw.read(real_data / SHP, columns=["NAME_EN"])
    other = tmp_path / "roads.gpkg"
    pyogrio.raw.write(other, wkb, columns, meta["fields"], layer="roads", driver="GPKG", crs=meta["crs"],
                      geometry_type="MultiPolygon", promote_to_multi=True)
    assert geopackage.detect(other) is False
    with pytest.raises(ReadError, match=r"roads\.gpkg.*layers: roads"):
        geopackage.read(other)
    assert cod_ab.KIND != geopackage.KIND
