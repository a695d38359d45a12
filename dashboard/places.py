"""Place names in the language of the page: the Arabic name the warehouse holds (gazetteer,
HNO shapes, COD-AB boundaries), else the English one marked as such, so a reader knows the
Arabic is missing rather than wrong. English pages show the English names unchanged."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard import i18n
from dashboard.i18n import _

NAMES_QUERY = "names.places"


def arabic_names(query: Callable[..., pd.DataFrame]) -> dict[str, str]:
    """pcode -> Arabic name, for the places that have one ({} when the warehouse cannot say)."""
    try:
        frame = query(NAMES_QUERY)
    except Exception:  # an older warehouse or no warehouse: English names, said so
        return {}
    frame = frame[frame["name_ar"].notna()]
    return dict(zip(frame["pcode"].astype(str), frame["name_ar"].astype(str)))


def english_marked(english: object) -> str:
    """An English name in an Arabic page, with a note that no Arabic name is known."""
    return _("{name} (English name)").format(name=i18n.isolate(english))


def place(pcode: object, english: object, names: dict[str, str]) -> str:
    """The name to show for a place: Arabic when the page is Arabic and one is known."""
    english = "" if english is None or (isinstance(english, float) and pd.isna(english)) else str(english)
    if i18n.language() == "en":
        return english
    name = names.get(str(pcode))
    if name:
        return name
    return english_marked(english) if english else str(pcode)


def rename(frame: pd.DataFrame, names: dict[str, str], pairs: dict[str, str]) -> pd.DataFrame:
    """Columns of names in the page's language: {name column: its pcode column}."""
    if i18n.language() == "en" or frame.empty:
        return frame
    out = frame.copy()
    for name_col, pcode_col in pairs.items():
        if name_col in out and pcode_col in out:
            out[name_col] = [place(p, n, names) for p, n in zip(out[pcode_col], out[name_col])]
    return out
