"""`python -m etl recipe draft FILE`: a first recipe for a file no recipe fits, for the officer to edit.

Any file the loader reads (CSV, XLSX, JSON, shapefile / GeoPackage / GeoJSON
attributes, R data) is seen through etl.sources.tables.file_tables, the very
rows a recipe reads. The draft guesses from the header (found as the first row
of mostly text cells), the HXL hashtags under it, the column names AND the
cells: a date column is one whose cells are dates, whatever it is called; the
place is the finest P-code column (admin 3 before admin 1, by its name, else by
the length of its codes); country columns give ISO3 codes; governorate-named or
population-type columns melt into rows.

What the file cannot say is written as a TODO listing the choices (stock or
flow, the reference date, the figure type, the citation); a recipe with a TODO
left is refused, so nothing loads on a guess.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from etl.recipes.model import matches
from etl.sources.base import ReadError
from etl.sources.headers import is_hxl_row
from etl.sources.syria_admin import governorate_pcode
from etl.sources.tables import file_tables
from etl.specs import CASUALTY_CATEGORIES, FIGURE_TYPES, LOCATION_KINDS, POPULATION_TYPES

SAMPLE_ROWS = 200
POPULATION = (("returnedrefugees*", "returned_refugees"), ("returnedidps*", "returned_idps"), ("refugees*", "refugees"),
              ("asylumseekers*", "asylum_seekers"), ("internallydisplaced*|idps*", "idps"),
              ("stateless*", "stateless"), ("othersofconcern*", "others_of_concern"))
VALUE_NAMES = "value|individuals|persons|people|number|count|figure|deaths|killed|total|*individuals|num*ind|num*idp*"
PCODE_NAMES = "*pcode*|*pcod*|admin*code*|adm*code*|a*code"
NAME_NAMES = "*name*en|*name|name*|*_en|adm?en"
TABULAR = (".csv", ".xlsx", ".xlsm")
BOUNDARIES = (".shp", ".zip", ".gpkg", ".geojson")
DATE_TEXT = re.compile(r"^(\d{4}-\d{1,2}(-\d{1,2}([T ][\d:.]+Z?)?)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4}"
                       r"|[A-Za-z]{3,9} \d{1,2},? \d{4})$")
MONTH_TEXT = re.compile(r"^\d{4}[-/]\d{1,2}$")
PCODE_TEXT = re.compile(r"^[A-Z]{2,3}-?[A-Z]?\d[A-Z0-9-]*$")
LEVEL_IN_NAME = re.compile(r"(?:adm(?:in)?|^a)_?(\d)", re.I)


def _hashtags(row) -> bool:
    """An HXL row, even with a note or a non-standard tag in it (most filled cells are hashtags)."""
    filled = [str(c).strip() for c in row if c is not None and str(c).strip()]
    return is_hxl_row(row) or (len(filled) >= 2 and sum(c.startswith("#") for c in filled) >= 0.6 * len(filled))


def _header(rows: list) -> int:
    """The first row with the most text cells (numbers are data, not names)."""
    def texts(row) -> int:
        return sum(1 for c in row if isinstance(c, str) and c.strip() and not c.strip().replace(".", "").isdigit())
    counts = [0 if _hashtags(r) else texts(r) for r in rows[:30]]  # hashtags are not the header
    return counts.index(max(counts)) if counts and max(counts) >= 2 else 0


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(items) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _todo(what: str, choices) -> str:
    return _q(f"TODO: {what}: one of {', '.join(choices)}")


# ------------------------------------------------------------------ what the cells say
def _filled(values: list) -> list:
    return [v for v in values if v is not None and str(v).strip() not in ("", "NA", "N/A", "-", "nan", "None")]


def _share(values: list, test) -> float:
    filled = _filled(values)
    return sum(1 for v in filled if test(v)) / len(filled) if filled else 0.0


def _is_date(value: object) -> bool:
    if isinstance(value, (datetime, date)):
        return True
    return bool(DATE_TEXT.match(str(value).strip()))


def _is_year(value: object) -> bool:
    text = str(value).strip().removesuffix(".0")
    return text.isdigit() and 1900 <= int(text) <= 2100


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return bool(re.fullmatch(r"-?[\d,. ]+", str(value).strip())) and any(c.isdigit() for c in str(value))


def _pcode_level(name: str, values: list) -> tuple[int, float]:
    """How fine a P-code column is: the admin level its name says, then the length of its codes."""
    level = LEVEL_IN_NAME.search(name)
    filled = [str(v).strip() for v in _filled(values)]
    return (int(level.group(1)) if level else -1, sum(map(len, filled)) / len(filled) if filled else 0.0)


def _levels(found: dict[str, tuple[int, float]]) -> dict[str, tuple[int, float]]:
    """Admin levels of P-code columns: by name (ADM2_PCODE), else one finer than every column with shorter codes
    (Syria's PCODE next to ADM2_PCODE is admin 3)."""
    named = {c: (lvl, size) for c, (lvl, size) in found.items() if lvl >= 0}
    out = dict(named)
    for c, (lvl, size) in found.items():
        if lvl < 0:
            shorter = [n for n, s in named.values() if s and s < size]
            out[c] = (max(shorter) + 1 if shorter else -1, size)
    return out


class _Columns:
    """The header's columns with their sample cells, handed out once each."""

    def __init__(self, header: list[str], body: list) -> None:
        self.names = header
        self.cells = {n: [row[i] if i < len(row) else None for row in body] for i, n in enumerate(header) if n}
        self.used: set[str] = set()
        self.levels: dict[str, tuple[int, float]] = {}

    def take(self, name: str | None) -> str | None:
        if name:
            self.used.add(name)
        return name

    def free(self) -> list[str]:
        return [n for n in self.names if n and n not in self.used]

    def named(self, pattern: str) -> str | None:
        return self.take(next((c for c in self.free() if matches(c, pattern)), None))

    def dates(self) -> str | None:
        """The column whose cells are dates (a name saying 'date' first among several)."""
        found = [c for c in self.free() if _share(self.cells[c], _is_date) >= 0.8]
        named = [c for c in found if matches(c, "*date*|day|*period*|asof*")]
        return self.take((named or found or [None])[0])

    def years(self) -> str | None:
        """A column of years: named for a year, or a date or period column whose cells are years only."""
        return self.take(next((c for c in self.free() if matches(c, "*year*|*date*|*period*|asof*")
                               and _share(self.cells[c], _is_year) >= 0.8), None))

    def coarse(self, column: str | None) -> bool:
        """Does a date column hold months ('2020-02') rather than days? Then stock or flow must be asked."""
        return bool(column) and _share(self.cells[column], lambda v: bool(MONTH_TEXT.match(str(v).strip()))) >= 0.5

    def finest_pcode(self) -> tuple[str | None, list[str]]:
        """The finest P-code column, and the coarser ones (finest first): never an origin's."""
        def codes(c: str) -> bool:  # no code in the sample rows: its name alone says it (admin 2 rows come later)
            return not _filled(self.cells[c]) or _share(self.cells[c], lambda v: bool(PCODE_TEXT.match(str(v).strip()))) >= 0.5
        found = [c for c in self.free() if not matches(c, "*origin*") and matches(c, PCODE_NAMES) and codes(c)]
        found = [c for i, c in enumerate(found)  # a copy of another column (HRpcode = A2Code) is not a level
                 if not any(self.cells[c] == self.cells[d] and _filled(self.cells[c]) for d in found[:i])]
        levels = _levels({c: _pcode_level(c, self.cells[c]) for c in found})
        found.sort(key=lambda c: levels[c], reverse=True)
        self.levels = levels
        return (self.take(found[0]) if found else None), found[1:]

    def value(self) -> str | None:
        named = self.named(VALUE_NAMES)
        if named:
            return named
        numeric = [c for c in self.free() if not matches(c, "id|*id|round*|*code*|*year*|*month*|lat*|lon*|shape*")
                   and _share(self.cells[c], _is_number) >= 0.9]
        return self.take(numeric[0] if numeric else None)


# ------------------------------------------------------------------ the draft
def _table(path: Path) -> tuple[str | None, list[list]]:
    tables = {s: r for s, r in file_tables(path, SAMPLE_ROWS).items() if r and any(r[0] or [])}
    if not tables:
        raise ReadError(path, "no table with a header in it to draft a recipe from")
    return max(tables.items(), key=lambda item: len(item[1]))


def draft(path: Path, kind: str | None = None) -> str:
    """The TOML text of a draft recipe for this file (a ReadError if the file cannot be read at all)."""
    path = Path(path)
    suffix = path.suffix.lower()
    sheet, rows = _table(path)
    index = _header(rows) if suffix in TABULAR else 0
    header = [str(c).strip() if c is not None else "" for c in rows[index]]
    hxl = [str(c) for c in rows[index + 1]] if index + 1 < len(rows) and _hashtags(rows[index + 1]) else []
    cols = _Columns(header, rows[index + 1 + bool(hxl):])

    boundaries = suffix in BOUNDARIES
    when = None if boundaries else cols.dates()
    year = None if when or boundaries else cols.years()
    month = cols.named("month*") if year else None
    asylum = cols.named("country*asylum*|country*residence*|asylum*|countryofasylum*|coa|coa*name|coa*iso")
    origin = cols.named("origin*|countryoforigin*|coo|coo*name|coo*iso")
    pcode, coarser = cols.finest_pcode()
    governorates = [c for c in cols.free() if governorate_pcode(c)]
    population = [(c, value) for c in cols.free() for pattern, value in POPULATION if matches(c, pattern)]
    population = [(c, v) for i, (c, v) in enumerate(population) if v not in {w for _, w in population[:i]}]
    name_text = (path.stem + " " + " ".join(header)).lower()
    if asylum or origin or any(v not in ("idps", "returned_idps") for _, v in population):
        table, value_field = "refugees", "persons"
    elif any(w in name_text for w in ("death", "killed", "casualt", "fatalit")):
        table, value_field = "casualties", "deaths_best"
    elif boundaries and pcode:
        table, value_field = "locations", None
    else:
        table, value_field = "displacement", "individuals"
    if table != "refugees":
        population = []  # IDPs at P-coded places are displacement figures, not UNHCR populations by country
    value = None if governorates or population or not value_field else cols.value()
    label = cols.named(NAME_NAMES) if table == "locations" else None
    kind = kind or re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "my-recipe"

    out = [
        f"# Draft recipe for {path.name}, written by `python -m etl recipe draft`. Check every line, fill in",
        "# each TODO (each lists the choices), save it in your recipe folder (data/recipes/ or --recipes DIR) and",
        "# load the file again: `python -m etl load FILE --explain` shows whether it fits; `--dry-run` what would load.",
        "[recipe]",
        f"kind = {_q(kind)}",
        f"drafted_from = {_q(path.resolve())}   # `python -m etl recipe check` dry-runs the recipe on it",
        f"description = {_q('TODO: what these files are (' + path.name + ')')}",
        f'table = "{table}"   # one of: displacement, refugees, casualties, camps, camp_population, events, locations',
        f"suffixes = {_list(['.csv', '.xlsx'] if suffix in TABULAR else [suffix])}",
    ]
    if sheet and suffix in (".xlsx", ".xlsm", ".gpkg"):
        out.append(f"sheets = {_list([sheet])}")
    out += ["", "[citation]", 'publisher = "TODO: who published the figures"',
            f"title = {_q('TODO: the title of the dataset (' + path.name + ')')}", 'url = "TODO: where it was downloaded"', ""]
    if suffix in (".json", ".geojson", ".topojson") and sheet:
        out += ["[json]", f"records = {_q(sheet)}   # where the records are in the file", ""]
    find = [c for c in (when, year, month, asylum, origin, pcode, value, label) if c]
    out += ["[header]", f"find = {_list(find or [c for c in header if c][:2])}   # the header is the row holding these (loosely)", ""]
    out += _columns(table, value_field, asylum, origin, pcode, coarser, value, label, cols)
    if table != "locations":
        out += _period(when, year, month, table, cols.coarse(when))
    if governorates:
        out += ["[melt]", f'value = "{value_field}"',
                f'name = "{"location_pcode" if table == "casualties" else "destination_pcode"}"',
                'map = "governorate"', "min = 3", 'exclude = ["total*", "sum*"]', "", "[locations]", "governorates = true", ""]
    elif population:
        out += ["[melt]", f'value = "{value_field}"', 'name = "population_type"', "columns = ["]
        out += [f"  {{ match = {_list([c])}, value = {_q(v)} }}," for c, v in population]
        out += ["]", ""]
    level = cols.levels[pcode][0] if pcode else -1
    out += _constants(table, population, asylum, origin, pcode or bool(governorates), level)
    out += ["[cells]", 'none = ["blank"]        # empty, NA, - : no figure, no row', 'suppressed = ["*"]      # kept as a reject', ""]
    if hxl:
        out.insert(3, "# HXL hashtags under the header: " + " ".join(h for h in hxl if h and h != "None"))
    return "\n".join(out)


def _columns(table: str, value_field: str | None, asylum, origin, pcode, coarser, value, label, cols: _Columns) -> list[str]:
    columns = []
    if asylum:
        columns.append(f'asylum_iso3 = {{ match = {_list([asylum])}, map = "country" }}')
    if origin:
        columns.append(f'origin_iso3 = {{ match = {_list([origin])}, map = "country" }}')
    if pcode:
        target = {"casualties": "location_pcode", "displacement": "destination_pcode", "locations": "pcode"}.get(table)
        if target:
            why = f"   # the finest P-code column; coarser: {', '.join(coarser)}" if coarser else ""
            columns.append(f'{target} = {{ match = {_list([pcode])}, map = "pcode" }}{why}')
        if table == "locations" and coarser:
            columns.append(f'parent_pcode = {{ match = {_list([coarser[0]])}, map = "pcode" }}')
    if table == "locations":
        columns.append(f"name_en = {{ match = {_list([label or 'TODO: the column of English names'])} }}")
        arabic = cols.named("*ar|*name*ar*")
        if arabic:
            columns.append(f"name_ar = {{ match = {_list([arabic])} }}")
    if value and value_field:
        columns.append(f"{value_field} = {{ match = {_list([value])} }}")
    return ["[columns]", *columns, ""] if columns else []


STOCK_TODO = _q("TODO: true or false: true = each figure is a count at the end of the year or month "
                "(people present: a stock, dated its last day); false = a count over the whole year or month "
                "(arrivals, deaths, applications: a flow)")


def _period(when, year, month, table: str, coarse: bool = False) -> list[str]:
    """The [period] section; whenever a year or a month is the period, stock or flow is asked, never assumed."""
    if when:
        out = ["[period]", f"date = {_list([when])}   # its cells are " + ("months" if coarse else "dates")]
        return out + (["stock = " + STOCK_TODO] if coarse else []) + [""]
    if year:
        out = ["[period]", f"year = {_list([year])}"]
        if month:
            out.append(f"month = {_list([month])}")
        return out + ["stock = " + STOCK_TODO, ""]
    return ["[period]", 'reference_date = "TODO: YYYY-MM-DD, the date the figures are as of (or give '
            '--reference-date when you load)"', ""]


def _constants(table: str, population, asylum, origin, placed, level: int) -> list[str]:
    """What the file does not hold: asked as TODOs with the choices (`placed`: a column gives the place)."""
    constants = []
    if table == "casualties":
        others = ", ".join(c for c in CASUALTY_CATEGORIES if c != "all")
        constants.append(f'category = "all"   # everyone killed; or, if the file counts only some: {others}')
        if not placed:
            constants.append('location_pcode = "TODO: the P-code of the place the figures are about"')
    elif table == "refugees":
        if not population:
            constants.append(f"population_type = {_todo('the population counted', POPULATION_TYPES)}")
        if not origin:
            constants.append('origin_iso3 = "TODO: ISO3 code of the country people fled (SYR, UKR ...)"')
        if not asylum:
            constants.append('asylum_iso3 = "TODO: ISO3 code of the country of asylum"')
    elif table == "displacement":
        constants.append(f"figure_type = {_todo('what the figures count (stock or flow)', FIGURE_TYPES)}")
        if not placed:
            constants.append('destination_pcode = "TODO: the P-code of the place the figures are about"')
    elif table == "locations":
        constants.append(f"kind = {_todo('what the places are', LOCATION_KINDS)}")
        constants.append(f'admin_level = "{level}"   # from the P-code columns' if level >= 0 else
                         'admin_level = "TODO: 0 country, 1, 2, 3 or 4"')
    return ["[constants]", *constants, ""] if constants else []
