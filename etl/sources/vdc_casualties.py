"""Deaths recorded by the Violations Documentation Center in Syria (VDC), per
day and province: a wide CSV with a `day` (or `date`) column and one column
per province, in VDC's spelling ("Idlib", "Damascus Suburbs", "Deir Ezzor").

Each cell becomes one `casualties` row: period_start = period_end = the day,
location = the governorate P-code, category `all`, deaths_best = the count.

Decisions (documented for data officers):
- Only days with at least one recorded death appear in the file; the reader
  does not invent the other days (missing, not zero). Zeros written in the
  file for a listed day are loaded as zeros. Empty, `NA`, `-` and `*` cells
  are no figure: no row.
- Total columns are never loaded (they would count deaths twice).
- Province names are mapped with the governorate table of
  `etl.sources.syria_admin` (VDC, OCHA, transliterated and Arabic spellings).
  Columns named Other/Unknown load with no location (the province in `note`);
  any other unknown column is rejected with "unknown P-code <name>".
- The reader emits the governorate locations it refers to (OCHA names and
  P-codes), so the file loads on its own into an empty warehouse.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged
from etl.sources.syria_admin import PCODE_SOURCE, governorate_pcode, governorate_rows, header_index, is_blank, is_dash, key
from etl.sources.tabular import csv_head, csv_rows, frame_below_header

KIND = "vdc-casualties-daily"
DESCRIPTION = "VDC recorded deaths per day and province (wide CSV: day, then one column per province)"
SUFFIXES = (".csv",)
DATE_COLUMNS = ("day", "date", "deathdate", "dateofdeath")
UNLOCATED = ("other", "others", "unknown", "notknown", "غيرمعروف")

SOURCE = SourceInfo(
    publisher="Violations Documentation Center in Syria (VDC)",
    title="VDC recorded deaths per province and day (scraped and aggregated by the romansul/syrian-civil-war authors)",
    url="https://github.com/romansul/syrian-civil-war",
    notes="The numbers are VDC's (vdc-sy.net) individual casualty records; the aggregation to day x province is "
          "by the authors of romansul/syrian-civil-war, not by VDC. Only days with at least one recorded death are listed (other days "
          "are missing, not zero). VDC's Other/Unknown provinces are not in the published table. The scrape is "
          "incomplete after mid-2018.",
)


def _is_header(keys: list[str]) -> bool:
    return any(k in DATE_COLUMNS for k in keys) and sum(governorate_pcode(k) is not None for k in keys) >= 3


def detect(path: Path) -> bool:
    return header_index(csv_head(path), _is_header) is not None


def _deaths(raw: object) -> object | None:
    if is_blank(raw) or is_dash(raw) or str(raw).strip() == "*":
        return None
    return str(raw).strip()


def _province_cells(frame: pd.DataFrame, day: str, province: str) -> pd.DataFrame:
    """One province column as long rows (only cells that hold a figure)."""
    values = frame[province].map(_deaths)
    keep = values.notna()
    part = frame.loc[keep, ["_sheet", "_row"]].copy()
    part["period_start"] = frame.loc[keep, day].astype("string").str.strip()
    part["period_end"] = part["period_start"]
    pcode = governorate_pcode(province)
    unlocated = pcode is None and key(province) in UNLOCATED
    part["location_pcode"] = None if unlocated else (pcode or province.strip())
    part["deaths_best"] = values[keep]
    part["category"] = "all"
    part["note"] = f"VDC province: {province.strip()}"
    return part


def read(path: Path) -> ReadResult:
    rows = csv_rows(path)
    index = header_index(rows, _is_header)
    if index is None:
        raise ReadError(path, "no header with a day/date column and province columns")
    frame = frame_below_header(rows, index, None)
    day = next(c for c in frame.columns if key(c) in DATE_COLUMNS)
    provinces = [c for c in frame.columns if c not in ("_sheet", "_row", day)
                 and not c.startswith("unnamed") and not key(c).startswith(("total", "sum", "all"))]
    tables = []
    for province in provinces:
        part = _province_cells(frame, day, province)
        part["source_id"] = SOURCE.source_id
        columns = {"period_start": day, "period_end": day, "location_pcode": province, "deaths_best": province}
        tables.append(Staged("casualties", part.reset_index(drop=True), columns))
    pcodes = [governorate_pcode(p) for p in provinces]
    places = pd.DataFrame(governorate_rows([p for p in pcodes if p], PCODE_SOURCE.source_id))
    places.insert(0, "_sheet", None)
    places.insert(1, "_row", index + 1)  # the header row names them
    tables.insert(0, Staged("locations", places))
    return ReadResult(KIND, tables, [SOURCE, PCODE_SOURCE])
