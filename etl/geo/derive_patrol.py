"""Write the joint-patrol route as a map layer: `python -m etl.geo.derive_patrol`.

The Additional Protocol agreed in Moscow on 5 March 2020 set Russian–Turkish joint
patrols on the M4 from Trumba/Tronba, 2 km west of Saraqib, westward to Ain al-Havr
(Latakia countryside). Neither end has verified coordinates, so the route is cut from
the shipped M4 line (`m4.geojson`): it starts 2 km west of Saraqib measured along the
line from the point nearest Saraqib's gazetteer coordinates, and ends where the line
enters Latakia governorate (COD-AB `admin1.geojson`, SY06), the edge of the countryside
Ain al-Havr lies in. Approximate, for drawing; committed next to its inputs.
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import shapely
from shapely.geometry import LineString, Point, shape
from shapely.ops import substring

from etl.geo.distance import GEO_DIR, M4_PATH, _read_feature_geometry, _to_km, _to_lonlat

OUT = GEO_DIR / "m4_patrol.geojson"
GAZETTEER = GEO_DIR.parent / "gazetteer.csv"
SARAQIB = "C3916"
WEST_OF_SARAQIB_KM = 2.0
LATAKIA = "SY06"


def _saraqib_lonlat() -> tuple[float, float]:
    with GAZETTEER.open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["pcode"] == SARAQIB)
    return float(row["lon"]), float(row["lat"])


def _latakia() -> shapely.Geometry:
    data = json.loads((GEO_DIR / "admin1.geojson").read_text(encoding="utf-8"))
    return next(shape(f["geometry"]) for f in data["features"] if f["properties"]["pcode"] == LATAKIA)


def patrol_line() -> LineString:
    """The M4 from 2 km west of Saraqib westward to the Latakia governorate edge, lon/lat, east to west."""
    road = _to_km(_read_feature_geometry(M4_PATH))
    start = road.project(_to_km(Point(*_saraqib_lonlat()))) - WEST_OF_SARAQIB_KM  # the line runs west to east
    crossing = road.intersection(_to_km(_latakia()).boundary)
    end = max(road.project(p) for p in getattr(crossing, "geoms", [crossing]) if road.project(p) < start)
    return shapely.set_precision(_to_lonlat(substring(road, start, end)), 1e-4)


def patrol_feature() -> dict:
    return {
        "type": "Feature",
        "properties": {
            "layer": "m4_patrol",
            "name": "Joint Russian–Turkish patrol route on the M4 (Trumba – toward Ain al-Havr), approximate",
            "publisher": "Displacement dashboard project",
            "title": "Patrol route cut from the approximate M4 alignment: 2 km west of Saraqib to the Latakia "
                     "governorate edge (Moscow additional protocol, 5 March 2020)",
            "licence": "public domain (derived)",
        },
        "geometry": shapely.geometry.mapping(patrol_line()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(patrol_feature(), separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
