"""Distances in northwest Syria: to the Turkish border and to the M4 highway.

Why a local projection: shapely measures in the plane, and degrees are not
kilometres (at 36.5 N a degree of longitude is ~89.6 km, a degree of latitude
~111 km). We project lon/lat to kilometres once, then let shapely (GEOS) do
the geometry, vectorised over thousands of communities.

Which projection: a Lambert conformal conic on the sphere, standard parallels
35 N and 37 N, origin 36 N 37 E. It is conformal (at a point the scale is the
same in every direction) and its scale error is below 0.1 % between 34 N and
38.5 N at any longitude. With the mean Earth radius, distances agree with
WGS84 ellipsoidal geodesics (Vincenty) to better than 0.3 % anywhere in
34-38.5 N, 35.5-42.5 E; ``tests/test_geo.py`` checks this. The simpler
equirectangular formula ``x = (lon - 37) * 111.32 * cos(36.5), y = (lat - 36.5) * 110.574``
was considered and rejected: it is off by up to 1.7 % inside Idleb and
northern Aleppo (its east-west scale is only right at 36.5 N; 1.4 % off at
Khan Shaykhun, 35.44 N), for no gain in speed.

The projection is PROJ's (pyproj), no longer a hand-written formula; measured
over 368 places (the 20 gazetteer places with coordinates and the centroids of
the 348 governorates, districts and sub-districts of OCHA's COD-AB shapefile),
PROJ's x/y agree with the former closed-form code to 3e-9 m, and so do the
border and M4 distances (tests/test_geo.py checks them to the metre against
distances the former code computed, tests/fixtures/distances_lcc_before_pyproj.csv). Cost: projecting the 368 places takes 0.05 ms instead of
0.03 ms (the border distances themselves take 1.4 ms in GEOS), a million points
556 ms instead of 439 ms, and importing pyproj 0.15-0.6 s on a shared machine,
paid by the first projection of a process (see `_lcc`).
A spherical Lambert conic needs no grid files, so PROJ works offline.

Inputs are WGS84 longitude/latitude in degrees; outputs are kilometres.
The geometry files are read once per process (``functools.lru_cache``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

GEO_DIR = Path(__file__).resolve().parents[1] / "reference" / "geo"
BORDER_PATH = GEO_DIR / "border_tr_sy.geojson"
M4_PATH = GEO_DIR / "m4.geojson"

#: Width of the M4 security corridor on each side of the road, in km
#: (Additional Protocol to the Memorandum on Stabilization of the Situation in
#: the Idlib De-escalation Area, Moscow, 5 March 2020).
M4_CORRIDOR_KM = 6.0

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
LAT0, LON0 = 36.0, 37.0  # projection origin
LAT1, LAT2 = 35.0, 37.0  # standard parallels (true scale)

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]


# ------------------------------------------------------------------ projection


@lru_cache(maxsize=1)
def _lcc():
    """Lambert conformal conic on the mean-radius sphere, in km (PROJ: no datum shift, no grid file).

    pyproj is imported on the first projection, not with this module: etl.geo comes in with the
    readers, which the dashboard imports, and the dashboard never projects.
    """
    import pyproj

    return pyproj.Proj(f"+proj=lcc +lat_1={LAT1} +lat_2={LAT2} +lat_0={LAT0} +lon_0={LON0} "
                       f"+R={EARTH_RADIUS_KM * 1000} +units=km +no_defs")


def project(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS84 degrees -> (x, y) km in the local conformal projection (vectorised)."""
    x, y = _lcc()(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float)[()], np.asarray(y, dtype=float)[()]  # a scalar stays a scalar


def unproject(x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """(x, y) km -> WGS84 (lon, lat) degrees; inverse of :func:`project`."""
    lon, lat = _lcc()(np.asarray(x, dtype=float), np.asarray(y, dtype=float), inverse=True)
    return np.asarray(lon, dtype=float)[()], np.asarray(lat, dtype=float)[()]


def _to_km(geom: BaseGeometry) -> BaseGeometry:
    """A lon/lat geometry projected to km."""
    return shapely.transform(geom, lambda c: np.column_stack(project(c[:, 0], c[:, 1])))


def _to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """A km geometry back to lon/lat."""
    return shapely.transform(geom, lambda c: np.column_stack(unproject(c[:, 0], c[:, 1])))


# ----------------------------------------------------------------- shipped data


def _read_feature_geometry(path: Path) -> BaseGeometry:
    """The geometry of a single-Feature GeoJSON file."""
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("type") == "FeatureCollection":
        return shapely.union_all([shape(f["geometry"]) for f in data["features"]])
    return shape(data["geometry"] if data.get("type") == "Feature" else data)


@lru_cache(maxsize=None)
def border_km() -> BaseGeometry:
    """The Syria–Turkey border line in projected km, prepared for repeated queries."""
    geom = _to_km(_read_feature_geometry(BORDER_PATH))
    shapely.prepare(geom)
    return geom


@lru_cache(maxsize=None)
def m4_km() -> BaseGeometry:
    """The M4 alignment in projected km, prepared for repeated queries."""
    geom = _to_km(_read_feature_geometry(M4_PATH))
    shapely.prepare(geom)
    return geom


# -------------------------------------------------------------------- queries


def _distance_km(lons: ArrayLike, lats: ArrayLike, target: BaseGeometry) -> FloatArray:
    """Distance (km) from each lon/lat point to ``target`` (projected); NaN where lon/lat is not finite."""
    x, y = project(np.atleast_1d(lons), np.atleast_1d(lats))
    out = np.full(np.broadcast(x, y).shape, np.nan)
    ok = np.isfinite(x) & np.isfinite(y)
    out[ok] = shapely.distance(shapely.points(x[ok], y[ok]), target)
    return out


def border_distance_km_many(lons: ArrayLike, lats: ArrayLike) -> FloatArray:
    """Distance (km) from each point to the Syria–Turkey border line; NaN where lon/lat is missing.

    One vectorised GEOS call: ~10,000 points take a few milliseconds.
    """
    return _distance_km(lons, lats, border_km())


def border_distance_km(lon: float, lat: float) -> float:
    """Distance (km) from one point to the Syria–Turkey border line."""
    return float(border_distance_km_many([lon], [lat])[0])


def m4_distance_km_many(lons: ArrayLike, lats: ArrayLike) -> FloatArray:
    """Distance (km) from each point to the M4 alignment."""
    return _distance_km(lons, lats, m4_km())


def in_m4_corridor_many(lons: ArrayLike, lats: ArrayLike, width_km: float = M4_CORRIDOR_KM) -> npt.NDArray[np.bool_]:
    """Whether each point lies within ``width_km`` of the M4 (False where lon/lat is missing)."""
    with np.errstate(invalid="ignore"):
        return m4_distance_km_many(lons, lats) <= width_km


def in_m4_corridor(lon: float, lat: float, width_km: float = M4_CORRIDOR_KM) -> bool:
    """Whether one point lies within ``width_km`` of the M4, on either side."""
    return bool(in_m4_corridor_many([lon], [lat], width_km)[0])


def m4_corridor_polygon(width_km: float = M4_CORRIDOR_KM) -> Polygon:
    """The M4 security corridor (road buffered by ``width_km`` each side) in lon/lat, for maps.

    Buffered in km and then unprojected, so the width is true on the ground.
    """
    return _to_lonlat(m4_km().buffer(width_km, quad_segs=16))


def centroid(geojson_geometry: dict[str, Any]) -> tuple[float, float]:
    """(lon, lat) of the area centroid of a GeoJSON geometry.

    Computed in the conformal projection, so a polygon's centroid is not
    skewed by the different length of a degree east-west and north-south.
    """
    c = _to_km(shape(geojson_geometry)).centroid
    lon, lat = unproject(c.x, c.y)
    return float(lon), float(lat)
