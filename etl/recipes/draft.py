"""`python -m etl recipe draft FILE`: a first recipe for a file no recipe fits, for the officer to edit.

It guesses from the header (found as the first row of mostly text cells), the
HXL hashtags under it and the column names: a date or year/month column gives
the period, country columns give ISO3 codes, P-code columns give places,
governorate-named columns or population-type columns melt into rows. Every
guess it cannot make is written as TODO, and a recipe with a TODO left in its
citation is refused, so nothing loads uncited.
"""
from __future__ import annotations

from pathlib import Path

from etl.recipes.model import matches
from etl.sources.headers import is_hxl_row
from etl.sources.syria_admin import governorate_pcode
from etl.sources.tabular import csv_head
from etl.sources.workbook import workbook_rows

POPULATION = (("returnedrefugees*", "returned_refugees"), ("returnedidps*", "returned_idps"), ("refugees*", "refugees"),
              ("asylumseekers*", "asylum_seekers"), ("internallydisplaced*|idps*", "idps"),
              ("stateless*", "stateless"), ("othersofconcern*", "others_of_concern"))
VALUE_NAMES = "value|individuals|persons|people|number|count|figure|deaths|killed|total"


def _header(rows: list) -> int:
    """The first row with the most text cells (numbers are data, not names)."""
    def texts(row) -> int:
        return sum(1 for c in row if isinstance(c, str) and c.strip() and not c.strip().replace(".", "").isdigit())
    counts = [texts(r) for r in rows[:30]]
    return counts.index(max(counts)) if counts and max(counts) >= 2 else 0


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(items) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def draft(path: Path, kind: str | None = None) -> str:
    """The TOML text of a draft recipe for this file."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        sheets = {None: csv_head(path)}
    else:
        sheets = {s: r for s, r in workbook_rows(path, 40).items() if r}
    sheet, rows = max(sheets.items(), key=lambda item: len(item[1]))
    index = _header(rows)
    header = [str(c).strip() for c in rows[index] if c is not None and str(c).strip()]
    hxl = [str(c) for c in rows[index + 1]] if index + 1 < len(rows) and is_hxl_row(rows[index + 1]) else []
    used: set[str] = set()

    def first(pattern: str) -> str | None:
        found = next((c for c in header if c not in used and matches(c, pattern)), None)
        if found:
            used.add(found)
        return found

    date = first("day|date|*date|reportdate|asof*|period*")
    year, month = first("year*"), first("month*")
    asylum = first("country*asylum*|country*residence*|asylum*|countryofasylum*|country")
    origin = first("origin*|countryoforigin*")
    pcode = first("*pcode*|*pcod*|admin*code*|adm*code*")
    governorates = [c for c in header if c not in used and governorate_pcode(c)]
    population = [(c, value) for c in header for pattern, value in POPULATION if matches(c, pattern)]
    population = [(c, v) for i, (c, v) in enumerate(population) if v not in {w for _, w in population[:i]}]
    name_text = (path.stem + " " + " ".join(header)).lower()
    if asylum or origin or population:
        table, value_field = "refugees", "persons"
    elif any(w in name_text for w in ("death", "killed", "casualt", "fatalit")):
        table, value_field = "casualties", "deaths_best"
    else:
        table, value_field = "displacement", "individuals"
    value = None if governorates or population else first(VALUE_NAMES)
    kind = kind or path.stem.lower().replace(" ", "-").replace("_", "-")
    out = [
        f"# Draft recipe for {path.name}, written by `python -m etl recipe draft`. Check every line, fill in",
        "# each TODO, save it in your recipe folder (data/recipes/ or --recipes DIR) and load the file again.",
        "# `python -m etl load FILE --explain` shows whether it fits; `--dry-run` what would load.",
        "[recipe]",
        f"kind = {_q(kind)}",
        f"description = {_q('TODO: what these files are (' + path.name + ')')}",
        f'table = "{table}"   # one of: displacement, refugees, casualties, camps, camp_population, events, locations',
        f"suffixes = {_list(['.csv', '.xlsx'])}",
    ]
    if sheet:
        out.append(f"sheets = {_list([sheet])}")
    out += ["", "[citation]", 'publisher = "TODO: who published the figures"',
            f"title = {_q('TODO: the title of the dataset (' + path.name + ')')}", 'url = "TODO: where it was downloaded"', ""]
    find = [c for c in (date, year, month, asylum, origin, pcode, value) if c]
    out += ["[header]", f"find = {_list(find or header[:2])}   # the header is the row holding these (loosely)", ""]
    columns = []
    if asylum:
        columns.append(f'asylum_iso3 = {{ match = {_list([asylum])}, map = "country" }}')
    if origin:
        columns.append(f'origin_iso3 = {{ match = {_list([origin])}, map = "country" }}')
    if pcode:
        target = {"casualties": "location_pcode", "displacement": "destination_pcode"}.get(table)
        if target:
            columns.append(f'{target} = {{ match = {_list([pcode])}, map = "pcode" }}')
    if value:
        columns.append(f"{value_field} = {{ match = {_list([value])} }}")
    if columns:
        out += ["[columns]", *columns, ""]
    if date:
        out += ["[period]", f"date = {_list([date])}", ""]
    elif year:
        out += ["[period]", f"year = {_list([year])}"] + ([f"month = {_list([month])}"] if month else
                                                            ["stock = true   # a year's figure is as of 31 December"]) + [""]
    else:
        out += ["[period]", 'reference_date = "TODO: YYYY-MM-DD the figures are as of"', ""]
    if governorates:
        out += ["[melt]", f'value = "{value_field}"',
                f'name = "{"location_pcode" if table == "casualties" else "destination_pcode"}"',
                'map = "governorate"', "min = 3", 'exclude = ["total*", "sum*"]', "", "[locations]", "governorates = true", ""]
    elif population:
        out += ["[melt]", f'value = "{value_field}"', 'name = "population_type"', "columns = ["]
        out += [f"  {{ match = {_list([c])}, value = {_q(v)} }}," for c, v in population]
        out += ["]", ""]
    constants = {"casualties": 'category = "all"', "refugees": None if population else
                 'population_type = "TODO: refugees, asylum_seekers, asylum_applications, ..."',
                 "displacement": 'figure_type = "TODO: idp_stock, arrivals, returns, newly_displaced, ..."'}[table]
    if constants:
        out += ["[constants]", constants, ""]
    out += ["[cells]", 'none = ["blank"]        # empty, NA, - : no figure, no row', 'suppressed = ["*"]      # kept as a reject', ""]
    if hxl:
        out.insert(3, "# HXL hashtags under the header: " + " ".join(h for h in hxl if h and h != "None"))
    return "\n".join(out)
