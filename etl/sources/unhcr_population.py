"""UNHCR Population Statistics "persons of concern" CSV (HDX export format).

One row per year and country of asylum/residence, one column per population
type (refugees, asylum-seekers, returned refugees, IDPs, returned IDPs,
stateless, others of concern) and a Total. Found by its header, wherever it
sits (banner rows above it are skipped); an HXL hashtag row under it is
skipped too, and used to recognise columns whose names changed.

Decisions (documented for data officers):
- Figures are end-of-year stocks: period_start = period_end = 31 December.
- One `refugees` row per population type. `Total Population` is never loaded:
  it is the sum of the others, and loading it would count people twice.
- Rows whose residence is Syria carry Syria's own IDPs: they load like the
  others (population_type `idps` / `returned_idps`, asylum_iso3 = SYR), so
  every UNHCR figure lives in one table with one meaning of "country".
- Empty cells (the publisher's missing values up to 2013), `NA` and `-` are
  no figure: no row. `0` is skipped as well: from 2014 on the publisher writes
  0 where it has no figure, so a zero cannot be told from missing.
- `*` is a small number suppressed by the publisher: the row is rejected with
  the reason "suppressed by publisher", so it stays visible in `rejects`.
- Country names are mapped to ISO3 by `country_names.iso3` (UNHCR spellings
  such as "Syrian Arab Rep."); a name that maps to no country
  ("Various/Unknown") is rejected with the name in the reason.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pycountry

from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged
from etl.sources.country_names import iso3
from etl.sources.syria_admin import header_index, is_blank, is_dash, key
from etl.sources.tabular import csv_head, csv_rows, frame_below_header, is_hxl_row

KIND = "unhcr-persons-of-concern"
DESCRIPTION = "UNHCR persons of concern by year and country of asylum (CSV, optional HXL row)"
SUFFIXES = (".csv",)
SUPPRESSED = "* (suppressed by publisher)"

# Header prefix (loose) or HXL hashtag -> population_type. Longest prefixes first.
POPULATION_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("returnedrefugees", "#affected+returned_refugees", "returned_refugees"),
    ("returnedidps", "#affected+returned_idps", "returned_idps"),
    ("refugees", "#affected+refugees", "refugees"),
    ("asylumseekers", "#affected+asylum", "asylum_seekers"),
    ("internallydisplaced", "#affected+idps", "idps"),
    ("stateless", "#affected+stateless", "stateless"),
    ("othersofconcern", "#affected+others", "others_of_concern"),
)

SOURCE = SourceInfo(
    publisher="UNHCR",
    title="UNHCR Population Statistics: persons of concern originating from the Syrian Arab Republic (HDX export)",
    url="https://data.humdata.org/dataset/unhcr-population-data-for-syr",
    notes="End-of-year stocks. Distributed via HDX; the copy used in development comes from the "
          "romansul/syrian-civil-war repository. Zero and empty cells are not loaded (the publisher writes 0 "
          "for missing from 2014); '*' cells (suppressed small numbers) are kept as rejects.",
)


def _is_header(keys: list[str]) -> bool:
    has_country = any(k.startswith("country") and ("asylum" in k or "residence" in k) for k in keys)
    return "year" in keys and has_country and any(k.startswith("refugees") for k in keys)


def country_code(code: object, name: object) -> str:
    """ISO3 for a UNHCR country: its code when that is ISO 3166 (UNHCR's own codes such as UNK are not),
    else its name mapped by `country_names.iso3` (left unchanged, for the validator to reject, if unknown)."""
    text = str(code or "").strip().upper()
    if len(text) == 3 and text.isalpha() and pycountry.countries.get(alpha_3=text) is not None:
        return text
    return iso3(str(name or ""))


def _population_type(name: str, hxl: str | None) -> str | None:
    keyed, tag = key(name), (hxl or "").strip().lower()
    for prefix, hashtag, population in POPULATION_COLUMNS:
        if keyed.startswith(prefix):
            return population
    for prefix, hashtag, population in POPULATION_COLUMNS:
        if tag.startswith(hashtag):
            return population
    return None


def detect(path: Path) -> bool:
    return header_index(csv_head(path), _is_header) is not None


def figure(raw: object) -> object | None:
    """The cell as staged: None for no figure, the suppression marker for '*' (shared with the RDA table reader)."""
    if is_blank(raw) or is_dash(raw):
        return None
    text = str(raw).strip()
    if text.startswith("*"):
        return SUPPRESSED
    number = pd.to_numeric(text.replace(",", ""), errors="coerce")
    if number == 0:
        return None
    return text


def year_end(raw: object) -> str:
    """End-year stock date: '2019' or 2019.0 -> '2019-12-31' (anything else left for the validator)."""
    text = str(raw or "").strip()
    return f"{text[:4]}-12-31" if text[:4].isdigit() and len(text.split(".")[0]) == 4 else text


def _columns(rows: list[list[str]], index: int, path: Path) -> dict[str, str]:
    header = rows[index]
    hxl = rows[index + 1] if index + 1 < len(rows) and is_hxl_row(rows[index + 1]) else [None] * len(header)
    found = {}
    for name, tag in zip(header, list(hxl) + [None] * len(header)):
        population = _population_type(name, tag)
        if population and population not in found.values():
            found[str(name).strip()] = population
    if not found:
        raise ReadError(path, "no population columns (Refugees, Asylum-seekers, IDPs, ...) in the header", row=index + 1)
    return found


def _named(frame: pd.DataFrame, path: Path, *prefixes: str) -> str:
    for column in frame.columns:
        if any(key(column).startswith(p) for p in prefixes):
            return column
    raise ReadError(path, f"no column starting with {' or '.join(prefixes)}")


def read(path: Path) -> ReadResult:
    rows = csv_rows(path)
    index = header_index(rows, _is_header)
    if index is None:
        raise ReadError(path, "no header with Year, Country / territory of asylum/residence and Refugees columns")
    frame = frame_below_header(rows, index, None)
    year = _named(frame, path, "year")
    country = _named(frame, path, "countryterritoryofasylum", "countryofasylum", "countryterritory", "country")
    origin = _named(frame, path, "origin")
    tables = []
    for column, population in _columns(rows, index, path).items():
        values = frame[column].map(figure)
        keep = values.notna()
        part = frame.loc[keep, ["_sheet", "_row"]].copy()
        part["period_start"] = frame.loc[keep, year].map(year_end)
        part["period_end"] = part["period_start"]
        part["origin_iso3"] = frame.loc[keep, origin].map(lambda n: iso3(str(n or "")))
        part["asylum_iso3"] = frame.loc[keep, country].map(lambda n: iso3(str(n or "")))
        part["population_type"] = population
        part["persons"] = values[keep]
        part["note"] = None
        part["source_id"] = SOURCE.source_id
        columns = {"period_start": year, "period_end": year, "origin_iso3": origin, "asylum_iso3": country,
                   "persons": column}
        tables.append(Staged("refugees", part.reset_index(drop=True), columns))
    return ReadResult(KIND, tables, [SOURCE], notes=[
        "Total Population not loaded (sum of the other columns); zero and empty cells not loaded.",
    ])
