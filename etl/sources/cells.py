"""Cell conventions shared by readers and recipes (one definition each).

- `SUPPRESSED`: what a suppressed small number (`*` in UNHCR's tables) is staged as, so the
  validator rejects it as "not a number: * (suppressed by publisher)" and it stays visible in rejects;
- `year_end`: a year's end-of-year stock date;
- `figure`: a UNHCR figure cell (empty, NA, - and 0 are no figure; `*` is suppressed);
- `country_code`: a UNHCR country's ISO3 from its code when that is ISO 3166, else from its name.
"""
from __future__ import annotations

import pandas as pd
import pycountry

from etl.sources.country_names import iso3
from etl.sources.syria_admin import is_blank, is_dash

SUPPRESSED = "* (suppressed by publisher)"


def year_end(raw: object) -> str:
    """End-year stock date: '2019' or 2019.0 -> '2019-12-31' (anything else left for the validator)."""
    text = str(raw or "").strip()
    return f"{text[:4]}-12-31" if text[:4].isdigit() and len(text.split(".")[0]) == 4 else text


def year_start(raw: object) -> str:
    """First day of a year (a flow over the whole year starts there)."""
    text = str(raw or "").strip()
    return f"{text[:4]}-01-01" if text[:4].isdigit() and len(text.split(".")[0]) == 4 else text


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
