"""`python -m etl recipe draft FILE` on every real file and variant (CSV, XLSX, JSON, shapefile, R data): exit 0, a
recipe `recipe check` parses (refusing only its TODOs), which once the TODOs are answered fits the file it was
drafted from; the finest P-code column, date columns found by their cells, TODOs that list the choices."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.cli import main
from etl.load import expand
from etl.recipes.model import parse_recipe
from etl.recipes.reader import RecipeReader
from tests.conftest import REAL_DATA, VARIANTS, write_csv

FILES = [path for folder in (REAL_DATA, VARIANTS) if folder.is_dir() for path in expand([folder])]


def _fill(node, key: str = ""):
    """The officer's answers: each TODO replaced by its first choice (a date for a date)."""
    if isinstance(node, dict):
        return {k: _fill(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, key) for v in node]
    if isinstance(node, str) and node.strip().upper().startswith("TODO"):
        if key == "reference_date":
            return "2020-01-01"
        if key == "stock":   # the officer answers the stock-or-flow question with a TOML boolean
            return True
        choice = re.search(r"one of ([\w-]+)", node)
        return choice.group(1) if choice else "filled in"
    return node


def _draft(path: Path, out: Path) -> dict:
    result = CliRunner().invoke(main, ["recipe", "draft", str(path), "--out", str(out)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return tomllib.loads(out.read_text(encoding="utf-8"))


def test_every_shared_file_is_there():
    assert len(FILES) >= 35


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_draft_for_every_file_the_loader_reads(path: Path, tmp_path):
    out = tmp_path / "draft.toml"
    data = _draft(path, out)
    checked = CliRunner().invoke(main, ["recipe", "check", str(out)])
    assert checked.exit_code == 0 or "still says 'TODO" in checked.output, checked.output  # only its TODOs refused
    recipe = parse_recipe(_fill(data), origin=out)
    assert path.suffix.lower() in recipe.suffixes
    fit = RecipeReader(recipe).score(path)
    assert fit.fits, (fit.missing, fit.where)  # the draft fits the file it was drafted from


def _columns(data: dict) -> dict:
    return {name: spec["match"][0] for name, spec in data.get("columns", {}).items()}


@pytest.mark.parametrize(("name", "table", "columns", "period"), [
    ("iom_dtm/dtm_api_admin2_tcd.json", "displacement",
     {"destination_pcode": "admin2Pcode", "individuals": "numPresentIdpInd"}, {"date": ["reportingDate"]}),
    ("iom_dtm/dtm_idps_admin0_to_2_afg_hti_tcd.csv", "displacement",  # admin 2 codes only further down the file
     {"destination_pcode": "admin2Pcode", "individuals": "numPresentIdpInd"}, {"date": ["reportingDate"]}),
    ("unhcr_portal/ukraine_situation_timeseries_2022.json", "displacement", {"individuals": "individuals"},
     {"date": ["data_date"]}),
    ("geo/cod_ab_irq_2019/irq_admbnda_adm2_cso_20190603.shp", "locations",
     {"pcode": "ADM2_PCODE", "parent_pcode": "ADM1_PCODE", "name_en": "ADM2_EN", "name_ar": "ADM2_AR"}, None),
    ("geo/cod_ab_irq_2014/irq_admbnda_adm2_ocha_20140717.shp", "locations",  # HRpcode repeats A2Code: not its parent
     {"pcode": "A2Code", "parent_pcode": "A1Code", "name_en": "A2NameEn"}, None),
])
def test_drafts_pick_the_finest_pcode_and_the_date_by_its_cells(variants, tmp_path, name, table, columns, period):
    data = _draft(variants / name, tmp_path / "draft.toml")
    assert data["recipe"]["table"] == table
    assert _columns(data).items() >= columns.items()
    assert data.get("period") == period or (period is None and "period" not in data)


def test_syrias_sub_district_pcode_is_finer_than_its_named_parents(real_data, tmp_path):
    data = _draft(real_data / "geo/cod_admin3_shp/syr_admin3.shp", tmp_path / "draft.toml")
    assert _columns(data)["pcode"] == "PCODE" and _columns(data)["parent_pcode"] == "ADM2_PCODE"
    assert data["constants"]["admin_level"] == "3"


def test_what_the_file_cannot_say_is_asked_with_the_choices(tmp_path):
    path = write_csv(tmp_path / "idps.csv", ["Year", "Camp", "Individuals"], [["2019", "Atmeh", "1,200"]])
    text = CliRunner().invoke(main, ["recipe", "draft", str(path)]).output
    data = tomllib.loads(text)
    assert data["period"]["year"] == ["Year"]
    assert "stock" in data["period"] and "false = a count over the whole year" in data["period"]["stock"]
    assert "idp_stock" in data["constants"]["figure_type"] and "arrivals" in data["constants"]["figure_type"]
    assert data["constants"]["destination_pcode"].startswith("TODO")


def test_a_file_it_cannot_read_is_one_line_not_a_traceback(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    result = CliRunner().invoke(main, ["recipe", "draft", str(path)])
    assert result.exit_code == 1 and "broken.json" in result.output and "Traceback" not in result.output


def test_a_drafted_shapefile_recipe_loads_the_attributes(variants, tmp_path):
    """The attributes a draft saw are the rows the recipe reads (etl.sources.tables serves both)."""
    shp = variants / "geo/cod_ab_irq_2019/irq_admbnda_adm1_cso_20190603.shp"
    folder = tmp_path / "recipes"
    folder.mkdir()
    data = _fill(_draft(shp, tmp_path / "draft.toml"))
    data["constants"]["kind"] = "governorate"
    (folder / "iraq.toml").write_text(_toml(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["load", str(shp), "--recipes", str(folder), "--kind", data["recipe"]["kind"],
                                       "--dry-run", "--db", str(tmp_path / "w.duckdb"), "--json"])
    (report,) = json.loads(result.output)
    assert report["status"] == "checked" and (report["rows_loaded"], report["rows_rejected"]) == (18, 0), report


def _toml(data: dict) -> str:
    def value(v) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        return json.dumps(v, ensure_ascii=False)
    return "\n".join(f"[{section}]\n" + "\n".join(f"{k} = {value(v)}" for k, v in body.items()) + "\n"
                     for section, body in data.items())


HEADER = ["Reporting date", "Admin1 Pcode", "Admin3 Pcode", "IDPs"]


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(4)), banner=st.booleans(),
       names=st.fixed_dictionaries({0: st.sampled_from(["Reporting date", "As of", "Period", "when"]),
                                    3: st.sampled_from(["IDPs", "Individuals", "Value", "people"])}))
def test_renamed_reordered_columns_and_banners_still_draft_the_same_mapping(tmp_path, order, banner, names):
    header = [names.get(i, HEADER[i]) for i in range(4)]
    rows = [["2020-01-31", "SY07", "SY070301", "100"], ["2020-02-29", "SY02", "SY020400", "2,500"]]
    path = tmp_path / f"moves-{'-'.join(map(str, order))}-{banner}-{names[0]}-{names[3]}.csv"
    lines = ([["Displacement update", "", "", ""]] if banner else []) + [[header[i] for i in order]]
    write_csv(path, lines[0], lines[1:] + [[r[i] for i in order] for r in rows])
    data = tomllib.loads(CliRunner().invoke(main, ["recipe", "draft", str(path)]).output)
    assert data["period"]["date"] == [header[0]]  # found by its cells, whatever its name
    assert _columns(data)["destination_pcode"] == "Admin3 Pcode"
