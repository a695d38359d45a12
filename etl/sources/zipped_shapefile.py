"""A shapefile as publishers often ship it: one `.zip` holding the `.shp` and its sidecars.

The archive is checked before anything is inflated (sizes from its directory,
etl.sources.workbook.check_zip_sizes; member names without folders climbing out
or links), its one shapefile is extracted into a private temporary folder and
read by the shapefile reader (etl.sources.cod_ab), so a zipped file loads to the
same rows as the unzipped one. The kind stays the shapefile reader's.
"""
from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from etl.sources import cod_ab
from etl.sources.base import ReadError, ReadResult, Score
from etl.sources.workbook import check_zip_sizes

KIND = "zipped-shapefile"
DESCRIPTION = "A .zip holding one shapefile (.shp, .dbf, .shx, .prj …), read as the shapefile inside"
SUFFIXES = (".zip",)
SHAPE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _members(path: Path) -> list[zipfile.ZipInfo]:
    """The archive's shapefile parts (one .shp); refuses absolute or climbing names."""
    check_zip_sizes(path)
    with zipfile.ZipFile(path) as archive:
        parts = [m for m in archive.infolist() if PurePosixPath(m.filename).suffix.lower() in SHAPE_PARTS
                 and not m.is_dir()]
    for m in parts:
        name = PurePosixPath(m.filename)
        if name.is_absolute() or ".." in name.parts:
            raise ReadError(path, f"member '{m.filename}' would be written outside the folder; refused")
    shapes = [m for m in parts if m.filename.lower().endswith(".shp")]
    if len(shapes) != 1:
        raise ReadError(path, f"expected one .shp in the archive, found {len(shapes)}")
    return parts


def _extract(path: Path, folder: Path) -> Path:
    parts = _members(path)
    with zipfile.ZipFile(path) as archive:
        for m in parts:
            target = folder / PurePosixPath(m.filename).name
            target.write_bytes(archive.read(m))
    return next(folder.glob("*.shp")) if list(folder.glob("*.shp")) else next(folder.glob("*.SHP"))


def score(path: Path) -> Score:
    """The shapefile reader's score of the shapefile inside: the same test its read() makes."""
    try:
        with tempfile.TemporaryDirectory(prefix="displacement-zip-") as folder:
            inner = cod_ab.score(_extract(path, Path(folder)))
    except (ReadError, zipfile.BadZipFile, OSError, StopIteration) as exc:
        return Score(KIND, 0.0, [], [str(exc).split(": ", 1)[-1] if isinstance(exc, ReadError) else "a readable zip"])
    return Score(KIND, inner.score, inner.found, inner.missing, f"{path.name}: {inner.where}")


def detect(path: Path) -> bool:
    return score(path).fits


def priority(path: Path) -> int:
    return cod_ab.priority(path)


def read(path: Path) -> ReadResult:
    with tempfile.TemporaryDirectory(prefix="displacement-zip-") as folder:
        return cod_ab.read(_extract(path, Path(folder)))
