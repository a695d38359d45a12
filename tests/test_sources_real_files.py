"""Every real published file is recognised from its contents, and `python -m etl load`
on the whole folder loads them all, places first, into an empty warehouse."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from etl import sources
from etl.cli import main
from tests.real_loads import rows

EXPECTED_KINDS = [
    ("idp_movements/idp_1.xlsx", "ocha-idp-movements"),
    ("hno_idp_estimates/data_2018.xlsx", "hno-idp-estimates"),
    ("hno_idp_estimates/data_2019.xlsx", "hno-idp-estimates"),
    ("refugees/unhcr-persons-of-concern-origin-syr-csv-1.csv", "unhcr-persons-of-concern"),
    ("refugees/2011-2018_monthly_refugee.csv", "unhcr-asylum-monthly"),
    ("conflict_casualties/casualties_by_province_by_day.csv", "vdc-casualties-daily"),
    ("geo/hno_2018.json", "geojson-admin-boundaries"),
    ("geo/countries-50m.json", "topojson-countries"),
    ("conflict_events/2016-2023-attacks-on-health-care-incident-data.xlsx", "insecurity-insight-health-attacks"),
    ("refugees/population.rda", "unhcr-population-table"),
    ("geo/cod_admin3_shp/syr_admin3.shp", "cod-ab-boundaries"),  # its .shx/.dbf/.prj/.cpg are read with it
]
# What the folder test enumerates: a shapefile is its .shp (the .shx/.dbf/.prj/.cpg are read with it).
DATA_SUFFIXES = (".csv", ".xlsx", ".json", ".rda", ".shp")


@pytest.mark.parametrize(("name", "kind"), EXPECTED_KINDS)
def test_each_file_is_recognised_without_kind(real_data, name, kind):
    assert sources.detect(real_data / name).KIND == kind


def test_every_data_file_in_the_folder_is_covered(real_data):
    files = {str(p.relative_to(real_data)) for p in real_data.rglob("*") if p.suffix in DATA_SUFFIXES}
    assert files == {name for name, _ in EXPECTED_KINDS}


def test_whole_folder_loads_into_an_empty_warehouse(real_data, db):
    result = CliRunner().invoke(main, ["load", str(real_data), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert [r["status"] for r in reports] == ["loaded"] * len(EXPECTED_KINDS)
    for report in reports:
        assert report["rows_read"] == report["rows_loaded"] + report["rows_rejected"], report["file"]
    order = [r["kind"] for r in reports]
    assert order.index("geojson-admin-boundaries") < order.index("hno-idp-estimates") < order.index("ocha-idp-movements")
    rejected = {r["kind"]: r["rows_rejected"] for r in reports if r["rows_rejected"]}
    assert rejected == {"unhcr-asylum-monthly": 135, "unhcr-persons-of-concern": 45,
                        "insecurity-insight-health-attacks": 7_951, "unhcr-population-table": 1}
    out_of_scope = {r["kind"]: r["rows_out_of_scope"] for r in reports if r["rows_out_of_scope"]}
    assert out_of_scope == {"insecurity-insight-health-attacks": 7_950}  # the other one: Admin 1 'al-Bab District'
    assert {r["kind"]: r["rows_skipped"] for r in reports if r["rows_skipped"]} == {"unhcr-population-table": 136_516}
    # v_locations merges the places of every file: Idleb keeps its OCHA name and Arabic name
    assert rows(db, "SELECT name_en, name_ar FROM v_locations WHERE pcode = 'SY07'") == [("Idleb", "إدلب")]
    # Tah (Idleb), a community the IDP workbook names, sits in a sub-district with a centroid
    assert rows(db, "SELECT parent_pcode FROM v_locations WHERE pcode = 'C4099'") == [("SY070205",)]
