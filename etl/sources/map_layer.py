"""GeoJSON lines and areas drawn on the map but not tied to a P-code: the
Turkey–Syria border, neighbouring countries, the M4 highway.

The layer name is the feature's `layer` property or the file's stem
(`border_tr_sy.geojson` -> layer `border_tr_sy`).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import shapely.geometry

from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged, read_json, with_provenance

KIND = "map-layer"
DESCRIPTION = "GeoJSON lines/areas without P-codes (border, countries, roads) drawn on the map"
SUFFIXES = (".geojson", ".json")
MAX_BYTES = 50 * 1024 * 1024
_PCODE_KEYS = {"admin3_pco", "admin2pcode", "admin1pcode", "admin3pcode", "pcode", "adm3_pcode", "adm2_pcode", "adm1_pcode"}


def _features(path: Path) -> list[dict]:
    data = read_json(path, MAX_BYTES)
    if not isinstance(data, dict):
        raise ReadError(path, "not a GeoJSON object")
    if data.get("type") == "Feature":
        return [data]
    if data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        shared = data.get("properties") if isinstance(data.get("properties"), dict) else {}
        return [f | {"properties": shared | (f.get("properties") or {})} for f in data["features"] if isinstance(f, dict)]
    raise ReadError(path, "not a GeoJSON Feature or FeatureCollection")


def detect(path: Path) -> bool:
    if path.suffix.lower() not in SUFFIXES:
        return False
    try:
        features = _features(path)
    except ReadError:
        return False
    keys = {k.lower() for f in features[:5] for k in (f.get("properties") or {})}
    return bool(features) and not (keys & _PCODE_KEYS)


def priority(path: Path) -> int:
    return 5


_GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def _geometry_json(path: Path, number: int, geometry: object) -> str | None:
    """The geometry as compact GeoJSON, after shapely has accepted it.

    A layer is drawn on every map page, so a geometry that is not GeoJSON (wrong
    type, coordinates nested too deep or too shallow) is refused here, not in the browser.
    """
    if not geometry:
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRY_TYPES:
        raise ReadError(path, f"geometry is not a GeoJSON {', '.join(sorted(_GEOMETRY_TYPES))}", sheet="features", row=number)
    try:
        shapely.geometry.shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ReadError(path, f"geometry coordinates are not valid {geometry['type']} coordinates "
                              f"({type(exc).__name__})", sheet="features", row=number) from exc
    return json.dumps(geometry, separators=(",", ":"))


def read(path: Path) -> ReadResult:
    features = _features(path)
    props = features[0].get("properties") or {} if features else {}
    source = SourceInfo(
        publisher=str(props.get("publisher") or props.get("source") or props.get("compiled_by") or "Unknown publisher"),
        title=str(props.get("source_title") or props.get("title") or props.get("name") or path.stem),
        url=props.get("source_url") or props.get("url"),
        licence=props.get("licence") or props.get("license"),
    )
    rows = [
        {
            "layer": (f.get("properties") or {}).get("layer") or path.stem,
            "name": str((f.get("properties") or {}).get("name") or path.stem),
            "geojson": _geometry_json(path, number, f.get("geometry")),
            "source_id": source.source_id,
        }
        for number, f in enumerate(features, start=1)
    ]
    frame = with_provenance(pd.DataFrame(rows, columns=["layer", "name", "geojson", "source_id"]), "features", 1)
    return ReadResult(KIND, [Staged("map_layers", frame)], [source])
