"""P-coded admin boundary GeoJSON: the HNO 2018 sub-districts and a generated file with
other property names (generic detection of the P-code and name properties)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl import sources
from etl.load import load_file
from etl.sources import geojson_admin, map_layer
from tests.real_loads import load_alone, rows, scalar

REAL = "geo/hno_2018.json"


@pytest.fixture(scope="module")
def admin_db(real_data, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("admin") / "warehouse.duckdb"
    load_alone(real_data / REAL, db)
    return db


def test_272_sub_districts_and_14_dissolved_governorates(admin_db):
    assert rows(admin_db, "SELECT admin_level, kind, count(*) FROM locations GROUP BY ALL ORDER BY 1") == [
        (1, "governorate", 14), (3, "sub-district", 272)]
    assert scalar(admin_db, "SELECT count(*) FROM location_shapes") == 286


def test_sub_district_row_from_the_file(admin_db):
    got = rows(admin_db, "SELECT name_en, parent_pcode, admin_level FROM locations WHERE pcode = 'SY070500'")
    assert got == [("Ariha", "SY07", 3)]


def test_idleb_has_26_sub_districts_and_a_governorate_named_from_admin1(admin_db):
    assert scalar(admin_db, "SELECT count(*) FROM locations WHERE parent_pcode = 'SY07'") == 26
    assert rows(admin_db, "SELECT name_en, name_ar FROM locations WHERE pcode = 'SY07'") == [("Idleb", "إدلب")]


def test_centroids_fall_inside_syria_and_get_a_border_distance(admin_db):
    lat_min, lat_max, lon_min, lon_max, missing = rows(admin_db, """
        SELECT min(lat), max(lat), min(lon), max(lon), count(*) FILTER (WHERE border_km IS NULL) FROM locations
        WHERE admin_level = 3""")[0]
    assert 32.3 <= lat_min and lat_max <= 37.4 and 35.6 <= lon_min and lon_max <= 42.4
    assert missing == 0


def test_governorates_get_a_shape_but_no_single_point(admin_db):
    """One distance to the border for a whole governorate would put all its flows in one band."""
    assert rows(admin_db, "SELECT count(*), count(lat), count(border_km) FROM locations WHERE admin_level = 1") == [
        (14, 0, 0)]


def test_shapes_are_geojson_rounded_to_5_decimals(admin_db):
    shape = json.loads(scalar(admin_db, "SELECT geojson FROM location_shapes WHERE pcode = 'SY070500'"))
    assert shape["type"] == "Polygon"
    assert all(len(str(c).split(".")[-1]) <= 5 for ring in shape["coordinates"] for point in ring for c in point)


def test_same_file_twice_is_unchanged(admin_db, real_data):
    assert load_file(real_data / REAL, admin_db).status == "unchanged"


def _square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]]}


def test_other_property_names_are_found_by_their_values(tmp_path, db):
    features = [
        {"type": "Feature", "properties": {"ADM3_PCODE": code, "ADM3_EN": name, "ADM1_EN": "Idlib", "pop": 1},
         "geometry": _square(x, 36.0)}
        for code, name, x in (("SY070200", "Ma'arrat An Nu'man", 36.6), ("SY070201", "Khan Shaykhun", 36.7))
    ]
    path = tmp_path / "cod_ab.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert sources.detect(path) is geojson_admin
    load_alone(path, db)
    assert rows(db, "SELECT pcode, name_en, parent_pcode FROM locations ORDER BY 1") == [
        ("SY07", "Idlib", "SY"), ("SY070200", "Ma'arrat An Nu'man", "SY07"), ("SY070201", "Khan Shaykhun", "SY07")]
    lat, lon = rows(db, "SELECT lat, lon FROM locations WHERE pcode = 'SY070201'")[0]
    assert (lat, lon) == (36.05, 36.75)
    assert "MultiPolygon" not in scalar(db, "SELECT geojson FROM location_shapes WHERE pcode = 'SY07'")  # adjoining squares merge


def test_geojson_without_pcodes_is_left_to_the_map_layer_reader(tmp_path):
    path = tmp_path / "m4.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "M4"}, "geometry": {"type": "LineString", "coordinates": [[36, 35], [37, 36]]}}]}))
    assert sources.detect(path) is map_layer
