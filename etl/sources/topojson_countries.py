"""Natural Earth admin-0 countries as TopoJSON (world-atlas `countries-50m.json`
or `countries-110m.json`), decoded with `etl.geo.topojson`.

Produces `map_layers` rows for the map backdrop:
- layer `countries`: one row per country whose outline touches the box
  around Syria (lon 25–50, lat 28–43), clipped to that box so a regional map
  does not carry all of Russia; coordinates rounded to 5 decimals.
- layer `border_tr_sy`: the Syria–Turkey land border, the mesh of the arcs
  shared by Syria (ISO numeric 760) and Turkey (792); absent if the file does
  not hold both.

Countries are found by `id` (ISO 3166-1 numeric) or their `name` property.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from shapely.geometry import box, shape

from etl.geo import topojson
from etl.geo.geojson import geojson_text
from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged, read_json

KIND = "topojson-countries"
DESCRIPTION = "Natural Earth country outlines as TopoJSON (world-atlas): backdrop and the Syria–Turkey border"
SUFFIXES = (".json", ".topojson")
MAX_BYTES = 100 * 1024 * 1024
REGION = (25.0, 28.0, 50.0, 43.0)  # lon min, lat min, lon max, lat max
SYRIA, TURKEY = "760", "792"

SOURCE = SourceInfo(
    publisher="Natural Earth",
    title="Natural Earth admin-0 countries, via the world-atlas TopoJSON package",
    url="https://github.com/topojson/world-atlas",
    licence="Public domain (Natural Earth); world-atlas package ISC",
    notes="Country outlines clipped to lon 25–50, lat 28–43; Syria–Turkey border = TopoJSON mesh of the arcs "
          "shared by 760 and 792.",
)


def _topology(path: Path) -> dict:
    data = read_json(path, MAX_BYTES)
    if not isinstance(data, dict) or data.get("type") != "Topology" or not isinstance(data.get("objects"), dict):
        raise ReadError(path, "not a TopoJSON Topology")
    return data


def _countries_object(topology: dict) -> str | None:
    """The object whose geometries are countries (named `countries`, or carrying ISO ids)."""
    objects = topology["objects"]
    if "countries" in objects:
        return "countries"
    for name in objects:
        ids = {str(g.get("id")) for g in topojson.object_geometries(topology, name)}
        if SYRIA in ids:
            return name
    return None


def detect(path: Path) -> bool:
    try:
        return _countries_object(_topology(path)) is not None
    except ReadError:
        return False


def priority(path: Path) -> int:
    return 5


def _country_rows(topology: dict, name: str, arcs) -> list[dict]:
    region = box(*REGION)
    rows = []
    for row, geom in enumerate(topojson.object_geometries(topology, name), start=1):
        geometry = topojson.geometry(topology, geom, arcs)
        if geometry is None:
            continue
        outline = shape(geometry).buffer(0) if geometry["type"] in ("Polygon", "MultiPolygon") else shape(geometry)
        if not outline.intersects(region):
            continue
        clipped = outline.intersection(region)
        label = (geom.get("properties") or {}).get("name") or str(geom.get("id"))
        rows.append({"_sheet": name, "_row": row, "layer": "countries", "name": label,
                     "geojson": geojson_text(clipped), "source_id": SOURCE.source_id})
    return rows


def _border_row(topology: dict, name: str) -> list[dict]:
    ids = {str(g.get("id")) for g in topojson.object_geometries(topology, name)}
    if not {SYRIA, TURKEY} <= ids:
        return []
    border = topojson.mesh(topology, name, topojson.between(SYRIA, TURKEY))
    if not border["coordinates"]:
        return []
    return [{"_sheet": name, "_row": None, "layer": "border_tr_sy", "name": "Syria–Turkey border",
             "geojson": geojson_text(border), "source_id": SOURCE.source_id}]


def read(path: Path) -> ReadResult:
    topology = _topology(path)
    name = _countries_object(topology)
    if name is None:
        raise ReadError(path, "no countries object (expected `countries` or geometries with ISO numeric ids)")
    arcs = topojson.decode_arcs(topology)
    rows = _country_rows(topology, name, arcs) + _border_row(topology, name)
    return ReadResult(KIND, [Staged("map_layers", pd.DataFrame(rows))], [SOURCE])
