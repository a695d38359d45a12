"""OCHA's Common Operational Dataset of administrative boundaries (COD-AB) for Syria:
the sub-district shapefile as OCHA ships it (`syr_admin3.shp` with its `.shx`,
`.dbf`, `.prj`, `.cpg`), and the simplified GeoJSON the project derives from it
(`etl/reference/geo/admin{1,2,3}.geojson`, `python -m etl.geo.derive_admin`).

Why one reader for both: the map and every distance to the border must be the
same whether a data officer loads OCHA's shapefile or the dashboard starts from
the reference build; both go through `units()`, which yields admin 3 rows and
dissolves admin 2 and admin 1 from them.

The shapefile (read with pyshp) carries English AND Arabic names at every level
(`NAME_EN`/`NAME_AR`, `ADM2_EN`/`ADM2_AR`, `ADM1_EN`/`ADM1_AR`). The publisher
swapped `ADM0_EN` and `ADM0_AR` (the "English" field holds Arabic script): the
country's names are taken by script, not by field name.

Each unit becomes a `locations` row (admin level, parent, names, centroid) and a
`location_shapes` row. Distances to the border and the M4 corridor flag are
added by etl.load from the centroid, as for every place; the warehouse bands a
governorate or district by its sub-districts, never by its own centroid.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape

from etl.geo.geojson import DIGITS, geojson_text
from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged
from etl.sources.syria_admin import ADMIN_KINDS

KIND = "cod-ab-boundaries"
DESCRIPTION = "OCHA COD-AB Syria sub-district shapefile (.shp + .shx/.dbf/.prj/.cpg), or the project's GeoJSON derived from it"
SUFFIXES = (".shp", ".geojson")
SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".xml")  # parts of a shapefile, not files of their own
FIELDS = ("PCODE", "NAME_EN", "NAME_AR", "ADM2_PCODE", "ADM2_EN", "ADM2_AR", "ADM1_PCODE", "ADM1_EN", "ADM1_AR")
DERIVED_FORMAT = "cod-ab-derived"  # metadata.format of the project's GeoJSON
LEVEL_KINDS = {0: "country", **ADMIN_KINDS}
ARABIC = re.compile(r"[\u0600-\u06FF]")

SOURCE = SourceInfo(
    publisher="UN OCHA",
    title="Syrian Arab Republic - Subnational Administrative Boundaries (COD-AB), sub-districts (admin 3), updated 2016-09-05",
    url="https://data.humdata.org/dataset/cod-ab-syr",
    licence="none stated in the copy read; COD-AB datasets on HDX are usually CC BY-IGO (cite OCHA)",
    published=date(2016, 9, 5),
    notes="Shapefile syr_admin3 as distributed in OCHA's HDX bundle 'Syrian Arab Republic - Administrative "
          "Boundaries, Populated Places'. Districts and governorates dissolved from the sub-districts by P-code; "
          "centroids computed with shapely.",
)


@dataclass
class Unit:
    """One administrative unit with its boundary (full resolution, lon/lat WGS84)."""

    pcode: str
    admin_level: int
    parent_pcode: str | None
    name_en: str | None
    name_ar: str | None
    geometry: object  # shapely geometry, or None
    row: int | None = None  # record number in the file (admin 3); None for dissolved units
    parts: int = 1


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _by_script(a: str | None, b: str | None) -> tuple[str | None, str | None]:
    """(English, Arabic) of two names whatever fields they came in (ADM0_EN/ADM0_AR are swapped)."""
    if a and ARABIC.search(a) and not (b and ARABIC.search(b)):
        return b, a
    return a, b


def _shapefile(path: Path):
    import shapefile

    missing = [s for s in (".shx", ".dbf") if not path.with_suffix(s).exists()]
    if missing:
        raise ReadError(path, f"the shapefile's {' and '.join(missing)} file is missing next to it")
    try:
        reader = shapefile.Reader(str(path), encoding=_encoding(path))
    except Exception as exc:
        raise ReadError(path, f"not a readable shapefile ({exc.__class__.__name__}: {exc})") from exc
    return reader


def _encoding(path: Path) -> str:
    cpg = path.with_suffix(".cpg")
    text = cpg.read_text(encoding="ascii", errors="ignore").strip() if cpg.exists() else ""
    return {"utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8"}.get(text.lower(), text or "utf-8")


def _shapefile_fields(path: Path) -> list[str]:
    reader = _shapefile(path)
    try:
        return [f[0] for f in reader.fields[1:]]
    finally:
        reader.close()


def subdistricts(path: Path) -> tuple[list[dict], dict]:
    """The admin 3 records (attributes + shapely geometry + record number), and the country's names."""
    if path.suffix.lower() == ".shp":
        return _shapefile_records(path)
    return _derived_records(path)


def _shapefile_records(path: Path) -> tuple[list[dict], dict]:
    reader = _shapefile(path)
    try:
        fields = [f[0] for f in reader.fields[1:]]
        items = list(reader.iterShapeRecords())
        return admin3_records(path, fields, [i.record.as_dict() for i in items],
                              [shape(i.shape.__geo_interface__) if i.shape.shapeType != 0 else None for i in items],
                              where="the .dbf")
    finally:
        reader.close()


def admin3_records(path: Path, fields: Sequence[str], attributes: Iterable[dict], geometries: Iterable,
                   *, where: str, sheet: str | None = None) -> tuple[list[dict], dict]:
    """Admin 3 records (COD-AB fields + shapely geometry + record number) and the country's names,
    from any file's attribute rows and geometries in step: the shapefile and the GeoPackage share it."""
    absent = [f for f in FIELDS if f not in fields]
    if absent:
        raise ReadError(path, f"no field {', '.join(absent)} in {where} (COD-AB sub-district fields expected)",
                        sheet=sheet)
    records, country = [], {}
    for number, (attrs, geometry) in enumerate(zip(attributes, geometries, strict=True), start=1):
        records.append({**{f: _text(attrs.get(f)) for f in FIELDS}, "geometry": geometry, "row": number})
        if not country and "ADM0_PCODE" in attrs:
            en, ar = _by_script(_text(attrs.get("ADM0_EN")), _text(attrs.get("ADM0_AR")))
            country = {"pcode": _text(attrs.get("ADM0_PCODE")), "name_en": en, "name_ar": ar}
    return records, country


def _derived(path: Path) -> dict:
    from etl.sources.base import read_json

    data = read_json(path, 20 * 1024 * 1024)
    if not isinstance(data, dict) or (data.get("metadata") or {}).get("format") != DERIVED_FORMAT:
        raise ReadError(path, f"not the project's derived COD-AB GeoJSON (metadata.format '{DERIVED_FORMAT}')")
    return data


def _derived_records(path: Path) -> tuple[list[dict], dict]:
    """The derived files hold every level; admin 3 rows are returned like the shapefile's, others as given."""
    data = _derived(path)
    records = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        props = feature.get("properties") or {}
        geometry = shape(feature["geometry"]) if feature.get("geometry") else None
        records.append({"pcode": props.get("pcode"), "admin_level": props.get("admin_level"),
                        "parent_pcode": props.get("parent_pcode"), "name_en": props.get("name_en"),
                        "name_ar": props.get("name_ar"), "geometry": geometry, "row": number})
    return records, data.get("metadata") or {}


def units(records: list[dict], country: dict | None = None) -> list[Unit]:
    """Admin 3 units as recorded, admin 2 and admin 1 dissolved from them (shapely union), and the country."""
    subs = [Unit(r["PCODE"], 3, r["ADM2_PCODE"], r["NAME_EN"], r["NAME_AR"], r["geometry"], r["row"]) for r in records]
    out = list(subs)
    for level, code, en, ar, parent in ((2, "ADM2_PCODE", "ADM2_EN", "ADM2_AR", "ADM1_PCODE"),
                                        (1, "ADM1_PCODE", "ADM1_EN", "ADM1_AR", None)):
        groups: dict[str, list[dict]] = {}
        for r in records:
            if r[code]:
                groups.setdefault(r[code], []).append(r)
        for pcode, members in sorted(groups.items()):
            first = members[0]
            shapes = [m["geometry"] for m in members if m["geometry"] is not None]
            out.append(Unit(pcode, level, first[parent] if parent else (country or {}).get("pcode") or "SY",
                            first[en], first[ar], shapely.union_all(shapes) if shapes else None, None, len(members)))
    if country and country.get("pcode"):
        out.append(Unit(country["pcode"], 0, None, country.get("name_en"), country.get("name_ar"), None, None, 0))
    return out


def _staged(unit_list: list[Unit], source_id: str, sheet: str, digits: int) -> tuple[list[dict], list[dict]]:
    places, outlines = [], []
    for unit in unit_list:
        where = sheet if unit.row is not None else f"(dissolved from {unit.parts} sub-districts)" if unit.parts \
            else "(ADM0 fields, English and Arabic swapped by the publisher)"
        centre = unit.geometry.centroid if unit.geometry is not None and not unit.geometry.is_empty else None
        places.append({
            "_sheet": where, "_row": unit.row, "pcode": unit.pcode, "admin_level": unit.admin_level,
            "kind": LEVEL_KINDS[unit.admin_level], "parent_pcode": unit.parent_pcode,
            "name_en": unit.name_en, "name_ar": unit.name_ar,
            "lat": round(centre.y, DIGITS) if centre else None, "lon": round(centre.x, DIGITS) if centre else None,
            "source_id": source_id,
        })
        if unit.geometry is not None:
            outlines.append({"_sheet": where, "_row": unit.row, "pcode": unit.pcode,
                             "geojson": geojson_text(unit.geometry, digits), "source_id": source_id})
    return places, outlines


def _source_from(metadata: dict) -> SourceInfo:
    if not metadata.get("publisher"):
        return SOURCE
    published = metadata.get("published")
    return SourceInfo(publisher=metadata["publisher"], title=metadata.get("title") or SOURCE.title,
                      url=metadata.get("url"), licence=metadata.get("licence"),
                      published=date.fromisoformat(published) if published else None, notes=metadata.get("notes"))


COLUMNS = {"pcode": "PCODE", "name_en": "NAME_EN", "name_ar": "NAME_AR", "parent_pcode": "ADM2_PCODE"}


def boundaries(unit_list: list[Unit], source: SourceInfo, sheet: str, digits: int, columns: dict,
               kind: str = KIND) -> ReadResult:
    """The staged locations and location_shapes rows of a boundary file, whatever its format."""
    places, outlines = _staged(unit_list, source.source_id, sheet, digits)
    return ReadResult(kind, [
        Staged("locations", pd.DataFrame(places), columns),
        Staged("location_shapes", pd.DataFrame(outlines), {"pcode": columns.get("pcode", "pcode")}),
    ], [source])


def read(path: Path) -> ReadResult:
    if path.suffix.lower() == ".shp":
        records, country = _shapefile_records(path)
        return boundaries(units(records, country), SOURCE, path.with_suffix(".dbf").name, DIGITS, COLUMNS)
    records, metadata = _derived_records(path)
    unit_list = [Unit(r["pcode"], int(r["admin_level"]) if r["admin_level"] is not None else 3, r["parent_pcode"],
                      r["name_en"], r["name_ar"], r["geometry"], r["row"]) for r in records]
    return boundaries(unit_list, _source_from(metadata), "features", 6, {})


def detect(path: Path) -> bool:
    if path.suffix.lower() == ".shp":
        try:
            fields = _shapefile_fields(path)
        except ReadError:
            return False
        return all(f in fields for f in ("PCODE", "NAME_AR", "ADM1_PCODE"))
    if path.suffix.lower() == ".geojson":
        with path.open("rb") as handle:  # cheap: the metadata is written first
            if DERIVED_FORMAT.encode() not in handle.read(4096):
                return False
        try:
            _derived(path)
        except ReadError:
            return False
        return True
    return False


def priority(path: Path) -> int:
    """Boundaries load first (after map layers): every later file refers to their P-codes."""
    return 7


def iter_sidecars(path: Path) -> Iterator[Path]:
    """The files that belong to a shapefile (read with it, never loaded on their own)."""
    for suffix in SIDECARS:
        part = path.with_suffix(suffix)
        if part.exists():
            yield part
