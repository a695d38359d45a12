"""Decide, row by row, what loads and what is rejected, and why.

Vectorised over whole columns so that millions of rows validate in seconds.
Every rejected row keeps its sheet, row number, the file's column name, the
reason and the raw values, so a data officer can fix it and load again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pycountry

from etl.sources.base import OUT_OF_SCOPE, PROVENANCE_COLUMNS, Staged
from etl.specs import TABLES, Column

MISSING_MARKERS = frozenset({"", "na", "n/a", "n.a.", "nan", "none", "null", "-", "--", "..", "*", "x"})
REJECT_COLUMNS = ["sheet", "row_number", "column_name", "reason", "raw"]


@dataclass
class Context:
    """What the warehouse (and this file) already knows, to check references against."""

    pcodes: set[str] = field(default_factory=set)
    camp_ids: set[str] = field(default_factory=set)


@dataclass
class Validated:
    table: str
    good: pd.DataFrame
    rejects: pd.DataFrame
    out_of_scope: int = 0  # of the rejects, rows outside the warehouse's scope (not errors to fix)


def _as_text(series: pd.Series) -> pd.Series:
    """Values as stripped strings, with missing markers as <NA>."""
    text = series.astype("string").str.strip()
    return text.mask(text.str.lower().isin(MISSING_MARKERS))


def _numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written as 1,234 or ' 1 234 '; return values and the unparseable mask."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = pd.to_numeric(series, errors="coerce").astype("float64")
        return values, pd.Series(False, index=series.index)
    text = _as_text(series)
    cleaned = text.str.replace(r"[,\s\u00a0\u202f]", "", regex=True)
    values = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return values, text.notna() & values.isna()


def _dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
        return values.dt.normalize(), pd.Series(False, index=series.index)
    text = _as_text(series)
    values = pd.to_datetime(text, errors="coerce", format="ISO8601")
    retry = text.notna() & values.isna() & ~text.str.match(r"^\d{4}-", na=False)
    if retry.any():
        values[retry] = pd.to_datetime(text[retry], errors="coerce", format="mixed", dayfirst=True)
    values = values.dt.normalize()
    return values, text.notna() & values.isna()


@lru_cache(maxsize=4096)
def is_iso3(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code.upper()) is not None


def _check_column(col: Column, raw: pd.Series, ctx: Context) -> tuple[pd.Series, pd.Series]:
    """Return the cast column and a Series of reasons ('' where the value is fine)."""
    reasons = pd.Series("", index=raw.index, dtype="object")
    if col.type in ("count", "number", "int"):
        values, bad = _numbers(raw)
        reasons[bad] = "not a number: " + raw[bad].astype("string").str.slice(0, 60)
        if col.type == "count":
            reasons[values < 0] = "negative count"
        if col.type == "int":
            reasons[values.notna() & (values != values.round())] = "not a whole number"
    elif col.type == "date":
        values, bad = _dates(raw)
        reasons[bad] = "not a date (use YYYY-MM-DD): " + raw[bad].astype("string").str.slice(0, 60)
    else:
        values = _as_text(raw)
        if col.type in ("pcode", "parent", "camp", "iso3"):
            values = values.str.upper() if col.type == "iso3" else values
        if col.type == "pcode":
            unknown = values.notna() & ~values.isin(ctx.pcodes)
            reasons[unknown] = "unknown P-code " + values[unknown] + " (load its location first)"
        elif col.type == "camp":
            unknown = values.notna() & ~values.isin(ctx.camp_ids)
            reasons[unknown] = "unknown camp_id " + values[unknown] + " (load the camp list first)"
        elif col.type == "iso3":
            unknown = values.notna() & ~values.fillna("").map(is_iso3)
            reasons[unknown] = "not an ISO 3166 alpha-3 country code: " + values[unknown]
        elif col.type == "choice" and col.choices:
            values = values.str.lower()
            unknown = values.notna() & ~values.isin(col.choices)
            reasons[unknown] = "not one of " + ", ".join(col.choices) + ": " + values[unknown]
    missing = values.isna() & (reasons == "")
    if col.required:
        reasons[missing] = "missing value"
    return values, reasons


def strict_rules(table: str):
    """The table's columns as warehouse.bulk rules, for the plainly-valid fast path of big files."""
    from warehouse.bulk import Rule

    return [Rule(c.name, c.type, c.required, c.choices) for c in TABLES[table].columns]


def iso3_codes() -> set[str]:
    return {c.alpha_3 for c in pycountry.countries}


def _row_checks(table: str, frame: pd.DataFrame) -> list[tuple[str, pd.Series, str]]:
    """Rules across columns: (column to blame, failing mask, reason)."""
    checks = []
    if "period_start" in frame and "period_end" in frame:
        checks.append(("period_end", frame["period_start"] > frame["period_end"], "period ends before it starts"))
    if table == "displacement":
        same = frame["origin_pcode"].notna() & (frame["origin_pcode"] == frame["destination_pcode"])
        checks.append(("destination_pcode", same.fillna(False), "origin and destination are the same place"))
        neither = frame["origin_pcode"].isna() & frame["destination_pcode"].isna()
        checks.append(("destination_pcode", neither, "neither origin nor destination given"))
    if table == "casualties":
        low, best, high = frame["deaths_low"], frame["deaths_best"], frame["deaths_high"]
        checks.append(("deaths_low", (low > best).fillna(False), "low estimate above best estimate"))
        checks.append(("deaths_high", (high < best).fillna(False), "high estimate below best estimate"))
    if "lat" in frame and "lon" in frame:
        checks.append(("lat", ~frame["lat"].between(-90, 90) & frame["lat"].notna(), "latitude out of range"))
        checks.append(("lon", ~frame["lon"].between(-180, 180) & frame["lon"].notna(), "longitude out of range"))
    return checks


def _raw_json(frame: pd.DataFrame) -> pd.Series:
    data = frame.drop(columns=[c for c in (*PROVENANCE_COLUMNS, OUT_OF_SCOPE) if c in frame]).astype("string")
    return pd.Series(
        [json.dumps({k: v for k, v in row.items() if v is not pd.NA}, ensure_ascii=False, default=str)
         for row in data.to_dict("records")],
        index=frame.index,
        dtype="object",
    )


def validate(staged: Staged, ctx: Context) -> Validated:
    """Split staged rows into typed good rows and rejects with reasons."""
    spec = TABLES[staged.table]
    raw = staged.frame
    cast: dict[str, pd.Series] = {}
    first_column = pd.Series("", index=raw.index, dtype="object")
    all_reasons = pd.Series("", index=raw.index, dtype="object")

    def note(column: str, reasons: pd.Series) -> None:
        failed = reasons != ""
        fresh = failed & (all_reasons == "")
        first_column[fresh] = staged.file_column(column)
        all_reasons[failed] = np.where(all_reasons[failed] == "", reasons[failed], all_reasons[failed] + "; " + reasons[failed])

    for col in spec.columns:
        column_raw = raw[col.name] if col.name in raw else pd.Series(pd.NA, index=raw.index, dtype="object")
        cast[col.name], reasons = _check_column(col, column_raw, ctx)
        note(col.name, reasons)
    source = _as_text(raw["source_id"]) if "source_id" in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
    note("source_publisher", pd.Series(np.where(source.isna(), "no source cited (source_publisher and source_title are required)", ""), index=raw.index))
    typed = pd.DataFrame(cast, index=raw.index)
    for column, mask, reason in _row_checks(staged.table, typed):
        note(column, pd.Series(np.where(mask.fillna(False), reason, ""), index=raw.index))

    scope = _as_text(raw[OUT_OF_SCOPE]).notna() if OUT_OF_SCOPE in raw else pd.Series(False, index=raw.index)
    if scope.any():  # out of scope: that reason alone (its other values were never meant to load)
        all_reasons[scope] = raw.loc[scope, OUT_OF_SCOPE].astype(str)
        first_column[scope] = staged.file_column(OUT_OF_SCOPE)
    bad = all_reasons != ""
    good = typed[~bad].copy()
    good["source_id"] = source[~bad].astype("object")
    for col in spec.columns:
        if col.type == "date":
            good[col.name] = good[col.name].dt.date
    rejects = pd.DataFrame({
        "sheet": raw.loc[bad, "_sheet"] if "_sheet" in raw else None,
        "row_number": raw.loc[bad, "_row"] if "_row" in raw else None,
        "column_name": first_column[bad],
        "reason": all_reasons[bad],
        "raw": _raw_json(raw[bad]) if bad.any() else pd.Series(dtype="object"),
    }, columns=REJECT_COLUMNS)
    return Validated(staged.table, good.reset_index(drop=True), rejects.reset_index(drop=True), int(scope.sum()))
