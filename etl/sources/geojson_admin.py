"""Administrative boundaries as GeoJSON with OCHA P-codes (e.g. OCHA's HNO
sub-district polygons, hno_2018.json).

Generic over property names, because shapefile exports truncate them to ten
characters (`Admin3_Pco`): the P-code property is the one whose values look
like Syrian P-codes (SY + 2, 4 or 6 digits) on nearly every feature; the name
property is a text property sharing its prefix (`Admin3_EN`) or called name.

Each feature becomes a `locations` row (admin level from the P-code length:
SY07 = 1, SY0700 = 2, SY070000 = 3; centroid as lat/lon via shapely for
sub-districts only: one point for a whole governorate would give all its flows
one distance to the border) and a
`location_shapes` row (geometry as GeoJSON, coordinates rounded to 5 decimals,
about 1 m). Governorates are also built by dissolving the features by the
first four characters of their P-code (shapely unary_union), named from a
governorate-name property (`Admin1_EN`) or the shared governorate table.

Parent: the file has no admin2 codes, so a sub-district's parent_pcode is its
governorate (first four characters), which the file itself provides; a
district-level parent may come from another source (HNO, gazetteer). The
sector PiN/severity properties are not loaded.

Loaded early (priority 8): its places are what later files refer to, and
later loads (HNO lists) then win on names and parents in v_locations.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
from shapely.geometry import shape
from shapely.ops import unary_union

from etl.geo.geojson import DIGITS, geojson_text
from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged, read_json
from etl.sources.headers import key
from etl.sources.syria_admin import ADMIN_KINDS, GOVERNORATES

KIND = "geojson-admin-boundaries"
DESCRIPTION = "Admin boundary GeoJSON with P-code properties (OCHA COD-AB / HNO sub-districts)"
SUFFIXES = (".geojson", ".json")
MAX_BYTES = 100 * 1024 * 1024
PCODE = re.compile(r"^SY\d{2}(\d{2}){0,3}$")
# P-code length -> (admin level, kind): SY07, SY0700, SY070000
LEVELS = {4 + 2 * (level - 1): (level, ADMIN_KINDS[level]) for level in (1, 2, 3)}


def _collection(path: Path) -> dict:
    data = read_json(path, MAX_BYTES)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise ReadError(path, "not a GeoJSON FeatureCollection")
    return data


def pcode_property(features: list[dict]) -> str | None:
    """The property holding P-codes on (nearly) every feature."""
    counts: Counter[str] = Counter()
    for feature in features:
        for name, value in (feature.get("properties") or {}).items():
            if isinstance(value, str) and PCODE.match(value.strip()):
                counts[name] += 1
    if not counts:
        return None
    name, hits = counts.most_common(1)[0]
    return name if hits >= 0.9 * len(features) else None


def _text_properties(features: list[dict]) -> list[str]:
    names = [n for f in features[:20] for n, v in (f.get("properties") or {}).items() if isinstance(v, str)]
    return list(dict.fromkeys(names))


def name_property(features: list[dict], pcode_name: str) -> str | None:
    """A text property next to the P-code: same prefix (Admin3_EN), else one called name."""
    prefix = re.match(r"[A-Za-z]+\d*", pcode_name)
    texts = [n for n in _text_properties(features) if n != pcode_name]
    for name in texts:
        if prefix and name.startswith(prefix.group(0)) and not any(PCODE.match(str((f.get("properties") or {}).get(name, ""))) for f in features[:5]):
            return name
    return next((n for n in texts if key(n) in ("name", "nameen", "name_en", "namee")), None)


def _governorate_name_property(features: list[dict], pcode_name: str) -> str | None:
    for name in _text_properties(features):
        if name != pcode_name and re.search(r"adm(in)?1", name, re.I) and not PCODE.match(
                str((features[0].get("properties") or {}).get(name, ""))):
            return name
    return None


def detect(path: Path) -> bool:
    if path.suffix.lower() not in SUFFIXES:
        return False
    try:
        features = _collection(path)["features"]
    except ReadError:
        return False
    return bool(features) and pcode_property(features) is not None


def priority(path: Path) -> int:
    return 8


def _place(pcode: str, name: object, geometry, source_id: str, row: int) -> tuple[dict, dict]:
    level, kind = LEVELS.get(len(pcode), LEVELS[8])
    # No single point for a governorate or district: its distance to the border would put all its
    # flows in one distance band (v_displacement); such rows stay 'unknown' instead. Shapes are kept.
    centre = geometry.centroid if geometry is not None and not geometry.is_empty and level >= 3 else None
    place = {
        "_sheet": "features", "_row": row, "pcode": pcode, "admin_level": level, "kind": kind,
        "parent_pcode": "SY" if level == 1 else pcode[:4], "name_en": name,
        "name_ar": GOVERNORATES.get(pcode, (None, None))[1] if level == 1 else None,
        "lat": round(centre.y, DIGITS) if centre else None, "lon": round(centre.x, DIGITS) if centre else None,
        "source_id": source_id,
    }
    outline = {"_sheet": "features", "_row": row, "pcode": pcode,
               "geojson": geojson_text(geometry) if geometry is not None else None, "source_id": source_id}
    return place, outline


def _source(path: Path, data: dict) -> SourceInfo:
    meta = data.get("metadata") or {}
    return SourceInfo(
        publisher=str(meta.get("publisher") or "OCHA Syria"),
        title=str(meta.get("title") or f"Syria administrative boundaries with P-codes ({path.name})"),
        url=meta.get("url") or "https://github.com/UN-OCHA/syria-microsite-hno-syria.org",
        licence=meta.get("licence"),
        notes="Boundaries derived from OCHA's Syria COD-AB (as used for HNO maps). Governorates dissolved from "
              "the sub-district polygons by P-code prefix; centroids computed with shapely.",
    )


def read(path: Path) -> ReadResult:
    data = _collection(path)
    features = data["features"]
    pcode_name = pcode_property(features)
    if pcode_name is None:
        raise ReadError(path, "no property holding P-codes (SYxx...) on the features")
    label = name_property(features, pcode_name)
    gov_label = _governorate_name_property(features, pcode_name)
    source = _source(path, data)
    places, outlines, by_governorate, gov_names = [], [], {}, {}
    for row, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        pcode = str(props.get(pcode_name) or "").strip()
        geometry = shape(feature["geometry"]) if feature.get("geometry") else None
        place, outline = _place(pcode, props.get(label) if label else None, geometry, source.source_id, row)
        places.append(place)
        outlines.append(outline)
        if len(pcode) > 4 and geometry is not None and PCODE.match(pcode):
            by_governorate.setdefault(pcode[:4], []).append(geometry)
            if gov_label and props.get(gov_label):
                gov_names.setdefault(pcode[:4], props[gov_label])
    present = {p["pcode"] for p in places}
    for pcode, parts in sorted(by_governorate.items()):
        if pcode in present:  # the file has its own governorate polygon
            continue
        name = gov_names.get(pcode) or GOVERNORATES.get(pcode, (pcode,))[0]
        place, outline = _place(pcode, name, unary_union(parts), source.source_id, None)
        place["_sheet"] = outline["_sheet"] = f"(dissolved from {len(parts)} features)"
        places.append(place)
        outlines.append(outline)
    return ReadResult(KIND, [
        Staged("locations", pd.DataFrame(places), {"pcode": pcode_name, "name_en": label or "name"}),
        Staged("location_shapes", pd.DataFrame(outlines), {"pcode": pcode_name}),
    ], [source])
