"""UNHCR Population Statistics monthly asylum applications (CSV).

Columns: country of asylum, origin, year, month (English name or number),
value. A flow: the applications lodged in that month, loaded as `refugees`
rows with population_type `asylum_applications` and the month as the period.

Decisions (documented for data officers):
- `*` is a small number suppressed by the publisher: the row is rejected with
  the reason "suppressed by publisher" so it stays visible in `rejects`.
  Empty, `NA` and `-` values are no figure: no row.
- UNHCR reports the United States as two offices, `USA (EOIR)` (immigration
  courts) and `USA (INS/DHS)`. Both map to USA and stay separate rows, with
  the office in `note`; they are different procedures, so adding them is fine.
  The same applies to any country name that maps to a code another name in
  the file also maps to.
- A country name that maps to no ISO3 code is rejected with the name.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged
from etl.sources.country_names import iso3
from etl.sources.syria_admin import header_index, is_blank, is_dash, key, month_end, month_number
from etl.sources.tabular import csv_head, csv_rows, frame_below_header

KIND = "unhcr-asylum-monthly"
DESCRIPTION = "UNHCR monthly asylum applications by country of asylum (CSV: country, origin, year, month, value)"
SUFFIXES = (".csv",)
SUPPRESSED = "* (suppressed by publisher)"

SOURCE = SourceInfo(
    publisher="UNHCR",
    title="UNHCR Population Statistics: monthly asylum applications lodged by Syrians, by country of asylum",
    url="https://www.unhcr.org/refugee-statistics/",
    notes="Asylum applications (a monthly flow), not refugee stocks; Turkey's figures are applications only, "
          "not temporary-protection registrations. '*' (suppressed small numbers) kept as rejects. The copy "
          "used in development comes from the romansul/syrian-civil-war repository.",
)


def _is_header(keys: list[str]) -> bool:
    has_country = any(k.startswith("country") for k in keys)
    return has_country and {"year", "month", "value"} <= set(keys)


def detect(path: Path) -> bool:
    return header_index(csv_head(path), _is_header) is not None


def _named(frame: pd.DataFrame, path: Path, *names: str) -> str:
    for name in names:
        for column in frame.columns:
            if key(column) == name or (name.endswith("*") and key(column).startswith(name[:-1])):
                return column
    raise ReadError(path, f"no column {names[0].rstrip('*')!r}")


def _period(year: object, month: object) -> tuple[str, str]:
    """First and last day of the month; the raw text when it is not a month (the validator rejects it)."""
    text = str(year or "").strip().split(".")[0]
    number = month_number(month)
    if number is None and str(month or "").strip().isdigit():
        number = int(str(month).strip())
    if not (text.isdigit() and len(text) == 4 and number and 1 <= number <= 12):
        raw = f"{year} {month}"
        return raw, raw
    end = month_end(int(text), number)
    return f"{text}-{number:02d}-01", end.isoformat()


def _value(raw: object) -> object | None:
    if is_blank(raw) or is_dash(raw):
        return None
    text = str(raw).strip()
    return SUPPRESSED if text.startswith("*") else text


def read(path: Path) -> ReadResult:
    rows = csv_rows(path)
    index = header_index(rows, _is_header)
    if index is None:
        raise ReadError(path, "no header with Country, Year, Month and Value columns")
    frame = frame_below_header(rows, index, None)
    country = _named(frame, path, "countryterritoryofasylumresidence", "countryofasylum", "country*")
    origin = _named(frame, path, "origin", "countryoforigin", "origin*")
    year, month, value = (_named(frame, path, n) for n in ("year", "month", "value"))
    values = frame[value].map(_value)
    keep = values.notna()
    part = frame.loc[keep, ["_sheet", "_row"]].copy()
    periods = [_period(y, m) for y, m in zip(frame.loc[keep, year], frame.loc[keep, month])]
    part["period_start"] = [p[0] for p in periods]
    part["period_end"] = [p[1] for p in periods]
    names = frame.loc[keep, country].astype("string").str.strip()
    part["origin_iso3"] = frame.loc[keep, origin].map(lambda n: iso3(str(n or "")))
    part["asylum_iso3"] = names.map(lambda n: iso3(str(n or "")))
    part["population_type"] = "asylum_applications"
    part["persons"] = values[keep]
    shared = names.groupby(part["asylum_iso3"]).transform("nunique") > 1
    part["note"] = ("reported by " + names).where(shared, None)
    part["source_id"] = SOURCE.source_id
    columns = {"period_start": f"{year}/{month}", "period_end": f"{year}/{month}", "origin_iso3": origin,
               "asylum_iso3": country, "persons": value}
    skipped = int((~keep).sum())
    return ReadResult(KIND, [Staged("refugees", part.reset_index(drop=True), columns)], [SOURCE],
                      notes=[f"{skipped} rows without a value skipped"] if skipped else [])
