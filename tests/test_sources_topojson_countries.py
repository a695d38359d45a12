"""Natural Earth TopoJSON: the countries around Syria and the Syria–Turkey border line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import shape

from etl import sources
from etl.load import load_file
from etl.sources import topojson_countries
from tests.real_loads import load_alone, rows

REAL = "geo/countries-50m.json"


@pytest.fixture(scope="module")
def topo_db(real_data, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("topo") / "warehouse.duckdb"
    load_alone(real_data / REAL, db)
    return db


def test_recognised_without_kind(real_data):
    assert sources.detect(real_data / REAL) is topojson_countries


def test_neighbours_are_in_the_countries_layer_and_far_countries_are_not(topo_db):
    names = {r[0] for r in rows(topo_db, "SELECT name FROM map_layers WHERE layer = 'countries'")}
    assert {"Syria", "Turkey", "Iraq", "Jordan", "Lebanon", "Israel", "Cyprus"} <= names
    assert not names & {"France", "India", "Brazil"}


def test_countries_are_clipped_to_the_region(topo_db):
    for (text,) in rows(topo_db, "SELECT geojson FROM map_layers WHERE layer = 'countries'"):
        west, south, east, north = shape(json.loads(text)).bounds
        assert west >= 25 and south >= 28 and east <= 50 and north <= 43


def test_border_is_the_shared_arc_along_syria_s_north(topo_db):
    [(text,)] = rows(topo_db, "SELECT geojson FROM map_layers WHERE layer = 'border_tr_sy'")
    line = shape(json.loads(text))
    west, south, east, north = line.bounds
    assert line.geom_type == "MultiLineString"
    assert 35.5 < west < 36.5 and 41.5 < east < 42.5 and 35.8 < south and north < 37.4
    assert 700 < line.length * 95 < 1_100  # ~822 km; one degree ~ 95 km at this latitude (rough)


def test_same_file_twice_is_unchanged(topo_db, real_data):
    assert load_file(real_data / REAL, topo_db).status == "unchanged"
