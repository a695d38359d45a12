"""Any CSV or XLSX tagged with HXL hashtags (https://hxlstandard.org), read with libhxl.

HDX exports and many partner spreadsheets carry a row of hashtags under the
header (`#date+year`, `#adm3+code`, `#affected+idps`). The hashtags, not the
header text, say what each column holds, so one reader serves them all:

1. The table is decided from the hashtags present (`TABLE_RULES`, first match
   wins); a file whose hashtags map to no table fails with the tags it found.
2. Each warehouse column claims one file column by hashtag pattern
   (`etl.specs` holds the canonical tag; `_ALTERNATIVES` adds the variants
   publishers use). Columns with more specific patterns claim first, so
   `#affected+killed+min` goes to deaths_low before deaths_best looks.
3. Wide files (one `#affected+...` column per population or figure type, no
   `#indicator+type`) are melted into one row per non-blank cell.
4. Dates: `#date+start`/`#date+end`, else `#date+year` (+ `#date+month`), else a
   plain `#date`; a year or month is widened to its first and last day.
5. Country names (`#country+residence`) become ISO3 codes via pycountry.
6. The citation comes from `#meta+source` columns on each row, else from the
   sidecar a download left (`<file>.source.json`), else from the file name.

Detection: a file with a hashtag row in its first 25 rows of a sheet. The
project's tidy template with its hashtag row is read here too (same rows as
`tidy` would give); without the hashtag row it is read by `tidy`.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from etl.sources import sidecar
from etl.sources.base import ReadError, ReadResult, SourceInfo, Staged
from etl.sources.country_names import iso3
from etl.sources.headers import is_hxl_row
from etl.sources.months import month_span, span
from etl.sources.text import decode, encoding_of
from etl.sources.workbook import xlsx_rows, xlsx_sheet_names
from etl.specs import TABLES, load_rank

KIND = "hxl"
DESCRIPTION = "Any CSV/XLSX with an HXL hashtag row whose tags map to a warehouse table (HDX exports, tagged templates)"
SUFFIXES = (".csv", ".xlsx")
SCAN_ROWS = 25
HEAD_BYTES = 128 * 1024

# Hashtags of the citation columns of the tidy template (one citation per row).
CITATION_TAGS = {
    "source_publisher": "#meta+source",
    "source_title": "#meta+source+title",
    "source_date": "#date+source",
    "source_url": "#meta+url",
    "source_licence": "#meta+licence",
    "source_is_synthetic": "#meta+synthetic",
}
_CODES = ("#loc+code{0}", "#adm4+code{0}", "#adm3+code{0}", "#adm2+code{0}", "#adm1+code{0}")
_PLACE = tuple(p.format("-origin-parent") for p in _CODES)
_ANY_CODE = tuple(p.format("") for p in _CODES)

# The table a file loads into, from the hashtags it has: every group needs one match.
TABLE_RULES: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("camp_population", (("#loc+id+camp",), ("#affected",), ("#date",))),
    ("camps", (("#loc+id+camp",), ("#loc+name+camp",))),
    ("casualties", (("#affected+killed",),)),
    ("events", (("#event+name",),)),
    ("refugees", (("#country",), ("#affected",))),
    ("displacement", (("#affected+idps", "#affected+displaced", "#affected+returnees", "#affected+arrivals",
                       "#affected+departures", "#affected+returns", "#affected+returned_idps"), _ANY_CODE)),
    ("locations", (("#loc+code",), ("#loc+name",), ("#loc+level",))),
)

# Variants accepted after the canonical tag in etl.specs, per (table, column).
_ALTERNATIVES: dict[tuple[str, str], tuple[str, ...]] = {
    ("displacement", "origin_pcode"): tuple(p.format("+origin") for p in _CODES),
    ("displacement", "destination_pcode"): tuple(p.format("+dest") for p in _CODES) + _PLACE,
    ("displacement", "individuals"): ("#affected-hh",),
    ("casualties", "location_pcode"): _PLACE,
    ("casualties", "deaths_best"): ("#affected+killed-min-max",),
    ("camps", "location_pcode"): _PLACE,
    ("camps", "capacity_individuals"): ("#capacity",),
    ("camp_population", "individuals"): ("#affected+ind", "#affected-hh"),
    ("camp_population", "households"): ("#affected+hh",),
    ("events", "event_date"): ("#date-end-source",),
    ("events", "location_pcode"): _PLACE,
    ("refugees", "origin_iso3"): ("#country+origin",),
    ("refugees", "asylum_iso3"): ("#country+asylum", "#country+code+residence", "#country+residence"),
    ("refugees", "persons"): ("#affected",),
    ("locations", "pcode"): ("#loc+code-parent",),
    ("locations", "name_en"): ("#loc+name-i_ar",),
}
# Tags that must not be claimed through a looser canonical pattern.
_CANONICAL_OVERRIDE = {
    ("casualties", "deaths_best"): "#affected+killed-min-max",
    ("locations", "pcode"): "#loc+code-parent",
}
# Wide files: the attribute of each #affected column names its type (first match wins).
MELT = {
    "displacement": ("figure_type", "individuals", (
        ("newly_displaced", {"new", "newly_displaced"}), ("arrivals", {"arrivals"}),
        ("departures", {"departures"}), ("returns", {"returns"}),
        ("idps_in_camps", {"camps", "in_camps", "incamp"}),
        ("returnees_stock", {"returnees", "returned", "returned_idps"}), ("idp_stock", {"idps", "displaced"}),
    )),
    "refugees": ("population_type", "persons", (
        ("returned_refugees", {"returned_refugees"}), ("returned_idps", {"returned_idps"}),
        ("registered_refugees", {"registered"}), ("asylum_applications", {"applications"}),
        ("asylum_seekers", {"asylum", "asylum_seekers"}), ("refugees", {"refugees"}), ("idps", {"idps"}),
        ("stateless", {"stateless"}), ("others_of_concern", {"others", "others_of_concern"}), ("total", {"total"}),
    )),
}
_CASUALTY_CATEGORY = (("civilians", {"civilians"}), ("children", {"children"}), ("combatants", {"combatants"}))


# ---------------------------------------------------------------- detection


def _csv_head(path: Path) -> list[list[str]]:
    with open(path, "rb") as handle:
        data = handle.read(HEAD_BYTES)
    if b"\x00" in data:
        return []
    text = decode(data, path)
    return [row for _, row in zip(range(SCAN_ROWS), csv.reader(io.StringIO(text, newline="")))]


def _tagged_sheet(path: Path) -> tuple[int | None, str | None] | None:
    """(sheet index, sheet name) of the first sheet with a hashtag row, or None."""
    if path.suffix.lower() == ".csv":
        return (None, None) if any(is_hxl_row(r) for r in _csv_head(path)) else None
    for index, name in enumerate(xlsx_sheet_names(path)):
        if any(is_hxl_row(r) for r in xlsx_rows(path, name, limit=SCAN_ROWS)):
            return index, name
    return None


def detect(path: Path) -> bool:
    """A cheap scan for a hashtag row, confirmed by libhxl itself (its rule is the one that reads the file)."""
    if path.suffix.lower() not in SUFFIXES or _tagged_sheet(path) is None:
        return False
    try:
        return bool(_open(path, rows=False)[0])
    except Exception:
        return False


def priority(path: Path) -> int:
    """Places before the facts that name them, camps before their populations."""
    try:
        table = _decide_table(_open(path)[0], path)
    except Exception:
        return 50
    return load_rank(table)


# ---------------------------------------------------------------- parsing


def _open(path: Path, rows: bool = True) -> tuple[list, list, str | None]:
    """libhxl columns, data rows (values, file row number) and the sheet name."""
    import hxl

    found = _tagged_sheet(path)
    if found is None:
        raise ReadError(path, "no HXL hashtag row (like #date,#adm1+code,#affected+idps) in the first "
                              f"{SCAN_ROWS} rows")
    index, sheet = found
    options = hxl.InputOptions(allow_local=True, sheet_index=index,
                               encoding=encoding_of(path.read_bytes()) if index is None else None)
    try:
        source = hxl.data(str(path), options)
        columns = list(source.columns)
        data = [(list(r.values), r.source_row_number + 1) for r in source] if rows else []
    except hxl.HXLException as exc:
        raise ReadError(path, f"libhxl could not read the hashtags ({exc.__class__.__name__}: {exc})",
                        sheet=sheet) from exc
    return columns, data, sheet


def _pattern(text: str):
    from hxl.model import TagPattern

    return TagPattern.parse(text)


def _matches(text: str, columns: list) -> list[int]:
    pattern = _pattern(text)
    return [i for i, c in enumerate(columns) if c.tag and pattern.match(c)]


def _tags(columns: list) -> list[str]:
    return [c.display_tag for c in columns if c.tag]


def _decide_table(columns: list, path: Path) -> str:
    for table, groups in TABLE_RULES:
        if all(any(_matches(p, columns) for p in group) for group in groups):
            return table
    raise ReadError(path, f"its HXL hashtags ({', '.join(_tags(columns)) or 'none'}) map to no warehouse table; "
                          "expected e.g. #affected+idps with #adm3+code, #affected+killed, #country+origin "
                          "with #affected+refugees, #event+name, or #loc+code with #loc+name and #loc+level")


# ---------------------------------------------------------------- column mapping


def _specificity(text: str) -> int:
    return text.count("+")


def _claims(table: str, columns: list) -> dict[str, int]:
    """Tidy column -> index of the file column it reads; most specific patterns first."""
    wanted = [(c.name, (_CANONICAL_OVERRIDE.get((table, c.name), c.hxl),) + _ALTERNATIVES.get((table, c.name), ()))
              for c in TABLES[table].columns if c.hxl]
    wanted += [(name, (tag,)) for name, tag in CITATION_TAGS.items()]
    wanted.sort(key=lambda item: -_specificity(item[1][0]))
    claimed: dict[str, int] = {}
    for name, patterns in wanted:
        for pattern in patterns:
            free = [i for i in _matches(pattern, columns) if i not in claimed.values()]
            if free:
                claimed[name] = free[0]
                break
    return claimed


def _label(column) -> str:
    """How a column is named in rejects: its header text, else its hashtag."""
    return (column.header or "").strip() or column.display_tag


# ---------------------------------------------------------------- values


def _year_month(year: object, month: object) -> tuple[object, object]:
    """A #date+year with its #date+month as the month's first and last day (the year's when no month)."""
    if month is None or not str(month).strip():
        return span(year)
    return month_span(year, month) or (f"{year} {month}", f"{year} {month}")  # left for the validator to reject


def _periods(frame: pd.DataFrame, columns: list, claimed: dict[str, int], names: dict[str, str]) -> pd.DataFrame:
    """Fill period_start/period_end from start/end, year(+month) or plain date columns."""
    def col(i: int) -> pd.Series:
        return frame[i]

    start_i, end_i = claimed.get("period_start"), claimed.get("period_end")
    if start_i is not None or end_i is not None:
        start = col(start_i if start_i is not None else end_i).map(lambda v: span(v)[0])
        end = col(end_i if end_i is not None else start_i).map(lambda v: span(v)[1])
        names.setdefault("period_end", names.get("period_start", ""))
        names.setdefault("period_start", names.get("period_end", ""))
    else:
        year = _first_free("#date+year", columns, claimed)
        month = _first_free("#date+month", columns, claimed)
        plain = _first_free("#date-source-start-end-year-month", columns, claimed)
        for key, index in (("_year", year), ("_month", month), ("_date", plain)):
            if index is not None and (key != "_date" or year is None):
                claimed[key] = index
        if year is not None:
            pairs = [_year_month(y, m) for y, m in zip(col(year), col(month) if month is not None else [None] * len(frame))]
            label = _label(columns[year]) + (f" + {_label(columns[month])}" if month is not None else "")
        elif plain is not None:
            pairs, label = [span(v) for v in col(plain)], _label(columns[plain])
        else:
            pairs, label = [(None, None)] * len(frame), "#date"
        start, end = pd.Series([p[0] for p in pairs], index=frame.index), pd.Series([p[1] for p in pairs], index=frame.index)
        names["period_start"] = names["period_end"] = label
    return pd.DataFrame({"period_start": start, "period_end": end}, index=frame.index)


def _first_free(pattern: str, columns: list, claimed: dict[str, int]) -> int | None:
    free = [i for i in _matches(pattern, columns) if i not in claimed.values()]
    return free[0] if free else None


def _country_codes(values: pd.Series, column) -> pd.Series:
    """Names (no +code attribute) become ISO3 codes; unknown names stay for the validator to reject."""
    if "code" in column.attributes:
        return values
    return values.map(lambda v: iso3(v) if isinstance(v, str) and v.strip() else v)


def _type_from(attributes: set[str], table: str) -> str | None:
    for value, keys in MELT[table][2]:
        if attributes & keys:
            return value
    return None


# ---------------------------------------------------------------- reading


def _raw_frame(rows: list, width: int, sheet: str | None) -> pd.DataFrame:
    """Data rows keyed by column position, with provenance; blank rows dropped."""
    body = [(values + [None] * width)[:width] for values, _ in rows]
    frame = pd.DataFrame(body, columns=range(width), dtype="object")
    frame.insert(0, "_sheet", sheet)
    frame.insert(1, "_row", [number for _, number in rows])
    values = frame[list(range(width))].astype("string").apply(lambda s: s.str.strip())
    return frame[~(values.isna() | values.eq("")).all(axis=1)].reset_index(drop=True)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def _melt(table: str, frame: pd.DataFrame, tidy: pd.DataFrame, columns: list, claimed: dict[str, int],
          names: dict[str, str], notes: list[str]) -> pd.DataFrame:
    """One row per non-blank cell of each typed #affected column (wide HDX layouts)."""
    type_name, value_name, _ = MELT[table]
    claimed.pop(value_name, None)
    used = set(claimed.values())
    parts = []
    for i in _matches("#affected", columns):
        kind = _type_from(columns[i].attributes, table) if i not in used else None
        if i in used:
            continue
        if kind is None or "hh" in columns[i].attributes:
            notes.append(f"column '{_label(columns[i])}' ({columns[i].display_tag}) ignored: no {type_name} for it")
            continue
        keep = ~frame[i].map(_blank)
        part = tidy[keep].copy()
        part[type_name], part[value_name] = kind, frame.loc[keep, i]
        parts.append(part)
        claimed.setdefault(f"_melted_{i}", i)
    names[value_name] = " | ".join(_label(columns[i]) for k, i in claimed.items() if k.startswith("_melted_")) or value_name
    names[type_name] = "#affected attributes"
    return pd.concat(parts, ignore_index=True) if parts else tidy.iloc[0:0].assign(**{type_name: None, value_name: None})


def _citations(path: Path, frame: pd.DataFrame, claimed: dict[str, int]) -> tuple[pd.Series, list[SourceInfo]]:
    """Each row's source_id and the sources: per-row #meta+source columns, else sidecar or file name."""
    from etl.sources.tidy import _citation

    if "source_publisher" in claimed:
        cited = pd.DataFrame({name: frame[claimed[name]] for name in CITATION_TAGS if name in claimed}, index=frame.index)
        if "source_title" not in cited:
            cited["source_title"] = path.name
        infos = cited.apply(_citation, axis=1) if len(cited) else pd.Series(dtype="object")
        ids = pd.Series([i.source_id if i else None for i in infos], index=frame.index, dtype="object")
        return ids, list({i.source_id: i for i in infos if i}.values())
    info = sidecar.source_info(path, "Unknown publisher", path.name) or SourceInfo(
        publisher="Unknown publisher", title=path.name,
        notes="HXL file without a #meta+source column: cited by its file name only")
    return pd.Series(info.source_id, index=frame.index, dtype="object"), [info]


def _build(table: str, frame: pd.DataFrame, columns: list, claimed: dict[str, int],
           notes: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    spec = TABLES[table]
    names = {name: _label(columns[i]) for name, i in claimed.items()}
    tidy = frame[["_sheet", "_row", "source_id"]].copy()
    for col in spec.columns:
        if col.name in ("period_start", "period_end"):
            continue
        tidy[col.name] = frame[claimed[col.name]] if col.name in claimed else None
        if col.type == "iso3" and col.name in claimed:
            tidy[col.name] = _country_codes(tidy[col.name], columns[claimed[col.name]])
    if "period_start" in spec.names:
        periods = _periods(frame, columns, claimed, names)
        tidy["period_start"], tidy["period_end"] = periods["period_start"], periods["period_end"]
    if table == "casualties" and "category" not in claimed:
        attributes = columns[claimed["deaths_best"]].attributes if "deaths_best" in claimed else set()
        tidy["category"] = next((v for v, keys in _CASUALTY_CATEGORY if attributes & keys), "all")
    if table in MELT and MELT[table][0] not in claimed:
        tidy = _melt(table, frame, tidy, columns, claimed, names, notes)
    return tidy, names


def read(path: Path) -> ReadResult:
    columns, rows, sheet = _open(path)
    table = _decide_table(columns, path)
    frame = _raw_frame(rows, len(columns), sheet)
    claimed = _claims(table, columns)
    ids, sources = _citations(path, frame, claimed)
    notes: list[str] = []
    tidy, names = _build(table, frame.assign(source_id=ids), columns, claimed, notes)
    unused = [i for i, c in enumerate(columns) if c.tag and i not in claimed.values()]
    notes += [f"column '{_label(columns[i])}' ({columns[i].display_tag}) not loaded" for i in unused
              if not any(f"'{_label(columns[i])}'" in n for n in notes)]
    if "source_url" in claimed:  # judged row by row by the validator (etl.specs.CITATION_RULES)
        tidy["source_url"] = tidy["_row"].map(dict(zip(frame["_row"], frame[claimed["source_url"]])))
    order = ["_sheet", "_row", *[n for n in TABLES[table].names if n in tidy], "source_id"]
    order += ["source_url"] if "source_url" in tidy else []
    tidy = tidy.sort_values("_row", kind="stable")[order].reset_index(drop=True)
    return ReadResult(KIND, [Staged(table, tidy, names)], sources, notes)
