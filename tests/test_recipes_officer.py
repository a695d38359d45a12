"""Officers' recipes on real files: a recipe that fits wins over the built-in readers (`priority` between two
that fit); one file feeds several recipes, each its own load, replaced and rolled back alone; a folder's
manifest gives each file its recipe and reference date; `recipe check` proves a recipe loads something."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl import recipes, sources
from etl.cli import main
from etl.load import load_file, load_paths, rollback
from etl.recipes import RecipeError, load_recipe
from tests.real_loads import rows

DEATHS = "conflict_casualties/casualties_by_province_by_day.csv"   # real: VDC deaths per day and province
KEY_FIGURES = "key_figures/key_figures_{}.csv"                       # variants: OCHA key figures, one row a country
UKRAINE = "casualties/ukraine_flash_appeal_casualties_2022.csv"      # variants: OHCHR killed and injured by date

# The same VDC file as daily indicators per governorate (a second table from one file).
DEATHS_AS_INDICATORS = """
[recipe]
kind = "vdc-deaths-indicators"
description = "VDC deaths per day and province, kept as indicators"
table = "indicators"
{priority}

[citation]
publisher = "Violations Documentation Center in Syria (VDC)"
title = "Recorded deaths per province and day, as indicators"

[header]
find = ["day"]

[period]
date = ["day"]

[melt]
value = "value"
name = "location_pcode"
map = "governorate"
min = 3

[constants]
indicator = "recorded deaths (VDC)"
unit = "people"

[cells]
none = ["blank"]

[locations]
governorates = true
"""

KEY_FIGURES_RECIPE = """
[recipe]
kind = "hoa-key-figures"
description = "Horn of Africa drought key figures, wide: one row per country, one column per figure"
table = "indicators"

[citation]
publisher = "UN OCHA"
title = "Horn of Africa drought: key figures by country"

[header]
find = ["country", "pin", "totalfundrequirement"]

[melt]
value = "value"
name = "indicator"
exclude = ["country"]
"""


def _recipe(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _link(folder: Path, real: Path, name: str | None = None) -> Path:
    """The real file in a test folder without copying it (a symlink)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / (name or real.name)).symlink_to(real)
    return folder / (name or real.name)


@pytest.fixture
def officer(tmp_path):
    """The data officer's recipe folder for one test."""
    folder = tmp_path / "my_recipes"
    folder.mkdir()
    recipes.set_officer_dir(folder)
    yield folder
    recipes.set_officer_dir(None)


def test_an_officer_recipe_that_fits_wins_over_the_builtin_reader(real_data, officer):
    path = real_data / DEATHS
    assert sources.detect(path).KIND == "vdc-casualties-daily"   # the built-in, while no recipe of the officer fits
    _recipe(officer, "deaths.toml", DEATHS_AS_INDICATORS.format(priority=""))
    assert sources.detect(path).KIND == "vdc-deaths-indicators"
    result = CliRunner().invoke(main, ["load", str(path), "--explain", "--recipes", str(officer)])
    assert result.exit_code == 0, result.output
    assert "read as vdc-deaths-indicators" in result.output
    assert re.search(r"\* +100% vdc-deaths-indicators", result.output)
    assert re.search(r"  +100% vdc-casualties-daily", result.output)  # fits too, but comes after


@pytest.mark.parametrize(("first", "second", "winner"), [(10, 50, "a-deaths"), (50, 10, "b-deaths"), (50, 50, "a-deaths")])
def test_priority_says_which_of_two_fitting_recipes_reads_the_file(real_data, officer, first, second, winner):
    for name, priority in (("a", first), ("b", second)):  # file name order only breaks a tie
        text = DEATHS_AS_INDICATORS.format(priority=f"priority = {priority}").replace("vdc-deaths-indicators", f"{name}-deaths")
        _recipe(officer, f"{name}.toml", text)
    assert sources.detect(real_data / DEATHS).KIND == winner
    (officer / "a.toml").write_text(DEATHS_AS_INDICATORS.format(priority='priority = "high"'), encoding="utf-8")
    with pytest.raises(RecipeError, match="priority must be a whole number"):
        load_recipe(officer / "a.toml")


def test_one_file_feeds_two_recipes_each_its_own_load_replaced_and_rolled_back_alone(real_data, officer, tmp_path, db):
    _recipe(officer, "deaths.toml", DEATHS_AS_INDICATORS.format(priority=""))
    path = tmp_path / "deaths.csv"
    path.write_bytes((real_data / DEATHS).read_bytes())
    both = ["load", str(path), "--kind", "vdc-casualties-daily", "--kind", "vdc-deaths-indicators", "--json"]
    first = json.loads(CliRunner().invoke(main, both).output)
    assert [(r["kind"], r["status"]) for r in first] == [("vdc-casualties-daily", "loaded"),
                                                         ("vdc-deaths-indicators", "loaded")]
    casualties, indicators = (r["load_id"] for r in first)
    deaths = rows(db, "SELECT sum(deaths_best) FROM casualties")[0][0]
    assert deaths == rows(db, "SELECT sum(value) FROM indicators")[0][0] > 100_000
    again = json.loads(CliRunner().invoke(main, both).output)
    assert [(r["status"], r["load_id"]) for r in again] == [("unchanged", casualties), ("unchanged", indicators)]
    assert "already loaded as vdc-deaths-indicators" in again[1]["message"]

    rollback(db, indicators)  # the indicators go, the casualties of the same file stay
    assert rows(db, "SELECT count(*) FROM indicators")[0][0] == 0
    assert rows(db, "SELECT sum(deaths_best) FROM casualties")[0][0] == deaths
    reloaded = load_file(path, db, kind="vdc-deaths-indicators")
    assert reloaded.status == "loaded" and reloaded.replaced_load_id is None

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # a corrected file: its last day withdrawn
    replaced = load_file(path, db, kind="vdc-casualties-daily")
    assert replaced.status == "loaded" and replaced.replaced_load_id == casualties
    live = dict(rows(db, "SELECT kind, count(*) FROM loads WHERE status = 'loaded' GROUP BY kind"))
    assert live == {"vdc-casualties-daily": 1, "vdc-deaths-indicators": 1}
    assert rows(db, "SELECT sum(value) FROM indicators")[0][0] == deaths  # the other recipe's load is untouched
    assert rows(db, "SELECT sum(deaths_best) FROM casualties")[0][0] < deaths


def test_a_folder_manifest_gives_each_file_its_recipe_and_reference_date(variants, real_data, tmp_path, db):
    folder = tmp_path / "incoming"
    for country in ("eth", "ken"):
        _link(folder, variants / KEY_FIGURES.format(country))
    _link(folder, real_data / DEATHS, "deaths.csv")   # not in the manifest: recognised as usual
    _recipe(folder, "key_figures.toml", KEY_FIGURES_RECIPE)
    (folder / "manifest.csv").write_text("file,recipe,reference_date\n"
                                         "key_figures_eth.csv,key_figures.toml,2022-06-30\n"
                                         "key_figures_ken.csv,key_figures.toml,2022-07-31\n", encoding="utf-8")
    explained = CliRunner().invoke(main, ["load", str(folder), "--explain"])  # the manifest's decision, as load makes it
    assert "key_figures_ken.csv: read as hoa-key-figures (named by manifest.csv)" in explained.output
    assert "deaths.csv: read as vdc-casualties-daily\n" in explained.output
    result = CliRunner().invoke(main, ["load", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "key_figures_eth.csv: loaded as hoa-key-figures" in result.output
    assert "deaths.csv: loaded as vdc-casualties-daily" in result.output
    assert "manifest.csv" not in result.output  # the manifest is not a data file
    assert rows(db, "SELECT l.file_name, i.period_end::VARCHAR, count(*) FROM indicators i JOIN loads l USING (load_id)"
                    " GROUP BY ALL ORDER BY 1") == [("key_figures_eth.csv", "2022-06-30", 20),
                                                   ("key_figures_ken.csv", "2022-07-31", 19)]
    assert rows(db, "SELECT value FROM indicators JOIN loads USING (load_id) WHERE file_name = 'key_figures_eth.csv'"
                    " AND indicator = 'PiN'") == [(24_106_527.0,)]


def test_a_toml_manifest_names_several_recipes_for_one_file(real_data, tmp_path, db):
    folder = tmp_path / "incoming"
    _link(folder, real_data / DEATHS, "deaths.csv")
    _recipe(folder, "deaths_indicators.toml", DEATHS_AS_INDICATORS.format(priority=""))
    (folder / "manifest.toml").write_text(
        '[[file]]\nfile = "deaths.csv"\nrecipe = ["vdc-casualties-daily", "deaths_indicators.toml"]\n', encoding="utf-8")
    reports = load_paths([folder], db)
    assert sorted((r.kind, r.status) for r in reports) == [("vdc-casualties-daily", "loaded"),
                                                           ("vdc-deaths-indicators", "loaded")]
    assert rows(db, "SELECT sum(deaths_best) FROM casualties") == rows(db, "SELECT sum(value) FROM indicators")
    # the manifest's recipe file reads the files that name it only: detection is unchanged
    assert sources.detect(folder / "deaths.csv").KIND == "vdc-casualties-daily"


@pytest.mark.parametrize(("manifest", "message"), [
    ("file,recipe\nkey_figures_eth.csv,no-such-kind\n", "row 2: unknown recipe 'no-such-kind'"),
    ("file,recipe,reference_date\nkey_figures_eth.csv,key_figures.toml,30/06/2022\n",
     "row 2: reference_date '30/06/2022' is not YYYY-MM-DD"),
    ("file,recipe\nkey_figures_som.csv,key_figures.toml\n", "row 2: no data file 'key_figures_som.csv'"),
    ("file,recipe,date\nkey_figures_eth.csv,key_figures.toml,2022-06-30\n", "unknown column(s) date"),
])
def test_a_broken_manifest_loads_nothing_of_its_folder_and_says_why(variants, tmp_path, db, manifest, message):
    folder = tmp_path / "incoming"
    _link(folder, variants / KEY_FIGURES.format("eth"))
    _recipe(folder, "key_figures.toml", KEY_FIGURES_RECIPE)
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    [report] = load_paths([folder], db)
    assert report.status == "failed" and message in report.message and "nothing in" in report.message
    assert not db.exists()


def _drafted_ukraine_recipe(variants: Path, tmp_path: Path, columns: str, none: str = '["blank"]') -> Path:
    """The officer's path: draft a recipe from the file, then edit it (the draft guessed refugees; these
    are deaths): keep what the draft wrote in [recipe] (its kind and the file it was drafted from)."""
    import tomllib

    out = tmp_path / "ukraine.toml"
    drafted = CliRunner().invoke(main, ["recipe", "draft", str(variants / UKRAINE), "--out", str(out)])
    assert drafted.exit_code == 0, drafted.output
    head = tomllib.loads(out.read_text(encoding="utf-8"))["recipe"]
    out.write_text(f"""[recipe]
kind = "{head['kind']}"
drafted_from = "{head['drafted_from']}"
table = "casualties"

[citation]
publisher = "OHCHR, quoted by UN OCHA"
title = "Ukraine: civilian casualties (flash appeal key figures)"

[header]
find = ["date", "*killed"]

[columns]
{columns}

[period]
date = ["date"]

[constants]
category = "civilians"

[cells]
none = {none}
""", encoding="utf-8")
    return out


def test_recipe_check_dry_runs_the_file_it_was_drafted_from(variants, tmp_path, db):
    recipe = _drafted_ukraine_recipe(variants, tmp_path, columns='deaths_best = { match = ["*killed"] }')
    assert load_recipe(recipe).drafted_from == str((variants / UKRAINE).resolve())
    result = CliRunner().invoke(main, ["recipe", "check", str(recipe), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"dry run on {(variants / UKRAINE).resolve()}:" in result.output
    assert re.search(r"\n    50 rows would load, 0 would be rejected\n", result.output)
    assert "ok: the recipe loads rows from the file" in result.output


def test_recipe_check_fails_a_recipe_that_loads_nothing_and_says_why_in_plain_text(variants, tmp_path, db):
    recipe = _drafted_ukraine_recipe(variants, tmp_path, columns='deaths_low = { match = ["*killed"] }',
                                     none='["blank", "n/a", " - "]')
    result = CliRunner().invoke(main, ["recipe", "check", str(recipe), "--db", str(db)])
    assert result.exit_code == 1
    out = result.output
    assert "problem: nothing feeds deaths_best (required in casualties)" in out
    assert "problem: [cells] 'n/a' never matches: the file writes 'N/A'" in out
    assert "problem: [cells] none: ' - ' can never match: cells are compared with their spaces trimmed" in out
    assert "\n    0 rows would load, 50 would be rejected\n    rejected: 50 rows: missing value, column 'deaths_best'\n" in out
    assert "FAILED" in out


def test_recipe_check_takes_another_file_and_refuses_to_pass_without_one(variants, real_data, tmp_path, db):
    recipe = _recipe(tmp_path / "r", "deaths.toml", DEATHS_AS_INDICATORS.format(priority=""))
    alone = CliRunner().invoke(main, ["recipe", "check", str(recipe), "--db", str(db)])
    assert alone.exit_code == 1 and "not tried on a file: give one with --file FILE" in alone.output
    other = CliRunner().invoke(main, ["recipe", "check", str(recipe), "--file", str(variants / UKRAINE), "--db", str(db)])
    assert other.exit_code == 1 and "cannot read it:" in other.output and "does not fit recipe vdc-deaths-indicators" in other.output
    good = CliRunner().invoke(main, ["recipe", "check", str(recipe), "--file", str(real_data / DEATHS), "--db", str(db)])
    assert good.exit_code == 0, good.output
    assert re.search(r"\n    [\d,]+ rows would load, 0 would be rejected\n", good.output)


def test_the_manifest_example_of_the_docs_loads_as_written(variants, tmp_path, db):
    """docs/loading-data.md, 'A folder with a manifest': the manifest and recipe exactly as printed there."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "loading-data.md").read_text(encoding="utf-8")
    section = doc.split("### Worked example 3")[1].split("\n## ")[0]
    blocks = dict(re.findall(r"^`([\w.]+)`:\n\n```\w+\n(.*?)```", section, re.S | re.M))
    assert sorted(blocks) == ["key_figures.toml", "manifest.csv"]
    folder = tmp_path / "horn_of_africa"
    for country in ("eth", "ken"):
        _link(folder, variants / KEY_FIGURES.format(country))
    for name, text in blocks.items():
        _recipe(folder, name, text)
    result = CliRunner().invoke(main, ["load", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert rows(db, "SELECT count(DISTINCT period_end), count(*) FROM indicators") == [(2, 39)]
    check = CliRunner().invoke(main, ["recipe", "check", str(folder / "key_figures.toml"), "--file",
                                      str(folder / "key_figures_eth.csv"), "--reference-date", "2022-06-30",
                                      "--db", str(db)])
    assert check.exit_code == 0, check.output
