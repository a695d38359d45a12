"""Syria's admin units as publishers name them: governorates, their P-codes and spellings.

Why a shared table: publishers spell governorates differently ("Idleb",
"Idlib", "Edlib", "إدلب"; "Rural Damascus", "Damascus Suburbs", "Rif Dimashq")
and some sheets give only the name, never the P-code. The P-codes below are
OCHA's (COD-AB), checked against the `Admin3_Pco` prefixes and `Admin1_EN`
names of the HNO 2018 sub-district boundaries (shared/data/real/geo/hno_2018.json)
and the `Mohafaza PCODE` column of the IDP Task Force workbook.
"""
from __future__ import annotations

from collections.abc import Iterable

from etl.sources.base import SourceInfo
from etl.sources.headers import key

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

# Admin level -> what the warehouse calls a unit of that level.
ADMIN_KINDS = {1: "governorate", 2: "district", 3: "sub-district", 4: "community"}

PCODE_SOURCE = SourceInfo(
    publisher="OCHA Syria",
    title="Syria governorate P-codes (OCHA COD-AB), as used in the HNO 2018 sub-district boundaries and HNO datasets",
    url="https://github.com/UN-OCHA/syria-microsite-hno-syria.org",
    notes="Governorate names and P-codes known to the ETL (etl/sources/syria_admin.py), checked against "
          "hno_2018.json Admin3_Pco prefixes and Admin1_EN names.",
)


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
        {"pcode": p, "admin_level": 1, "kind": ADMIN_KINDS[1], "parent_pcode": "SY",
         "name_en": names.get(p) or GOVERNORATES[p][0], "name_ar": GOVERNORATES[p][1], "source_id": source_id}
        for p in sorted(set(pcodes)) if p in GOVERNORATES
    ]
