"""Tests for etl.geo: TopoJSON decoding, the derived border, distances, M4 corridor, gazetteer."""

from __future__ import annotations

import csv
import json
import math
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point, shape

from etl.geo import (
    between,
    border_distance_km,
    border_distance_km_many,
    centroid,
    decode_arcs,
    feature,
    geometry,
    in_m4_corridor,
    in_m4_corridor_many,
    m4_corridor_polygon,
    m4_distance_km_many,
    mesh,
    mesh_arcs,
    project,
    to_shape,
    unproject,
)
from etl.geo import derive_border
from etl.geo.distance import border_km

REPO = Path(__file__).resolve().parents[1]
GEO = REPO / "etl" / "reference" / "geo"
GAZETTEER = REPO / "etl" / "reference" / "gazetteer.csv"
REAL = REPO.parent / "shared" / "data" / "real"
TOPOJSON_50M = REAL / "geo" / "countries-50m.json"
HNO_2019 = REAL / "hno_idp_estimates" / "data_2019.xlsx"


# ------------------------------------------------------------------ helpers


def vincenty_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """WGS84 ellipsoidal distance (Vincenty inverse), the reference for the projection error."""
    a, f = 6378137.0, 1 / 298.257223563
    b = (1 - f) * a
    big_l = math.radians(lon2 - lon1)
    u1, u2 = (math.atan((1 - f) * math.tan(math.radians(v))) for v in (lat1, lat2))
    lam = big_l
    for _ in range(200):
        ss = math.hypot(math.cos(u2) * math.sin(lam), math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * math.cos(lam))
        cs = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * math.cos(lam)
        sig = math.atan2(ss, cs)
        sa = math.cos(u1) * math.cos(u2) * math.sin(lam) / ss
        c2a = 1 - sa * sa
        c2m = cs - 2 * math.sin(u1) * math.sin(u2) / c2a
        c = f / 16 * c2a * (4 + f * (4 - 3 * c2a))
        prev = lam
        lam = big_l + (1 - c) * f * sa * (sig + c * ss * (c2m + c * cs * (-1 + 2 * c2m * c2m)))
        if abs(lam - prev) < 1e-12:
            break
    u_sq = c2a * (a * a - b * b) / (b * b)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    ds = big_b * ss * (c2m + big_b / 4 * (cs * (-1 + 2 * c2m * c2m) - big_b / 6 * c2m * (-3 + 4 * ss * ss) * (-3 + 4 * c2m * c2m)))
    return b * big_a * (sig - ds) / 1000


def gazetteer_rows() -> list[dict[str, str]]:
    with GAZETTEER.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def place(pcode: str) -> tuple[float, float]:
    """(lon, lat) of a gazetteer row."""
    row = next(r for r in gazetteer_rows() if r["pcode"] == pcode)
    return float(row["lon"]), float(row["lat"])


# ------------------------------------------------------------- tiny topology
#
# Two 10 x 5 rectangles A | B sharing the edge x = 110, in integer grid units
# (0..2, 0..1) with transform scale (10, 5), translate (100, 30):
#   arc 0: shared edge (1,0)->(1,1)                 A uses 0, B uses ~0 (= -1)
#   arc 1: A's outside (1,1)->(0,1)->(0,0)->(1,0)
#   arc 2: B's outside (1,0)->(2,0)->(2,1)->(1,1)
# Quantized arcs are delta-encoded; the plain variant stores absolute lon/lat.

ABS_ARCS = [
    [(110, 30), (110, 35)],
    [(110, 35), (100, 35), (100, 30), (110, 30)],
    [(110, 30), (120, 30), (120, 35), (110, 35)],
]
DELTA_ARCS = [
    [[1, 0], [0, 1]],
    [[1, 1], [-1, 0], [0, -1], [1, 0]],
    [[1, 0], [1, 0], [0, 1], [-1, 0]],
]


def tiny_topology(quantized: bool) -> dict:
    topo = {
        "type": "Topology",
        "arcs": DELTA_ARCS if quantized else [[list(p) for p in arc] for arc in ABS_ARCS],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "A", "properties": {"name": "a"}, "arcs": [[0, 1]]},
                    {"type": "MultiPolygon", "id": "B", "arcs": [[[-1, 2]]]},
                ],
            },
            "lines": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "LineString", "arcs": [0, -3]},
                    {"type": "MultiLineString", "arcs": [[1], [-2]]},
                    {"type": "Point", "coordinates": [2, 1] if quantized else [120, 35]},
                    {"type": None},
                ],
            },
        },
    }
    if quantized:
        topo["transform"] = {"scale": [10, 5], "translate": [100, 30]}
    return topo


def geoms(topo: dict, name: str) -> list[dict]:
    return topo["objects"][name]["geometries"]


QUANT = pytest.mark.parametrize("quantized", [True, False], ids=["quantized", "plain"])


@QUANT
@pytest.mark.parametrize("index", [0, 1, 2])
def test_decode_arcs_undoes_delta_encoding(quantized: bool, index: int) -> None:
    assert np.allclose(decode_arcs(tiny_topology(quantized))[index], ABS_ARCS[index])


@QUANT
@pytest.mark.parametrize(
    ("obj", "k", "expected"),
    [
        ("shapes", 0, {"type": "Polygon", "coordinates": [[(110, 30), (110, 35), (100, 35), (100, 30), (110, 30)]]}),
        # ~0 reverses the shared edge, so B's ring starts at its top.
        ("shapes", 1, {"type": "MultiPolygon", "coordinates": [[[(110, 35), (110, 30), (120, 30), (120, 35), (110, 35)]]]}),
        ("lines", 0, {"type": "LineString", "coordinates": [(110, 30), (110, 35), (120, 35), (120, 30), (110, 30)]}),
        ("lines", 1, {"type": "MultiLineString", "coordinates": [ABS_ARCS[1], ABS_ARCS[1][::-1]]}),
        ("lines", 2, {"type": "Point", "coordinates": (120, 35)}),
        ("lines", 3, None),
    ],
)
def test_geometry_decoding(quantized: bool, obj: str, k: int, expected: dict | None) -> None:
    topo = tiny_topology(quantized)
    got = geometry(topo, geoms(topo, obj)[k])
    if expected is None:
        assert got is None
        return
    assert got["type"] == expected["type"]
    assert np.allclose(np.asarray(got["coordinates"], dtype=float), np.asarray(expected["coordinates"], dtype=float))


@QUANT
def test_polygons_are_valid_shapes_with_right_area(quantized: bool) -> None:
    topo = tiny_topology(quantized)
    a, b = (to_shape(geometry(topo, g)) for g in geoms(topo, "shapes"))
    assert a.is_valid and b.is_valid
    assert a.area == pytest.approx(50) and b.area == pytest.approx(50)
    assert a.intersection(b).length == pytest.approx(5)  # they touch along the shared arc


def test_feature_keeps_id_and_properties() -> None:
    topo = tiny_topology(True)
    f = feature(topo, geoms(topo, "shapes")[0])
    assert f["id"] == "A" and f["properties"] == {"name": "a"} and f["geometry"]["type"] == "Polygon"


@QUANT
@pytest.mark.parametrize(
    ("filter_", "arcs"),
    [
        (between("A", "B"), [0]),
        (between("B", "A"), [0]),
        (between("A", "Z"), []),
        (lambda a, b: a is not b, [0]),  # interior borders (topojson-client's a !== b)
        (lambda a, b: a is b, [1, 2]),  # exterior
        (None, [0, 1, 2]),
    ],
    ids=["A-B", "B-A", "A-none", "interior", "exterior", "all"],
)
def test_mesh_arcs_filter(quantized: bool, filter_, arcs: list[int]) -> None:
    assert mesh_arcs(tiny_topology(quantized), "shapes", filter_) == arcs


def test_mesh_returns_shared_edge_and_joins_arcs() -> None:
    topo = tiny_topology(True)
    shared = mesh(topo, "shapes", between("A", "B"))
    assert shared["type"] == "MultiLineString"
    assert np.allclose(shared["coordinates"], [ABS_ARCS[0]])
    outline = mesh(topo, "shapes", lambda a, b: a is b)["coordinates"]
    assert len(outline) == 1, "arcs 1 and 2 meet end to end and are joined"
    assert len(outline[0]) == 7 and outline[0][0] == outline[0][-1]


# ------------------------------------------------------------- projection


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("XB-BAB-AL-HAWA", "C1007"),  # Bab al-Hawa - Aleppo
        ("C3480", "C2227"),  # Latakia - Jarablus
        ("C3987", "XB-BAB-AL-SALAMA"),  # Khan Shaykhun - Bab al-Salama
        ("C3916", "C4278"),  # Saraqib - Ariha
        ("C4130", "C4121"),  # Atmeh - Sarmada (short)
    ],
)
def test_projected_distance_matches_ellipsoid(a: str, b: str) -> None:
    (lon1, lat1), (lon2, lat2) = place(a), place(b)
    (x1, y1), (x2, y2) = project(lon1, lat1), project(lon2, lat2)
    planar = float(np.hypot(x2 - x1, y2 - y1))
    assert planar == pytest.approx(vincenty_km(lon1, lat1, lon2, lat2), rel=0.003)


def test_projection_error_below_0_3_percent_over_region() -> None:
    grid = [(lon, lat) for lon in np.arange(35.5, 42.6, 1.0) for lat in np.arange(34.0, 38.6, 0.75)]
    worst = 0.0
    for i, (lon1, lat1) in enumerate(grid):
        for lon2, lat2 in grid[i + 1 :]:
            (x1, y1), (x2, y2) = project(lon1, lat1), project(lon2, lat2)
            worst = max(worst, abs(float(np.hypot(x2 - x1, y2 - y1)) / vincenty_km(lon1, lat1, lon2, lat2) - 1))
    assert worst < 0.003


def test_unproject_inverts_project() -> None:
    lons, lats = np.array([35.78, 36.8, 42.3]), np.array([35.5, 35.86, 37.1])
    back = unproject(*project(lons, lats))
    assert np.allclose(back[0], lons, atol=1e-9) and np.allclose(back[1], lats, atol=1e-9)


# ----------------------------------------------------------------- border


def border_feature() -> dict:
    return json.loads((GEO / "border_tr_sy.geojson").read_text(encoding="utf-8"))


def test_border_file_is_a_cited_line_feature() -> None:
    f = border_feature()
    assert f["type"] == "Feature" and f["geometry"]["type"] in {"LineString", "MultiLineString"}
    assert f["properties"]["source"] == "Natural Earth 1:50m Admin-0 via world-atlas 2.0.2"
    assert f["properties"]["licence"] == "public domain" and f["properties"]["name"]


def test_border_within_bbox() -> None:
    minx, miny, maxx, maxy = shape(border_feature()["geometry"]).bounds
    assert 35.5 < minx and maxx < 42.5 and 35.5 < miny and maxy < 37.5


def test_border_length() -> None:
    """Natural Earth 1:50m generalises the border to ~719 km.

    Published lengths of the real border are around 820-910 km (the figure
    varies with the source); a 1:50m line with 59 vertices cuts the small
    bends, so the derived line is ~20 % shorter. The planar length in the
    local projection must agree with the geodesic length of the same vertices.
    """
    coords = shape(border_feature()["geometry"]).coords
    geodesic = sum(vincenty_km(*p, *q) for p, q in zip(coords, coords[1:]))
    assert 700 < geodesic < 740
    assert border_km().length == pytest.approx(geodesic, rel=0.003)


@pytest.mark.real_data
@pytest.mark.skipif(not TOPOJSON_50M.exists(), reason="countries-50m.json not available")
def test_rederiving_gives_the_committed_files(tmp_path: Path) -> None:
    derive_border.main(["--topojson", str(TOPOJSON_50M), "--out-dir", str(tmp_path)])
    for name in (derive_border.BORDER_FILE, derive_border.COUNTRIES_FILE):
        assert (tmp_path / name).read_bytes() == (GEO / name).read_bytes(), name


def test_backdrop_countries() -> None:
    fc = json.loads((GEO / "countries.geojson").read_text(encoding="utf-8"))
    iso3 = [f["properties"]["iso3"] for f in fc["features"]]
    assert {"SYR", "TUR", "LBN", "IRQ", "JOR", "ISR", "CYP"} <= set(iso3)
    for f in fc["features"]:
        geom = shape(f["geometry"])
        assert geom.is_valid and not geom.is_empty and f["properties"]["name"]
        minx, miny, maxx, maxy = geom.bounds
        assert 34.0 <= minx and maxx <= 43.5 and 31.5 <= miny and maxy <= 38.5
        flat = np.asarray(geom.exterior.coords if geom.geom_type == "Polygon" else geom.geoms[0].exterior.coords)
        assert np.allclose(flat, np.round(flat, 4))


def test_syria_and_turkey_backdrop_polygons_meet_along_the_border() -> None:
    fc = json.loads((GEO / "countries.geojson").read_text(encoding="utf-8"))
    by_iso = {f["properties"]["iso3"]: shape(f["geometry"]) for f in fc["features"]}
    border = shape(border_feature()["geometry"])
    shared = by_iso["SYR"].boundary.intersection(by_iso["TUR"].boundary)
    assert shared.length == pytest.approx(border.length, rel=0.01)
    assert border.buffer(0.001).contains(shared)


# -------------------------------------------------------------- distances
#
# Bab al-Hawa sits on the real border, but the 1:50m line runs ~4 km west of
# it (generalisation), hence < 6 km rather than ~0. Maarrat an-Nu'man's
# nearest border is the Hatay border to the west-north-west (~50 km), not the
# northern border.


@pytest.mark.parametrize(
    ("pcode", "low", "high"),
    [
        ("XB-BAB-AL-HAWA", 0, 6),
        ("XB-BAB-AL-SALAMA", 0, 5),
        ("C4130", 0, 7),  # Atmeh
        ("C4121", 5, 15),  # Sarmada
        ("C1564", 3, 12),  # Azaz
        ("C3916", 30, 60),  # Saraqib
        ("C3985", 40, 60),  # Maarrat an-Nu'man
        ("C1007", 45, 60),  # Aleppo city
    ],
)
def test_border_distance(pcode: str, low: float, high: float) -> None:
    assert low <= border_distance_km(*place(pcode)) <= high


def test_border_distance_vectorised_matches_scalar_and_handles_nan() -> None:
    rows = [r for r in gazetteer_rows() if r["lat"]]
    lons, lats = np.array([float(r["lon"]) for r in rows]), np.array([float(r["lat"]) for r in rows])
    many = border_distance_km_many(lons, lats)
    assert many.shape == lons.shape
    assert np.allclose(many, [border_distance_km(x, y) for x, y in zip(lons, lats)])
    with_nan = border_distance_km_many(np.append(lons[:2], np.nan), np.append(lats[:2], 36.0))
    assert np.isnan(with_nan[2]) and np.allclose(with_nan[:2], many[:2])


# -------------------------------------------------------------- M4 corridor


@pytest.mark.parametrize(
    ("pcode", "inside"),
    [
        ("C4278", True),  # Ariha
        ("C3916", True),  # Saraqib
        ("C4199", True),  # Jisr ash-Shughur
        ("C4121", False),  # Sarmada
        ("C1564", False),  # Azaz
        ("C3871", False),  # Idleb city, ~12 km north of the road
        ("C3985", False),  # Maarrat an-Nu'man, on the M5 further south
    ],
)
def test_in_m4_corridor(pcode: str, inside: bool) -> None:
    assert in_m4_corridor(*place(pcode)) is inside


def test_corridor_width_parameter() -> None:
    lon, lat = place("C3871")  # Idleb city, ~12 km from the line
    assert not in_m4_corridor(lon, lat) and in_m4_corridor(lon, lat, width_km=15)


def test_corridor_polygon_agrees_with_point_test() -> None:
    poly = m4_corridor_polygon()
    assert poly.geom_type == "Polygon" and poly.is_valid
    lons, lats = np.meshgrid(np.linspace(35.6, 37.4, 60), np.linspace(35.3, 36.4, 40))
    lons, lats = lons.ravel(), lats.ravel()
    dist = m4_distance_km_many(lons, lats)
    inside = np.array([poly.contains(Point(x, y)) for x, y in zip(lons, lats)])
    clear = np.abs(dist - 6.0) > 0.1  # away from the edge, where the buffer's arcs are polygons
    assert (inside[clear] == (dist[clear] < 6.0)).all()
    assert (in_m4_corridor_many(lons, lats) == (dist <= 6.0)).all()


def test_m4_file_is_a_cited_linestring() -> None:
    f = json.loads((GEO / "m4.geojson").read_text(encoding="utf-8"))
    assert f["geometry"]["type"] == "LineString" and len(f["geometry"]["coordinates"]) >= 5
    assert "approximate" in f["properties"]["description"].lower() and f["properties"]["compiled_by"]


# ---------------------------------------------------------------- centroid


def test_centroid_of_square() -> None:
    lon, lat = centroid({"type": "Polygon", "coordinates": [[[36, 35], [37, 35], [37, 36], [36, 36], [36, 35]]]})
    assert lon == pytest.approx(36.5, abs=1e-6) and lat == pytest.approx(35.5, abs=0.01)


def test_centroid_of_syria_is_inside_syria() -> None:
    fc = json.loads((GEO / "countries.geojson").read_text(encoding="utf-8"))
    syria = next(f["geometry"] for f in fc["features"] if f["properties"]["iso3"] == "SYR")
    assert shape(syria).contains(Point(*centroid(syria)))


# --------------------------------------------------------------- gazetteer

COLUMNS = [
    "pcode", "admin_level", "kind", "parent_pcode", "name_en", "name_ar", "lat", "lon",
    "source_publisher", "source_title", "source_date", "source_url",
]  # fmt: skip
LEVEL_OF_KIND = {"country": 0, "region": 0, "governorate": 1, "district": 2, "sub-district": 3, "town": 4, "crossing": 4}
PCODE_PATTERN = {
    "country": r"SY",
    "region": r"SY-[A-Z]+",
    "governorate": r"SY\d{2}",
    "district": r"SY\d{4}",
    "sub-district": r"SY\d{6}",
    "town": r"C\d{4}",
    "crossing": r"XB-[A-Z]+(-[A-Z]+)*",
}
ROWS = gazetteer_rows()
BY_PCODE = {r["pcode"]: r for r in ROWS}


def test_gazetteer_columns_and_unique_pcodes() -> None:
    with GAZETTEER.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == COLUMNS
    assert len(BY_PCODE) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["pcode"] for r in ROWS])
def test_gazetteer_row(row: dict[str, str]) -> None:
    assert row["name_en"] and row["name_ar"]
    assert int(row["admin_level"]) == LEVEL_OF_KIND[row["kind"]]
    assert re.fullmatch(PCODE_PATTERN[row["kind"]], row["pcode"])
    assert all(row[k].strip() for k in ("source_publisher", "source_title", "source_date", "source_url"))
    date.fromisoformat(row["source_date"])
    assert row["source_url"].startswith("https://")
    if row["kind"] == "country":
        assert row["parent_pcode"] == ""
        return
    parent = BY_PCODE[row["parent_pcode"]]
    assert int(parent["admin_level"]) <= int(row["admin_level"])
    if row["kind"] in {"governorate", "district", "sub-district"}:
        assert row["pcode"].startswith(parent["pcode"]) and int(parent["admin_level"]) == int(row["admin_level"]) - 1
    if row["kind"] in {"town", "crossing"}:
        assert parent["kind"] == "sub-district"


@pytest.mark.parametrize("row", [r for r in ROWS if r["lat"] or r["lon"]], ids=lambda r: r["pcode"])
def test_gazetteer_coordinates(row: dict[str, str]) -> None:
    assert re.fullmatch(r"\d+\.\d{3}", row["lat"]) and re.fullmatch(r"\d+\.\d{3}", row["lon"])
    lon, lat = float(row["lon"]), float(row["lat"])
    assert 35.5 < lon < 42.5 and 32.0 < lat < 37.5
    # Within Syria, allowing for the 1:50m outline (coast and border are generalised by a few km).
    fc = json.loads((GEO / "countries.geojson").read_text(encoding="utf-8"))
    syria = next(shape(f["geometry"]) for f in fc["features"] if f["properties"]["iso3"] == "SYR")
    assert syria.buffer(0.03).contains(Point(lon, lat))


def _cod_ab_arabic() -> dict[str, str]:
    """pcode -> Arabic name in the committed COD-AB boundaries, without the 'مركز' (centre) that COD-AB
    puts before a district's centre sub-district (the gazetteer names the place, not the unit)."""
    names = {}
    for level in (1, 2, 3):
        for feature in json.loads((GEO / f"admin{level}.geojson").read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            names[props["pcode"]] = re.sub(r"^مركز ", "", props["name_ar"] or "")
    return names


def test_gazetteer_spells_places_in_arabic_as_cod_ab_does() -> None:
    """One spelling per place on the page: a town is spelled as its sub-district (Dana, A'zaz, Kafr Nobol)."""
    cod = _cod_ab_arabic()
    for row in ROWS:
        if row["pcode"] in cod:
            assert row["name_ar"] == cod[row["pcode"]], (row["pcode"], row["name_ar"], cod[row["pcode"]])
        elif row["kind"] == "town" and row["name_en"].replace("Azaz", "A'zaz") == BY_PCODE[row["parent_pcode"]]["name_en"]:
            assert row["name_ar"] == cod[row["parent_pcode"]], (row["pcode"], row["name_ar"])


def test_gazetteer_has_the_places_the_dashboard_needs() -> None:
    kinds = {r["pcode"]: r["kind"] for r in ROWS}
    assert kinds["SY"] == "country" and kinds["SY-NW"] == "region"
    assert kinds["SY07"] == kinds["SY02"] == "governorate"
    assert {"XB-BAB-AL-HAWA", "XB-BAB-AL-SALAMA"} <= set(kinds)
    assert sum(1 for k in kinds.values() if k == "town") >= 19


@pytest.mark.real_data
@pytest.mark.skipif(not HNO_2019.exists(), reason="HNO 2019 workbook not available")
def test_gazetteer_pcodes_match_hno_2019() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(HNO_2019, read_only=True, data_only=True)["Community_level_data"]
    rows = ws.iter_rows(values_only=True)
    next(rows)
    header = next(rows)
    ix = {h: i for i, h in enumerate(header)}
    names: dict[str, str] = {}
    parent_of: dict[str, str] = {}
    for r in rows:
        if not r[ix["Admin4Pcode"]]:
            continue
        a2, a3, a4 = r[ix["Admin2Pcode"]], r[ix["Admin3Pcode"]], r[ix["Admin4Pcode"]]
        names.update({a2: r[ix["Admin2Name_En"]], a3: r[ix["Admin3Name_En"]], a4: r[ix["Admin4Name_En"]]})
        names.setdefault(a2[:4], r[ix["Admin1Name_En"]])
        parent_of[a4] = a3
    for row in ROWS:
        if row["kind"] in {"governorate", "district", "sub-district", "town"}:
            assert names[row["pcode"]].strip() == row["name_en"], row["pcode"]
        if row["kind"] == "town":
            assert parent_of[row["pcode"]] == row["parent_pcode"], row["pcode"]


def test_committed_m4_corridor_is_what_the_code_derives():
    """The map draws the corridor from the warehouse; it must match the ETL's own geometry."""
    import json

    from etl.geo.derive_corridor import OUT, corridor_feature

    committed = json.loads(OUT.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(corridor_feature()))
    assert committed["properties"]["layer"] == "m4_corridor"


# ------------------------------------------------ projection: PROJ vs the former formula

BEFORE_PYPROJ = REPO / "tests" / "fixtures" / "distances_lcc_before_pyproj.csv"


def _places_with_points(real_shapefile: Path) -> dict[str, tuple[float, float]]:
    """The gazetteer's places and the real COD-AB units' centroids, keyed as in the fixture."""
    from etl.sources import cod_ab

    points = {f"gaz:{r['pcode']}": (float(r["lon"]), float(r["lat"])) for r in gazetteer_rows() if r["lat"] and r["lon"]}
    units = next(t.frame for t in cod_ab.read(real_shapefile).tables if t.table == "locations")
    units = units[units["lat"].notna()]
    points |= {f"cod:{p}": (float(lon), float(lat)) for p, lon, lat in zip(units["pcode"], units["lon"], units["lat"])}
    return points


@pytest.mark.real_data
def test_distances_unchanged_by_pyproj_to_the_metre(real_data):
    """Border and M4 distances of every place equal those of the hand-written Lambert formula PROJ replaced."""
    with BEFORE_PYPROJ.open(encoding="utf-8", newline="") as fh:
        before = {r["place"]: (float(r["border_km"]), float(r["m4_km"])) for r in csv.DictReader(fh)}
    points = _places_with_points(real_data / "geo" / "cod_admin3_shp" / "syr_admin3.shp")
    assert set(points) == set(before) and len(points) == 368
    names = sorted(points)
    lons, lats = np.array([points[n][0] for n in names]), np.array([points[n][1] for n in names])
    border, m4 = border_distance_km_many(lons, lats), m4_distance_km_many(lons, lats)
    for name, b, m in zip(names, border, m4):
        assert abs(b - before[name][0]) < 0.001 and abs(m - before[name][1]) < 0.001, name


def test_projection_keeps_scalars_and_missing_points():
    x, y = project(37.0, 36.0)
    assert np.ndim(x) == 0 and abs(x) < 1e-9 and abs(y) < 1e-9  # the origin, as a number
    assert np.isnan(project(np.nan, 36.0)[0]) and np.isnan(unproject([np.nan], [0.0])[0][0])


def test_the_patrol_route_is_rederived_byte_for_byte_and_starts_2_km_west_of_saraqib():
    import json

    from etl.geo import derive_patrol
    from etl.geo.distance import project

    feature = derive_patrol.patrol_feature()
    committed = derive_patrol.OUT.read_text(encoding="utf-8")
    assert committed == json.dumps(feature, separators=(",", ":"), ensure_ascii=False) + "\n"
    (lon0, lat0), (lon1, _lat1) = feature["geometry"]["coordinates"][0], feature["geometry"]["coordinates"][-1]
    x0, y0 = project(lon0, lat0)
    xs, ys = project(*derive_patrol._saraqib_lonlat())
    assert 1.5 < ((x0 - xs) ** 2 + (y0 - ys) ** 2) ** 0.5 < 2.5 and lon0 < 36.801  # west of Saraqib
    assert lon1 < 36.318  # past Jisr ash-Shughur, toward Latakia
