"""etl.geo.geojson: the one way a shape is stored as GeoJSON text."""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon, mapping, shape

from etl.geo.geojson import DIGITS, geojson_text

coordinate = st.floats(min_value=-180, max_value=180, allow_nan=False)


@given(points=st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=8, unique=True))
def test_shapely_and_mapping_give_the_same_compact_text_rounded(points):
    line = LineString(points)
    text = geojson_text(line)
    assert text == geojson_text(mapping(line)) and " " not in text
    back = json.loads(text)
    assert back["type"] == "LineString"
    assert back["coordinates"] == [[round(x, DIGITS), round(y, DIGITS)] for x, y in points]


def test_polygons_keep_their_rings_and_digits_can_be_fewer():
    square = Polygon([(36.123456, 35.1), (36.2, 35.1), (36.2, 35.2), (36.123456, 35.1)])
    assert shape(json.loads(geojson_text(square))).equals_exact(square, 1e-5)
    assert json.loads(geojson_text(square, 2))["coordinates"][0][0] == [36.12, 35.1]
