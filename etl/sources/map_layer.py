"""GeoJSON lines and areas drawn on the map but not tied to a P-code: the
Turkey–Syria border, neighbouring countries, the M4 highway.

The layer name is the feature's `layer` property or the file's stem
(`border_tr_sy.geojson` -> layer `border_tr_sy`).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

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
            "geojson": json.dumps(f.get("geometry"), separators=(",", ":")) if f.get("geometry") else None,
            "source_id": source.source_id,
        }
        for f in features
    ]
    frame = with_provenance(pd.DataFrame(rows, columns=["layer", "name", "geojson", "source_id"]), "features", 1)
    return ReadResult(KIND, [Staged("map_layers", frame)], [source])
