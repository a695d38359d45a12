"""What a recipe says, checked when it is read (a typo in a recipe is an error, not a silent no-match).

The TOML layout (every key but [recipe] kind/table and [citation] publisher/title is optional):

    [recipe]    kind, description, table, suffixes, priority (lower wins when several of a folder's
                recipes fit a file), sheets (name patterns), notes, drafted_from (the file `recipe check` tries)
    [citation]  publisher, title, url, licence, published, notes, synthetic (true: invented figures, labelled so)
    [header]    find = ["year", "country*asylum*|country*residence*"]   (loose patterns)
                row = 3                                                 (1-based, when fixed)
    [json]      records = "*.data.timeseries"   (JSON: where the records are; `*` = every key)
    [columns]   tidy field = {match = [patterns], map = "country" | "governorate" | "pcode" | "text"
                              | "population_type" (UNHCR's codes REF, ASY, IDP ... and names),
                              hxl = "#hashtag"}
    [constants] tidy field = "value"  ("{column}" in the text: the melted column's name)
    [period]    date = [...] | start/end = [...] | year = [...] (+ month = [...]) | reference_date
                | from_column_name = true;  stock = true (a year or month is its last day) / false (the
                whole year or month); stock is required with year, month, from_column_name, and read
                when a date column holds years or months only
    [melt]      value = "tidy field"; name = "tidy field" (gets the column name); map; min;
                exclude = [patterns]; unlocated = [...]; [[melt.columns]] match/hxl/value
    [cells]     none = ["blank", "dash", "zero", "*", ...]; suppressed = ["*"]; dash = "zero"|"none"
    [notes_when_shared]  tidy field = "reported by {name}"
    [locations] governorates = true   (emit the governorates referred to)
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from etl.sources.headers import key
from etl.specs import TABLES

MAPS = ("text", "country", "governorate", "pcode", "figure_type", "population_type")
CELL_TOKENS = ("blank", "dash", "zero")


# Every key a recipe may hold, by section (the parser refuses any other; docs/loading-data.md shows each)
KEYS = {
    "recipe": {"kind", "description", "table", "suffixes", "priority", "sheets", "notes", "drafted_from"},
    "citation": {"publisher", "title", "url", "licence", "published", "notes", "synthetic"},
    "header": {"find", "row"},
    "json": {"records"},
    "columns": {"match", "map", "hxl"},
    "period": {"date", "start", "end", "year", "month", "reference_date", "from_column_name", "stock"},
    "melt": {"value", "name", "map", "min", "exclude", "unlocated", "columns"},
    "cells": {"none", "suppressed", "dash", "thousands", "decimal"},
    "constants": set(), "notes_when_shared": set(), "locations": {"governorates"}, "indicators": set(),
}


class RecipeError(ValueError):
    """A recipe that cannot be used as written."""


def loose(text: object) -> str:
    """Header text compared loosely (etl.sources.headers.key), `*` kept for patterns."""
    return key(text, wildcards=True)


def matches(name: object, pattern: str) -> bool:
    """Does a header cell fit a pattern? `a|b` alternatives, `*` wildcards, case and punctuation ignored."""
    return _matches(loose(name), pattern)


@lru_cache(maxsize=1 << 16)
def _matches(keyed: str, pattern: str) -> bool:
    """Cached: detection asks every recipe about the same header cells (seconds per file before)."""
    if not keyed:
        return False
    return any(fnmatch.fnmatchcase(keyed, loose(p)) for p in pattern.split("|") if loose(p))


@dataclass(frozen=True)
class FieldSpec:
    """A tidy field read from a file column."""

    name: str
    match: tuple[str, ...]
    map: str = "text"
    hxl: str = ""


@dataclass(frozen=True)
class MeltColumn:
    """One wide column that melts into rows: which column, and the value its name stands for."""

    match: tuple[str, ...]
    hxl: str = ""
    value: str = ""


@dataclass(frozen=True)
class Melt:
    value: str                       # the tidy field each cell goes to
    name: str = ""                   # the tidy field the column's name goes to
    map: str = "text"
    min: int = 1
    exclude: tuple[str, ...] = ()
    unlocated: tuple[str, ...] = ()
    columns: tuple[MeltColumn, ...] = ()   # empty: every column not used by a field


@dataclass(frozen=True)
class Period:
    date: tuple[str, ...] = ()
    start: tuple[str, ...] = ()
    end: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    month: tuple[str, ...] = ()
    reference_date: date | None = None
    from_column_name: bool = False
    stock: bool | None = None       # None: not stated (refused wherever a year or a month is the period)

    @property
    def patterns(self) -> tuple[str, ...]:
        return self.date + self.start + self.end + self.year + self.month


@dataclass(frozen=True)
class Cells:
    none: tuple[str, ...] = ("blank",)
    suppressed: tuple[str, ...] = ()
    dash: str = "none"
    thousands: str = ""     # the file's thousands separator (etl.recipes.numbers), default ','
    decimal: str = ""       # its decimal mark, default '.'


@dataclass(frozen=True)
class Recipe:
    kind: str
    table: str
    description: str
    citation: dict
    suffixes: tuple[str, ...] = (".csv", ".xlsx")
    priority: int = 50
    sheets: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    header_find: tuple[str, ...] = ()
    header_row: int | None = None
    json_records: str = ""
    fields: tuple[FieldSpec, ...] = ()
    constants: dict = field(default_factory=dict)
    period: Period | None = None
    melt: Melt | None = None
    cells: Cells = Cells()
    notes_when_shared: dict = field(default_factory=dict)
    emit_governorates: bool = False
    routes: tuple[tuple[str, str, str], ...] = ()   # (indicator pattern, table, figure or population type)
    origin: Path | None = None
    drafted_from: str = ""          # the file `recipe draft` wrote it from: `recipe check` dry-runs it
    sha256: str = ""                # of the recipe file's text: a corrected recipe is a new load of a file


def _patterns(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise RecipeError(f"{where}: expected a text or a list of texts, got {value!r}")


def _known(section: dict, allowed: set[str], where: str) -> None:
    unknown = set(section) - allowed
    if unknown:
        raise RecipeError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(allowed))})")


def _field(name: str, spec, table: str, where: str) -> FieldSpec:
    if isinstance(spec, (str, list)):
        spec = {"match": spec}
    _known(spec, KEYS["columns"], f"{where} [columns.{name}]")
    if name not in TABLES[table].names:
        raise RecipeError(f"{where} [columns]: {name!r} is not a column of {table} ({', '.join(TABLES[table].names)})")
    if spec.get("map", "text") not in MAPS:
        raise RecipeError(f"{where} [columns.{name}]: map must be one of {', '.join(MAPS)}")
    return FieldSpec(name, _patterns(spec.get("match"), where), spec.get("map", "text"), spec.get("hxl", ""))


def _melt(spec: dict, table: str, where: str) -> Melt:
    _known(spec, KEYS["melt"], f"{where} [melt]")
    for key in ("value", "name"):
        if spec.get(key) and spec[key] not in TABLES[table].names:
            raise RecipeError(f"{where} [melt]: {key} {spec[key]!r} is not a column of {table}")
    if "value" not in spec:
        raise RecipeError(f"{where} [melt]: say which field the cells go to (value = ...)")
    columns = tuple(MeltColumn(_patterns(c.get("match"), where), c.get("hxl", ""), str(c.get("value", "")))
                    for c in spec.get("columns", []))
    return Melt(spec["value"], spec.get("name", ""), spec.get("map", "text"), int(spec.get("min", 1)),
                _patterns(spec.get("exclude"), where), tuple(loose(u) for u in spec.get("unlocated", [])), columns)


def _period(spec: dict, where: str) -> Period:
    _known(spec, KEYS["period"], f"{where} [period]")
    ref = spec.get("reference_date")
    if isinstance(ref, str):
        try:
            ref = date.fromisoformat(ref)
        except ValueError as exc:
            raise RecipeError(f"{where} [period]: reference_date {ref!r} is not YYYY-MM-DD") from exc
    stock = spec.get("stock")
    if stock is not None and not isinstance(stock, bool):
        raise RecipeError(f"{where} [period]: stock must be true or false, not {stock!r}")
    period = Period(*(_patterns(spec.get(k), where) for k in ("date", "start", "end", "year", "month")),
                    reference_date=ref, from_column_name=bool(spec.get("from_column_name", False)), stock=stock)
    if stock is None and (period.year or period.from_column_name):
        raise RecipeError(f"{where} [period]: {STOCK_QUESTION}")
    return period


STOCK_QUESTION = ("a year or a month is a period, not a day: say which the figures are, "
                  "stock = true (people present at its end: the figure is dated its last day) or "
                  "stock = false (a flow counted over the whole year or month: arrivals, deaths, applications)")


ROUTED = {"displacement": ("figure_type", "individuals", "destination_pcode")}


def _routes(spec: dict, table: str, where: str) -> tuple[tuple[str, str, str], ...]:
    """[indicators] "pattern" = "displacement:idp_stock": rows of an indicators file that are a fact table's figures."""
    if spec and table != "indicators":
        raise RecipeError(f"{where} [indicators]: only a recipe with table = \"indicators\" routes indicators")
    out = []
    for pattern, target in spec.items():
        target_table, _, figure = str(target).partition(":")
        if target_table not in ROUTED or not figure:
            raise RecipeError(f"{where} [indicators]: {pattern!r} = {target!r}: use \"displacement:<figure type>\"")
        out.append((pattern, target_table, figure))
    return tuple(out)


def _no_todo(node, where: str, path: str = "") -> None:
    """A draft's TODO left in place is refused: nothing loads with a guessed citation or date."""
    if isinstance(node, dict):
        for k, v in node.items():
            _no_todo(v, where, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for v in node:
            _no_todo(v, where, path)
    elif isinstance(node, str) and node.strip().upper().startswith("TODO"):
        raise RecipeError(f"{where}: {path} still says {node!r}; edit the draft before using it")


def _number_format(cells: dict, where: str) -> None:
    """[cells] thousands and decimal: one character each, and not the same one (etl.recipes.numbers)."""
    from etl.recipes.numbers import DECIMALS, THOUSANDS

    thousands, decimal = cells.get("thousands", ""), cells.get("decimal", "")
    if thousands and thousands not in THOUSANDS:
        raise RecipeError(f"{where} [cells]: thousands must be one of {', '.join(map(repr, THOUSANDS))}, not {thousands!r}")
    if decimal and decimal not in DECIMALS:
        raise RecipeError(f"{where} [cells]: decimal must be \".\" or \",\", not {decimal!r}")
    if thousands and thousands == decimal:
        raise RecipeError(f"{where} [cells]: thousands and decimal are both {thousands!r}; say which is which")


def parse_recipe(data: dict, origin: Path | None = None) -> Recipe:
    """A Recipe from parsed TOML, every key checked."""
    where = origin.name if origin else "recipe"
    _no_todo(data, where)
    _known(data, set(KEYS), where)
    head = data.get("recipe", {})
    _known(head, KEYS["recipe"], f"{where} [recipe]")
    for key in ("kind", "table"):
        if not head.get(key):
            raise RecipeError(f"{where} [recipe]: {key} is required")
    table = head["table"]
    if table not in TABLES:
        raise RecipeError(f"{where} [recipe]: table {table!r} is not one of {', '.join(TABLES)}")
    citation = data.get("citation", {})
    _known(citation, KEYS["citation"], f"{where} [citation]")
    if not isinstance(citation.get("synthetic", False), bool):
        raise RecipeError(f"{where} [citation]: synthetic must be true or false, not {citation['synthetic']!r}")
    if not (citation.get("publisher") and citation.get("title")):
        raise RecipeError(f"{where} [citation]: publisher and title are required (every figure is cited)")
    header = data.get("header", {})
    _known(header, KEYS["header"], f"{where} [header]")
    for name in data.get("constants", {}):
        if name not in TABLES[table].names:
            raise RecipeError(f"{where} [constants]: {name!r} is not a column of {table}")
    cells = data.get("cells", {})
    _known(cells, KEYS["cells"], f"{where} [cells]")
    _number_format(cells, where)
    _known(data.get("locations", {}), KEYS["locations"], f"{where} [locations]")
    if cells.get("dash", "none") not in ("zero", "none"):
        raise RecipeError(f"{where} [cells]: dash must be \"zero\" or \"none\", not {cells['dash']!r}")
    if not isinstance(head.get("priority", 50), int):
        raise RecipeError(f"{where} [recipe]: priority must be a whole number (lower wins), not {head['priority']!r}")
    return Recipe(
        kind=head["kind"], table=table, description=head.get("description", head["kind"]), citation=citation,
        suffixes=tuple(s.lower() for s in head.get("suffixes", [".csv", ".xlsx"])),
        priority=int(head.get("priority", 50)), sheets=_patterns(head.get("sheets"), where),
        notes=_patterns(head.get("notes"), where),
        header_find=_patterns(header.get("find"), where), header_row=header.get("row"),
        json_records=data.get("json", {}).get("records", ""),
        fields=tuple(_field(n, s, table, where) for n, s in data.get("columns", {}).items()),
        constants={k: str(v) for k, v in data.get("constants", {}).items()},
        period=_period(data["period"], where) if "period" in data else None,
        melt=_melt(data["melt"], table, where) if "melt" in data else None,
        cells=Cells(_patterns(cells.get("none", ["blank"]), where), _patterns(cells.get("suppressed"), where),
                    cells.get("dash", "none"), cells.get("thousands", ""), cells.get("decimal", "")),
        notes_when_shared=dict(data.get("notes_when_shared", {})),
        emit_governorates=bool(data.get("locations", {}).get("governorates", False)),
        routes=_routes(data.get("indicators", {}), table, where),
        origin=origin, drafted_from=str(head.get("drafted_from", "")),
    )
