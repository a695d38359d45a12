"""A recipe's number format ([cells] thousands, decimal) and the rule that a count is a whole number.

Why: `1.204` in a French or German file is one thousand two hundred and four; read with the
project's default format (`,` between thousands, `.` before decimals) it is 1.204 deaths, and
`95,0` would be 950. Neither may load silently. A recipe says its file's format; without it, a
count (people, deaths) that is not a whole number is staged so the validator rejects it with the
reason, and a comma that does not separate groups of three digits is not a number
(warehouse.validation.number_value). Readers cast, the validator judges (etl.sources.base).
"""
from __future__ import annotations

import math
import re

import pandas as pd

from etl.specs import TABLES

THOUSANDS = (",", ".", " ", "'")
DECIMALS = (".", ",")
# What a count that is not a whole number is staged with, after its text: the validator's reason then reads
# "not a number: 1.204 (not a whole number: ...)", in the rejects with the file's row and column.
NOT_WHOLE = "(not a whole number: see [cells] thousands)"
_SPACES = "\u00a0\u202f\u2009"
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?|[+-]?\d{1,3}([ \u00a0\u202f\u2009]\d{3})+(\.\d+)?|[+-]?\d+(\.\d+)?")


def plain(text: str, thousands: str, decimal: str) -> str:
    """A number written in the file's format, in the project's (`1.204,5` with thousands '.', decimal ',' ->
    `1204.5`); texts that are not numbers come back unchanged for the validator to reject."""
    out = text.strip()
    decimal = decimal or ("," if thousands == "." else ".")
    if thousands:
        for mark in (thousands + _SPACES) if thousands == " " else thousands:
            out = out.replace(mark, "")
    if decimal == ",":
        out = out.replace(",", ".")
    return out if re.fullmatch(r"[+-]?\d+(\.\d+)?", out) else text


def _value(raw: object) -> float | None:
    """The number a cell holds as the validator reads it (commas between groups of three), None if none."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, float)):
        return float(raw) if not (isinstance(raw, float) and math.isnan(raw)) else None
    text = str(raw).strip()
    if not _GROUPED.fullmatch(text):
        return None
    return float(re.sub(r"[, \u00a0\u202f\u2009]", "", text))


def cell(raw: object, thousands: str, decimal: str, whole: bool) -> object:
    """One figure cell as staged: in the project's number format, or (a count that is not whole) marked."""
    if raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw)):
        return raw
    value = plain(raw, thousands, decimal) if isinstance(raw, str) and (thousands or decimal) else raw
    number = _value(value)
    if whole and number is not None and math.isfinite(number) and number != round(number):
        return f"{str(raw).strip()} {NOT_WHOLE}"
    return value


def numbers(frame: pd.DataFrame, table: str, thousands: str, decimal: str) -> pd.DataFrame:
    """Every count and number column of staged rows in the project's format; counts must be whole."""
    spec = TABLES[table]
    for column in spec.columns:
        if column.type in ("count", "number") and column.name in frame:
            whole = column.type == "count"
            frame[column.name] = frame[column.name].map(lambda v: cell(v, thousands, decimal, whole))
    return frame
