"""Geography shipped with the project: TopoJSON decoding, the Syria–Turkey border,
the M4 highway and distance helpers.

Data files live in ``etl/reference/geo/`` (see the README there for sources).
"""

from etl.geo.distance import (
    M4_CORRIDOR_KM,
    border_distance_km,
    border_distance_km_many,
    centroid,
    in_m4_corridor,
    in_m4_corridor_many,
    m4_corridor_polygon,
    m4_distance_km_many,
    project,
    unproject,
)
from etl.geo.topojson import between, decode_arcs, feature, geometry, mesh, mesh_arcs, mesh_lines, to_shape

__all__ = [
    "M4_CORRIDOR_KM",
    "between",
    "border_distance_km",
    "border_distance_km_many",
    "centroid",
    "decode_arcs",
    "feature",
    "geometry",
    "in_m4_corridor",
    "in_m4_corridor_many",
    "m4_corridor_polygon",
    "m4_distance_km_many",
    "mesh",
    "mesh_arcs",
    "mesh_lines",
    "project",
    "to_shape",
    "unproject",
]
