"""A geometry as the compact GeoJSON text the warehouse stores (one way for every reader).

Coordinates are rounded to `DIGITS` decimals (5: about 1 m on the ground, far
finer than any boundary publishers ship) so shapes stay small in the warehouse
and in the map layers sent to slow links, and the same file gives the same text.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

DIGITS = 5


def _round(coords, digits: int):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), digits) for c in coords]
    return [_round(c, digits) for c in coords]


def geojson_text(geometry, digits: int = DIGITS) -> str:
    """A shapely geometry or a GeoJSON geometry mapping as compact text, coordinates rounded."""
    if not isinstance(geometry, Mapping):
        from shapely.geometry import mapping

        geometry = mapping(geometry)
    return json.dumps({"type": geometry["type"], "coordinates": _round(geometry["coordinates"], digits)},
                      separators=(",", ":"))
