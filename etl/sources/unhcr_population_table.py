"""UNHCR's end-year population table (Refugee Data Finder) as UNHCR ships it in
its R package `refugees`: an R data file (`population.rda`) holding one data
frame `population` with one row per year, country of origin and country of
asylum, and one column per population type.

Recognised by its contents (read with pyreadr): an R data file holding a
`population` frame with year, coo_iso, coa_iso and refugees columns.

Decisions (documented for data officers), the same conventions as the
persons-of-concern recipe (etl/recipes/unhcr_persons_of_concern.toml; shared cells in etl/sources/cells.py):
- Figures are end-of-year stocks: period_start = period_end = 31 December.
- One `refugees` row per population type and non-zero cell: refugees,
  asylum_seekers, returned_refugees, idps, returned_idps, stateless,
  ooc -> others_of_concern, oip -> others_in_need_of_protection,
  hst -> host_community. Empty (NA) and 0 cells are no figure: no row (the
  publisher writes 0 where it has no figure).
- Countries: `coo_iso` / `coa_iso` when they are ISO 3166 codes, else the
  UNHCR name mapped to ISO3 (`cells.country_code`); UNHCR's own
  codes for no country (UNK, "Unknown") are rejected with the name.
- Scope: only rows about Syrians (`coo_iso` = SYR) are read: Syrian refugees
  and asylum-seekers everywhere, and Syria's own IDPs (coa_iso = SYR too).
  The other ~136,500 rows of this worldwide table are *not read* rather than
  kept as rejects: rejects are rows a data officer should fix, and 136,500
  rows about other nationalities that nobody will fix would bury the few
  real errors and grow the warehouse for nothing. The load message says how
  many rows were left unread and why; rows read = loaded + rejected holds
  for the rows read.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged
from etl.sources.cells import country_code, figure
from etl.sources.months import year_end

KIND = "unhcr-population-table"
DESCRIPTION = "UNHCR end-year population table from UNHCR's R package (population.rda; Syrians' rows load)"
SUFFIXES = (".rda", ".rdata")
OBJECT = "population"
REQUIRED = ("year", "coo_name", "coo_iso", "coa_name", "coa_iso", "refugees")
HOME = "SYR"
SKIPPED_REASON = "people from other countries of origin (coo_iso is not SYR); this warehouse holds Syrian figures only"

# Column of the table -> population_type (etl.specs.POPULATION_TYPES).
POPULATION_COLUMNS = {
    "refugees": "refugees", "asylum_seekers": "asylum_seekers", "returned_refugees": "returned_refugees",
    "idps": "idps", "returned_idps": "returned_idps", "stateless": "stateless", "ooc": "others_of_concern",
    "oip": "others_in_need_of_protection", "hst": "host_community",
}

SOURCE = SourceInfo(
    publisher="UNHCR",
    title="UNHCR Refugee Data Finder: end-year population statistics (population table of UNHCR's R package "
          "'refugees', version 2025.12.1)",
    url="https://www.unhcr.org/refugee-statistics/",
    licence="CC BY 4.0",
    notes="End-of-year stocks 1951-2025 as UNHCR distributes them in its R package refugees "
          "(github.com/PopulationStatistics/refugees, data/population.rda, pulled from the UNHCR population API). "
          "Only Syrians' rows are loaded (refugees and asylum-seekers abroad, Syria's IDPs). Zero and empty cells "
          "are not loaded.",
)


@lru_cache(maxsize=1)
def _parsed(path: str, mtime_ns: int, size: int) -> pd.DataFrame | None:
    """The `population` frame, parsed once per file version (detection, ordering and reading share it)."""
    import pyreadr

    try:
        objects = pyreadr.read_r(path)
    except Exception:  # noqa: BLE001 - not an R data file pyreadr can read: not ours
        return None
    frame = objects.get(OBJECT)
    if frame is None or not set(REQUIRED) <= set(frame.columns):
        return None
    return frame


def _table(path: Path) -> pd.DataFrame | None:
    stat = path.stat()
    return _parsed(str(path), stat.st_mtime_ns, stat.st_size)


def detect(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and _table(path) is not None


def _staged(frame: pd.DataFrame, column: str, population: str) -> Staged:
    values = frame[column].map(figure)
    keep = values.notna()
    part = frame.loc[keep, ["_sheet", "_row"]].copy()
    part["period_start"] = frame.loc[keep, "year"].map(year_end)
    part["period_end"] = part["period_start"]
    part["origin_iso3"] = [country_code(c, n) for c, n in zip(frame.loc[keep, "coo_iso"], frame.loc[keep, "coo_name"])]
    part["asylum_iso3"] = [country_code(c, n) for c, n in zip(frame.loc[keep, "coa_iso"], frame.loc[keep, "coa_name"])]
    part["population_type"] = population
    part["persons"] = values[keep]
    part["note"] = None
    part["source_id"] = SOURCE.source_id
    columns = {"period_start": "year", "period_end": "year", "origin_iso3": "coo_iso", "asylum_iso3": "coa_iso",
               "persons": column}
    return Staged("refugees", part.reset_index(drop=True), columns)


def read(path: Path) -> ReadResult:
    table = _table(path)
    if table is None:
        raise ReadError(path, f"not an R data file holding a '{OBJECT}' data frame with columns {', '.join(REQUIRED)}")
    frame = table.assign(_sheet=OBJECT, _row=range(1, len(table) + 1))
    syrian = frame["coo_iso"].astype("string").str.strip().str.upper() == HOME
    frame = frame[syrian.fillna(False)]
    tables = [_staged(frame, column, population) for column, population in POPULATION_COLUMNS.items()
              if column in frame]
    return ReadResult(KIND, tables, [SOURCE], notes=[
        "zero and empty cells not loaded (the publisher writes 0 for no figure)",
    ], skipped=int((~syrian.fillna(False)).sum()), skipped_reason=SKIPPED_REASON)
