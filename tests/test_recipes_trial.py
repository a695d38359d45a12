"""What confused the docs-only trial of issue 22 (item 8), on its synthetic files (tests/fixtures/trial/):
no figure dropped or changed silently (optional columns with '-', counts that add up, number formats),
'already loaded' per file content, recipe and sheet, synthetic sources labelled."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.load import load_file
from etl.recipes import RecipeError, load_recipe
from etl.recipes.reader import RecipeReader
from tests.real_loads import rows

TRIAL = Path(__file__).parent / "fixtures" / "trial"
DEATHS = TRIAL / "casualties_semicolon_fixed_synthetic.csv"   # synthetic: 7 rows, '-' for no value, 1.204 deaths
MOVES = TRIAL / "movements_by_month_synthetic.xlsx"            # synthetic: one sheet per month

DEATHS_RECIPE = """
[recipe]
kind = "casualties-semicolon-synthetic"
description = "SYNTHETIC monthly civilian deaths by governorate (semicolon CSV, decimal commas)"
table = "casualties"
suffixes = [".csv"]

[citation]
publisher = "Trial monitor (SYNTHETIC)"
title = "Synthetic civilian deaths by governorate and month"
{synthetic}

[header]
find = ["gouvernorat", "mois", "décès civils"]

[columns]
location_pcode = {{ match = ["gouvernorat"], map = "governorate" }}
deaths_best = {{ match = ["décès civils"] }}
deaths_low = {{ match = ["décès (min)"] }}
deaths_high = {{ match = ["décès (max)"] }}

[period]
date = ["mois"]
stock = false   # monthly deaths: a flow over the month

[constants]
category = "civilians"

[cells]
none = ["blank", "dash"]
{format}
"""
FORMAT = 'thousands = "."\ndecimal = ","'


def _recipe(folder: Path, number_format: str = FORMAT, synthetic: str = "synthetic = true") -> RecipeReader:
    path = folder / "cas_semi.toml"
    path.write_text(DEATHS_RECIPE.format(format=number_format, synthetic=synthetic), encoding="utf-8")
    return RecipeReader(load_recipe(path))


def _deaths(db: Path) -> list[tuple]:
    return rows(db, "SELECT location_pcode, strftime(period_start, '%Y-%m'), deaths_low, deaths_best, deaths_high"
                    " FROM casualties WHERE category = 'civilians' AND location_pcode IN ('SY02', 'SY05', 'SY07')"
                    " ORDER BY 1, 2")


def test_a_dash_in_an_optional_column_loads_the_row_without_it(tmp_path, reference_db):
    db = tmp_path / "w.duckdb"
    shutil.copy(reference_db, db)
    report = load_file(DEATHS, db, kind=_recipe(tmp_path))
    assert report.status == "loaded", report.message
    # 7 rows: 6 load (two with '-' as their low and high estimates), 1 has no figure at all ('-' everywhere)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected, report.cells_without_figure) == (6, 6, 0, 1)
    assert "1 cell without a figure" in report.message
    assert _deaths(db) == [
        ("SY02", "2019-12", 290, 312, 330), ("SY02", "2020-02", 401, 428, 455),
        ("SY05", "2020-02", None, 95, None),
        ("SY07", "2019-12", 1150, 1204, 1290), ("SY07", "2020-01", None, 987, None),
        ("SY07", "2020-02", 1480, 1530, 1610)]


def test_a_recipe_marks_its_source_synthetic(tmp_path, reference_db):
    db = tmp_path / "w.duckdb"
    shutil.copy(reference_db, db)
    assert load_file(DEATHS, db, kind=_recipe(tmp_path)).status == "loaded"
    assert rows(db, "SELECT is_synthetic FROM sources WHERE publisher = 'Trial monitor (SYNTHETIC)'") == [(True,)]
    with pytest.raises(RecipeError, match="synthetic must be true or false"):
        _recipe(tmp_path, synthetic='synthetic = "yes"')


def test_without_the_number_format_no_figure_changes_silently(tmp_path, reference_db):
    report = load_file(DEATHS, reference_db, kind=_recipe(tmp_path, number_format=""), dry_run=True)
    assert (report.rows_loaded, report.rows_rejected) == (3, 3), report.message
    reasons = {(r["row_number"], r["column_name"]): r["reason"] for r in report.rejects}
    # 1.204 deaths is not a count; 95,0 is not 950
    assert reasons[(2, "Décès (min)")].startswith("not a number: 1.150 (not a whole number: see [cells] thousands)")
    assert "1.204 (not a whole number" in reasons[(2, "Décès (min)")]
    assert reasons[(8, "Décès civils")] == "not a number: 95,0"
    # the top reasons count rows, as the rejected count beside them does
    assert sum(r["rows"] for r in report.top_reasons) == report.rows_rejected


def test_top_reasons_count_a_row_once_for_a_reason_it_gives_twice(tmp_path, reference_db):
    bad = tmp_path / "casualties_month_first_synthetic.csv"
    bad.write_text(DEATHS.read_text(encoding="utf-8").replace("2019-12", "12/2019x").replace("2020-02", "02/2020x"),
                   encoding="utf-8")
    report = load_file(bad, reference_db, kind=_recipe(tmp_path), dry_run=True)
    assert report.rows_rejected == 5   # Dec and Feb rows; each gives the reason twice (period start and end)
    assert [(r["reason"], r["rows"]) for r in report.top_reasons] == [("not a date (use YYYY-MM-DD)", 5)]


def test_a_comma_that_does_not_group_thousands_is_no_number(tmp_path, reference_db):
    from etl.sources.base import Staged
    from etl.validate import Context, validate
    import pandas as pd

    frame = pd.DataFrame({"_sheet": None, "_row": [2, 3, 4], "period_start": "2020-01-01", "period_end": "2020-01-31",
                          "deaths_best": ["1,234", "95,0", "1 234"], "category": "all", "source_id": "s"})
    checked = validate(Staged("casualties", frame), Context())
    assert list(checked.good["deaths_best"]) == [1234, 1234]
    assert list(checked.rejects["reason"]) == ["not a number: 95,0"]


@pytest.mark.parametrize(("cells", "message"), [
    ('thousands = "."\ndecimal = "."', "thousands and decimal are both '.'"),
    ('thousands = "_"', "thousands must be one of"),
    ('decimal = ";"', "decimal must be"),
])
def test_a_number_format_that_cannot_be_right_is_refused(tmp_path, cells, message):
    with pytest.raises(RecipeError, match=message):
        _recipe(tmp_path, number_format=cells)


MOVES_RECIPE = """
[recipe]
kind = "movements-by-month-synthetic"
description = "SYNTHETIC monthly movements, one sheet per month, one column per governorate"
table = "displacement"
suffixes = [".xlsx"]
sheets = ["* 20*"]

[citation]
publisher = "Trial (SYNTHETIC)"
title = "Synthetic displacement movements by month and governorate"
synthetic = true

[header]
find = ["Movement type", "Idleb"]

[columns]
figure_type = { match = ["movement type"], map = "figure_type" }

[melt]
value = "individuals"
name = "destination_pcode"
map = "governorate"
min = 3
exclude = ["total*", "sum*"]

[locations]
governorates = true
"""
SHEETS = {"Dec 2019": "2019-12-31", "Jan 2020": "2020-01-31", "Feb 2020": "2020-02-29"}


def _moves_folder(tmp_path: Path, manifest: bool) -> Path:
    folder = tmp_path / "moves"
    folder.mkdir()
    shutil.copy(MOVES, folder)
    (folder / "moves_monthly.toml").write_text(MOVES_RECIPE, encoding="utf-8")
    if manifest:
        (folder / "manifest.csv").write_text("file,recipe,reference_date,sheet\n" + "".join(
            f"{MOVES.name},moves_monthly.toml,{day},{sheet}\n" for sheet, day in SHEETS.items()), encoding="utf-8")
    return folder


def _load(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["load", *args, "--json"])
    return json.loads(result.output)


def test_each_sheet_of_a_workbook_is_its_own_load(tmp_path, reference_db):
    db = tmp_path / "w.duckdb"
    shutil.copy(reference_db, db)
    folder = _moves_folder(tmp_path, manifest=False)
    recipe = ["--recipes", str(folder), "--kind", "movements-by-month-synthetic", "--db", str(db)]
    first = _load(str(folder / MOVES.name), "--sheet", "Dec 2019", "--reference-date", "2019-12-31", *recipe)[0]
    second = _load(str(folder / MOVES.name), "--sheet", "Jan 2020", "--reference-date", "2020-01-31", *recipe)[0]
    assert (first["status"], second["status"]) == ("loaded", "loaded"), (first["message"], second["message"])
    assert second["replaced_load_id"] is None  # sheet 2 replaces nothing of sheet 1
    again = _load(str(folder / MOVES.name), "--sheet", "Jan 2020", "--reference-date", "2020-01-31", *recipe)[0]
    assert again["status"] == "unchanged" and "sheet 'Jan 2020'" in again["message"]
    assert rows(db, "SELECT strftime(period_end, '%Y-%m'), sum(individuals) FROM displacement d JOIN loads USING (load_id)"
                    f" WHERE load_id IN ({first['load_id']}, {second['load_id']}) AND status = 'loaded'"
                    " AND figure_type = 'newly_displaced' GROUP BY 1 ORDER BY 1") == [("2019-12", 50_700), ("2020-01", 123_300)]


def test_a_manifest_row_per_sheet_loads_every_sheet_as_its_dry_run_said(tmp_path, reference_db):
    db = tmp_path / "w.duckdb"
    shutil.copy(reference_db, db)
    folder = _moves_folder(tmp_path, manifest=True)
    dry = _load(str(folder), "--db", str(db), "--dry-run")
    loaded = _load(str(folder), "--db", str(db))
    assert [r["status"] for r in loaded] == ["loaded"] * 3, [r["message"] for r in loaded]
    assert [r["rows_loaded"] for r in loaded] == [r["rows_loaded"] for r in dry]
    assert rows(db, "SELECT strftime(period_end, '%Y-%m'), sum(individuals) FROM displacement"
                    " WHERE figure_type = 'newly_displaced' AND source_id IN (SELECT source_id FROM sources"
                    " WHERE publisher = 'Trial (SYNTHETIC)') GROUP BY 1 ORDER BY 1") == [
        ("2019-12", 50_700), ("2020-01", 123_300), ("2020-02", 413_600)]


def test_a_corrected_recipe_reloads_the_file(tmp_path, reference_db):
    db = tmp_path / "w.duckdb"
    shutil.copy(reference_db, db)
    first = load_file(DEATHS, db, kind=_recipe(tmp_path, number_format=""))
    assert (first.status, first.rows_loaded) == ("loaded", 3)
    same = load_file(DEATHS, db, kind=_recipe(tmp_path, number_format=""))
    assert same.status == "unchanged"
    fixed = load_file(DEATHS, db, kind=_recipe(tmp_path))   # the recipe now says its number format
    assert (fixed.status, fixed.rows_loaded, fixed.replaced_load_id) == ("loaded", 6, first.load_id)
    assert rows(db, f"SELECT status FROM loads WHERE load_id = {first.load_id}") == [("replaced",)]
