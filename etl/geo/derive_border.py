"""Derive the Syria–Turkey border and the map backdrop from Natural Earth.

Run from the repository root::

    python -m etl.geo.derive_border [--topojson PATH] [--out-dir DIR]

Input: ``countries-50m.json`` from the npm package ``world-atlas@2.0.2``
(Natural Earth 1:50m Admin-0 countries, public domain, as TopoJSON). By
default it is read from ``../shared/data/real/geo/countries-50m.json``
relative to the repository root; elsewhere, ``npm pack world-atlas@2.0.2``
downloads the package tarball, which contains the file at
``package/countries-50m.json``.

Outputs (small, derived, public-domain files that are committed):

* ``border_tr_sy.geojson``: the land border as the arc(s) that the Syria
  (id "760") and Turkey (id "792") polygons share, i.e. a TopoJSON mesh of
  that pair. Using the shared arc, rather than intersecting two polygons,
  gives exactly the line Natural Earth drew, with no slivers.
* ``countries.geojson``: the countries around Syria clipped to a box around
  it, coordinates rounded to 4 decimals (about 10 m, far below the 1:50m
  quantization step of roughly 200-300 m here), for the map backdrop.

The script is deterministic: re-running it on the same input gives
byte-identical files (a test checks this against the committed file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from etl.geo import topojson

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TOPOJSON = REPO_ROOT / ".." / "shared" / "data" / "real" / "geo" / "countries-50m.json"
DEFAULT_OUT_DIR = REPO_ROOT / "etl" / "reference" / "geo"

SOURCE = "Natural Earth 1:50m Admin-0 via world-atlas 2.0.2"
LICENCE = "public domain"
SOURCE_URL = "https://www.naturalearthdata.com/downloads/50m-cultural-vectors/50m-admin-0-countries-2/"
SYRIA_ID, TURKEY_ID = "760", "792"
BORDER_NAME = "Syria–Turkey land border"
BORDER_FILE = "border_tr_sy.geojson"
COUNTRIES_FILE = "countries.geojson"

#: Backdrop box (lon_min, lat_min, lon_max, lat_max) around Syria.
BACKDROP_BBOX = (34.0, 31.5, 43.5, 38.5)

#: Every Admin-0 unit of world-atlas that intersects BACKDROP_BBOX, by ISO 3166-1
#: numeric id -> (ISO3, English name). Palestine and Saudi Arabia are not map
#: subjects but are listed so the backdrop has no holes in the box.
BACKDROP_COUNTRIES: dict[str, tuple[str, str]] = {
    "760": ("SYR", "Syria"),
    "792": ("TUR", "Turkey"),
    "422": ("LBN", "Lebanon"),
    "368": ("IRQ", "Iraq"),
    "400": ("JOR", "Jordan"),
    "376": ("ISR", "Israel"),
    "275": ("PSE", "Palestine"),
    "196": ("CYP", "Cyprus"),
    "682": ("SAU", "Saudi Arabia"),
}
#: Natural Earth draws northern Cyprus as a separate unit without an ISO id;
#: the backdrop shows the island as one "Cyprus" shape (the UN-recognised state).
MERGE_INTO = {"N. Cyprus": "196"}

COORD_DECIMALS_BORDER = 6
COORD_DECIMALS_BACKDROP = 4


def load_topology(path: Path) -> topojson.Topology:
    """Read the TopoJSON file, or exit with a message saying how to get it."""
    if not path.exists():
        sys.exit(
            f"TopoJSON not found: {path}\n"
            "Get it with `npm pack world-atlas@2.0.2` and extract "
            "package/countries-50m.json, then pass --topojson PATH."
        )
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _round_coords(geom: BaseGeometry, decimals: int) -> BaseGeometry:
    """Round every coordinate (stable, diff-friendly output)."""
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def border_geometry(topology: topojson.Topology) -> dict[str, Any]:
    """The Syria–Turkey border as a GeoJSON LineString (or MultiLineString if split)."""
    lines = topojson.mesh_lines(topology, "countries", topojson.between(SYRIA_ID, TURKEY_ID))
    if not lines:
        raise ValueError("Syria (760) and Turkey (792) share no arc in this topology")
    rounded = [[(round(x, COORD_DECIMALS_BORDER), round(y, COORD_DECIMALS_BORDER)) for x, y in line] for line in lines]
    if len(rounded) == 1:
        return {"type": "LineString", "coordinates": rounded[0]}
    return {"type": "MultiLineString", "coordinates": rounded}


def border_feature(topology: topojson.Topology) -> dict[str, Any]:
    """The border Feature with its provenance properties."""
    return {
        "type": "Feature",
        "properties": {
            "name": BORDER_NAME,
            "source": SOURCE,
            "source_url": SOURCE_URL,
            "licence": LICENCE,
            "method": "TopoJSON mesh of the arcs shared by Syria (760) and Turkey (792)",
        },
        "geometry": border_geometry(topology),
    }


def _backdrop_shapes(topology: topojson.Topology) -> dict[str, BaseGeometry]:
    """Unclipped shapes of the backdrop countries, keyed by numeric id (N. Cyprus merged)."""
    arcs = topojson.decode_arcs(topology)
    parts: dict[str, list[BaseGeometry]] = {}
    for geom in topojson.object_geometries(topology, "countries"):
        key = MERGE_INTO.get((geom.get("properties") or {}).get("name", ""), str(geom.get("id")))
        if key in BACKDROP_COUNTRIES:
            parts.setdefault(key, []).append(topojson.to_shape(topojson.geometry(topology, geom, arcs)))
    return {key: unary_union(shapes) for key, shapes in parts.items()}


def _clip(geom: BaseGeometry) -> BaseGeometry:
    """Clip to the backdrop box, snap to the 4-decimal grid and round."""
    clipped = geom.intersection(box(*BACKDROP_BBOX))
    snapped = shapely.set_precision(clipped, 10.0**-COORD_DECIMALS_BACKDROP)
    return _round_coords(snapped, COORD_DECIMALS_BACKDROP)


def countries_collection(topology: topojson.Topology) -> dict[str, Any]:
    """FeatureCollection of the clipped backdrop countries, in BACKDROP_COUNTRIES order."""
    shapes = _backdrop_shapes(topology)
    features = []
    for key, (iso3, name) in BACKDROP_COUNTRIES.items():
        if key not in shapes:
            continue
        clipped = _clip(shapes[key])
        if clipped.is_empty:
            continue
        features.append({"type": "Feature", "properties": {"iso3": iso3, "name": name}, "geometry": mapping(clipped)})
    return {
        "type": "FeatureCollection",
        "properties": {"source": SOURCE, "source_url": SOURCE_URL, "licence": LICENCE, "bbox_clip": list(BACKDROP_BBOX)},
        "features": features,
    }


def _plain(obj: Any) -> Any:
    """Tuples -> lists recursively, so the JSON text does not depend on how shapely built it."""
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def dumps(obj: dict[str, Any]) -> str:
    """Deterministic GeoJSON text: one feature per line, UTF-8, trailing newline."""
    obj = _plain(obj)
    if obj.get("type") != "FeatureCollection":
        return json.dumps(obj, ensure_ascii=False) + "\n"
    head = {k: v for k, v in obj.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False) for f in obj["features"]]
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n'
    return opening + ",\n".join(lines) + "\n]}\n"


def write_outputs(topology: topojson.Topology, out_dir: Path) -> list[Path]:
    """Write both GeoJSON files into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {BORDER_FILE: border_feature(topology), COUNTRIES_FILE: countries_collection(topology)}
    paths = []
    for name, obj in outputs.items():
        path = out_dir / name
        path.write_text(dumps(obj), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topojson", type=Path, default=DEFAULT_TOPOJSON, help="world-atlas countries-50m.json")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="where to write the GeoJSON files")
    args = parser.parse_args(argv)
    for path in write_outputs(load_topology(args.topojson), args.out_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
