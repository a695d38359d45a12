"""Semantics a recipe states, never guessed: stock or flow for a year or a month, missing-value markers in
every column, and every recipe key documented in docs/loading-data.md with an example that runs as printed."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.load import load_file, read_file
from etl.recipes import RecipeError, load_recipe
from etl.recipes.model import KEYS
from etl.sources.base import ReadError
from tests.real_loads import rows

DOC = Path(__file__).resolve().parents[1] / "docs" / "loading-data.md"


def _examples() -> dict[str, tuple[str, str, str, str]]:
    """'Example A' -> (data file name, data text, recipe text, expected output) as printed in the docs."""
    section = DOC.read_text(encoding="utf-8").split("### Every recipe key, by example")[1].split("\n### ")[0]
    out = {}
    for part in section.split("#### ")[1:]:
        name = re.match(r"(Example \w)", part)[1]
        data_name = re.search(r"^`([^`]+)`:$", part, re.M)[1]
        data = re.search(r"```(?:csv|json)\n(.*?)```", part, re.S)[1]
        recipe = re.search(r"```toml\n(.*?)```", part, re.S)[1]
        shown = re.search(r"```text\n\$ (.*?)\n(.*?)```", part, re.S)
        out[name] = (data_name, data, recipe, shown[2].rstrip("\n"), shown[1])
    return out


EXAMPLES = _examples()


def _folder(tmp_path: Path, name: str) -> Path:
    data_name, data, recipe, _, _ = EXAMPLES[name]
    folder = tmp_path / name.replace(" ", "_")
    folder.mkdir()
    (folder / data_name).write_text(data, encoding="utf-8")
    (folder / "recipe.toml").write_text(recipe, encoding="utf-8")
    return folder


def test_the_docs_show_every_recipe_key_in_a_recipe():
    """Every key the parser accepts appears in a recipe the docs print (and so is explained by example)."""
    doc = DOC.read_text(encoding="utf-8")
    printed = [tomllib.loads(t) for t in re.findall(r"```toml\n(.*?)```", doc, re.S)]
    printed = [p for p in printed if "recipe" in p]
    seen: dict[str, set[str]] = {}
    for recipe in printed:
        for section, body in recipe.items():
            keys = seen.setdefault(section, set())
            if section == "columns":
                keys |= {k for spec in body.values() if isinstance(spec, dict) for k in spec}
            elif section in ("recipe", "citation", "header", "json", "period", "melt", "cells", "locations"):
                keys |= set(body)
    assert set(seen) >= set(KEYS), set(KEYS) - set(seen)
    for section, allowed in KEYS.items():
        assert allowed <= seen.get(section, set()), (section, allowed - seen.get(section, set()))
    maps = {spec.get("map") for r in printed for spec in r.get("columns", {}).values() if isinstance(spec, dict)}
    maps |= {r["melt"].get("map") for r in printed if "melt" in r}
    assert {"country", "governorate", "pcode", "figure_type", "population_type"} <= maps


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_key_example_of_the_docs_runs_as_printed(name, tmp_path, db):
    folder = _folder(tmp_path, name)
    data_name, _, _, expected, command = EXAMPLES[name]
    assert command == f"python -m etl load {data_name} --recipes . --dry-run"
    result = CliRunner().invoke(main, ["load", str(folder / data_name), "--recipes", str(folder), "--dry-run",
                                       "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip("\n") == expected


def _load(tmp_path: Path, db: Path, name: str):
    from etl import recipes

    folder = _folder(tmp_path, name)
    recipes.set_officer_dir(folder)
    try:
        report = load_file(folder / EXAMPLES[name][0], db)
    finally:
        recipes.set_officer_dir(None)
    assert report.status == "loaded", report.message
    return report


def test_a_yearly_flow_spans_its_year_and_na_is_no_figure(tmp_path, db):
    _load(tmp_path, db, "Example A")
    assert rows(db, "SELECT asylum_iso3, CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR), persons "
                    "FROM refugees ORDER BY 1") == [("DEU", "2019-01-01", "2019-12-31", 39270.0),
                                                    ("SWE", "2019-01-01", "2019-12-31", 2724.0)]
    assert rows(db, "SELECT count(*) FROM rejects") == [(0,)]


def test_a_monthly_stock_is_its_last_day_and_a_dash_can_be_a_zero(tmp_path, db):
    _load(tmp_path, db, "Example B")
    assert rows(db, "SELECT destination_pcode, CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR), individuals "
                    "FROM displacement ORDER BY 2, 1") == [
        ("SY07", "2020-01-31", "2020-01-31", 1_250_000.0), ("SY02", "2020-02-29", "2020-02-29", 0.0),
        ("SY07", "2020-02-29", "2020-02-29", 1_310_000.0)]


def test_markers_mean_no_value_in_the_value_column_and_in_every_other(tmp_path, db):
    report = _load(tmp_path, db, "Example C")
    assert report.rows_rejected == 0
    assert rows(db, "SELECT indicator, value, unit, location_pcode FROM indicators ORDER BY 1") == [
        ("IDPs", 6_100_000.0, "people", None), ("Severity", 4.0, None, "SY07")]
    assert rows(db, "SELECT destination_pcode, figure_type, individuals FROM displacement") == [
        ("SY07", "idp_stock", 2_700_000.0)]


def test_json_nested_fields_and_unhcr_type_codes(tmp_path, db):
    _load(tmp_path, db, "Example D")
    assert rows(db, "SELECT asylum_iso3, population_type, persons FROM refugees ORDER BY 1") == [
        ("JOR", "refugees", 656_213.0), ("LBN", "refugees", 914_648.0)]


def test_a_file_without_a_date_and_shared_codes(tmp_path, db):
    report = _load(tmp_path, db, "Example H")
    assert report.rows_rejected == 1
    assert rows(db, "SELECT population_type, persons, CAST(period_end AS VARCHAR), note FROM refugees ORDER BY 2") == [
        ("asylum_seekers", 800.0, "2019-12-31", "reported by USA (INS/DHS)"),
        ("asylum_seekers", 1200.0, "2019-12-31", "reported by USA (EOIR)"),
        ("refugees", 3400.0, "2019-12-31", "reported by USA (INS/DHS)")]


def test_month_columns_all_melt_when_their_names_are_the_value(tmp_path, db):
    _load(tmp_path, db, "Example F")
    assert rows(db, "SELECT destination_pcode, CAST(period_end AS VARCHAR), individuals FROM displacement ORDER BY 2, 1") == [
        ("SY07", "2021-03-31", 2_800_000.0), ("SY02", "2021-09-30", 1000.0), ("SY07", "2021-09-30", 2_900_000.0)]


# ------------------------------------------------------------------ stock or flow, asked


def _recipe_text(period: str) -> str:
    return f'''[recipe]
kind = "yearly"
table = "refugees"

[citation]
publisher = "UNHCR"
title = "Yearly"

[header]
find = ["when", "country", "people"]

[columns]
asylum_iso3 = {{ match = ["country"], map = "country" }}
persons = {{ match = ["people"] }}

[constants]
origin_iso3 = "SYR"
population_type = "refugees"

[period]
{period}
'''


@pytest.mark.parametrize("period", ['year = ["when"]', 'year = ["when"]\nmonth = ["month"]', "from_column_name = true"])
def test_a_year_or_month_period_without_stock_is_refused_with_the_question(tmp_path, period):
    path = tmp_path / "yearly.toml"
    path.write_text(_recipe_text(period), encoding="utf-8")
    with pytest.raises(RecipeError, match=r"stock = true .*stock = false"):
        load_recipe(path)
    path.write_text(_recipe_text(period + "\nstock = \"yes\""), encoding="utf-8")
    with pytest.raises(RecipeError, match="stock must be true or false"):
        load_recipe(path)


@pytest.mark.parametrize(("cells", "stock", "period"), [
    (["2019", "2019"], None, None),
    (["2020-02", "2020-02"], None, None),
    (["2019", "2019"], "false", ("2019-01-01", "2019-12-31")),
    (["2019", "2019"], "true", ("2019-12-31", "2019-12-31")),
    (["2020-02", "2020-02"], "false", ("2020-02-01", "2020-02-29")),
    (["2020-02", "2020-02"], "true", ("2020-02-29", "2020-02-29")),
    (["2020-02-10", "2020-02-11"], None, ("2020-02-10", "2020-02-10")),   # days need no stock
])
def test_a_date_column_of_years_or_months_asks_stock_or_flow(tmp_path, cells, stock, period):
    from etl.recipes import reader_of_file

    path = tmp_path / "yearly.toml"
    path.write_text(_recipe_text('date = ["when"]' + (f"\nstock = {stock}" if stock else "")), encoding="utf-8")
    data = tmp_path / "yearly.csv"
    data.write_text("When,Country,People\n" + "".join(f"{c},Türkiye,{i + 1}\n" for i, c in enumerate(cells)),
                    encoding="utf-8")
    reader = reader_of_file(path)
    if period is None:
        with pytest.raises(ReadError, match=r"column 'When' holds years or months.*stock = true"):
            read_file(data, reader)
        return
    [staged] = read_file(data, reader).tables
    assert (staged.frame["period_start"].iloc[0], staged.frame["period_end"].iloc[0]) == period


def test_a_draft_asks_stock_or_flow_for_a_date_column_of_months(tmp_path):
    data = tmp_path / "monthly_arrivals.csv"
    data.write_text("Date,Country of asylum,Arrivals\n2020-01,Türkiye,120\n2020-02,Türkiye,80\n", encoding="utf-8")
    out = tmp_path / "draft.toml"
    result = CliRunner().invoke(main, ["recipe", "draft", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    period = tomllib.loads(out.read_text(encoding="utf-8"))["period"]
    assert period["date"] == ["Date"] and period["stock"].startswith("TODO: true or false")
