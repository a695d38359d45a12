"""OCHA's COD-AB boundaries as a GeoPackage (`.gpkg`), the other download next to the shapefile.

Read with pyogrio (GDAL bundled in its wheel; no geopandas): the layer whose
fields are COD-AB's (any level and naming, etl.sources.cod_ab.layout) is taken, its geometries
come as WKB and become shapely shapes, and the rows are built by the
shapefile's own code (etl.sources.cod_ab.records / boundaries),
so a GeoPackage loads to exactly the rows its shapefile loads to.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import shapely

from etl.sources import cod_ab
from etl.sources.base import ReadError, ReadResult, Score

KIND = "cod-ab-geopackage"
DESCRIPTION = "OCHA COD-AB boundaries of any country and admin level as a GeoPackage (.gpkg layer with ADM{n}_PCODE … fields)"
SUFFIXES = (".gpkg",)
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


def _fits(path: Path) -> tuple[str | None, Score]:
    """The first layer whose fields are COD-AB's, else None and the closest layer's score (what it missed)."""
    best = Score(KIND, 0.0, [], ["a layer with COD-AB fields (ADM{n}_PCODE …)"])
    for name, fields in _layers(path):
        fit = cod_ab.fit(fields, f"layer {name}")
        if fit.fits:
            return name, Score(KIND, 1.0, fit.found, [], fit.where)
        if fit.score >= best.score:
            best = Score(KIND, fit.score, fit.found, fit.missing, fit.where)
    return None, best


def _layer(path: Path) -> str:
    name, fit = _fits(path)
    if name is None:
        found = ", ".join(n for n, _ in _layers(path)) or "none"
        raise ReadError(path, f"no layer with COD-AB fields: missing {'; '.join(fit.missing)} (layers: {found})")
    return name


def _as_shapefile(geometry):
    """A one-part MultiPolygon as the Polygon a shapefile gives (GeoPackages often store every shape as multi)."""
    if geometry is not None and geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 1:
        return geometry.geoms[0]
    return geometry


def score(path: Path) -> Score:
    """The test read() makes; a broken file raises its ReadError (clearer than 'not recognised')."""
    return _fits(path)[1]


def detect(path: Path) -> bool:
    return score(path).fits


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
    found = cod_ab.records(path, fields, attributes, geometries, where=f"layer {layer}", sheet=f"layer {layer}")
    return cod_ab.boundaries(found, cod_ab.source_of(path, found), f"{path.name} layer {layer}", cod_ab.DIGITS, KIND)
