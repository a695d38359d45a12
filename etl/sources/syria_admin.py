"""Helpers shared by the readers of Syria publications (OCHA, HNO, VDC).

Why a shared table: publishers spell governorates differently ("Idleb",
"Idlib", "Edlib", "إدلب"; "Rural Damascus", "Damascus Suburbs", "Rif Dimashq")
and some sheets give only the name, never the P-code. The P-codes below are
OCHA's (COD-AB), checked against the `Admin3_Pco` prefixes and `Admin1_EN`
names of the HNO 2018 sub-district boundaries (shared/data/real/geo/hno_2018.json)
and the `Mohafaza PCODE` column of the IDP Task Force workbook.

Also here: loose header matching (case, spaces, underscores ignored), month
names, and the cell conventions of Excel exports (accounting dashes = 0).
"""
from __future__ import annotations

import calendar
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from etl.sources.base import ReadError, SourceInfo

# P-code -> (OCHA English name, Arabic name, other spellings seen in publications)
GOVERNORATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "SY01": ("Damascus", "دمشق", ("Damascus City", "Dimashq")),
    "SY02": ("Aleppo", "حلب", ("Halab",)),
    "SY03": ("Rural Damascus", "ريف دمشق", ("Damascus Suburbs", "Rif Dimashq", "Rif Damascus", "Damascus Countryside", "Reef Damascus")),
    "SY04": ("Homs", "حمص", ("Hims",)),
    "SY05": ("Hama", "حماة", ("Hamah", "Hamaa")),
    "SY06": ("Lattakia", "اللاذقية", ("Latakia", "Al-Lathiqiyah", "Lattakiyah")),
    "SY07": ("Idleb", "إدلب", ("Idlib", "Edlib", "Idleb Governorate", "ادلب")),
    "SY08": ("Al-Hasakeh", "الحسكة", ("Hasakeh", "Hasakah", "Al-Hasakah", "Hassakeh", "Al Hasakah", "Al-Hasaka")),
    "SY09": ("Deir-ez-Zor", "دير الزور", ("Deir Ezzor", "Deir ez-Zor", "Deir Ez Zor", "Deir-ez-Zour", "Dayr az Zawr", "Deir Al Zour")),
    "SY10": ("Tartous", "طرطوس", ("Tartus",)),
    "SY11": ("Ar-Raqqa", "الرقة", ("Raqqa", "Al-Raqqa", "Ar Raqqah", "Raqqah", "Al-Raqqah")),
    "SY12": ("Dar'a", "درعا", ("Daraa", "Deraa", "Dara'a", "Dar’a")),
    "SY13": ("As-Sweida", "السويداء", ("Sweida", "As-Suwayda", "Suwayda", "Al-Sweida", "Sweyda")),
    "SY14": ("Quneitra", "القنيطرة", ("Al-Quneitra", "Qunaytirah", "Quneitera", "Al-Qunaitra")),
}

MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9

PCODE_SOURCE = SourceInfo(
    publisher="OCHA Syria",
    title="Syria governorate P-codes (OCHA COD-AB), as used in the HNO 2018 sub-district boundaries and HNO datasets",
    url="https://github.com/UN-OCHA/syria-microsite-hno-syria.org",
    notes="Governorate names and P-codes known to the ETL (etl/sources/syria_admin.py), checked against "
          "hno_2018.json Admin3_Pco prefixes and Admin1_EN names.",
)


def key(text: object) -> str:
    """Text compared loosely: lower case, letters and digits only (Arabic letters kept)."""
    return re.sub(r"[\W_]+", "", str(text or "").lower())


def _governorate_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for pcode, (name, arabic, aliases) in GOVERNORATES.items():
        for spelling in (name, arabic, pcode, *aliases):
            keys[key(spelling)] = pcode
    return keys


_GOV_KEYS = _governorate_keys()


def governorate_pcode(name: object) -> str | None:
    """P-code of a governorate named in any spelling we know, or None."""
    text = key(name)
    for suffix in ("governorate", "province", "mohafaza", "محافظة"):
        text = text.removesuffix(suffix)
    return _GOV_KEYS.get(text)


def governorate_rows(pcodes: Iterable[str], source_id: str, names: dict[str, str] | None = None) -> list[dict]:
    """Location rows for governorates, named as the file names them when it does."""
    names = names or {}
    return [
        {"pcode": p, "admin_level": 1, "kind": "governorate", "parent_pcode": "SY",
         "name_en": names.get(p) or GOVERNORATES[p][0], "name_ar": GOVERNORATES[p][1], "source_id": source_id}
        for p in sorted(set(pcodes)) if p in GOVERNORATES
    ]


def header_index(rows: Sequence[Sequence[object]], accept: Callable[[list[str]], bool], limit: int = 30) -> int | None:
    """First row (within `limit`) whose loosely-keyed cells satisfy `accept`."""
    for index, row in enumerate(rows[:limit]):
        if accept([key(c) for c in row]):
            return index
    return None


def column(header: Sequence[object], *names: str) -> int | None:
    """Position of the first header cell matching any of `names` loosely."""
    wanted = [key(n) for n in names]
    keyed = [key(c) for c in header]
    for name in wanted:
        if name in keyed:
            return keyed.index(name)
    return None


def require_column(header: Sequence[object], path: Path, sheet: str | None, *names: str) -> int:
    found = column(header, *names)
    if found is None:
        raise ReadError(path, f"no column named {' or '.join(repr(n) for n in names)}", sheet=sheet)
    return found


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_number(text: object) -> int | None:
    return MONTHS.get(str(text or "").strip().lower().rstrip("."))


def is_blank(value: object) -> bool:
    """Empty cell, or a text that only says 'no value'."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and value.strip().lower() in {"", "na", "n/a", "nan", "none", "null", ".."}


def is_dash(value: object) -> bool:
    """An Excel accounting-format zero: a dash with padding ('   -  ')."""
    return isinstance(value, str) and re.fullmatch(r"\s*[-\u2013\u2014]+\s*", value) is not None


def workbook_rows(path: Path, limit: int | None = None) -> dict[str, list[tuple]]:
    """Every sheet's cached cell values (one open of the workbook)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(path, f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})") from exc
    try:
        sheets = {}
        for name in book.sheetnames:
            rows = []
            for index, row in enumerate(book[name].iter_rows(values_only=True)):
                if limit is not None and index >= limit:
                    break
                rows.append(row)
            sheets[name] = rows
        return sheets
    finally:
        book.close()
