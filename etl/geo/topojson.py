"""A small, pure-Python TopoJSON decoder.

Why not a dependency: the project only needs to read a couple of public
TopoJSON files (Natural Earth via ``world-atlas``, possibly OCHA boundaries
later), and the format is simple enough that ~200 lines of tested code are
cheaper than an extra package on every machine.

What it implements (TopoJSON spec 1.0, https://github.com/topojson/topojson-specification):

* quantized topologies: a ``transform`` member ``{scale, translate}`` means
  every arc is *delta-encoded* integer positions; the first position is
  absolute, each following one is the difference to the previous one.
  Point/MultiPoint positions are quantized but not delta-encoded.
* arc references: a non-negative index ``i`` means arc ``i``; a negative
  index ``~i`` (that is ``-i - 1``) means arc ``i`` reversed.
* geometry types Point, MultiPoint, LineString, MultiLineString, Polygon,
  MultiPolygon, GeometryCollection and null geometries (``type: null``).
* :func:`mesh`: the arcs of an object that satisfy a filter on the one or two
  geometries that use each arc, like ``topojson.mesh(topology, object, (a, b) => a !== b)``
  in topojson-client. With ``between(id_a, id_b)`` it returns the border shared
  by two countries.

Results are GeoJSON-like dicts (``{"type": ..., "coordinates": ...}``);
:func:`to_shape` turns them into shapely geometries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

Position = tuple[float, float]
Line = list[Position]
Topology = dict[str, Any]
TopoGeometry = dict[str, Any]
MeshFilter = Callable[[TopoGeometry, TopoGeometry], bool]

__all__ = [
    "Position",
    "Topology",
    "TopoGeometry",
    "MeshFilter",
    "decode_arcs",
    "arc_positions",
    "geometry",
    "feature",
    "object_geometries",
    "to_shape",
    "mesh",
    "mesh_arcs",
    "mesh_lines",
    "between",
]


# --------------------------------------------------------------------------- arcs


def _transform(topology: Topology) -> tuple[float, float, float, float] | None:
    """Return ``(kx, ky, dx, dy)`` from the topology's transform, or None if not quantized."""
    transform = topology.get("transform")
    if not transform:
        return None
    (kx, ky), (dx, dy) = transform["scale"], transform["translate"]
    return float(kx), float(ky), float(dx), float(dy)


def _decode_arc(arc: Sequence[Sequence[float]], transform: tuple[float, float, float, float] | None) -> Line:
    """Decode one arc: undo the delta encoding and the quantization.

    Extra dimensions (z, m) that some writers append are dropped: the
    project works in 2-D lon/lat.
    """
    if transform is None:
        return [(float(p[0]), float(p[1])) for p in arc]
    kx, ky, dx, dy = transform
    x = y = 0
    out: Line = []
    for p in arc:
        x += p[0]
        y += p[1]
        out.append((x * kx + dx, y * ky + dy))
    return out


def decode_arcs(topology: Topology) -> list[Line]:
    """All arcs of ``topology`` as absolute lon/lat positions (index = arc index)."""
    transform = _transform(topology)
    return [_decode_arc(arc, transform) for arc in topology.get("arcs", [])]


def arc_positions(arcs: Sequence[Line], index: int) -> Line:
    """Positions of arc ``index``; a negative index ``~i`` is arc ``i`` reversed."""
    if index < 0:
        return list(reversed(arcs[~index]))
    return list(arcs[index])


def _stitch(arcs: Sequence[Line], indices: Sequence[int]) -> Line:
    """Join consecutive arcs into one line.

    Consecutive arcs share their junction point, so the first position of
    every arc after the first is dropped (as topojson-client does).
    """
    line: Line = []
    for k, index in enumerate(indices):
        positions = arc_positions(arcs, index)
        line.extend(positions if k == 0 else positions[1:])
    return line


def _ring(arcs: Sequence[Line], indices: Sequence[int]) -> Line:
    """A polygon ring; closed explicitly, and padded if degenerate (< 4 positions)."""
    ring = _stitch(arcs, indices)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    while 0 < len(ring) < 4:  # spec: a ring needs 4 positions; pad like topojson-client
        ring.append(ring[0])
    return ring


# ----------------------------------------------------------------------- geometry


def _point(topology: Topology, position: Sequence[float]) -> Position:
    """Dequantize one Point position (points are not delta-encoded)."""
    transform = _transform(topology)
    if transform is None:
        return float(position[0]), float(position[1])
    kx, ky, dx, dy = transform
    return position[0] * kx + dx, position[1] * ky + dy


def geometry(topology: Topology, geom: TopoGeometry, arcs: Sequence[Line] | None = None) -> dict[str, Any] | None:
    """Convert one TopoJSON geometry object to a GeoJSON geometry dict.

    ``arcs`` may be passed in (from :func:`decode_arcs`) to avoid decoding the
    whole arc table again for every geometry. Returns None for null geometries.
    """
    if arcs is None:
        arcs = decode_arcs(topology)
    kind = geom.get("type")
    if kind is None:
        return None
    if kind == "GeometryCollection":
        parts = [geometry(topology, g, arcs) for g in geom.get("geometries", [])]
        return {"type": kind, "geometries": [p for p in parts if p is not None]}
    return {"type": kind, "coordinates": _coordinates(topology, kind, geom, arcs)}


def _coordinates(topology: Topology, kind: str, geom: TopoGeometry, arcs: Sequence[Line]) -> Any:
    """Coordinates for the non-collection geometry types."""
    if kind == "Point":
        return _point(topology, geom["coordinates"])
    if kind == "MultiPoint":
        return [_point(topology, p) for p in geom["coordinates"]]
    refs = geom["arcs"]
    if kind == "LineString":
        return _stitch(arcs, refs)
    if kind == "MultiLineString":
        return [_stitch(arcs, line) for line in refs]
    if kind == "Polygon":
        return [_ring(arcs, ring) for ring in refs]
    if kind == "MultiPolygon":
        return [[_ring(arcs, ring) for ring in polygon] for polygon in refs]
    raise ValueError(f"unsupported TopoJSON geometry type: {kind!r}")


def object_geometries(topology: Topology, object_name: str) -> list[TopoGeometry]:
    """The member geometries of a named object (a single geometry is returned as a 1-list)."""
    obj = topology["objects"][object_name]
    if obj.get("type") == "GeometryCollection":
        return list(obj.get("geometries", []))
    return [obj]


def feature(topology: Topology, geom: TopoGeometry, arcs: Sequence[Line] | None = None) -> dict[str, Any]:
    """A GeoJSON Feature for one TopoJSON geometry, keeping its ``id`` and ``properties``."""
    out: dict[str, Any] = {
        "type": "Feature",
        "properties": dict(geom.get("properties") or {}),
        "geometry": geometry(topology, geom, arcs),
    }
    if "id" in geom:
        out["id"] = geom["id"]
    return out


def to_shape(geojson_geometry: dict[str, Any]) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry dict (thin wrapper, for symmetry)."""
    return shape(geojson_geometry)


# --------------------------------------------------------------------------- mesh


def _arc_refs(geom: TopoGeometry) -> Iterator[int]:
    """Every arc index referenced by a geometry, recursively, in order."""
    kind = geom.get("type")
    if kind == "GeometryCollection":
        for member in geom.get("geometries", []):
            yield from _arc_refs(member)
        return
    refs = geom.get("arcs")
    if refs is None:
        return
    depth = {"LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}.get(kind or "", 0)
    yield from _flatten(refs, depth)


def _flatten(refs: Any, depth: int) -> Iterator[int]:
    """Flatten nested arc-index lists of a known depth."""
    if depth <= 1:
        yield from refs
        return
    for item in refs:
        yield from _flatten(item, depth - 1)


def _geometries_by_arc(topology: Topology, object_name: str) -> dict[int, list[TopoGeometry]]:
    """For each arc (normalised to its non-negative index) the geometries that use it, in order."""
    by_arc: dict[int, list[TopoGeometry]] = {}
    for geom in object_geometries(topology, object_name):
        for ref in _arc_refs(geom):
            by_arc.setdefault(ref if ref >= 0 else ~ref, []).append(geom)
    return by_arc


def mesh_arcs(topology: Topology, object_name: str, filter: MeshFilter | None = None) -> list[int]:
    """Indices of the arcs kept by ``filter(a, b)``, ``a``/``b`` = first/last geometry using the arc.

    Same rule as topojson-client's ``meshArcs``: an arc used by only one
    geometry is passed as ``(a, a)``; with no filter every arc is kept once.
    """
    kept = []
    for index, geoms in sorted(_geometries_by_arc(topology, object_name).items()):
        if filter is None or filter(geoms[0], geoms[-1]):
            kept.append(index)
    return kept


def _join(lines: list[Line]) -> list[Line]:
    """Merge lines that share an end point into longer lines.

    The mesh of a border can come out as several arcs that meet end to end;
    joining them gives one line per connected stretch. Deterministic for a
    given input order (arcs come sorted by index).
    """
    pending = [list(line) for line in lines if line]
    merged: list[Line] = []
    while pending:
        current = pending.pop(0)
        grown = True
        while grown:
            grown = False
            for k, other in enumerate(pending):
                joined = _join_pair(current, other)
                if joined is not None:
                    current = joined
                    pending.pop(k)
                    grown = True
                    break
        merged.append(current)
    return merged


def _join_pair(a: Line, b: Line) -> Line | None:
    """``a`` and ``b`` joined into one line if they share an end point, else None."""
    if a[-1] == b[0]:
        return a + b[1:]
    if a[-1] == b[-1]:
        return a + list(reversed(b))[1:]
    if a[0] == b[-1]:
        return b + a[1:]
    if a[0] == b[0]:
        return list(reversed(b)) + a[1:]
    return None


def mesh_lines(topology: Topology, object_name: str, filter: MeshFilter | None = None) -> list[Line]:
    """The kept arcs as lon/lat lines, joined where they meet end to end."""
    arcs = decode_arcs(topology)
    return _join([arcs[i] for i in mesh_arcs(topology, object_name, filter)])


def mesh(topology: Topology, object_name: str, filter: MeshFilter | None = None) -> dict[str, Any]:
    """A GeoJSON MultiLineString of the arcs of ``object_name`` kept by ``filter``.

    ``mesh(t, "countries", between("760", "792"))`` is the Syria–Turkey border;
    ``mesh(t, "countries", lambda a, b: a is not b)`` is every internal border.
    """
    return {"type": "MultiLineString", "coordinates": mesh_lines(topology, object_name, filter)}


def between(id_a: str, id_b: str) -> MeshFilter:
    """A mesh filter keeping only the arcs shared by the geometries with ids ``id_a`` and ``id_b``."""
    wanted = {str(id_a), str(id_b)}

    def keep(a: TopoGeometry, b: TopoGeometry) -> bool:
        return a is not b and {str(a.get("id")), str(b.get("id"))} == wanted

    return keep
