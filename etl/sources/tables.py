"""Every file the loader reads, as tables of rows (a header row, then value rows).

Why one module: a recipe reads its table from a CSV, a workbook, a JSON file's
records, a shapefile's, GeoPackage's or GeoJSON's attributes, or an R data
frame; `recipe draft` must see exactly the rows the recipe will read, so both
call `file_tables()`. A table is keyed by its sheet, layer, R object or JSON
records path (None for a CSV).
"""
from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from etl.sources.base import ReadError, read_json

MAX_JSON_BYTES = 200 * 2**20
GEOJSON_RECORDS = "features.*.properties"


def file_tables(path: Path, limit: int | None = None, records: str | None = None) -> dict[str | None, list[list]]:
    """The file's tables as rows; `limit` rows each (None: all); `records`: where a JSON file's records are."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from etl.sources.tabular import csv_head, csv_rows

        return {None: csv_head(path, limit) if limit else csv_rows(path)}
    if suffix in (".json", ".geojson", ".topojson"):
        where = records if records is not None else records_path(read_json(path, MAX_JSON_BYTES))
        rows = json_rows(path, where)
        return {where or "records": rows[: limit + 1] if limit else rows}
    if suffix == ".shp":
        return {path.stem: _shapefile_rows(path, limit)}
    if suffix == ".zip":
        from etl.sources.zipped_shapefile import _extract

        with tempfile.TemporaryDirectory(prefix="displacement-zip-") as folder:
            shp = _extract(path, Path(folder))
            return {path.stem: _shapefile_rows(shp, limit)}
    if suffix == ".gpkg":
        return _geopackage_rows(path, limit)
    if suffix in (".rda", ".rdata"):
        return _r_rows(path, limit)
    from etl.sources.workbook import workbook_rows

    return {name: [list(r) for r in rows] for name, rows in workbook_rows(path, limit).items()}


# ------------------------------------------------------------------ JSON
def records_path(data: object) -> str:
    """Where the most records (objects in a list) are, as a recipe's `[json] records` path.

    A dict whose keys are numbers (`{"0": {...}, "1": {...}}`, UNHCR's portal) is walked with `*`;
    a GeoJSON's records are its features' properties.
    """
    best: tuple[int, int, str] = (0, 0, "")

    def walk(node: object, path: list[str]) -> None:
        nonlocal best
        if len(path) > 6:
            return
        if isinstance(node, list):
            objects = [n for n in node if isinstance(n, dict)]
            if objects:
                here = ".".join(path)
                if all(isinstance(o.get("properties"), dict) for o in objects[:20]):
                    here = ".".join([*path, "*", "properties"])
                if (len(objects), -len(path)) > best[:2]:
                    best = (len(objects), -len(path), here)
                walk(objects[0], [*path, "*"])
        elif isinstance(node, dict):
            if node and all(str(k).isdigit() for k in node) and all(isinstance(v, dict) for v in node.values()):
                for value in list(node.values())[:1]:
                    walk(value, [*path, "*"])
                if (len(node), -len(path)) > best[:2]:
                    best = (len(node), -len(path), ".".join([*path, "*"]))
                return
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    walk(value, [*path, str(key)])
    walk(data, [])
    return best[2]


def _flat(record: dict, prefix: str = "") -> dict:
    """A record with the fields of its nested objects as `parent.field` columns (a list's first object).

    Why: the data portal puts what a figure counts one level down (`population_groups[0].pop_type_code`);
    a recipe names it `population_groups.pop_type_code` (or loosely `*poptypecode`).
    """
    out = {}
    for k, v in record.items():
        name = f"{prefix}{k}"
        if isinstance(v, list) and v and isinstance(v[0], dict):
            v = v[0]
        if isinstance(v, dict):
            out.update(_flat(v, f"{name}."))
        elif not isinstance(v, list):
            out[name] = v
    return out


def json_rows(path: Path, records: str) -> list[list]:
    """Records found at a dotted path (`*` = every key or item) as a header row and value rows.

    Scalar fields of the objects on the way down are carried into each record
    (the location a time series belongs to, for instance).
    """
    data = read_json(path, MAX_JSON_BYTES)
    found: list[dict] = []

    def walk(node, steps: list[str], inherited: dict) -> None:
        if isinstance(node, dict):
            inherited = {**inherited, **{k: v for k, v in node.items() if not isinstance(v, (dict, list))}}
        if not steps:
            items = node if isinstance(node, list) else [node]
            found.extend({**inherited, **_flat(item)} for item in items if isinstance(item, dict))
            return
        step, rest = steps[0], steps[1:]
        if step == "*":
            children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
            for child in children:
                walk(child, rest, inherited)
        elif isinstance(node, dict) and step in node:
            walk(node[step], rest, inherited)

    walk(data, [s for s in records.split(".") if s], {})
    header = list(dict.fromkeys(k for record in found for k in record))
    return [header] + [[record.get(k) for k in header] for record in found]


# ------------------------------------------------------------------ attributes of boundary files, R frames
def _shapefile_rows(path: Path, limit: int | None) -> list[list]:
    from etl.sources.cod_ab import _shapefile

    reader = _shapefile(path)
    try:
        header = [f[0] for f in reader.fields[1:]]
        rows = []
        for number, record in enumerate(reader.iterRecords()):
            if limit and number >= limit:
                break
            rows.append(list(record))
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"the .dbf text is not in the encoding its .cpg names ({exc.reason})") from exc
    finally:
        reader.close()
    return [header, *rows]


def _geopackage_rows(path: Path, limit: int | None) -> dict[str | None, list[list]]:
    import pyogrio.raw

    from etl.sources.geopackage import _fail, _layers

    out: dict[str | None, list[list]] = {}
    for layer, _fields in _layers(path):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                meta, _fids, _geometry, columns = pyogrio.raw.read(path, layer=layer, read_geometry=False,
                                                                   max_features=limit)
        except Exception as exc:
            raise _fail(path, exc, layer) from exc
        header = [str(f) for f in meta["fields"]]
        out[layer] = [header, *[list(values) for values in zip(*columns)]]
    return out


def _r_rows(path: Path, limit: int | None) -> dict[str | None, list[list]]:
    import pyreadr

    try:
        objects = pyreadr.read_r(str(path))
    except Exception as exc:  # noqa: BLE001 - pyreadr raises its own and C errors
        raise ReadError(path, f"not a readable R data file ({exc.__class__.__name__})") from exc
    out: dict[str | None, list[list]] = {}
    for name, frame in objects.items():
        part = frame.head(limit) if limit else frame
        out[name] = [[str(c) for c in frame.columns], *part.astype(object).where(part.notna(), None).values.tolist()]
    return out
