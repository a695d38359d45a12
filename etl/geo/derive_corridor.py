"""Write the M4 security corridor as a map layer: `python -m etl.geo.derive_corridor`.

The Moscow additional protocol (5 March 2020) set a corridor 6 km either side
of the M4. The map draws it from the warehouse (pages may not import etl), so
the polygon is derived here from the shipped M4 line, in the same projection
as every distance the ETL computes, and committed next to it.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import shapely

from etl.geo.distance import GEO_DIR, M4_CORRIDOR_KM, m4_corridor_polygon

OUT = GEO_DIR / "m4_corridor.geojson"


def corridor_feature(width_km: float = M4_CORRIDOR_KM) -> dict:
    polygon = shapely.set_precision(m4_corridor_polygon(width_km), 1e-4)
    return {
        "type": "Feature",
        "properties": {
            "layer": "m4_corridor",
            "name": f"M4 security corridor ({width_km:g} km each side)",
            "publisher": "Displacement dashboard project",
            "title": "M4 security corridor derived from the approximate M4 alignment (Moscow additional protocol, 5 March 2020: 6 km either side)",
            "licence": "public domain (derived)",
        },
        "geometry": shapely.geometry.mapping(polygon),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(corridor_feature(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
