"""Insecurity Insight's attacks on health care incident data (Safeguarding Health in
Conflict Coalition, as distributed on HDX): one XLSX row per incident, worldwide,
with a header row, an HXL hashtag row under it, and a `MetaData&Notes` sheet
holding the citation, the licence and the caveats.

Recognised by its header (Date, Event Description, Country ISO, Admin 1,
Health Workers Killed), on whichever sheet and row it sits: the sheet name
changes with each release ("2016-23 Attacks on Health Care " ends in a space).
It is read here, before the generic HXL reader, because the hashtags alone
would make that reader load health workers killed as all deaths and lose the
events.

Decisions (documented for data officers):
- Every incident becomes one `events` row, category `attack_on_health`:
  the date, a short title built from the file's own columns (weapon,
  perpetrator, governorate), the publisher's description, the governorate
  P-code from `Admin 1` (governorate names matched by `syria_admin`), and the
  incident's coordinates.
- Health workers killed in an incident become one `casualties` row (category
  `health_workers`, period = the incident's day, place = its governorate).
  Incidents with no health worker killed add no casualty row (the event is
  there); the publisher counts one where the number is unspecified.
- The warehouse holds Syrian figures only: incidents in other countries are
  kept as rejects with the reason "outside Syria (Country ISO ...)", so rows
  read = loaded + rejected holds and the load message counts them apart from
  rows with errors. `Admin 1` = "No Information" is a Syrian incident with no
  place: it loads without a location. Any other unknown name is rejected.
- The citation and licence are read from the `MetaData&Notes` sheet; if it is
  missing the file is still cited by its name, publisher Insecurity Insight.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from etl.sources.base import OUT_OF_SCOPE, ReadError, ReadResult, SourceInfo, Staged
from etl.sources.country_names import iso3
from etl.sources.cells import is_blank
from etl.sources.headers import header_with, is_hxl_row, key
from etl.sources.syria_admin import PCODE_SOURCE, GOVERNORATES, governorate_pcode, governorate_rows
from etl.sources.workbook import xlsx_rows, xlsx_sheet_names

KIND = "insecurity-insight-health-attacks"
DESCRIPTION = "Insecurity Insight attacks on health care incidents (XLSX with HXL row; Syrian rows load as events)"
SUFFIXES = (".xlsx",)
SCAN_ROWS = 25
PUBLISHER = "Insecurity Insight"
URL = "https://insecurityinsight.org/projects/healthcare"
HOME = "SYR"

# Tidy name -> the header the publisher uses (compared loosely: case, spaces, punctuation ignored).
COLUMNS = {
    "date": "Date", "description": "Event Description", "country": "Country", "iso": "Country ISO",
    "admin1": "Admin 1", "lat": "Latitude", "lon": "Longitude", "killed": "Health Workers Killed",
    "perpetrator": "Reported Perpetrator", "perpetrator_name": "Reported Perpetrator Name",
    "weapon": "Weapon Carried/Used", "event_id": "SiND Event ID",
}
REQUIRED = ("date", "description", "iso", "admin1", "killed")
# Values that say "nothing known": never put into a title, and no place for Admin 1.
NO_INFORMATION = ("noinformation", "noinformationontheweaponused", "unknown", "unidentifiedarmedactor",
                  "notapplicablenodirectviolence", "notapplicable")
KILLED_NOTE = "Insecurity Insight's count of health workers killed in attacks on health care (SiND event {})"


# ---------------------------------------------------------------- finding the table


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, int | None] | None:
    """(header row index, HXL row index or None) of the incident table in the first rows of a sheet."""
    index = header_with(rows, [COLUMNS[name] for name in REQUIRED], SCAN_ROWS)
    if index is None:
        return None
    below = index + 1
    return index, below if below < len(rows) and is_hxl_row(rows[below]) else None


def _table_sheet(path: Path) -> tuple[str, int, int | None] | None:
    for sheet in xlsx_sheet_names(path):
        found = find_header(xlsx_rows(path, sheet, limit=SCAN_ROWS))
        if found:
            return sheet, *found
    return None


def detect(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and _table_sheet(path) is not None


# ---------------------------------------------------------------- citation


def citation(path: Path, sheets: list[str]) -> SourceInfo:
    """The source as the MetaData sheet words it: its citation line, licence and data notes."""
    meta = next((s for s in sheets if key(s).startswith("metadata")), None)
    labels: dict[str, list[str]] = {}
    current = None
    for row in xlsx_rows(path, meta) if meta else []:
        cells = [str(c).strip() for c in row if not is_blank(c) and str(c).strip()]
        if not cells:
            continue
        if key(cells[0]) in ("citation", "license", "licence", "datanotes", "contactinfo", "definitions"):
            current = key(cells[0]).replace("licence", "license")
            labels[current] = cells[1:]
        elif current:
            labels[current].append(cells[0])
    cited = " ".join(labels.get("citation", []))
    # "Insecurity Insight. 2024. <title, v. 05 January 2024>. Geneva, Switzerland: Insecurity Insight."
    parts = re.fullmatch(r"\s*(.+?)\.\s*(\d{4})\.\s*(.+)\.\s+([^.]+:[^.]+)\.?\s*", cited)
    title = parts[3] if parts else (cited or path.name)
    version = re.search(r"v\.\s*(\d{1,2} \w+ \d{4})", title)
    try:
        published = datetime.strptime(version[1], "%d %B %Y").date() if version else None
    except ValueError:
        published = None
    notes = " ".join(labels.get("datanotes", []))
    return SourceInfo(
        publisher=parts[1] if parts else PUBLISHER, title=title, url=URL,
        licence=" ".join(labels.get("license", [])) or None, published=published,
        notes=(f"Citation: {cited} " if cited else "") + f"Data notes: {notes} Only Syrian incidents are loaded. "
              "Distributed on HDX; the copy used in development comes from OCHA-DAP/hdx-scraper-insecurity-insight.",
    )


# ---------------------------------------------------------------- values


def _day(value: object) -> object:
    """Excel dates as ISO days; serial numbers converted (openpyxl's from_excel); anything else left for the validator."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date().isoformat()
    return value


def _known(value: object) -> str | None:
    text = "" if is_blank(value) else re.sub(r"\s+", " ", str(value)).strip()
    return text if text and key(text) not in NO_INFORMATION else None


def _place(admin1: object) -> tuple[object, str]:
    """(location_pcode as staged, place name for the title)."""
    name = _known(admin1)
    if name is None:
        return None, "Syria"
    pcode = governorate_pcode(name)
    return (pcode, GOVERNORATES[pcode][0]) if pcode else (name, name)


def _weapon(value: object) -> str | None:
    """'Aerial Bomb: Plane' reads as 'aerial bomb (plane)'."""
    text = _known(value)
    if text is None:
        return None
    head, _, detail = text.partition(":")
    words = head.strip() if head.strip().isupper() else head.strip().lower()
    return f"{words} ({detail.strip().lower()})" if detail.strip() else words


def title(weapon: object, perpetrator_name: object, perpetrator: object, place: str) -> str:
    """'Attack on health care: aerial bomb (plane) by Syrian Armed Forces in Idleb', from the row's columns."""
    how = _weapon(weapon)
    who = _known(perpetrator_name) or _known(perpetrator)
    by = f" by {who}" if who else ""
    return f"Attack on health care: {how}{by} in {place}" if how else f"Attack on health care{by} in {place}"


def _scope(iso: object, country: object) -> str | None:
    """None for a Syrian incident, else the reason it is out of scope."""
    code = "" if is_blank(iso) else str(iso).strip().upper()
    if code == HOME or (not code and iso3(str(country or "")) == HOME):
        return None
    shown = f"Country ISO {code}" if code else f"no Country ISO; Country {str(country or '').strip() or 'blank'}"
    return f"outside Syria ({shown}): this warehouse holds Syrian figures only"


# ---------------------------------------------------------------- reading


def _frame(path: Path, sheet: str, header: int, hxl: int | None) -> tuple[pd.DataFrame, dict[str, str]]:
    rows = xlsx_rows(path, sheet)
    names = [str(c).strip() if c is not None else "" for c in rows[header]]
    keyed = [key(n) for n in names]
    found = {tidy: keyed.index(key(text)) for tidy, text in COLUMNS.items() if key(text) in keyed}
    missing = [COLUMNS[n] for n in REQUIRED if n not in found]
    if missing:
        raise ReadError(path, f"no column named {', '.join(repr(m) for m in missing)}", sheet=sheet, row=header + 1)
    first = (hxl if hxl is not None else header) + 1
    body = [(number + 1, row) for number, row in enumerate(rows[first:], start=first)
            if any(not is_blank(c) for c in row)]
    frame = pd.DataFrame({tidy: [row[i] if i < len(row) else None for _, row in body] for tidy, i in found.items()})
    frame = frame.reindex(columns=list(COLUMNS))
    frame.insert(0, "_sheet", sheet)
    frame.insert(1, "_row", [number for number, _ in body])
    return frame, {tidy: names[i] for tidy, i in found.items()}


def _events(frame: pd.DataFrame, names: dict[str, str], source_id: str) -> Staged:
    places = frame["admin1"].map(_place)
    events = frame[["_sheet", "_row"]].copy()
    events["event_date"] = frame["date"].map(_day)
    events["end_date"] = None
    events["title"] = [title(w, pn, p, place) for w, pn, p, (_, place)
                       in zip(frame["weapon"], frame["perpetrator_name"], frame["perpetrator"], places)]
    events["description"] = frame["description"]
    events["location_pcode"] = [pcode for pcode, _ in places]
    events["category"] = "attack_on_health"
    events["lat"], events["lon"] = frame["lat"], frame["lon"]
    events["source_id"] = source_id
    events[OUT_OF_SCOPE] = [_scope(i, c) for i, c in zip(frame["iso"], frame["country"])]
    columns = {"event_date": names["date"], "title": names.get("weapon", names["description"]),
               "description": names["description"], "location_pcode": names["admin1"],
               "lat": names.get("lat", "Latitude"), "lon": names.get("lon", "Longitude"), OUT_OF_SCOPE: names["iso"]}
    return Staged("events", events, columns)


def _killed(frame: pd.DataFrame, names: dict[str, str], syrian: pd.Series, source_id: str) -> Staged:
    """Health workers killed, one row per Syrian incident with a count other than 0 or blank."""
    count = pd.to_numeric(frame["killed"], errors="coerce")
    keep = syrian & ~frame["killed"].map(is_blank) & (count.isna() | (count != 0))
    part = frame.loc[keep, ["_sheet", "_row"]].copy()
    part["period_start"] = frame.loc[keep, "date"].map(_day)
    part["period_end"] = part["period_start"]
    part["location_pcode"] = frame.loc[keep, "admin1"].map(lambda v: _place(v)[0])
    part["deaths_best"] = frame.loc[keep, "killed"]
    part["category"] = "health_workers"
    part["note"] = frame.loc[keep, "event_id"].map(lambda i: KILLED_NOTE.format("" if is_blank(i) else i).replace(" ()", ""))
    part["source_id"] = source_id
    columns = {"period_start": names["date"], "period_end": names["date"], "location_pcode": names["admin1"],
               "deaths_best": names["killed"]}
    return Staged("casualties", part.reset_index(drop=True), columns)


def read(path: Path) -> ReadResult:
    found = _table_sheet(path)
    if found is None:
        raise ReadError(path, "no sheet with the columns " + ", ".join(COLUMNS[n] for n in REQUIRED)
                              + f" in its first {SCAN_ROWS} rows")
    sheet, header, hxl = found
    source = citation(path, xlsx_sheet_names(path))
    frame, names = _frame(path, sheet, header, hxl)
    events = _events(frame, names, source.source_id)
    syrian = events.frame[OUT_OF_SCOPE].isna()
    killed = _killed(frame, names, syrian, source.source_id)
    used = [p for p in events.frame.loc[syrian, "location_pcode"] if p in GOVERNORATES]
    places = pd.DataFrame(governorate_rows(used, PCODE_SOURCE.source_id))
    places.insert(0, "_sheet", sheet)
    places.insert(1, "_row", header + 1)  # the Admin 1 column names them
    return ReadResult(KIND, [Staged("locations", places), events, killed], [source, PCODE_SOURCE], notes=[
        f"{int((~syrian).sum())} incidents outside Syria kept as rejects (out of scope)",
        "health workers injured, kidnapped, arrested; facilities and transport damaged: not loaded",
    ])
