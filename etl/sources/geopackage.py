"""OCHA's COD-AB boundaries as a GeoPackage (`.gpkg`), the other download next to the shapefile.

Read with pyogrio (GDAL bundled in its wheel; no geopandas): the layer whose
fields are COD-AB's (`PCODE`, `NAME_AR`, `ADM1_PCODE`) is taken, its geometries
come as WKB and become shapely shapes, and the rows are built by the
shapefile's own code (etl.sources.cod_ab.admin3_records / units / boundaries),
so a GeoPackage loads to exactly the rows its shapefile loads to.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import shapely

from etl.sources import cod_ab
from etl.sources.base import ReadError, ReadResult

KIND = "cod-ab-geopackage"
DESCRIPTION = "OCHA COD-AB Syria sub-districts as a GeoPackage (.gpkg layer with PCODE, NAME_AR, ADM1_PCODE fields)"
SUFFIXES = (".gpkg",)
NEEDED = ("PCODE", "NAME_AR", "ADM1_PCODE")
SQLITE = b"SQLite format 3\x00"  # every GeoPackage is an SQLite file: checked before GDAL opens it
LONLAT = ("EPSG:4326", "OGC:CRS84")


def _fail(path: Path, exc: Exception, layer: str | None = None) -> ReadError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    first = text.rsplit("failed: ", 1)[-1].split("; ")[0]  # GDAL's cause, without the SQL it ran
    return ReadError(path, f"not a readable GeoPackage ({first})", sheet=f"layer {layer}" if layer else None)


def _layers(path: Path) -> list[tuple[str, list[str]]]:
    """Every layer's name and field names; a ReadError naming the file if it is not a GeoPackage."""
    import pyogrio

    with path.open("rb") as handle:
        if handle.read(len(SQLITE)) != SQLITE:
            raise ReadError(path, "not a GeoPackage (no SQLite header); a .gpkg as downloaded from HDX is expected")
    try:
        with warnings.catch_warnings():  # GDAL warns on stderr as well as raising: the ReadError says it once
            warnings.simplefilter("ignore", RuntimeWarning)
            names = [str(row[0]) for row in pyogrio.list_layers(path)]
            return [(name, [str(f) for f in pyogrio.read_info(path, layer=name)["fields"]]) for name in names]
    except Exception as exc:  # GDAL's errors (DataSourceError, DataLayerError…) differ by what is broken
        raise _fail(path, exc) from exc


def _layer(path: Path) -> str:
    layers = _layers(path)
    for name, fields in layers:
        if all(f in fields for f in NEEDED):
            return name
    found = ", ".join(name for name, _ in layers) or "none"
    raise ReadError(path, f"no layer with the COD-AB fields {', '.join(NEEDED)} (layers: {found})")


def _as_shapefile(geometry):
    """A one-part MultiPolygon as the Polygon a shapefile gives (GeoPackages often store every shape as multi)."""
    if geometry is not None and geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 1:
        return geometry.geoms[0]
    return geometry


def detect(path: Path) -> bool:
    """Ours if a layer has COD-AB's fields; a broken file raises its ReadError (clearer than 'not recognised')."""
    try:
        _layer(path)
    except ReadError as exc:
        if "no layer with" in str(exc):
            return False
        raise
    return True


def priority(path: Path) -> int:
    return cod_ab.priority(path)


def read(path: Path) -> ReadResult:
    import pyogrio.raw

    layer = _layer(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, _fids, wkb, columns = pyogrio.raw.read(path, layer=layer)
    except Exception as exc:
        raise _fail(path, exc, layer) from exc
    crs = meta.get("crs")
    if crs and crs.upper() not in LONLAT:
        raise ReadError(path, f"coordinates in {crs}; lon/lat WGS84 (EPSG:4326) expected", sheet=f"layer {layer}")
    fields = [str(f) for f in meta["fields"]]
    attributes = [dict(zip(fields, values)) for values in zip(*columns)] if fields else []
    geometries = [_as_shapefile(g) for g in shapely.from_wkb(wkb)] if wkb is not None else [None] * len(attributes)
    records, country = cod_ab.admin3_records(path, fields, attributes, geometries, where=f"layer {layer}",
                                             sheet=f"layer {layer}")
    return cod_ab.boundaries(cod_ab.units(records, country), cod_ab.SOURCE, f"{path.name} layer {layer}",
                             cod_ab.DIGITS, cod_ab.COLUMNS, KIND)
