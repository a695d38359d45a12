"""Areas the publishers name ("northwestern Idleb", "northern Aleppo") defined by their sub-districts.

Why: OCHA and REACH publish destinations for areas, not P-codes ("some 400,000 …
moved to areas in northern Aleppo governorate such as A'zaz, Afrin, Jandairis and
Al Bab"). To place such a figure on the map and in a distance band the area must
be a location whose extent is known: the set of sub-districts the cited page
names or maps. The definitions are declarative, one row per member
(`etl/reference/areas.csv`), each citing the page it was read in, with a note
saying how the set was read from it.

Columns: area_pcode, area_name_en, area_name_ar, parent_pcode, kind (area, or region for Northwest
Syria, whose members are a governorate and districts), member_pcode,
member_name_en (for the reader of the file; the warehouse keeps the P-code),
note, source_publisher, source_title, source_date, source_url.

Each area becomes a `locations` row (kind 'area', admin level 0 like a region,
no coordinates: its band comes from its members) and each member an
`area_members` row.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.sources.base import ReadError, ReadResult, Staged
from etl.sources.headers import header_with, normalise
from etl.sources.tabular import csv_head, csv_rows, frame_below_header
from etl.sources.tidy import _citations

KIND = "named-areas"
DESCRIPTION = "Areas named by publishers, as the sub-district P-codes a cited page names (etl/reference/areas.csv)"
SUFFIXES = (".csv",)
REQUIRED = ("area_pcode", "area_name_en", "member_pcode", "source_publisher", "source_title")


def _header(rows: list[list[str]]) -> int | None:
    return header_with(rows, REQUIRED, limit=5, keyed=normalise)


def detect(path: Path) -> bool:
    return path.suffix.lower() == ".csv" and _header(csv_head(path)) is not None


def priority(path: Path) -> int:
    """After the boundaries and the gazetteer (the members must be known), before the facts."""
    return 12


def _kinds(firsts: pd.DataFrame) -> pd.Series:
    """'area' unless the file says 'region' (Northwest Syria, listed by its governorate and districts)."""
    given = firsts["kind"] if "kind" in firsts else pd.Series(None, index=firsts.index, dtype=object)
    return given.where(given.isin(["area", "region"]), "area")


def read(path: Path) -> ReadResult:
    rows = csv_rows(path)
    index = _header(rows)
    if index is None:
        raise ReadError(path, f"no header with the columns {', '.join(REQUIRED)}")
    frame = frame_below_header(rows, index, None)
    frame.columns = [normalise(c) if not str(c).startswith("_") else c for c in frame.columns]
    citations = _citations(frame)
    frame["source_id"] = [c.source_id if c else None for c in citations]
    sources = list({c.source_id: c for c in citations if c}.values())
    firsts = frame.drop_duplicates("area_pcode")
    places = pd.DataFrame({
        "_sheet": "areas (first row of each area)", "_row": firsts["_row"], "pcode": firsts["area_pcode"],
        "admin_level": 0, "kind": _kinds(firsts), "parent_pcode": firsts.get("parent_pcode"),
        "name_en": firsts["area_name_en"], "name_ar": firsts.get("area_name_ar"), "source_id": firsts["source_id"],
    })
    members = pd.DataFrame({
        "_sheet": None, "_row": frame["_row"], "area_pcode": frame["area_pcode"],
        "member_pcode": frame["member_pcode"], "note": frame.get("note"), "source_id": frame["source_id"],
    })
    return ReadResult(KIND, [
        Staged("locations", places, {"pcode": "area_pcode", "name_en": "area_name_en", "name_ar": "area_name_ar"}),
        Staged("area_members", members, {}),
    ], sources)
