"""Source recipes: variants of each real file the way publishers vary them load to the same figures;
headers are found wherever they sit; --explain and the "not recognised" error say why; a drafted
recipe loads the same rows as the built-in one; a broken recipe is an error, not a silent no-match."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import recipes, sources
from etl.cli import main
from etl.load import read_file, validate_result
from etl.recipes import RecipeError, load_recipe
from etl.sources.base import ReadError, ReadOptions
from etl.sources.syria_admin import GOVERNORATES
from etl.validate import Context

FAMILIES = {
    "vdc-casualties-daily": ("conflict_casualties/casualties_by_province_by_day.csv", "casualties"),
    "unhcr-asylum-monthly": ("refugees/2011-2018_monthly_refugee.csv", "refugees"),
    "unhcr-persons-of-concern": ("refugees/unhcr-persons-of-concern-origin-syr-csv-1.csv", "refugees"),
}
HEAD_ROWS = 400  # enough rows to hold every cell shape of the real files, fast to load many times


def _rows(real_data: Path, kind: str) -> list[list[str]]:
    text = (real_data / FAMILIES[kind][0]).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[:HEAD_ROWS]


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _typed(cell: str) -> object:
    """A cell as a spreadsheet holds it: numbers as numbers, ISO days as dates."""
    if re.fullmatch(r"-?\d+(\.\d+)?", cell or ""):
        return float(cell) if "." in cell else int(cell)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell or ""):
        return datetime.fromisoformat(cell)
    return cell or None


def _write_xlsx(path: Path, rows: list[list[str]], sheet: str = "Data") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append([_typed(c) for c in row])
    book.save(path)
    return path


def figures(path: Path, kind: str | None = None, options: ReadOptions | None = None) -> set[tuple]:
    """The fact rows a file would load (typed, validated), without provenance or notes (a note may quote a column name)."""
    result = read_file(path, kind, options=options)
    checked = validate_result(result, Context(pcodes=set(GOVERNORATES)))  # governorates known, as after the gazetteer
    out = set()
    for v in checked:
        if v.table in ("casualties", "refugees", "displacement"):
            out |= {tuple(x.isoformat() if hasattr(x, "isoformat") else x for x in r)
                    for r in v.good.drop(columns=["source_id", "note"]).itertuples(index=False)}
    return out


def _reorder(rows: list[list[str]], hxl: bool) -> list[list[str]]:
    body = rows[2:] if hxl else rows[1:]
    order = list(range(len(rows[0])))[::-1]
    out = [[rows[0][i] for i in order]]
    if hxl:
        out.append([rows[1][i] for i in order])
    return out + [[r[i] if i < len(r) else "" for i in order] for r in body]


RENAMES = {
    "vdc-casualties-daily": {"day": "Date of death ", "Idlib": "Idleb", "Damascus Suburbs": "Rural Damascus"},
    "unhcr-asylum-monthly": {"Country / territory of asylum/residence": "Country of asylum", "Value": "value "},
    "unhcr-persons-of-concern": {"Refugees (incl. refugee-like situations)": "Refugees under UNHCR's mandate",
                                 "Country / territory of asylum/residence": "Country of asylum",
                                 "Origin": "Country of origin"},
}
HXL = {"vdc-casualties-daily": None, "unhcr-asylum-monthly": ["#country+asylum", "#country+origin", "#date+year",
                                                              "#date+month", "#affected+applications"]}


def _variants(rows: list[list[str]], kind: str) -> dict[str, callable]:
    has_hxl = kind == "unhcr-persons-of-concern"
    banner = [["Source: downloaded from the publisher's site"], ["Extracted 2020-03-01"], []]
    renamed = [[RENAMES[kind].get(c, c) for c in rows[0]]] + rows[1:]
    out = {
        "banner rows": lambda d: _write_csv(d / "banner.csv", banner + rows),
        "columns reordered": lambda d: _write_csv(d / "reordered.csv", _reorder(rows, has_hxl)),
        "columns renamed": lambda d: _write_csv(d / "renamed.csv", renamed),
        "csv to xlsx": lambda d: _write_xlsx(d / "as_workbook.xlsx", banner[:1] + rows),
    }
    if has_hxl:
        out["hxl row removed"] = lambda d: _write_csv(d / "no_hxl.csv", rows[:1] + rows[2:])
    elif HXL.get(kind):
        out["hxl row added"] = lambda d: _write_csv(d / "hxl.csv", rows[:1] + [HXL[kind]] + rows[1:])
    return out


CASES = [(kind, variant) for kind in FAMILIES for variant in
         ("banner rows", "columns reordered", "columns renamed", "csv to xlsx", "hxl row removed", "hxl row added")
         if variant in _variants([["x"]], kind)]


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_publisher_variants_load_the_same_figures(real_data, tmp_path, kind, variant):
    rows = _rows(real_data, kind)
    original = figures(_write_csv(tmp_path / "original.csv", rows))
    assert original, "the slice of the real file holds figures"
    changed = _variants(rows, kind)[variant](tmp_path)
    assert sources.detect(changed).KIND == kind
    assert figures(changed) == original


def test_a_year_changed_in_column_names_needs_no_new_code(tmp_path):
    """HNO-style names: the reference month comes from the column name, whatever the year."""
    recipe = tmp_path / "recipes"
    recipe.mkdir()
    (recipe / "idp_counts.toml").write_text(IDP_RECIPE, encoding="utf-8")
    rows = [["Governorate", "Admin1Pcode", "IDPs_estimates_March_2021"], ["Idleb", "SY07", "2,800,000"],
            ["Aleppo", "SY02", "1,000"]]
    recipes.set_officer_dir(recipe)
    try:
        path = _write_csv(tmp_path / "idps.csv", rows)
        assert {r[:6] for r in figures(path)} == {("2021-03-31", "2021-03-31", None, "SY07", "idp_stock", 2_800_000.0),
                                                  ("2021-03-31", "2021-03-31", None, "SY02", "idp_stock", 1_000.0)}
        moved = _write_csv(tmp_path / "idps_2022.csv", [["Governorate", "Admin1Pcode", "IDPs_estimates_Aug_2022"]] + rows[1:])
        assert {str(r[1]) for r in figures(moved)} == {"2022-08-31"}
        undated = _write_csv(tmp_path / "idps_undated.csv", [["Governorate", "Admin1Pcode", "IDPs_estimates_2017"]] + rows[1:])
        with pytest.raises(ReadError, match="--reference-date"):
            figures(undated)
        when = ReadOptions(reference_date=datetime(2017, 8, 31).date())
        assert {str(r[1]) for r in figures(undated, options=when)} == {"2017-08-31"}
    finally:
        recipes.set_officer_dir(None)


IDP_RECIPE = """
[recipe]
kind = "idp-counts-by-governorate"
description = "IDP counts by governorate, one column per reference month"
table = "displacement"

[citation]
publisher = "Test publisher"
title = "IDP counts (test)"

[header]
find = ["admin1pcode"]

[columns]
destination_pcode = { match = ["admin1pcode"], map = "pcode" }

[period]
from_column_name = true
stock = true

[melt]
value = "individuals"
columns = [{ match = ["idps*"] }]

[constants]
figure_type = "idp_stock"
"""


BANNER = st.lists(st.lists(st.sampled_from(["", "UNHCR", "Note: provisional", "2020", "Total 1,234", "#"]),
                           min_size=0, max_size=6), min_size=0, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(banner=BANNER, spaces=st.booleans(), crlf=st.booleans())
def test_header_is_found_wherever_it_sits(tmp_path_factory, banner, spaces, crlf):
    header = ["Country / territory of asylum/residence", "Origin", "Year", "Month", "Value"]
    if spaces:
        header = [f" {h}  " for h in header]
    body = [["Germany", "Syrian Arab Rep.", "2020", "2", "1,204"], ["Greece", "Syrian Arab Rep.", "2020", "March", "7"]]
    folder = tmp_path_factory.mktemp("header")
    path = folder / "asylum.csv"
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n" if crlf else "\n").writerows(banner + [header] + body)
    path.write_text(text.getvalue(), encoding="utf-8")
    assert sources.detect(path).KIND == "unhcr-asylum-monthly"
    got = {(r[3], r[1], r[5]) for r in figures(path)}
    assert got == {("DEU", "2020-02-29", 1204.0), ("GRC", "2020-03-31", 7.0)}


def test_explain_shows_scores_and_what_was_found(real_data):
    result = CliRunner().invoke(main, ["load", str(real_data / FAMILIES["unhcr-asylum-monthly"][0]), "--explain"])
    assert result.exit_code == 0, result.output
    assert "read as unhcr-asylum-monthly" in result.output
    assert re.search(r"\* +100% unhcr-asylum-monthly +found country\*, year, month, value, origin\S* at row 1", result.output)
    assert re.search(r"\d+% unhcr-persons-of-concern .*missing refugees\*", result.output)


def test_unrecognised_file_names_the_closest_recipes_and_how_to_write_one(tmp_path):
    path = _write_csv(tmp_path / "decisions.csv", [["Year", "Country of asylum", "Origin", "Recognized decisions"],
                                                  ["2019", "Germany", "Syrian Arab Rep.", "40,000"]])
    with pytest.raises(ReadError) as error:
        sources.detect(path)
    message = str(error.value)
    assert "format not recognised" in message
    assert "Closest: " in message and "unhcr-persons-of-concern (71%, missing refugees*" in message
    assert "python -m etl recipe draft FILE" in message


def test_drafted_recipe_loads_the_same_rows_as_the_builtin_one(real_data, tmp_path):
    rows = _rows(real_data, "vdc-casualties-daily")
    path = _write_csv(tmp_path / "deaths.csv", rows)
    folder = tmp_path / "my_recipes"
    result = CliRunner().invoke(main, ["recipe", "draft", str(path), "--kind", "my-deaths", "--out", str(folder / "d.toml")])
    assert result.exit_code == 0, result.output
    text = (folder / "d.toml").read_text(encoding="utf-8")
    with pytest.raises(RecipeError, match="still says 'TODO"):
        load_recipe(folder / "d.toml")
    text = re.sub(r'= "TODO[^"]*"', '= "Filled in by the officer"', text)
    (folder / "d.toml").write_text(text, encoding="utf-8")
    recipes.set_officer_dir(folder)
    try:
        drafted = {r[:7] for r in figures(path, kind="my-deaths")}
    finally:
        recipes.set_officer_dir(None)
    builtin = {r[:7] for r in figures(path, kind="vdc-casualties-daily")}
    assert drafted == builtin and len(builtin) > 1000


@pytest.mark.parametrize(("text", "message"), [
    ('[recipe]\nkind="x"\ntable="refugees"\n[citation]\npublisher="P"\ntitle="T"\n[colums]\n', "unknown key"),
    ('[recipe]\nkind="x"\ntable="refugee"\n[citation]\npublisher="P"\ntitle="T"\n', "not one of"),
    ('[recipe]\nkind="x"\ntable="refugees"\n', "publisher and title are required"),
    ('[recipe]\nkind="x"\ntable="refugees"\n[citation]\npublisher="P"\ntitle="T"\n[columns]\npersonz={match=["v"]}\n',
     "not a column of refugees"),
])
def test_a_broken_recipe_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecipeError, match=message):
        load_recipe(path)


def test_unhcr_portal_timeseries_json(tmp_path):
    import json

    data = {"0": {"geomaster_name": "Türkiye", "population_group": "Syrian refugees",
                  "data": {"timeseries": [{"data_date": "2020-01-31", "individuals": 3576370},
                                          {"data_date": "2020-02-29", "individuals": "3,587,930"},
                                          {"data_date": "2020-03-31", "individuals": "*"}]}},
            "1": {"geomaster_name": "Lebanon", "data": {"timeseries": [{"data_date": "2020-01-31", "individuals": 914648}]}}}
    path = tmp_path / "refugees_by_date.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert sources.detect(path).KIND == "unhcr-portal-timeseries"
    assert {(r[3], r[1], r[5]) for r in figures(path)} == {
        ("TUR", "2020-01-31", 3_576_370.0), ("TUR", "2020-02-29", 3_587_930.0), ("LBN", "2020-01-31", 914_648.0)}
    result = read_file(path)
    checked = validate_result(result, Context())
    [rejects] = [v.rejects for v in checked if len(v.rejects)]
    assert rejects[["row_number", "reason"]].values.tolist() == [[3, "not a number: * (suppressed by publisher)"]]


def test_unhcr_api_json_and_refugee_statistics_csv_export(tmp_path):
    import json

    items = [{"year": 2019, "coo_name": "Syrian Arab Rep.", "coo_iso": "SYR", "coa_name": "Türkiye", "coa_iso": "TUR",
              "refugees": 3576370, "asylum_seekers": "-", "idps": 0, "stateless": "*"}]
    path = tmp_path / "population.json"
    path.write_text(json.dumps({"page": 1, "maxPages": 1, "items": items}), encoding="utf-8")
    assert sources.detect(path).KIND == "unhcr-api-population"
    assert {(r[3], r[4], r[5]) for r in figures(path)} == {("TUR", "refugees", 3_576_370.0)}
    export = _write_csv(tmp_path / "population.csv", [
        ["Year", "Country of origin", "Country of origin (ISO)", "Country of asylum", "Country of asylum (ISO)",
         "Refugees under UNHCR's mandate", "Asylum-seekers", "IDPs of concern to UNHCR", "Stateless persons"],
        ["2019", "Syrian Arab Rep.", "SYR", "Türkiye", "TUR", "3576370", "0", "", "*"],
        ["2019", "Syrian Arab Rep.", "SYR", "Syrian Arab Rep.", "SYR", "0", "0", "6183919", "0"]])
    assert sources.detect(export).KIND == "unhcr-persons-of-concern"
    assert {(r[2], r[3], r[4], r[5]) for r in figures(export)} == {
        ("SYR", "TUR", "refugees", 3_576_370.0), ("SYR", "SYR", "idps", 6_183_919.0)}


def test_worked_example_of_the_docs_loads_as_written(tmp_path, db):
    """docs/loading-data.md, worked example 1: the recipe and the file exactly as printed there."""
    from etl.load import load_file

    doc = (Path(__file__).resolve().parents[1] / "docs" / "loading-data.md").read_text(encoding="utf-8")
    section = doc.split("### Worked example 1")[1].split("### Worked example 2")[0]
    data = section.split("```text\n")[1].split("```")[0]
    recipe = section.split("```toml\n")[1].split("```")[0]
    folder = tmp_path / "recipes"
    folder.mkdir()
    (folder / "vdc_deaths_by_cause.toml").write_text(recipe, encoding="utf-8")
    path = tmp_path / "deaths_by_cause.csv"
    path.write_text(data, encoding="utf-8")
    recipes.set_officer_dir(folder)
    try:
        assert sources.detect(path).KIND == "vdc-deaths-by-cause"
        report = load_file(path, db)
    finally:
        recipes.set_officer_dir(None)
    assert report.status == "loaded", report.message
    assert report.tables == {"locations": 1, "casualties": 5} and report.rows_rejected == 0


def test_a_refresh_manifest_entry_can_name_its_recipe(tmp_path):
    from etl.refresh import read_manifest

    (tmp_path / "idp_counts.toml").write_text(IDP_RECIPE, encoding="utf-8")
    _write_csv(tmp_path / "idps.csv", [["Admin1Pcode", "IDPs_estimates_March_2021"], ["SY07", "5"]])
    manifest = tmp_path / "sources.toml"
    manifest.write_text('[[source]]\npath = "idps.csv"\nrecipe = "idp_counts.toml"\n', encoding="utf-8")
    [entry] = read_manifest(manifest).entries
    assert entry.kind == "idp-counts-by-governorate"
    assert {r[3] for r in figures(tmp_path / "idps.csv", kind=entry.kind)} == {"SY07"}
    # The manifest's recipe serves its own entry only: detection in the same process is unchanged
    # (it once claimed every later file with an IDP count column, such as a DTM API download).
    assert entry.kind not in {r.KIND for r in sources.readers()}
    with pytest.raises(ReadError, match="format not recognised"):
        sources.detect(tmp_path / "idps.csv")


def test_long_indicator_file_routes_idps_and_keeps_the_other_figures(tmp_path, db):
    from etl.load import load_file
    from warehouse.queries import admin

    places = _write_csv(tmp_path / "places.csv", [
        ["pcode", "admin_level", "kind", "parent_pcode", "name_en", "source_publisher", "source_title"],
        ["SY07", "1", "governorate", "SY", "Idleb", "OCHA", "Admin names"]])
    assert load_file(places, db).status == "loaded"
    path = _write_csv(tmp_path / "key_figures.csv", [
        ["Indicator", "Date", "Value", "Admin1 P-code", "Unit"],
        ["People in need", "2020-03-31", "4,100,000", "SY07", "people"],
        ["IDPs", "2020-03-31", "2,700,000", "SY07", "people"],
        ["IDPs", "2020-03-31", "6,100,000", "", "people"],
        ["Severity", "2020-03-31", "n/a", "SY07", "1-5"],
    ])
    assert sources.detect(path).KIND == "key-figures-long"
    report = load_file(path, db)
    assert report.status == "loaded", report.message
    # 'n/a' is one of the recipe's `none` markers ("blank": a text that says no value): no figure, no row,
    # in the value column as in any other (it was once rejected as 'missing value' whatever `none` said)
    assert report.tables == {"indicators": 2, "displacement": 1} and report.rows_rejected == 0
    kept = admin.indicators(db)
    assert sorted(zip(kept["indicator"], kept["value"], kept["place"].fillna(""))) == [
        ("IDPs", 6_100_000.0, ""), ("People in need", 4_100_000.0, "Idleb")]
    from tests.real_loads import rows
    assert rows(db, "SELECT destination_pcode, figure_type, individuals FROM displacement") == [("SY07", "idp_stock", 2_700_000.0)]
    assert rows(db, "SELECT row_number, reason FROM rejects") == []


def test_column_mapper_choices_preview_and_save_a_recipe(tmp_path):
    from etl.recipes import mapper

    path = _write_csv(tmp_path / "deaths.csv", [["Deaths reported"], ["Gov code", "Killed", "Reported on"],
                                                ["SY07", "12", "2016-07-15"], ["SY99", "1", "2016-07-15"]])
    assert mapper.head(path, None)[1] == ["Gov code", "Killed", "Reported on"]
    choice = mapper.Mapping("deaths-by-gov", "casualties", "Health directorate", "Deaths (test)", header_row=2,
                            columns={"location_pcode": "Gov code", "deaths_best": "Killed"}, what="all",
                            date_column="Reported on")
    good, bad = mapper.preview(choice, path, {"SY07"})
    assert good[["location_pcode", "deaths_best"]].values.tolist() == [["SY07", 12.0]]
    assert bad[["row_number", "reason"]].values.tolist() == [[4, "unknown P-code SY99 (load its location first)"]]
    saved = mapper.save(choice, tmp_path / "recipes")
    assert load_recipe(saved).kind == "deaths-by-gov"
    recipes.set_officer_dir(tmp_path / "recipes")
    try:
        assert sources.detect(path).KIND == "deaths-by-gov"
    finally:
        recipes.set_officer_dir(None)


def test_a_zipped_shapefile_loads_the_same_rows_as_the_unzipped_one(real_data, tmp_path):
    import zipfile

    shp = real_data / "geo" / "cod_admin3_shp" / "syr_admin3.shp"
    archive = tmp_path / "syr_admin3_shp.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for part in sorted(shp.parent.iterdir()):
            out.write(part, f"syr_admin3/{part.name}")
    assert sources.detect(archive).KIND == "zipped-shapefile"
    zipped, plain = read_file(archive), read_file(shp)
    assert zipped.kind == plain.kind == sources.detect(shp).KIND
    for a, b in zip(zipped.tables, plain.tables):
        assert a.table == b.table
        assert a.frame.drop(columns=["_sheet"]).equals(b.frame.drop(columns=["_sheet"]))
