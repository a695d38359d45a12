"""Families, not files: each family of published files loads without --kind in the variants publishers make
(columns renamed, reordered, added; banner rows; other years), checked with hypothesis on real files of
../shared/data/real and ../shared/data/variants (trimmed to their first rows): the file is recognised as the
same kind, and the figures that load are the real file's, with the years shifted when the years are."""
from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import sources
from etl.load import read_file, validate_result
from etl.sources.base import ReadOptions
from etl.sources.headers import key
from etl.sources.syria_admin import GOVERNORATES
from etl.validate import Context

# family -> (folder fixture, file, kind, rows of data kept, options)
CSV_FAMILIES = {
    "key figures (HDX topline)": ("variants", "key_figures/key_figures_eth.csv", "key-figures-wide", 5,
                                  ReadOptions(reference_date=pd.Timestamp("2022-06-30").date())),
    "refugee statistics: population (Refugee Data Finder)": ("variants", "unhcr_refugee_statistics/population.csv",
                                                             "unhcr-persons-of-concern", 30, ReadOptions()),
    "refugee statistics: end-year totals (API)": ("variants", "unhcr_api_extracts/HDX_EndYearPopulationTotals.csv",
                                                  "unhcr-api-population-totals", 30, ReadOptions()),
    "refugee statistics: demographics (API)": ("variants", "unhcr_api_extracts/HDX_Demographics.csv",
                                               "unhcr-api-demographics", 30, ReadOptions()),
    "refugee statistics: asylum applications (API)": ("variants", "unhcr_api_extracts/HDX_AsylumApplications.csv",
                                                      "unhcr-api-flows", 30, ReadOptions()),
    "refugee statistics: solutions (API)": ("variants", "unhcr_api_extracts/HDX_Solutions.csv", "unhcr-api-flows", 30,
                                            ReadOptions()),
    "refugee statistics: monthly asylum applications": ("real", "refugees/2011-2018_monthly_refugee.csv",
                                                        "unhcr-asylum-monthly", 30, ReadOptions()),
    "casualties: killed by date (OCHA flash appeal)": ("variants", "casualties/ukraine_flash_appeal_casualties_2022.csv",
                                                       "casualties-killed-by-date", 12, ReadOptions()),
    "casualties: by province (VDC)": ("real", "conflict_casualties/casualties_by_province_by_day.csv",
                                      "vdc-casualties-daily", 12, ReadOptions()),
}
JSON_FAMILIES = {
    "data portal: situation sub-locations": ("unhcr_portal/ukraine_situation_sublocation_2022.json",
                                             "unhcr-portal-population", "data"),
    "data portal: population widget": ("unhcr_portal/mmr_idps_population_2021.json", "unhcr-portal-population", "data"),
    "data portal: situation time series": ("unhcr_portal/ukraine_situation_timeseries_2022.json",
                                           "unhcr-portal-situation-timeseries", "data.timeseries"),
}
FACTS = ("casualties", "refugees", "displacement", "indicators")
DATE = re.compile(r"^(\d{4})(-\d{2}-\d{2})?$")
YEAR_COLUMNS = "year|date|day|datadate"
SETTINGS = settings(max_examples=6, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _folder(request, name: str) -> Path:
    return request.getfixturevalue({"real": "real_data"}.get(name, name))


def _header_index(rows: list[list[str]], kind: str) -> int:
    reader = next(r for r in sources.readers() if r.KIND == kind)
    for index, row in enumerate(rows):
        if reader.fit(row, rows[index + 1] if index + 1 < len(rows) else None).fits:
            return index
    raise AssertionError(f"no {kind} header")


def _shift(value: object, years: int) -> object:
    """A date or year moved by whole years (leap days never occur in these files' dates)."""
    text = str(value) if value is not None else ""
    found = DATE.match(text)
    if not found or not years:
        return value
    return f"{int(found[1]) + years}{found[2] or ''}"


def _normal(value: object, years: int = 0) -> object:
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    if isinstance(value, str) and DATE.match(value):
        return _shift(value, years)
    return key(value) if isinstance(value, str) else value


def figures(path: Path, options: ReadOptions, years: int = 0) -> tuple[str, set[tuple]]:
    """(kind, the fact rows that would load): strings compared loosely (an indicator is named by its column)."""
    result = read_file(path, options=options)
    places = {p for t in result.tables if t.table == "locations" for p in t.frame["pcode"].dropna()}
    checked = validate_result(result, Context(pcodes=set(GOVERNORATES) | places))
    out = set()
    for v in checked:
        if v.table in FACTS:
            frame = v.good.drop(columns=[c for c in ("source_id", "note") if c in v.good])
            out |= {tuple(_normal(x, years) for x in r) for r in frame.itertuples(index=False)}
    return result.kind, out


# ------------------------------------------------------------------ CSV families


def _read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


RENAMES = [lambda n: n, str.upper, str.lower, lambda n: n.replace(" ", "_"), lambda n: f" {n}  ",
           lambda n: n.title()]


@st.composite
def csv_variants(draw, width: int):
    return {
        "order": draw(st.permutations(range(width))),
        "renames": draw(st.lists(st.integers(0, len(RENAMES) - 1), min_size=width, max_size=width)),
        "added": draw(st.lists(st.integers(0, width), max_size=2)),
        "banner": draw(st.integers(0, 3)),
        "years": draw(st.sampled_from([0, -4, -8])),
    }


def _dated(header: list[str]) -> list[int]:
    """The columns that hold years or dates (moved by 'other years')."""
    return [i for i, name in enumerate(header) if any(re.fullmatch(p, key(name)) for p in YEAR_COLUMNS.split("|"))]


def _vary(rows: list[list[str]], header: int, change: dict) -> list[list[str]]:
    width = len(rows[header])
    out = []
    hxl = header + 1 < len(rows) and any(str(c).startswith("#") for c in rows[header + 1])
    dated = _dated(rows[header])
    for index, row in enumerate(rows):
        if len(row) != width or index < header - 1:   # a preamble line, not the table (a group row above stays)
            out.append(list(row))
            continue
        row = list(row)
        if index == header:
            row = [RENAMES[r](n) if n else n for r, n in zip(change["renames"], row)]
        elif index > header + hxl:
            row = [_shift(c, change["years"]) if i in dated else c for i, c in enumerate(row)]
        row = [row[i] for i in change["order"]]
        for at in change["added"]:
            row.insert(at, "Comments" if index == header else "" if index < header or (hxl and index == header + 1)
                       else "see note")
        out.append(row)
    return [[f"Banner line {i + 1} of the publisher's export"] for i in range(change["banner"])] + out


@pytest.mark.parametrize("family", sorted(CSV_FAMILIES))
def test_a_csv_family_loads_in_its_variants_without_kind(family, request, tmp_path):
    folder, name, kind, keep, options = CSV_FAMILIES[family]
    rows = _read_rows(_folder(request, folder) / name)
    header = _header_index(rows, kind)
    rows = rows[:header + 2 + keep]
    base = _write(tmp_path / Path(name).name, rows)
    found_kind, expected = figures(base, options)
    assert found_kind == kind and expected, family

    @SETTINGS
    @given(change=csv_variants(len(rows[header])))
    def variant_loads_the_same(change):
        if not _dated(rows[header]):   # a sheet with no date: its year is the load's reference date
            change = {**change, "years": 0}
        path = _write(tmp_path / f"variant_{Path(name).name}", _vary(rows, header, change))
        assert sources.detect(path).KIND == kind
        assert figures(path, options, years=-change["years"]) == (kind, expected)

    variant_loads_the_same()


# ------------------------------------------------------------------ JSON families


def _records(data: dict, where: str) -> list:
    node = data
    for step in where.split("."):
        node = node[step]
    return node


@st.composite
def json_variants(draw):
    return {"reversed": draw(st.booleans()), "extra": draw(st.booleans()), "years": draw(st.sampled_from([0, -4])),
            "case": draw(st.booleans())}


def _vary_json(data: dict, where: str, change: dict) -> dict:
    data = copy.deepcopy(data)
    records = _records(data, where)
    for i, record in enumerate(records):
        for k in ("date", "data_date", "year"):
            if k in record:
                record[k] = _shift(record[k], change["years"])
        items = list(record.items())[::-1] if change["reversed"] else list(record.items())
        if change["extra"]:
            items.insert(1, ("added_field", "not a figure"))
        if change["case"]:   # field names matched loosely: GeoMaster_Name is geomaster_name
            items = [(k.title() if k in ("geomaster_name", "individuals") else k, v) for k, v in items]
        records[i] = dict(items)
    if change["extra"]:
        data["generated_by"] = "a newer portal release"
    return data


@pytest.mark.parametrize("family", sorted(JSON_FAMILIES))
def test_a_data_portal_family_loads_in_its_variants_without_kind(family, variants, tmp_path):
    name, kind, where = JSON_FAMILIES[family]
    data = json.loads((variants / name).read_text(encoding="utf-8"))
    records = _records(data, where)
    del records[8:]
    base = tmp_path / Path(name).name
    base.write_text(json.dumps(data), encoding="utf-8")
    found_kind, expected = figures(base, ReadOptions())
    assert found_kind == kind and expected, family

    @SETTINGS
    @given(change=json_variants())
    def variant_loads_the_same(change):
        path = tmp_path / f"variant_{Path(name).name}"
        path.write_text(json.dumps(_vary_json(data, where, change)), encoding="utf-8")
        assert sources.detect(path).KIND == kind
        assert figures(path, ReadOptions(), years=-change["years"]) == (kind, expected)

    variant_loads_the_same()


# ------------------------------------------------------------------ HNO community IDP workbooks, every year

HNO_BOOKS = ("hno_idp_estimates/data_2018.xlsx", "hno_idp_estimates/data_2019.xlsx")
MONTH_NAMES = re.compile(r"_(Aug|August)_((?:19|20)\d{2})$")


def _hno_rows(path: Path, keep: int = 15) -> list[list]:
    from etl.sources.workbook import workbook_rows

    rows = workbook_rows(path, keep + 2)["Community_level_data"]
    return [list(r) for r in rows[:keep + 2]]   # the totals row, the header, the first communities


@st.composite
def hno_variants(draw, width: int):
    return {
        "order": draw(st.permutations(range(width))),
        "renames": draw(st.lists(st.integers(0, 2), min_size=width, max_size=width)),
        "added": draw(st.lists(st.integers(0, width), max_size=2)),
        "banner": draw(st.integers(0, 3)),
        "years": draw(st.sampled_from([0, -2, -5])),
        "year_only": draw(st.booleans()),   # 'IDPs_estimates_2018': a reference year, as of the default month
    }


def _hno_name(name: object, change: dict) -> object:
    if not isinstance(name, str):
        return name
    name = re.sub(r"(?:19|20)\d{2}", lambda m: str(int(m[0]) + change["years"]), name)
    if change["year_only"] and re.match(r"(IDPs|Returnees)_estimates", name):
        name = MONTH_NAMES.sub(r"_\2", name)
    return [lambda n: n, str.upper, lambda n: f"{n} "][change["renames"][0]](name)


def _vary_hno(rows: list[list], change: dict) -> list[list]:
    out = []
    for index, row in enumerate(rows):
        row = list(row)
        if index == 1:
            row = [[lambda n: n, str.upper, lambda n: f"{n} "][r](_hno_name(n, {**change, "renames": [0]}))
                   if isinstance(n, str) else n for r, n in zip(change["renames"], row)]
        row = [row[i] for i in change["order"]]
        for at in change["added"]:
            row.insert(at, "Comments" if index == 1 else None if index == 0 else "checked in the field")
        out.append(row)
    return [[f"Humanitarian Needs Overview, banner {i + 1}"] for i in range(change["banner"])] + out


def _write_book(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Community_level_data"
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("name", HNO_BOOKS)
def test_hno_workbooks_of_every_year_load_without_kind(name, real_data, tmp_path):
    rows = _hno_rows(real_data / name)
    base = _write_book(tmp_path / "base.xlsx", rows)
    kind, expected = figures(base, ReadOptions())
    assert kind == "hno-idp-estimates" and expected

    @SETTINGS
    @given(change=hno_variants(len(rows[1])))
    def variant_loads_the_same(change):
        path = _write_book(tmp_path / "variant.xlsx", _vary_hno(rows, change))
        assert sources.detect(path).KIND == "hno-idp-estimates"
        assert figures(path, ReadOptions(), years=-change["years"]) == ("hno-idp-estimates", expected)

    variant_loads_the_same()
