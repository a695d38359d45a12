"""OCHA's Common Operational Datasets of administrative boundaries (COD-AB), any country, any level.

A COD-AB file holds one row per unit of one admin level (0 to 4) with that unit's
P-code, its names and the P-codes (and names) of the units it lies in. Countries
name the fields differently, so the layout is read from the field names
(`layout()`), never assumed:

* the current naming: `ADM{n}_PCODE`, `ADM{n}_EN`, `ADM{n}_{LANG}` (`ADM1_AR`,
  `ADM1_UA`, `ADM1_RU` …), `ADM{n}_REF`; the file's level is the finest `n`;
* Syria's sub-district file: `PCODE`, `NAME_EN`, `NAME_AR` for the unit itself,
  `ADM2_*` and `ADM1_*` for its parents (so its level is 3);
* the older OCHA naming (Iraq 2014): `A{n}Code`, `A{n}NameEn`, `A{n}NameAr`,
  `HRparent`;
* HDX's newer GeoJSON naming: `admin{n}Pcode`, `admin{n}Name_{lang}`.

Why one reader for every form (shapefile, zipped shapefile, GeoPackage, GeoJSON,
and the project's derived GeoJSON, `etl/reference/geo/admin{1,2,3}.geojson`):
the map and every distance to the border must be the same whichever download a
data officer loads. Each form hands its attribute rows and shapes to
`records()`, which checks the layout; `units()` yields the file's own units and
dissolves every coarser level the rows name (shapely union), and the country.

Names: the warehouse keeps an English and an Arabic name. English is the `_EN`
field (else `_REF`, else the first Latin-script name); Arabic the `_AR` field.
A name in another script is checked by script, not by field name: Syria's
publisher swapped `ADM0_EN` and `ADM0_AR`. Names in other languages (Ukrainian,
Russian …) are counted in the load's notes, not stored.

Each unit becomes a `locations` row (admin level, parent, names, centroid) and a
`location_shapes` row. Distances to the border and the M4 corridor flag are
added by etl.load from the centroid, as for every place; the warehouse bands a
governorate or district by its sub-districts, never by its own centroid.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape

from etl.geo.geojson import DIGITS, geojson_text
from etl.sources.base import ReadError, ReadResult, Score, SourceInfo, Staged
from etl.sources.syria_admin import ADMIN_KINDS

KIND = "cod-ab-boundaries"
DESCRIPTION = ("OCHA COD-AB boundaries of any country and admin level 0-4 (shapefile with its .shx/.dbf/.prj/.cpg, "
               "or GeoJSON with ADM{n}_PCODE / A{n}Code / PCODE fields), or the project's derived GeoJSON")
SUFFIXES = (".shp", ".geojson", ".json")
SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".xml")  # parts of a shapefile, not files of their own
DERIVED_FORMAT = "cod-ab-derived"  # metadata.format of the project's GeoJSON
LEVEL_KINDS = {0: "country", **ADMIN_KINDS}
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")
MAX_GEOJSON_BYTES = 200 * 2**20
WANTED = ("a P-code field: ADM{n}_PCODE, A{n}Code, admin{n}Pcode, or PCODE with ADM{n}_PCODE",
          "the unit's name: ADM{n}_EN, ADM{n}_{language}, ADM{n}_REF or NAME_EN")

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

# One naming scheme per row: (P-code field, name field with a {lang} group) for level n.
_SCHEMES = (
    (r"ADM{n}_PCODE", r"ADM{n}_(?P<lang>[A-Z]{{2}})"),
    (r"A{n}Code", r"A{n}Name(?P<lang>[A-Z][a-z])"),
    (r"admin{n}_?Pcode", r"admin{n}_?Name_(?P<lang>[a-z]{{2}})"),
)
_PARENT_FIELDS = ("PARENT_PCODE", "parent_pcode", "parentPcode", "HRparent")
_VALID_ON = ("validOn", "VALIDON", "date", "DATE", "UPDATE_DAT")


@dataclass(frozen=True)
class Level:
    """Where one admin level's P-code and names are in a file's fields."""

    level: int
    pcode: str
    names: dict[str, str]           # language ("en", "ar", "ua" …) -> field
    ref: str | None = None          # ADM{n}_REF: the reference name, when no English field

    @property
    def field_names(self) -> list[str]:
        return [self.pcode, *self.names.values(), *([self.ref] if self.ref else [])]


@dataclass(frozen=True)
class Layout:
    """The file's own level, the coarser levels its rows name (dissolved from it), and the country."""

    unit: Level
    ancestors: tuple[Level, ...]    # finest first
    country: Level | None
    parent_field: str | None        # a parent P-code field when no coarser level is named (HRparent)

    def parent_of(self, level: int) -> Level | None:
        coarser = [a for a in self.ancestors if a.level < level]
        return coarser[0] if coarser else self.country if level > 0 else None

    @property
    def other_languages(self) -> list[str]:
        return sorted({lang for lvl in (self.unit, *self.ancestors) for lang in lvl.names} - {"en", "ar"})


@dataclass
class Unit:
    """One administrative unit with its boundary (full resolution, lon/lat WGS84)."""

    pcode: str
    admin_level: int
    parent_pcode: str | None
    name_en: str | None
    name_ar: str | None
    geometry: object  # shapely geometry, or None
    row: int | None = None  # record number in the file; None for dissolved units
    parts: int = 1


@dataclass
class Records:
    """A COD-AB file's rows (attributes + shapely `geometry` + record number `row`) and their layout."""

    rows: list[dict]
    layout: Layout
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ layout from field names
def _level(fields: Sequence[str], n: int) -> Level | None:
    for code, name in _SCHEMES:
        code_re = re.compile("^" + code.format(n=n) + "$", re.I)
        found = next((f for f in fields if code_re.match(f)), None)
        if found is None:
            continue
        name_re = re.compile("^" + name.format(n=n) + "$")
        names = {m.group("lang").lower(): f for f in fields if (m := name_re.match(f))}
        ref = next((f for f in fields if f.upper() == f"ADM{n}_REF"), None)
        return Level(n, found, {k: v for k, v in names.items() if k != "re"}, ref)
    return None


def _diagnose(fields: Sequence[str]) -> tuple[Layout | None, list[str], list[str]]:
    """The layout of a file with these fields, what was found, and what is missing when it is not COD-AB's."""
    fields = [str(f) for f in fields]
    levels = {n: lvl for n in range(0, 5) if (lvl := _level(fields, n))}
    own = None
    if "PCODE" in fields:  # Syria's sub-district file names itself PCODE/NAME_*, its parents ADM{n}_*
        if not any(n >= 1 for n in levels):
            return None, ["PCODE"], ["ADM{n}_PCODE fields of its parents (COD-AB names them next to PCODE)"]
        names = {m.group(1).lower(): f for f in fields if (m := re.match(r"^NAME_([A-Z]{2})$", f))}
        own = Level(max(levels) + 1, "PCODE", names, "NAM_EN_REF" if "NAM_EN_REF" in fields else None)
    elif levels:
        own = levels[max(levels)]
    if own is None:
        return None, [], [WANTED[0]]
    found = [f"{own.pcode} (admin {own.level})"]
    n = own.level
    if n > 4:
        return None, found, [f"a level of 4 or less (PCODE next to ADM{n - 1}_PCODE would be admin {n})"]
    if not (own.names or own.ref):
        return None, found, [f"a name field for admin {n} (ADM{n}_EN, ADM{n}_{{language}} or ADM{n}_REF)"]
    found += list(own.names.values()) or [own.ref]
    ancestors = tuple(levels[k] for k in sorted(levels, reverse=True) if 1 <= k < n)
    parent = next((f for f in _PARENT_FIELDS if f in fields), None)
    if n >= 2 and not ancestors and not parent:
        return None, found, [f"the parent's P-code field (ADM{n - 1}_PCODE or A{n - 1}Code)"]
    return Layout(own, ancestors, levels.get(0) if n > 0 else None, parent), found, []


def layout(fields: Sequence[str]) -> Layout | None:
    """The layout of a file with these fields, or None if they are not COD-AB's (fit() says why)."""
    return _diagnose(fields)[0]


def fit(fields: Sequence[str], where: str) -> Score:
    """How far a file's fields are from COD-AB's, naming the field that is missing (--explain and refusals)."""
    found_layout, found, missing = _diagnose(fields)
    if found_layout is not None:
        return Score(KIND, 1.0, found, [], where)
    return Score(KIND, len(found) / (len(found) + len(missing)), found, missing, where)


# ------------------------------------------------------------------ values
def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _names(attrs: dict, level: Level) -> tuple[str | None, str | None]:
    """(English, Arabic): by field, then by script (Syria's ADM0_EN holds Arabic, ADM0_AR English)."""
    given = {lang: _text(attrs.get(f)) for lang, f in level.names.items()}
    en, ar = given.get("en"), given.get("ar")
    if en and ARABIC.search(en) and not (ar and ARABIC.search(ar)):
        en, ar = ar, en
    if not en:
        en = _text(attrs.get(level.ref)) if level.ref else None
    if not en:
        en = next((v for v in given.values() if v and LATIN.search(v)), None) or next(
            (v for v in given.values() if v), None)
    return en, ar


def records(path: Path, fields: Sequence[str], attributes: Iterable[dict], geometries: Iterable, *,
            where: str, sheet: str | None = None) -> Records:
    """A file's rows in step with their shapes, once its fields are known to be COD-AB's (else a ReadError)."""
    found = layout(fields)
    if found is None:
        score = fit(fields, where)
        raise ReadError(path, f"not COD-AB boundaries: no {'; no '.join(score.missing)} in {where}"
                              f" (fields: {', '.join(map(str, fields[:12]))}{' …' if len(fields) > 12 else ''})",
                        sheet=sheet)
    rows = [{**attrs, "geometry": geometry, "row": number}
            for number, (attrs, geometry) in enumerate(zip(attributes, geometries, strict=True), start=1)]
    notes = []
    if found.other_languages:
        notes.append(f"names in {', '.join(x.upper() for x in found.other_languages)} are in the file; the "
                     "warehouse keeps the English and Arabic names only")
    return Records(rows, found, notes)


def units(found: Records) -> list[Unit]:
    """The file's own units as recorded, every coarser level it names dissolved from them (shapely union),
    and the country."""
    lay, rows = found.layout, found.rows
    out = []
    for r in rows:
        parent = lay.parent_of(lay.unit.level)
        parent_code = _text(r.get(parent.pcode)) if parent else _text(r.get(lay.parent_field)) if lay.parent_field else None
        out.append(Unit(_text(r.get(lay.unit.pcode)), lay.unit.level, parent_code, *_names(r, lay.unit),
                        r["geometry"], r["row"]))
    for level in lay.ancestors:
        groups: dict[str, list[dict]] = {}
        for r in rows:
            if code := _text(r.get(level.pcode)):
                groups.setdefault(code, []).append(r)
        parent = lay.parent_of(level.level)
        for pcode, members in sorted(groups.items()):
            first = members[0]
            shapes = [m["geometry"] for m in members if m["geometry"] is not None]
            out.append(Unit(pcode, level.level, _text(first.get(parent.pcode)) if parent else None,
                            *_names(first, level), shapely.union_all(shapes) if shapes else None, None, len(members)))
    if lay.country and rows and (code := _text(rows[0].get(lay.country.pcode))):
        out.append(Unit(code, 0, None, *_names(rows[0], lay.country), None, None, 0))
    return out


def _plural(level: int) -> str:
    kind = LEVEL_KINDS[level]
    return kind[:-1] + "ies" if kind.endswith("y") else kind + "s"


def _staged(unit_list: list[Unit], source_id: str, sheet: str, digits: int, own: int) -> tuple[list[dict], list[dict]]:
    places, outlines = [], []
    for unit in unit_list:
        where = sheet if unit.row is not None else f"(dissolved from {unit.parts} {_plural(own)})" if unit.parts \
            else "(ADM0 fields)"
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


def source_of(path: Path, found: Records) -> SourceInfo:
    """Syria's sub-district file is cited as OCHA published it; any other COD-AB file by what it says of itself."""
    lay = found.layout
    first = found.rows[0] if found.rows else {}
    country = _names(first, lay.country)[0] if lay.country else None
    if lay.unit.pcode == "PCODE" and lay.unit.level == 3 and lay.country and _text(first.get(lay.country.pcode)) == "SY":
        return SOURCE
    valid = next((first.get(f) for f in _VALID_ON if isinstance(first.get(f), date)), None)
    return SourceInfo(
        publisher="UN OCHA",
        title=f"{country + ' - ' if country else ''}Subnational Administrative Boundaries (COD-AB), "
              f"{_plural(lay.unit.level)} (admin {lay.unit.level}) ({path.name})",
        published=valid,
        notes=f"Read from {path.name}; the file does not say where it was downloaded: add the HDX COD-AB page "
              "it came from when you cite it. Coarser levels dissolved from its units by P-code; centroids "
              "computed with shapely.",
    )


def boundaries(found: Records, source: SourceInfo, sheet: str, digits: int = DIGITS,
               kind: str = KIND) -> ReadResult:
    """The staged locations and location_shapes rows of a COD-AB file, whatever its format."""
    lay = found.layout
    places, outlines = _staged(units(found), source.source_id, sheet, digits, lay.unit.level)
    name_field = lay.unit.names.get("en") or lay.unit.ref or next(iter(lay.unit.names.values()), "name_en")
    parent = lay.parent_of(lay.unit.level)
    columns = {"pcode": lay.unit.pcode, "name_en": name_field,
               "parent_pcode": parent.pcode if parent else lay.parent_field or "parent_pcode"}
    if "ar" in lay.unit.names:
        columns["name_ar"] = lay.unit.names["ar"]
    return ReadResult(kind, [
        Staged("locations", pd.DataFrame(places), columns),
        Staged("location_shapes", pd.DataFrame(outlines), {"pcode": lay.unit.pcode}),
    ], [source], list(found.notes))


# ------------------------------------------------------------------ shapefile
def part(path: Path, suffix: str) -> Path | None:
    """A shapefile's sidecar whatever the case of its suffix (`.CPG`, `.DBF` as ArcGIS writes them)."""
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    wanted = (path.stem + suffix).lower()
    return next((p for p in path.parent.glob(path.stem + ".*") if p.name.lower() == wanted), None)


def _encoding(path: Path) -> str:
    cpg = part(path, ".cpg")
    text = cpg.read_text(encoding="ascii", errors="ignore").strip() if cpg else ""
    return {"utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8"}.get(text.lower(), text or "utf-8")


def _shapefile(path: Path, encoding: str | None = None):
    import shapefile

    missing = [s for s in (".shx", ".dbf") if part(path, s) is None]
    if missing:
        raise ReadError(path, f"the shapefile's {' and '.join(missing)} file is missing next to it")
    try:
        return shapefile.Reader(shp=open(path, "rb"), shx=open(part(path, ".shx"), "rb"),
                                dbf=open(part(path, ".dbf"), "rb"), encoding=encoding or _encoding(path))
    except Exception as exc:
        raise ReadError(path, f"not a readable shapefile ({exc.__class__.__name__}: {exc})") from exc


def _check_prj(path: Path) -> None:
    prj = part(path, ".prj")
    text = prj.read_text(encoding="ascii", errors="ignore") if prj else ""
    if text.lstrip().upper().startswith("PROJCS"):
        name = re.match(r'\s*PROJCS\["([^"]*)"', text, re.I)
        raise ReadError(path, f"coordinates are projected ({name.group(1) if name else 'PROJCS'} in the .prj); "
                              "lon/lat WGS84 (EPSG:4326) expected: reproject it, or download the WGS84 file")


def shapefile_fields(path: Path) -> list[str]:
    reader = _shapefile(path)
    try:
        return [f[0] for f in reader.fields[1:]]
    finally:
        reader.close()


def _shapefile_records(path: Path) -> Records:
    _check_prj(path)
    encoding = _encoding(path)
    for attempt in (encoding, "latin-1"):  # a .dbf without .cpg that is not UTF-8: read, never refused
        reader = _shapefile(path, attempt)
        try:
            fields = [f[0] for f in reader.fields[1:]]
            items = list(reader.iterShapeRecords())
            break
        except UnicodeDecodeError:
            if attempt == "latin-1":
                raise
        finally:
            reader.close()
    found = records(path, fields, [i.record.as_dict() for i in items],
                    [shape(i.shape.__geo_interface__) if i.shape.shapeType != 0 else None for i in items],
                    where=f"the .dbf ({part(path, '.dbf').name})")
    if attempt != encoding:
        found.notes.append(f"the .dbf is not {encoding}: its text was read as latin-1 (add a .cpg naming its encoding)")
    return found


def subdistricts(path: Path) -> Records:
    """The records of a COD-AB shapefile (or the project's derived GeoJSON) and their layout."""
    return _shapefile_records(path) if path.suffix.lower() == ".shp" else _geojson_records(path)


# ------------------------------------------------------------------ GeoJSON
def _collection(path: Path) -> dict:
    from etl.sources.base import read_json

    data = read_json(path, MAX_GEOJSON_BYTES)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise ReadError(path, "not a GeoJSON FeatureCollection")
    return data


def _is_derived(data: dict) -> bool:
    return (data.get("metadata") or {}).get("format") == DERIVED_FORMAT


def _property_names(features: list[dict]) -> list[str]:
    return list(dict.fromkeys(n for f in features[:50] for n in (f.get("properties") or {})))


def _geojson_records(path: Path) -> Records:
    data = _collection(path)
    features = data["features"]
    if _is_derived(data):
        return _derived_records(data, features)
    return records(path, _property_names(features), [f.get("properties") or {} for f in features],
                   [shape(f["geometry"]) if f.get("geometry") else None for f in features], where="the properties",
                   sheet="features")




def _derived_records(data: dict, features: list[dict]) -> Records:
    """The project's derived files: one level per file, named by `admin_level`, parents given."""
    level = next((int(f["properties"]["admin_level"]) for f in features if (f.get("properties") or {}).get("admin_level") is not None), 3)
    lay = Layout(Level(level, "pcode", {"en": "name_en", "ar": "name_ar"}), (), None, "parent_pcode")
    rows = [{**(f.get("properties") or {}), "geometry": shape(f["geometry"]) if f.get("geometry") else None, "row": n}
            for n, f in enumerate(features, start=1)]
    return Records(rows, lay, [])


def _source_from(metadata: dict) -> SourceInfo:
    if not metadata.get("publisher"):
        return SOURCE
    published = metadata.get("published")
    return SourceInfo(publisher=metadata["publisher"], title=metadata.get("title") or SOURCE.title,
                      url=metadata.get("url"), licence=metadata.get("licence"),
                      published=date.fromisoformat(published) if published else None, notes=metadata.get("notes"))


def _looks_like_geojson(path: Path) -> bool:
    """Cheap: a FeatureCollection whose head names a COD-AB field (a big unrelated JSON is not parsed)."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    return b"Feature" in head and (DERIVED_FORMAT.encode() in head or re.search(
        rb'"(ADM\d_PCODE|A\dCode|admin\d_?Pcode|PCODE)"', head, re.I) is not None)


# ------------------------------------------------------------------ the reader
def read(path: Path) -> ReadResult:
    if path.suffix.lower() == ".shp":
        found = _shapefile_records(path)
        return boundaries(found, source_of(path, found), part(path, ".dbf").name)
    data = _collection(path)
    if _is_derived(data):
        found = _derived_records(data, data["features"])
        return boundaries(found, _source_from(data.get("metadata") or {}), "features", 6)
    found = _geojson_records(path)
    return boundaries(found, source_of(path, found), "features")


def score(path: Path) -> Score:
    """The same test of the fields read() makes: what explain shows is what load does."""
    suffix = path.suffix.lower()
    if suffix == ".shp":
        try:
            fields = shapefile_fields(path)
        except ReadError as exc:
            return Score(KIND, 0.0, [], [str(exc).split(": ", 1)[-1]])
        return fit(fields, f"the .dbf ({(part(path, '.dbf') or path).name})")
    if not _looks_like_geojson(path):
        return Score(KIND, 0.0, [], ["a GeoJSON FeatureCollection with COD-AB properties (ADM{n}_PCODE …)"])
    try:
        data = _collection(path)
    except ReadError as exc:
        return Score(KIND, 0.0, [], [str(exc).split(": ", 1)[-1]])
    if _is_derived(data):
        return Score(KIND, 1.0, [f"metadata.format {DERIVED_FORMAT}"], [], "metadata")
    return fit(_property_names(data["features"]), "the features' properties")


def detect(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and score(path).fits


def priority(path: Path) -> int:
    """Boundaries load first (after map layers): every later file refers to their P-codes."""
    return 7


def iter_sidecars(path: Path) -> Iterator[Path]:
    """The files that belong to a shapefile (read with it, never loaded on their own)."""
    for suffix in SIDECARS:
        found = part(path, suffix)
        if found:
            yield found
