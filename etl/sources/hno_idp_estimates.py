"""OCHA Syria Humanitarian Needs Overview (HNO) datasets: community-level and
sub-district IDP estimates with full P-codes (data_2018.xlsx, data_2019.xlsx).

Sheets are recognised by their header (found by its column names, wherever it
sits: the published files put a totals row above it). Figure columns are
recognised by name, and their reference dates are read from the name, never
hard-coded per file:
- `IDPs_estimates_August_2018`, `IDPs_HNO_Aug_2017` -> `idp_stock`
- `Returnees_estimates_Aug_2018` -> `returnees_stock`
- `IDPs_in_camps_sites_Aug_2017` -> `idps_in_camps`
- `Newly_displaced (Aug_Sep_Oct)_Dec_2018` -> `newly_displaced`
Stocks are "as of" a month: period_start = period_end = the last day of that
month (2018-08-31). Flows cover the months in brackets of the year named
(Aug_Sep_Oct ... 2018 -> 2018-08-01 .. 2018-10-31; a Dec..Jan span starts the
year before). `Number_IDPs_in_open_areas_*`, PiN, severity and access
columns are not displacement figures and are not loaded.

Destinations: the community P-code (`Admin4Pcode`, kept as published,
suffixes such as `C1001_5` included). The workbook's coarsest-to-finest
admin columns also give locations for governorates, districts, sub-districts
and communities (parent = the level above) where the sheet names them (a code
without a name creates no place: it must be known already). A P-code named twice with two
names (2018: several Damascus neighbourhoods under C1001) keeps the first
name; its figures all load.

No double counting: the community sheet and the sub-district sheet give the
same people (their totals agree). Figures load from the finest sheet only
(communities); coarser sheets add their places and names. A workbook without a
community sheet loads its sub-district figures instead.

A column that names a year and no month (`IDPs_estimates_2017`) is that year's figure as of the HNO's
default month, August (DEFAULT_MONTH: the month every dated column of the 2017-2019 workbooks names, when
OCHA's needs-assessment figures are collected): a stock is dated 31 August of that year, a flow spans
1 January to 31 August. The load's notes say so for each such column; `--reference-date` dates it instead.

Cells: numbers load as published (0.5 included); an Excel accounting dash
(`'   -  '`) is 0; empty, `NA`, `n/a` are no figure (no row); other text is
rejected with the reason.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from etl.sources.base import ReadError, ReadOptions, ReadResult, SourceInfo, Staged
from etl.sources.cells import is_blank, is_dash
from etl.sources.headers import header_index, key
from etl.sources.months import month_end, month_number
from etl.sources.syria_admin import ADMIN_KINDS
from etl.sources.tabular import frame_below_header
from etl.sources.workbook import workbook_rows

KIND = "hno-idp-estimates"
DESCRIPTION = "OCHA Syria HNO dataset: community / sub-district IDP, returnee and newly-displaced estimates (XLSX)"
SUFFIXES = (".xlsx",)
STOCKS = ("idp_stock", "returnees_stock", "idps_in_camps")


def _level_columns(level: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Loose header names of an admin level: P-code, English name, Arabic name."""
    n = str(level)
    pcode = (f"admin{n}pcode", f"adm{n}pcode", f"admin{n}code")
    english = (f"admin{n}nameen", f"admin{n}en", f"adm{n}nameen", f"adm{n}en", f"admin{n}name", f"admin{n}")
    arabic = (f"admin{n}namear", f"admin{n}ar", f"adm{n}namear", f"adm{n}ar")
    if level == 4:
        pcode += ("communitypcode", "locationpcode")
        english += ("community", "communitynameen")
    return pcode, english, arabic


def figure_type(name: object) -> str | None:
    """The displacement figure a column holds, from its name (None: not a displacement figure)."""
    k = key(name)
    if "openarea" in k or "pin" in k or "severity" in k:
        return None
    if k.startswith("newlydisplaced") or k.startswith("newidp"):
        return "newly_displaced"
    if k.startswith("idps") and ("camp" in k or "site" in k):
        return "idps_in_camps"
    if k.startswith("returnee"):
        return "returnees_stock"
    if k.startswith("idps") and re.search(r"(19|20)\d{2}", k):
        return "idp_stock"
    return None


def _months(text: str) -> list[int]:
    return [m for m in (month_number(w) for w in re.findall(r"[A-Za-z]+", text)) if m]


DEFAULT_MONTH = 8   # August: the HNO's reference month (see the module docstring)


def reference_period(name: str, figure: str, default_month: int | None = None) -> tuple[str, str] | None:
    """(period_start, period_end) read from a column name; None if it names no year, or no month and no
    default_month is given (a recipe's column names: stock or flow and the month are never guessed there)."""
    years = re.findall(r"(?:19|20)\d{2}", name)
    bracket = re.search(r"\(([^)]*)\)", name)
    months = _months(bracket.group(1)) if bracket and _months(bracket.group(1)) else _months(name)
    if years and not months and default_month:
        year = int(years[-1])
        end = month_end(year, default_month).isoformat()
        return (end, end) if figure in STOCKS else (f"{year}-01-01", end)
    if not years or not months:
        return None
    year = int(years[-1])
    if figure in STOCKS:
        end = month_end(year, months[0]).isoformat()
        return end, end
    ordered = sorted(set(months))
    gaps = [(ordered[(i + 1) % len(ordered)] - m) % 12 for i, m in enumerate(ordered)]
    last = ordered[gaps.index(max(gaps))] if len(ordered) > 1 else ordered[0]
    first = ordered[(gaps.index(max(gaps)) + 1) % len(ordered)] if len(ordered) > 1 else ordered[0]
    start_year = year - 1 if first > last else year
    return f"{start_year}-{first:02d}-01", month_end(year, last).isoformat()


def _admin(keys: list[str]) -> dict[int, int]:
    """Admin level -> position of its P-code column."""
    found = {}
    for level in (1, 2, 3, 4):
        for name in _level_columns(level)[0]:
            if name in keys:
                found[level] = keys.index(name)
                break
    return found


def _is_header(keys: list[str]) -> bool:
    levels = _admin(keys)
    return bool(levels) and max(levels) >= 2 and (any(figure_type(k) for k in keys) or max(levels) >= 3)


def _sheets(path: Path, limit: int | None = None) -> list[tuple[str, list[tuple], int, int]]:
    """(sheet, rows, header index, finest admin level) for every sheet with an admin header."""
    out = []
    for sheet, rows in workbook_rows(path, limit).items():
        index = header_index(rows, _is_header)
        if index is not None:
            out.append((sheet, rows, index, max(_admin([key(c) for c in rows[index]]))))
    return out


def detect(path: Path) -> bool:
    """An HNO workbook: some admin-coded sheet has an IDP estimate column."""
    for _, rows, index, _ in _sheets(path, limit=30):
        if any(figure_type(c) == "idp_stock" for c in rows[index]):
            return True
    return False


def priority(path: Path) -> int:
    return 12


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    keyed = {key(c): c for c in frame.columns}
    return next((keyed[n] for n in names if n in keyed), None)


def _places(frame: pd.DataFrame, source_id: str) -> list[pd.DataFrame]:
    """Locations of every admin level the sheet names (parent = the next coarser level)."""
    columns = {level: tuple(_column(frame, names) for names in _level_columns(level)) for level in (1, 2, 3, 4)}
    coarse = next((columns[l][0] for l in (2, 3) if columns[l][0]), None)
    out = []
    for level, (pcode_col, name_col, arabic_col) in columns.items():
        if pcode_col is not None:
            codes = frame[pcode_col].astype("string").str.strip()
        elif level == 1 and coarse is not None:  # HNO community sheets: governorate = first 4 characters
            codes = frame[coarse].astype("string").str.strip().str.slice(0, 4)
        else:
            continue
        parent_col = next((columns[p][0] for p in range(level - 1, 0, -1) if columns[p][0]), None)
        if level == 1:
            parents = pd.Series("SY", index=frame.index)
        elif parent_col is not None:
            parents = frame[parent_col].astype("string").str.strip()
        else:
            parents = codes.str.slice(0, 4).where(codes.str.startswith("SY"))
        place = pd.DataFrame({
            "_sheet": frame["_sheet"], "_row": frame["_row"], "pcode": codes, "admin_level": level,
            "kind": ADMIN_KINDS[level], "parent_pcode": parents,
            "name_en": frame[name_col] if name_col else None,
            "name_ar": frame[arabic_col] if arabic_col else None, "source_id": source_id,
        })
        named = place["name_en"].map(lambda n: not is_blank(n))  # a place without a name is not created
        out.append(place[codes.notna() & (codes != "") & named].drop_duplicates("pcode"))
    return out


def _cell(raw: object) -> object | None:
    if is_dash(raw):
        return 0
    if is_blank(raw):
        return None
    return raw


def _facts(path: Path, sheet: str, frame: pd.DataFrame, level: int, source_id: str,
           options: ReadOptions, notes: list[str] | None = None) -> list[Staged]:
    pcode_col = _column(frame, _level_columns(level)[0])
    tables = []
    for column in frame.columns:
        figure = figure_type(column)
        if figure is None:
            continue
        period = reference_period(column, figure)
        if period is None and options.reference_date is not None:  # "IDPs_estimates_2017": the person says when
            period = (options.reference_date.isoformat(), options.reference_date.isoformat())
        if period is None:  # a year and no month: the HNO's documented default month
            period = reference_period(column, figure, DEFAULT_MONTH)
            if period is not None and notes is not None:
                notes.append(f"'{column}' names a year only: dated {period[0]}" +
                             (f" to {period[1]}" if period[1] != period[0] else "") +
                             " (the HNO's default month, August; give --reference-date to date it otherwise)")
        if period is None:
            raise ReadError(path, "cannot tell the reference month and year from the column name; give the date the "
                                  "figures are as of with --reference-date YYYY-MM-DD", sheet=sheet, column=column)
        values = frame[column].map(_cell)
        keep = values.notna()
        part = frame.loc[keep, ["_sheet", "_row"]].copy()
        part["period_start"], part["period_end"] = period
        part["origin_pcode"] = None
        part["destination_pcode"] = frame.loc[keep, pcode_col].astype("string").str.strip()
        part["figure_type"] = figure
        part["individuals"] = values[keep]
        part["note"] = f"HNO column {column}"
        part["source_id"] = source_id
        tables.append(Staged("displacement", part.reset_index(drop=True),
                             {"destination_pcode": pcode_col, "individuals": column}))
    return tables


def _source(sheets: list[tuple[str, list[tuple], int, int]]) -> SourceInfo:
    """Cite the HNO edition named by the PiN columns (PiN_HNO_2019, PiN_2018)."""
    names = [str(c) for _, rows, index, _ in sheets for c in rows[index] if c]
    editions = [int(y) for n in names if "pin" in key(n) for y in re.findall(r"(?:19|20)\d{2}", n)]
    years = [int(y) for n in names if figure_type(n) for y in re.findall(r"(?:19|20)\d{2}", n)]
    edition = max(editions) if editions else (max(years) + 1 if years else None)
    title = f"Syria Humanitarian Needs Overview {edition} dataset" if edition else "Syria Humanitarian Needs Overview dataset"
    return SourceInfo(
        publisher="UN OCHA Syria",
        title=f"{title}: community-level IDP estimates",
        url="https://github.com/UN-OCHA/syria-microsite-hno-syria.org",
        notes="The 'download the data' workbook of the HNO microsite. Stocks are as of the end of the month named "
              "in the column; figures load from the community sheet only (sub-district sheets hold the same people).",
    )


def read(path: Path, options: ReadOptions | None = None) -> ReadResult:
    options = options or ReadOptions()
    sheets = _sheets(path)
    if not sheets:
        raise ReadError(path, "no sheet with Admin P-code columns (Admin2Pcode, Admin3Pcode, Admin4Pcode)")
    source = _source(sheets)
    frames = [(sheet, frame_below_header(rows, index, sheet), level) for sheet, rows, index, level in sheets]
    with_figures = [(s, f, l) for s, f, l in frames if any(figure_type(c) for c in f.columns)]
    finest = max((l for _, _, l in with_figures), default=None)
    tables, notes, places = [], [], []
    figure_sheets = {s for s, _, l in with_figures if l == finest}
    for sheet, frame, level in sorted(frames, key=lambda f: -f[2]):  # finest first: its names win
        places += _places(frame, source.source_id)
        if sheet in figure_sheets:
            tables += _facts(path, sheet, frame, level, source.source_id, options, notes)
        else:
            notes.append(f"'{sheet}': places only (its figures repeat the finer sheet's)")
    located = pd.concat(places, ignore_index=True).drop_duplicates("pcode").reset_index(drop=True)
    tables.insert(0, Staged("locations", located, {"pcode": "Admin P-code columns", "name_en": "Admin name columns"}))
    return ReadResult(KIND, tables, [source], notes)
