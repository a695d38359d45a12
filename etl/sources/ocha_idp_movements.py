"""The Syria IDP Task Force / OCHA monthly "IDP Movements and IDP Spontaneous
Return Movements" workbook.

Sheets are recognised by their header, not their name or position:
- community sheets (`*_IDPflow`, `*_Retflow`): one row per receiving community
  with governorate/district/sub-district/community names and P-codes and an
  estimate column (`IDP_Flow_Estimation` -> `arrivals`, `Ret_Flow_Estimation`
  -> `returns`); destination = the community P-code;
- governorate x month summaries (`IDPFlow_Summarysince2016`,
  `RetFlow_Summary_…`): two header rows (year above January, month names),
  Total and spacer columns, Grand Total / average / days-per-month rows;
- origin x destination matrices (`Table-Origin_vs_Departure`, `ReturnTABLE-…`).

The reporting month. Sheets are named after the previous month
(`December_IDPflow` holds January 2019 flows), so the month is taken from the
summary sheet: the month column whose governorate figures equal the community
sheet's governorate totals, else the last month with figures. A data officer
can set it with DISPLACEMENT_IDP_FLOW_MONTH=YYYY-MM.

How the reader avoids counting people twice (a chart summing arrivals by
destination must add each person once):
- the month covered by community rows is loaded from the community rows only;
  the summary sheet adds governorate-level rows for the other months;
- the arrivals matrix describes the same people as the community rows, cut by
  origin; it is loaded as `departures` from the origin governorate (with the
  destination governorate), so arrivals are never duplicated. A flow within
  one governorate keeps the origin and leaves destination empty (the note says
  "within the same governorate"), since origin = destination is not a move
  between places. Empty and zero cells are no flow: no row. `Unknown` origin
  leaves the origin empty;
- the returns matrix re-cuts the community returns by area of displacement and
  has no figure type of its own: it is not loaded (said in the load notes);
- totals (Grand Total rows/columns, Total columns) are never loaded; the Aleppo
  Grand Total cell of the matrix is known to be corrupted.
Fractional estimates are kept as published.
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged
from etl.sources.cells import is_blank, is_dash
from etl.sources.headers import header_index, key
from etl.sources.months import month_end, month_number, year_month
from etl.sources.syria_admin import ADMIN_KINDS, PCODE_SOURCE, governorate_pcode, governorate_rows
from etl.sources.tabular import frame_below_header
from etl.sources.workbook import workbook_rows

KIND = "ocha-idp-movements"
DESCRIPTION = "Syria IDP Task Force / OCHA monthly IDP movements workbook (community flows, summaries, origin matrix)"
SUFFIXES = (".xlsx",)
MONTH_ENV = "DISPLACEMENT_IDP_FLOW_MONTH"
TOTAL_LABEL = re.compile(r"total|average|perday|permonth|^days|^sum", re.I)

# tidy level -> loose header names (P-code column, name column)
LEVEL_COLUMNS = {
    1: (("mohafazapcode", "governoratepcode", "admin1pcode", "adm1pcode"), ("mohafaza", "governorate", "admin1nameen", "admin1name", "admin1")),
    2: (("mantikapcode", "districtpcode", "admin2pcode", "adm2pcode"), ("mantika", "district", "admin2nameen", "admin2name", "admin2")),
    3: (("nahyapcode", "subdistrictpcode", "admin3pcode", "adm3pcode"), ("nahya", "subdistrict", "admin3nameen", "admin3name", "admin3")),
    4: (("communitypcode", "admin4pcode", "adm4pcode", "locationpcode"), ("community", "admin4nameen", "admin4name", "admin4", "location")),
}

SOURCE = SourceInfo(
    publisher="OCHA Syria / IDP Task Force",
    title="Syria IDP Task Force: IDP movements and IDP spontaneous return movements (monthly workbook)",
    url="https://github.com/harootune/final_project_2020Sp",
    notes="Monthly IDP Task Force workbook (creator Mustafa Sungur); the development copy comes from the "
          "harootune/final_project_2020Sp repository (re-saved by its author). Community sheets give the "
          "reporting month; governorate summaries are loaded for the other months only; the origin matrix is "
          "loaded as departures from the origin so arrivals are not counted twice; totals are never loaded.",
)


# ----------------------------------------------------------------- workbook


def _value_column(keys: list[str]) -> int | None:
    for index, name in enumerate(keys):
        if "flow" in name or name.startswith(("idparrival", "arrivals", "returnmovement", "returns")):
            return index
    return None


def _is_community_header(keys: list[str]) -> bool:
    has_pcode = any(k in LEVEL_COLUMNS[4][0] for k in keys)
    return has_pcode and _value_column(keys) is not None


def _is_summary_header(keys: list[str]) -> bool:
    label = next((k for k in keys if k), "")
    return label in ("governorate", "mohafaza", "admin1", "province") and sum(month_number(k) is not None for k in keys) >= 3


def _is_matrix_header(keys: list[str]) -> bool:
    label = next((k for k in keys if k), "")
    return label.startswith("origin") and sum(governorate_pcode(k) is not None for k in keys) >= 3


def _classify(rows: list[tuple]) -> tuple[str, int] | None:
    for kind, accept in (("community", _is_community_header), ("summary", _is_summary_header),
                         ("matrix", _is_matrix_header)):
        found = header_index(rows, accept)
        if found is not None:
            return kind, found
    return None


def _is_returns(sheet: str, value_name: str = "") -> bool:
    return "ret" in key(value_name)[:4] or bool(re.search(r"ret(urn|flow)", key(sheet)))


def detect(path: Path) -> bool:
    found = [_classify(rows) for rows in workbook_rows(path, limit=30).values()]
    return any(f is not None and f[0] == "community" for f in found)


def priority(path: Path) -> int:
    return 15


# ----------------------------------------------------------- community rows


def _community(path: Path, sheet: str, rows: list[tuple], index: int) -> tuple[pd.DataFrame, dict[int, tuple[str, str]], str]:
    """Rows of a community sheet, the columns used per level, and the value column."""
    frame = frame_below_header(rows, index, sheet)
    header = [c for c in frame.columns if c not in ("_sheet", "_row")]
    keyed = {key(c): c for c in header}
    levels = {}
    for level, (pcodes, names) in LEVEL_COLUMNS.items():
        pcode = next((keyed[k] for k in pcodes if k in keyed), None)
        name = next((keyed[k] for k in names if k in keyed), None)
        if pcode:
            levels[level] = (pcode, name)
    if 4 not in levels:
        raise ReadError(path, "no community P-code column", sheet=sheet, row=index + 1)
    value = header[_value_column([key(c) for c in header])]
    return frame, levels, value


def _places(frame: pd.DataFrame, levels: dict[int, tuple[str, str]]) -> list[dict]:
    """Location rows for every admin level the sheet names, parent = the level above."""
    out = []
    for level, (pcode_col, name_col) in levels.items():
        parent_col = next((levels[p][0] for p in range(level - 1, 0, -1) if p in levels), None)
        for _, row in frame.drop_duplicates(pcode_col).iterrows():
            pcode = str(row[pcode_col] or "").strip()
            if not pcode or not name_col or is_blank(row[name_col]):  # a place without a name is not created
                continue
            parent = str(row[parent_col]).strip() if parent_col and row[parent_col] else (pcode[:4] if level > 1 and pcode.startswith("SY") else None)
            out.append({"_sheet": row["_sheet"], "_row": row["_row"], "pcode": pcode, "admin_level": level,
                        "kind": ADMIN_KINDS[level], "parent_pcode": "SY" if level == 1 else parent,
                        "name_en": row[name_col] if name_col else None, "source_id": SOURCE.source_id})
    return out


def _governorate_totals(frame: pd.DataFrame, levels: dict, value: str) -> dict[str, float]:
    gov = levels.get(1, (None,))[0]
    numbers = pd.to_numeric(frame[value], errors="coerce")
    if gov:
        codes = frame[gov].astype("string").str.strip()
    else:
        codes = frame[levels[4][0]].map(lambda p: None)
    return {k: float(v) for k, v in numbers.groupby(codes).sum().items() if k}


# ------------------------------------------------------------------ summary


def _years(rows: Sequence[Sequence[object]], index: int, width: int) -> list[int | None]:
    """Year of each column: the nearest row above the header with 4-digit years, carried right."""
    for above in range(index - 1, -1, -1):
        cells = list(rows[above]) + [None] * width
        found = [_year(c) for c in cells[:width]]
        if any(found):
            years, current = [], None
            for year in found:
                current = year or current
                years.append(current)
            return years
    return [None] * width


def _year(cell: object) -> int | None:
    """A year written as a number (2016, 2016.0) or inside a text ('Total 2018', 'January 2019')."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return int(cell) if float(cell).is_integer() and 1900 < cell < 2100 else None
    match = re.search(r"\b(?:19|20)\d{2}\b", str(cell or ""))
    return int(match.group(0)) if match else None


def _month_columns(path: Path, sheet: str, rows: list[tuple], index: int) -> dict[int, date]:
    """Column -> first day of its month; Total, spacer and label columns are left out."""
    header = list(rows[index])
    years = _years(rows, index, len(header))
    columns = {}
    for col, cell in enumerate(header):
        words = re.findall(r"[A-Za-z]+", str(cell or ""))
        month = month_number(words[0]) if words else None
        if month is None or "total" in key(cell):
            continue
        year = _year(cell) or years[col]
        if year is None:
            raise ReadError(path, f"no year for the month column '{cell}' (expected a year row above the months)",
                            sheet=sheet, row=index + 1)
        columns[col] = date(year, month, 1)
    return columns


def _summary(path: Path, sheet: str, rows: list[tuple], index: int) -> dict[tuple[int, date], object]:
    """(file row, month) -> raw cell, for every governorate row with a figure."""
    columns = _month_columns(path, sheet, rows, index)
    label_col = next(i for i, c in enumerate(rows[index]) if key(c))
    cells = {}
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        label = row[label_col] if label_col < len(row) else None
        if is_blank(label):
            continue
        if TOTAL_LABEL.search(key(label)):
            if "grandtotal" in key(label):
                break
            continue
        for col, month in columns.items():
            raw = row[col] if col < len(row) else None
            if not (is_blank(raw) or is_dash(raw)):
                cells[(number, month)] = (label, raw)
    return cells


def _match_month(summary: dict, totals: dict[str, float], gov) -> date | None:
    """The month whose governorate figures equal the community sheet's totals."""
    by_month: dict[date, dict[str, float]] = defaultdict(dict)
    for (_, month), (label, raw) in summary.items():
        value = pd.to_numeric(raw, errors="coerce")
        if gov(label) and pd.notna(value):
            by_month[month][gov(label)] = float(value)
    matches = [m for m, figures in by_month.items()
               if all(abs(figures.get(p, 0.0) - t) <= 0.5 for p, t in totals.items())
               and all(p in totals or v == 0 for p, v in figures.items())]
    return max(matches) if matches else None


def _month_override(path: Path) -> date | None:
    text = os.environ.get(MONTH_ENV, "").strip()
    if not text:
        return None
    found = year_month(text)
    if found is None:
        raise ReadError(path, f"{MONTH_ENV}={text!r} is not a month (use YYYY-MM)")
    return date(*found, 1)


# ------------------------------------------------------------------- matrix


def _matrix(rows: list[tuple], index: int, gov) -> list[tuple[int, str, str | None, str | None, object]]:
    """(file row, origin label, origin P-code, destination P-code, raw) for each non-empty, non-zero cell."""
    header = list(rows[index])
    label_col = next(i for i, c in enumerate(header) if key(c))
    destinations = {}
    for col, cell in enumerate(header):
        if col == label_col or is_blank(cell) or TOTAL_LABEL.search(key(cell)):
            continue
        destinations[col] = (str(cell).strip(), gov(cell))
    cells = []
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        label = row[label_col] if label_col < len(row) else None
        if is_blank(label) or TOTAL_LABEL.search(key(label)):
            if not is_blank(label) and "grandtotal" in key(label):
                break
            continue
        origin = None if key(label) in ("unknown", "notknown") else (gov(label) or str(label).strip())
        for col, (name, destination) in destinations.items():
            raw = row[col] if col < len(row) else None
            if is_blank(raw) or is_dash(raw) or pd.to_numeric(raw, errors="coerce") == 0:
                continue
            cells.append((number, str(label).strip(), origin, destination or name, raw))
    return cells


# --------------------------------------------------------------------- read


def _flow_rows(sheet: str, cells, month: date, figure: str, note: str | None = None) -> pd.DataFrame:
    end = month_end(month.year, month.month).isoformat()
    return pd.DataFrame([{"_sheet": sheet, "_row": n, "period_start": month.isoformat(), "period_end": end,
                          "origin_pcode": o, "destination_pcode": d, "figure_type": figure,
                          "individuals": v, "note": note, "source_id": SOURCE.source_id} for n, o, d, v in cells],
                        columns=["_sheet", "_row", "period_start", "period_end", "origin_pcode", "destination_pcode",
                                 "figure_type", "individuals", "note", "source_id"])


class _Workbook:
    """What the sheets say, gathered before any row is staged (the month needs all of them)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sheets = workbook_rows(path)
        self.kinds = {name: _classify(rows) for name, rows in self.sheets.items()}
        self.names: dict[str, str] = {}
        self.community: dict[str, tuple[pd.DataFrame, dict, str, str]] = {}
        for sheet, found in self.kinds.items():
            if found and found[0] == "community":
                frame, levels, value = _community(path, sheet, self.sheets[sheet], found[1])
                figure = "returns" if _is_returns(sheet, value) else "arrivals"
                self.community[sheet] = (frame, levels, value, figure)
                if 1 in levels and levels[1][1]:
                    for _, row in frame.drop_duplicates(levels[1][0]).iterrows():
                        self.names[key(row[levels[1][1]])] = str(row[levels[1][0]]).strip()

    def gov(self, name: object) -> str | None:
        return self.names.get(key(name)) or governorate_pcode(name)

    def summaries(self) -> dict[str, tuple[str, dict]]:
        out = {}
        for sheet, found in self.kinds.items():
            if found and found[0] == "summary":
                figure = "returns" if _is_returns(sheet) else "arrivals"
                out[sheet] = (figure, _summary(self.path, sheet, self.sheets[sheet], found[1]))
        return out

    def month(self, summaries: dict[str, tuple[str, dict]]) -> tuple[date, str]:
        override = _month_override(self.path)
        if override:
            return override, f"reporting month {override:%Y-%m} set by {MONTH_ENV}"
        for frame, levels, value, figure in self.community.values():
            for sheet, (kind, cells) in summaries.items():
                if kind == figure:
                    found = _match_month(cells, _governorate_totals(frame, levels, value), self.gov)
                    if found:
                        return found, f"reporting month {found:%Y-%m}: the '{sheet}' column equal to the community totals"
        months = [m for _, cells in summaries.values() for (_, m) in cells]
        if months:
            return max(months), f"reporting month {max(months):%Y-%m}: last month with figures in the summary"
        raise ReadError(self.path, f"cannot tell the reporting month (no summary sheet); set {MONTH_ENV}=YYYY-MM")


def read(path: Path) -> ReadResult:
    book = _Workbook(path)
    if not book.community:
        raise ReadError(path, "no community sheet (Community PCODE and a *_Flow_Estimation column)")
    summaries = book.summaries()
    month, why = book.month(summaries)
    tables, places, notes = [], [], [why]
    covered = {figure for *_, figure in book.community.values()}
    for sheet, (frame, levels, value, figure) in book.community.items():
        places += _places(frame, levels)
        cells = [(r, None, str(p).strip() if not is_blank(p) else None, v)
                 for r, p, v in zip(frame["_row"], frame[levels[4][0]], frame[value]) if not (is_blank(v) or is_dash(v))]
        tables.append(Staged("displacement", _flow_rows(sheet, cells, month, figure),
                             {"destination_pcode": levels[4][0], "individuals": value}))
    for sheet, (figure, cells) in summaries.items():
        kept = [(n, None, book.gov(label) or str(label).strip(), raw, m) for (n, m), (label, raw) in cells.items()
                if not (figure in covered and m == month)]
        frames = [_flow_rows(sheet, [c[:4] for c in kept if c[4] == m], m, figure) for m in sorted({c[4] for c in kept})]
        if frames:
            tables.append(Staged("displacement", pd.concat(frames, ignore_index=True),
                                 {"destination_pcode": "Governorate", "individuals": "month column of period_start"}))
        notes.append(f"'{sheet}': {figure} for months other than {month:%Y-%m} loaded at governorate level")
    tables += _matrices(book, month, notes)
    pcodes = {p["pcode"] for p in places}
    referenced = {v for t in tables for v in t.frame[["origin_pcode", "destination_pcode"]].stack().tolist()}
    places += [dict(r, _sheet=None, _row=None) for r in governorate_rows(
        [p for p in referenced if p not in pcodes and len(str(p)) == 4], PCODE_SOURCE.source_id)]
    located = pd.DataFrame(places).drop_duplicates("pcode")  # the same place named on several sheets
    tables.insert(0, Staged("locations", located.reset_index(drop=True), {"pcode": "P-code columns"}))
    sources = [SOURCE] + ([PCODE_SOURCE] if any(p["source_id"] == PCODE_SOURCE.source_id for p in places) else [])
    return ReadResult(KIND, tables, sources, notes)


def _matrices(book: _Workbook, month: date, notes: list[str]) -> list[Staged]:
    tables = []
    for sheet, found in book.kinds.items():
        if not found or found[0] != "matrix":
            continue
        if _is_returns(sheet):
            notes.append(f"'{sheet}' not loaded: it re-cuts the community returns by origin (would count them twice)")
            continue
        cells = []
        for number, label, origin, destination, raw in _matrix(book.sheets[sheet], found[1], book.gov):
            same = origin is not None and origin == destination
            cells.append((number, origin, None if same else destination, raw,
                          f"to {destination}: within the same governorate" if same else
                          ("origin unknown" if origin is None else None)))
        frame = _flow_rows(sheet, [c[:4] for c in cells], month, "departures")
        frame["note"] = [c[4] for c in cells]
        tables.append(Staged("displacement", frame, {"origin_pcode": "Origin", "individuals": "destination columns"}))
        notes.append(f"'{sheet}' loaded as departures from the origin governorate (same people as the community arrivals)")
    return tables
