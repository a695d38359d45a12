"""A recipe as a reader: finds the table a recipe describes in a file and stages its rows.

Same contract as every reader (etl.sources.base.Reader): rename and cast only,
keep each row's sheet and row number; etl.validate decides what loads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from etl.recipes.model import Melt, Recipe, loose, matches
from etl.recipes.numbers import numbers
from etl.sources.base import ReadError, ReadOptions, ReadResult, Score, SourceInfo, Staged
from etl.sources.cells import SUPPRESSED, is_blank, is_dash
from etl.sources.country_names import iso3
from etl.sources.headers import is_hxl_row
from etl.sources.months import month_span, span, year_end, year_month, year_of, year_start
from etl.sources.syria_admin import PCODE_SOURCE, governorate_pcode, governorate_rows
from etl.sources.tables import file_tables, json_rows
from etl.sources.tabular import csv_head, csv_rows, frame_below_header
from etl.sources.workbook import no_such_sheet, workbook_rows
from etl.specs import TABLES, load_rank

SCAN_ROWS = 200          # a header is looked for in the first rows of each sheet


@dataclass
class _Table:
    """One sheet (or CSV, or JSON record list) with the row its header is on."""

    sheet: str | None
    rows: list
    header: int
    fit: Score


class RecipeReader:
    """Reads the files one recipe describes (see etl.recipes.model for the TOML keys)."""

    def __init__(self, recipe: Recipe) -> None:
        self.recipe = recipe
        self.KIND = recipe.kind
        self.DESCRIPTION = recipe.description
        self.SUFFIXES = recipe.suffixes

    def __repr__(self) -> str:
        return f"<recipe {self.KIND} ({self.recipe.origin})>"

    def priority(self, path: Path) -> int:
        """Load order in a folder (places first), from the table; the recipe's own `priority` key says
        which of several fitting recipes reads a file (etl.recipes._readers), not when it loads."""
        return load_rank(self.recipe.table)

    # ------------------------------------------------------------ finding
    def _sheets(self, path: Path, limit: int | None, options: ReadOptions) -> dict[str | None, list]:
        suffix = path.suffix.lower()
        if suffix == ".csv":
            return {None: csv_head(path, limit) if limit else csv_rows(path)}
        if suffix in (".json", ".geojson", ".topojson"):
            return {self.recipe.json_records or "records": json_rows(path, self.recipe.json_records)}
        if suffix not in (".xlsx", ".xlsm"):  # shapefile, GeoPackage, R data: their attribute tables
            tables = file_tables(path, limit)
            return {s: r for s, r in tables.items() if not self.recipe.sheets
                    or any(matches(str(s), p) or s == p for p in self.recipe.sheets)}
        books = workbook_rows(path, limit)
        if options.sheet:
            if options.sheet not in books:
                raise no_such_sheet(path, options.sheet, books)
            return {options.sheet: books[options.sheet]}
        if self.recipe.sheets:
            return {s: r for s, r in books.items() if any(matches(s, p) or s == p for p in self.recipe.sheets)}
        return books

    def requirements(self) -> list[str]:
        """What a header must hold for this recipe to fit, as the data officer reads it.

        The header's `find` patterns, and every column read() cannot do without: the required warehouse
        fields and the period's columns. So a recipe that fits can be read (one test for --explain and load).
        """
        r = self.recipe
        needed = list(r.header_find)
        spec = TABLES[r.table]
        for f in r.fields:
            if f.match and not set(f.match) & set(needed) and (
                    not r.header_find or spec.columns[spec.names.index(f.name)].required):
                needed.append("|".join(f.match))
        if r.period:
            needed += ["|".join(p) for p in (r.period.date, r.period.start, r.period.end, r.period.year,
                                             r.period.month) if p]
        return list(dict.fromkeys(needed))

    def _hashtags(self) -> dict[str, str]:
        """A field's requirement is also met by its HXL hashtag under the header (as read() takes it)."""
        return {"|".join(f.match): f.hxl for f in self.recipe.fields if f.match and f.hxl}

    def fit(self, cells: list, hxl: list | None = None) -> Score:
        """How well one row fits as this recipe's header."""
        found, missing = [], []
        tags = [str(t or "").strip().lower() for t in (hxl or [])]
        by_tag = self._hashtags()
        for pattern in self.requirements():
            tag = by_tag.get(pattern, "").lower()
            hit = any(matches(c, pattern) for c in cells) or bool(tag and any(t.startswith(tag) for t in tags))
            (found if hit else missing).append(pattern)
        melt = self.recipe.melt
        if melt is not None and (melt.columns or melt.map == "governorate"):
            count = len(_melt_columns(melt, [str(c).strip() for c in cells if c is not None], hxl, set(), counting=True))
            label = f"at least {melt.min} column(s) to melt into {melt.value}"
            (found if count >= melt.min else missing).append(label)
        total = len(found) + len(missing)
        return Score(self.KIND, len(found) / total if total else 0.0, found, missing)

    def _find(self, path: Path, options: ReadOptions, limit: int | None) -> list[_Table]:
        tables, best = [], Score(self.KIND, 0.0, [], self.requirements())
        sheets = self._sheets(path, limit, options)
        self._empty = not any(any(c is not None for c in row) for rows in sheets.values() for row in rows)
        for sheet, rows in sheets.items():
            candidates = ([options.header_row - 1] if options.header_row else
                          [self.recipe.header_row - 1] if self.recipe.header_row else range(min(len(rows), SCAN_ROWS)))
            for index in candidates:
                if index >= len(rows):
                    continue
                hxl = rows[index + 1] if index + 1 < len(rows) and is_hxl_row(rows[index + 1]) else None
                score = self.fit(list(rows[index]), hxl)
                score.where = (f"sheet '{sheet}', " if sheet and path.suffix.lower() == ".xlsx" else "") + f"row {index + 1}"
                if score.fits:
                    tables.append(_Table(sheet, rows, index, score))
                    break
                if score.score > best.score:
                    best = score
        if not tables:
            self._best = best
        return tables

    def score(self, path: Path, options: ReadOptions | None = None) -> Score:
        """The best header this recipe finds in the file's first rows, with what it found and missed."""
        if path.suffix.lower() not in self.SUFFIXES:
            return Score(self.KIND, 0.0, [], [f"a {' or '.join(self.SUFFIXES)} file"])
        tables = self._find(path, options or ReadOptions(), SCAN_ROWS)
        if not tables and self._empty and self.recipe.json_records:  # the path leads to no record at all
            return Score(self.KIND, 0.0, [], [f"records at '{self.recipe.json_records}' ([json] records)"])
        return tables[0].fit if tables else self._best

    def detect(self, path: Path) -> bool:
        return self.score(path).fits

    def tables(self, path: Path, options: ReadOptions | None = None) -> list[_Table]:
        """The tables (sheet, rows, header row) this recipe reads in the file: what `recipe check` looks into."""
        return self._find(path, options or ReadOptions(), None)

    # ------------------------------------------------------------ reading
    def read(self, path: Path, options: ReadOptions | None = None) -> ReadResult:
        options = options or ReadOptions()
        r = self.recipe
        tables = self._find(path, options, None)
        if not tables:
            best = self._best
            raise ReadError(path, f"does not fit recipe {r.kind}: missing {', '.join(best.missing)}"
                                  f" (best row: {best.where or 'none'})")
        source = SourceInfo(publisher=r.citation["publisher"], title=r.citation["title"], url=r.citation.get("url"),
                            licence=r.citation.get("licence"), published=_date(r.citation.get("published")),
                            notes=r.citation.get("notes"), is_synthetic=r.citation.get("synthetic", False))
        staged, governorates, notes, without_figure = [], set(), list(r.notes), 0
        for table in tables:
            frame = frame_below_header(table.rows, table.header, table.sheet if path.suffix.lower() == ".xlsx" else None)
            if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):  # JSON records, attribute tables
                frame["_sheet"], frame["_row"] = table.sheet, frame["_row"] - 1   # record number
            hxl = table.rows[table.header + 1] if table.header + 1 < len(table.rows) and is_hxl_row(table.rows[table.header + 1]) else None
            parts, skipped = _stage(self.recipe, path, frame, table, hxl, source, options, governorates)
            staged += parts
            without_figure += skipped
            if skipped:
                notes.append(f"{skipped} cells without a figure skipped" + (f" in '{table.sheet}'" if table.sheet else ""))
        sources = [source]
        if r.emit_governorates:
            pcode_fields = {c.name for c in TABLES[r.table].columns if c.type == "pcode"}
            governorates |= {governorate_pcode(v) for k, v in r.constants.items()
                             if k in pcode_fields and governorate_pcode(v)}
            places = pd.DataFrame(governorate_rows(sorted(governorates), PCODE_SOURCE.source_id))
            places.insert(0, "_sheet", None)
            places.insert(1, "_row", tables[0].header + 1)  # the header row names them
            staged.insert(0, Staged("locations", places))
            sources.append(PCODE_SOURCE)
        return ReadResult(self.KIND, staged, sources, notes, without_figure=without_figure)


# ------------------------------------------------------------------ helpers


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _column(frame: pd.DataFrame, patterns: tuple[str, ...], hxl_by_column: dict[str, str] | None = None,
            hxl: str = "") -> str | None:
    """The first file column that fits the first pattern that fits any column."""
    columns = [c for c in frame.columns if c not in ("_sheet", "_row")]
    for pattern in patterns:
        for column in columns:
            if matches(column, pattern):
                return column
    if hxl and hxl_by_column:
        for column in columns:
            if hxl_by_column.get(column, "").lower().startswith(hxl.lower()):
                return column
    return None


def _melt_columns(melt: Melt, columns: list[str], hxl: list | None, used: set[str],
                  counting: bool = False) -> dict[str, str]:
    """Wide columns to melt -> the value their name stands for ('' when the name itself is the value).

    counting: only the columns whose names the recipe recognises (detection), not
    every other column (reading: an unknown name is then rejected with its name).
    """
    tags = dict(zip(columns, [str(t or "").strip() for t in (hxl or [])])) if hxl else {}
    out: dict[str, str] = {}
    if melt.columns:
        for column in columns:
            choice = next((c.value for c in melt.columns if any(matches(column, p) for p in c.match)), None)
            if choice is None:
                choice = next((c.value for c in melt.columns
                               if c.hxl and tags.get(column, "").lower().startswith(c.hxl.lower())), None)
            if choice is not None and (choice == "" or choice not in out.values()):  # '': the name is the value
                out[column] = choice
        return out
    for column in columns:
        if column in used or not column or any(matches(column, p) for p in melt.exclude + ("unnamed*",)):
            continue
        if counting and melt.map == "governorate" and governorate_pcode(column) is None:
            continue
        out[column] = ""
    return out


def _marked_missing(raw: object, recipe: Recipe) -> bool:
    """Does the cell hold one of the recipe's `[cells] none` markers (`blank`, `dash` or a literal text)?

    Why one test for every column: a marker the officer wrote means "no value" wherever it stands, in a
    place or note column as much as in the figure column; it is never read as a name or a figure.
    """
    none = recipe.cells.none
    if "dash" in none and is_dash(raw):
        return True
    if "blank" in none and is_blank(raw):
        return True
    text = str(raw).strip() if raw is not None and not (isinstance(raw, float) and raw != raw) else ""
    return bool(text) and text in none


def _other_cell(raw: object, recipe: Recipe) -> object | None:
    """A cell of a column that is not the figure: None when it holds a missing-value marker, else as read."""
    return None if _marked_missing(raw, recipe) else raw


def _cell(raw: object, recipe: Recipe) -> object | None:
    """A figure cell as staged: None (no figure, no row), the suppression marker, or the value."""
    cells = recipe.cells
    if is_dash(raw):
        return 0 if cells.dash == "zero" else None
    text = str(raw).strip() if raw is not None else ""
    if _marked_missing(raw, recipe):
        return None
    if any(text.startswith(p) for p in cells.suppressed):
        return SUPPRESSED
    if "zero" in cells.none and pd.to_numeric(text.replace(",", ""), errors="coerce") == 0:
        return None
    return text if isinstance(raw, str) else raw


def _mapped(values: pd.Series, how: str, governorates: set[str]) -> pd.Series:
    if how == "country":
        return values.map(lambda n: iso3(str(n or "")))
    if how == "governorate":
        def one(name):
            pcode = governorate_pcode(name)
            if pcode:
                governorates.add(pcode)
            return pcode or (str(name).strip() if not is_blank(name) else None)
        return values.map(one)
    if how == "population_type":
        return values.map(population_type)
    if how == "pcode":
        codes = values.astype("string").str.strip()
        return codes.mask(codes == "")
    return values


# UNHCR's population type codes (Refugee Data Finder, its API, the data portal) and names, as the warehouse's types
UNHCR_TYPES = {"ref": "refugees", "refugees": "refugees", "asy": "asylum_seekers", "asylumseekers": "asylum_seekers",
               "idp": "idps", "idps": "idps", "ret": "returned_refugees", "returnedrefugees": "returned_refugees",
               "rdp": "returned_idps", "returnedidps": "returned_idps", "sta": "stateless", "stateless": "stateless",
               "ooc": "others_of_concern", "othersofconcern": "others_of_concern",
               "oip": "others_in_need_of_protection", "hst": "host_community", "hostcommunity": "host_community"}


def population_type(raw: object) -> object:
    """A UNHCR population type code or name as the warehouse's type; anything else as written (then rejected)."""
    if raw is None or is_blank(raw):
        return None
    return UNHCR_TYPES.get(loose(raw), str(raw).strip())


def _month(year: object, month: object) -> tuple[str, str]:
    """First and last day of the month; the raw text when it is not a month (the validator rejects it)."""
    raw = f"{year} {month}"
    return month_span(year, month) or (raw, raw)


def _period(recipe: Recipe, path: Path, frame: pd.DataFrame, melted: str | None, options: ReadOptions,
            sheet: str | None) -> tuple[object, object, str]:
    """(period_start, period_end, file column(s) they come from), as Series or constants."""
    p = recipe.period
    if p is None or not (p.patterns or p.from_column_name):
        when = options.reference_date or (p.reference_date if p else None)
        if when is None:
            raise ReadError(path, "cannot tell the reference date of the figures: the file does not say it; "
                                  "give it with --reference-date YYYY-MM-DD (or add [period] to the recipe)",
                            sheet=sheet)
        return when.isoformat(), when.isoformat(), "reference date"
    if p.from_column_name:
        from etl.sources.hno_idp_estimates import reference_period

        found = reference_period(melted or "", "idp_stock" if p.stock else "newly_displaced")
        if found is None:
            when = options.reference_date or p.reference_date
            if when is None:
                raise ReadError(path, "cannot tell the reference month and year from the column name; give it with "
                                      "--reference-date YYYY-MM-DD", sheet=sheet, column=melted)
            found = (when.isoformat(), when.isoformat())
        return found[0], found[1], melted or ""
    named = {k: _column(frame, getattr(p, k)) for k in ("date", "start", "end", "year", "month") if getattr(p, k)}
    for k, column in named.items():
        if column is None:
            raise ReadError(path, f"no {k} column ({' or '.join(getattr(p, k))})", sheet=sheet)
    if "date" in named:
        return _dates(recipe, path, frame[named["date"]], named["date"], sheet)
    if "start" in named:
        end = named.get("end", named["start"])
        return frame[named["start"]], frame[end], f"{named['start']}/{end}"
    year = named["year"]
    if "month" in named:
        periods = [_month(y, m) for y, m in zip(frame[year], frame[named["month"]])]
        label = f"{year}/{named['month']}"
        if p.stock:  # people present at the month's end: dated its last day
            periods = [(e, e) for _, e in periods]
        return (pd.Series([s for s, _ in periods], index=frame.index, dtype="object"),
                pd.Series([e for _, e in periods], index=frame.index, dtype="object"), label)
    end = frame[year].map(year_end)
    return (end if p.stock else frame[year].map(year_start)), end, year


def _dates(recipe: Recipe, path: Path, cells: pd.Series, column: str, sheet: str | None) -> tuple[object, object, str]:
    """A date column's cells as periods. A year ('2019') or a month ('2020-02') is a period, not a day: the
    recipe's `stock` says whether the figure is dated its last day (stock) or spans it (flow); not stated,
    the read stops and asks, rather than guess a one-day stock (etl.recipes.model.STOCK_QUESTION)."""
    from etl.recipes.model import STOCK_QUESTION

    text = cells.astype("string").str.strip()
    coarse = text.map(lambda t: not pd.isna(t) and (year_of(t) is not None or year_month(t) is not None))
    if not coarse.any():
        return text, text, column
    stock = recipe.period.stock if recipe.period else None
    if stock is None:
        example = text[coarse].iloc[0]
        raise ReadError(path, f"column {column!r} holds years or months, not days ({example!r}); in the recipe's "
                              f"[period] {STOCK_QUESTION}", sheet=sheet, column=column)
    spans = text.map(lambda t: span(t) if not pd.isna(t) else (t, t))
    end = spans.map(lambda s: s[1])
    return (end if stock else spans.map(lambda s: s[0])), end, column


def _stage(recipe: Recipe, path: Path, frame: pd.DataFrame, table: _Table, hxl: list | None, source: SourceInfo,
           options: ReadOptions, governorates: set[str]) -> tuple[list[Staged], int]:
    """The rows of one sheet as Staged tables: one per melted column (or one when nothing melts)."""
    spec = TABLES[recipe.table]
    # the figure a row stands for: a required count or number first (deaths_best, persons, value), then any count
    figures = [c.name for c in spec.columns if c.type in ("count", "number") and c.required] + \
              [c.name for c in spec.columns if c.type == "count" and not c.required]
    header = [c for c in frame.columns if c not in ("_sheet", "_row")]
    tags = dict(zip(header, [str(t or "").strip() for t in hxl])) if hxl else {}
    fields, names = {}, {}
    for f in recipe.fields:
        column = _column(frame, f.match, tags, f.hxl)
        if column is None:
            if spec.columns[spec.names.index(f.name)].required:
                raise ReadError(path, f"no column for {f.name} ({' or '.join(f.match)})",
                                sheet=table.sheet, row=table.header + 1)
            continue
        fields[f.name], names[f.name] = column, column
    period_columns = set()
    if recipe.period is not None:
        period_columns = {_column(frame, getattr(recipe.period, k)) for k in ("date", "start", "end", "year", "month")
                          if getattr(recipe.period, k)}
    melt = recipe.melt
    melted = (_melt_columns(melt, header, hxl, set(fields.values()) | period_columns) if melt else {None: ""})
    if melt and not melted:
        raise ReadError(path, f"no columns to melt into {melt.value}", sheet=table.sheet, row=table.header + 1)
    out, skipped = [], 0
    for column, stands_for in melted.items():
        values_field = melt.value if melt else next((n for n in figures if n in fields), None)
        source_column = column if melt else fields.get(values_field)
        part = frame[["_sheet", "_row"]].copy()
        if source_column is not None:
            values = frame[source_column].map(lambda v: _cell(v, recipe))
            keep = values.notna()
            skipped += int((~keep).sum())
        else:
            values, keep = None, pd.Series(True, index=frame.index)
        rows = frame.loc[keep]
        part = part.loc[keep]
        columns = dict(names)
        if spec.names[0] == "period_start" or "period_start" in spec.names:
            start, end, label = _period(recipe, path, rows, column, options, table.sheet)
            part["period_start"], part["period_end"] = start, end
            columns["period_start"] = columns["period_end"] = label
        for name, file_column in fields.items():
            how = next(f.map for f in recipe.fields if f.name == name)
            cleaned = rows[file_column] if name == values_field else \
                rows[file_column].map(lambda v: _other_cell(v, recipe))
            part[name] = _mapped(cleaned, how, governorates)
        if melt:
            part[melt.value] = values[keep]
            columns[melt.value] = column
            if melt.name:
                label = stands_for or column.strip()
                if melt.map == "governorate" and not stands_for:
                    pcode = governorate_pcode(label)
                    if pcode:
                        governorates.add(pcode)
                    part[melt.name] = None if pcode is None and loose(label) in melt.unlocated else (pcode or label)
                else:
                    part[melt.name] = label
                columns[melt.name] = column
        elif values is not None:
            part[values_field] = values[keep]
        for name, text in recipe.constants.items():
            part[name] = text.replace("{column}", (column or "").strip())
        for name, template in recipe.notes_when_shared.items():
            raw = rows[fields[name]].astype("string").str.strip()
            shared = raw.groupby(part[name]).transform("nunique") > 1
            notes = raw.map(lambda n: None if pd.isna(n) else template.replace("{name}", str(n)))
            part["note"] = notes.where(shared, None)
        part["source_id"] = source.source_id
        part = numbers(part, recipe.table, recipe.cells.thousands, recipe.cells.decimal)
        ordered = ["_sheet", "_row"] + [n for n in spec.names if n in part] + ["source_id"]
        out += _routed(recipe, part[ordered].reset_index(drop=True), columns)
    return out, skipped


def _routed(recipe: Recipe, frame: pd.DataFrame, columns: dict[str, str]) -> list[Staged]:
    """Indicator rows the recipe maps to a fact table's figure go there; the others stay indicators."""
    from etl.recipes.model import ROUTED

    if not recipe.routes or "indicator" not in frame:
        return [Staged(recipe.table, frame, columns)]
    out, left = [], pd.Series(True, index=frame.index)
    for pattern, table, figure in recipe.routes:
        hit = left & frame["indicator"].map(lambda name: matches(name, pattern))
        if table == "displacement":  # a figure about no place stays an indicator (a national key figure)
            place_given = frame["location_pcode"].notna() if "location_pcode" in frame else False
            hit &= place_given
        left &= ~hit
        if not hit.any():
            continue
        kind, value, place = ROUTED[table]
        rows = frame.loc[hit]
        moved = rows[["_sheet", "_row", "period_start", "period_end"]].copy()
        if place:
            moved[place] = rows["location_pcode"] if "location_pcode" in rows else None
        moved[kind], moved[value] = figure, rows["value"]
        moved["note"] = "indicator: " + rows["indicator"].astype("string").str.strip()
        moved["source_id"] = rows["source_id"]
        names = {value: columns.get("value", "value"), kind: columns.get("indicator", "indicator")}
        if place:
            names[place] = columns.get("location_pcode", "location_pcode")
        out.append(Staged(table, moved.reset_index(drop=True), {**columns, **names}))
    if left.any():
        out.append(Staged(recipe.table, frame.loc[left].reset_index(drop=True), columns))
    return out
