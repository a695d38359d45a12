"""Derive the project's Syria admin 1-3 boundaries from OCHA's COD-AB sub-district shapefile.

Run from the repository root::

    python -m etl.geo.derive_admin [--shp PATH] [--out-dir DIR] [--tolerance DEG]

Input: ``syr_admin3.shp`` (with its .shx/.dbf/.prj/.cpg) from OCHA's COD-AB
bundle, by default ``../shared/data/real/geo/cod_admin3_shp/syr_admin3.shp``.
It is read by the same code as a data officer's load (``etl.sources.cod_ab``).

Why these steps:

* **Simplified as one coverage** (``shapely.coverage_simplify`` on all 272
  sub-districts at once): each shared edge is simplified once, so neighbours
  still touch. Simplifying polygon by polygon would open gaps and overlaps
  along every boundary.
* **Snapped to a 0.0001° grid** (about 10 m) so the files stay small; shared
  vertices snap to the same point.
* **Districts and governorates dissolved from the simplified sub-districts**
  (``shapely.coverage_union_all``): the three levels line up exactly.

Outputs ``admin1.geojson``, ``admin2.geojson``, ``admin3.geojson`` in
``etl/reference/geo/``, loaded by ``python -m etl build-reference``. The script
is deterministic; ``tests/test_geo_admin.py`` re-derives the files and compares
them with the committed ones.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import shapely

from etl.geo.geojson import geojson_text
from etl.sources import cod_ab

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHP = REPO_ROOT / ".." / "shared" / "data" / "real" / "geo" / "cod_admin3_shp" / "syr_admin3.shp"
DEFAULT_OUT_DIR = REPO_ROOT / "etl" / "reference" / "geo"
TOLERANCE_DEG = 0.003  # about 300 m: invisible at the map's zoom, 10x fewer vertices
GRID_DEG = 0.0001
DIGITS = 4
FILES = {1: "admin1.geojson", 2: "admin2.geojson", 3: "admin3.geojson"}
METADATA = {
    "format": cod_ab.DERIVED_FORMAT,
    "publisher": cod_ab.SOURCE.publisher,
    "title": cod_ab.SOURCE.title,
    "url": cod_ab.SOURCE.url,
    "licence": cod_ab.SOURCE.licence,
    "published": cod_ab.SOURCE.published.isoformat(),
}


def simplified(records: list[dict], tolerance: float = TOLERANCE_DEG) -> list:
    """The sub-district polygons simplified together (topology kept) and snapped to the grid."""
    geometries = shapely.coverage_simplify([r["geometry"] for r in records], tolerance)
    return list(shapely.make_valid(shapely.set_precision(geometries, GRID_DEG)))


def derive(shp: Path, tolerance: float = TOLERANCE_DEG) -> dict[int, list[cod_ab.Unit]]:
    """Admin units per level, admin 2 and 1 dissolved from the simplified admin 3."""
    found = cod_ab.subdistricts(shp)
    records = found.rows = sorted(found.rows, key=lambda r: r["PCODE"])
    for record, geometry in zip(records, simplified(records, tolerance)):
        record["geometry"] = geometry
    by_level: dict[int, list[cod_ab.Unit]] = {1: [], 2: [], 3: []}
    for unit in cod_ab.units(found):
        if unit.admin_level in by_level:
            by_level[unit.admin_level].append(unit)
    for level in (1, 2):  # coverage union: exact, no slivers along the internal edges
        members = {u.pcode: [] for u in by_level[level]}
        for record in records:
            members[record["ADM2_PCODE" if level == 2 else "ADM1_PCODE"]].append(record["geometry"])
        for unit in by_level[level]:
            unit.geometry = shapely.set_precision(shapely.coverage_union_all(members[unit.pcode]), GRID_DEG)
    return {level: sorted(units, key=lambda u: u.pcode) for level, units in by_level.items()}


def collection_text(units: list[cod_ab.Unit], level: int) -> str:
    """GeoJSON text, one feature per line (readable diffs), names in Arabic script as such."""
    metadata = METADATA | {"level": level, "notes": (
        f"Derived by `python -m etl.geo.derive_admin` from syr_admin3.shp: coverage-simplified at "
        f"{TOLERANCE_DEG} degrees, coordinates rounded to {DIGITS} decimals"
        + ("" if level == 3 else f"; admin {level} dissolved from the simplified sub-districts") + ".")}
    lines = []
    for unit in units:
        feature = {"type": "Feature", "properties": {
            "pcode": unit.pcode, "admin_level": unit.admin_level, "parent_pcode": unit.parent_pcode,
            "name_en": unit.name_en, "name_ar": unit.name_ar,
        }, "geometry": json.loads(geojson_text(unit.geometry, DIGITS))}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    head = json.dumps({"metadata": metadata}, ensure_ascii=False, separators=(",", ":"))[:-1]
    return head + ',"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def write(shp: Path, out_dir: Path, tolerance: float = TOLERANCE_DEG) -> dict[str, int]:
    """Write the three files; returns their sizes in bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for level, units in derive(shp, tolerance).items():
        target = out_dir / FILES[level]
        target.write_text(collection_text(units, level), encoding="utf-8")
        sizes[target.name] = target.stat().st_size
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shp", type=Path, default=DEFAULT_SHP)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_DEG)
    args = parser.parse_args(argv)
    if not args.shp.exists():
        print(f"{args.shp}: no such file (the COD-AB shapefile; see etl/reference/geo/README.md)", file=sys.stderr)
        return 1
    for name, size in write(args.shp, args.out_dir, args.tolerance).items():
        print(f"{args.out_dir / name}: {size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
