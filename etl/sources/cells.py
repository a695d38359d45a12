"""Cell conventions shared by readers, recipes and the validator (one definition each).

- `NO_VALUE` / `is_blank`: a cell that holds nothing (empty, NaN, or a text that says so: 'n/a', '..');
- `is_dash`: an Excel accounting-format zero, a dash with padding ('   -  ');
- `MISSING_MARKERS`: what the validator counts as no value in a required column: the above, and the
  dashes, '*' and 'x' that publishers put where a figure is withheld;
- `SUPPRESSED`: what a suppressed small number (`*` in UNHCR's tables) is staged as, so the
  validator rejects it as "not a number: * (suppressed by publisher)" and it stays visible in rejects;
- `figure`: a UNHCR figure cell (empty, NA, - and 0 are no figure; `*` is suppressed);
- `country_code`: a UNHCR country's ISO3 from its code when that is ISO 3166, else from its name.
"""
from __future__ import annotations

import re

import pandas as pd
import pycountry

from etl.sources.country_names import iso3

NO_VALUE = frozenset({"", "na", "n/a", "nan", "none", "null", ".."})
MISSING_MARKERS = NO_VALUE | {"n.a.", "-", "--", "*", "x"}
SUPPRESSED = "* (suppressed by publisher)"
_DASH = re.compile(r"\s*[-\u2013\u2014]+\s*")


def is_blank(value: object) -> bool:
    """Empty cell, or a text that only says 'no value'."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and value.strip().lower() in NO_VALUE


def is_dash(value: object) -> bool:
    """An Excel accounting-format zero: a dash with padding ('   -  ')."""
    return isinstance(value, str) and _DASH.fullmatch(value) is not None


def figure(raw: object) -> object | None:
    """A UNHCR cell as staged: None for no figure (empty, NA, -, 0), the suppression marker for '*'."""
    if is_blank(raw) or is_dash(raw):
        return None
    text = str(raw).strip()
    if text.startswith("*"):
        return SUPPRESSED
    number = pd.to_numeric(text.replace(",", ""), errors="coerce")
    if number == 0:
        return None
    return text


def country_code(code: object, name: object) -> str:
    """ISO3 for a UNHCR country: its code when that is ISO 3166 (UNHCR's own codes such as UNK are not),
    else its name mapped by `country_names.iso3` (left unchanged, for the validator to reject, if unknown)."""
    text = str(code or "").strip().upper()
    if len(text) == 3 and text.isalpha() and pycountry.countries.get(alpha_3=text) is not None:
        return text
    return iso3(str(name or ""))
