"""The column mapper's back end: a recipe from the choices a data officer makes in the browser.

The officer page (dashboard/column_mapper.py) asks for the sheet, the header row,
which file column holds which warehouse field, the figure type and the date; this
module turns those choices into the same TOML a person would write, previews what
would load and be rejected, and saves the recipe where the next load and refresh
find it. No Streamlit here: the page only renders.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from etl.recipes.model import Recipe, parse_recipe
from etl.recipes.reader import RecipeReader
from etl.sources.base import ReadOptions
from etl.sources.tabular import csv_head
from etl.sources.workbook import workbook_rows
from etl.specs import TABLES
from etl.validate import Context, validate

# what each table needs from the officer: the fields to map, and the constant that says what is counted
MAPPABLE = {
    "displacement": (("destination_pcode", "origin_pcode", "individuals", "note"), "figure_type"),
    "refugees": (("asylum_iso3", "origin_iso3", "persons", "note"), "population_type"),
    "casualties": (("location_pcode", "deaths_best", "deaths_low", "deaths_high", "note"), "category"),
    "indicators": (("indicator", "value", "location_pcode", "unit", "note"), None),
}
COUNTRY_FIELDS = ("asylum_iso3", "origin_iso3")


@dataclass
class Mapping:
    """The officer's choices for one file."""

    kind: str
    table: str
    publisher: str
    title: str
    url: str = ""
    sheet: str | None = None
    header_row: int = 1
    columns: dict[str, str] = field(default_factory=dict)   # tidy field -> file column
    what: str = ""                                          # figure type / population type / category
    date_column: str = ""
    reference_date: date | None = None


def sheets(path: Path) -> list[str | None]:
    return [None] if path.suffix.lower() == ".csv" else list(workbook_rows(path, 1))


def head(path: Path, sheet: str | None, rows: int = 30) -> list[list[str]]:
    """The first rows of the file (or sheet) as text, for the officer to point at the header."""
    raw = csv_head(path, rows) if sheet is None else workbook_rows(path, rows)[sheet]
    return [["" if c is None else str(c) for c in row] for row in raw[:rows]]


def _exact(name: str) -> str:
    """A pattern that matches this column name only (loose matching still ignores case and spaces)."""
    return re.sub(r"[*|]", "", name)


def recipe_data(m: Mapping) -> dict:
    """The recipe as TOML data (what save() writes)."""
    spec = TABLES[m.table]
    columns = {}
    for name, column in m.columns.items():
        if not column:
            continue
        entry = {"match": [_exact(column)]}
        if name in COUNTRY_FIELDS:
            entry["map"] = "country"
        elif spec.columns[spec.names.index(name)].type == "pcode":
            entry["map"] = "pcode"
        columns[name] = entry
    data = {
        "recipe": {"kind": m.kind, "description": f"Mapped in the browser: {m.title}", "table": m.table,
                   "suffixes": [".csv", ".xlsx"]},
        "citation": {"publisher": m.publisher, "title": m.title} | ({"url": m.url} if m.url else {}),
        "header": {"find": [_exact(c) for c in m.columns.values() if c] + ([_exact(m.date_column)] if m.date_column else [])},
        "columns": columns,
        "cells": {"none": ["blank"], "suppressed": ["*"]},
    }
    if m.sheet:
        data["recipe"]["sheets"] = [m.sheet]
    what = MAPPABLE[m.table][1]
    if what and m.what:
        data["constants"] = {what: m.what}
    if "period_start" in spec.names:
        data["period"] = ({"date": [_exact(m.date_column)]} if m.date_column else
                          {"reference_date": m.reference_date.isoformat()} if m.reference_date else {})
    return data


def build(m: Mapping) -> Recipe:
    return parse_recipe(recipe_data(m), origin=Path(f"{m.kind}.toml"))


def preview(m: Mapping, path: Path, pcodes: set[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows that would load, rows that would be rejected with their reasons) for this mapping."""
    reader = RecipeReader(build(m))
    result = reader.read(path, ReadOptions(sheet=m.sheet, header_row=m.header_row))
    ctx = Context(pcodes=set(pcodes or ()))
    good, bad = [], []
    for staged in result.tables:
        checked = validate(staged, ctx)
        good.append(checked.good)
        bad.append(checked.rejects)
    return (pd.concat(good, ignore_index=True) if good else pd.DataFrame(),
            pd.concat(bad, ignore_index=True) if bad else pd.DataFrame())


def to_toml(data: dict) -> str:
    """TOML text of recipe data (tables of strings, lists of strings, inline tables)."""
    def value(v) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = []
    for section, body in data.items():
        lines += [f"[{section}]"] + [f"{k} = {value(v)}" for k, v in body.items()] + [""]
    return "\n".join(lines)


def save(m: Mapping, folder: Path) -> Path:
    """Write the recipe into the officer's recipe folder (checked by parsing it back first)."""
    build(m)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{re.sub(r'[^a-z0-9-]+', '-', m.kind.lower()).strip('-') or 'recipe'}.toml"
    path.write_text(to_toml(recipe_data(m)), encoding="utf-8")
    return path
