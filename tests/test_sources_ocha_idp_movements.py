"""IDP Task Force monthly workbook: real figures for January 2019, the month found from
the summary sheet, no double counting, and a generated workbook of the same family."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from etl import sources
from etl.load import load_file
from etl.sources import ocha_idp_movements
from tests.real_loads import load_alone, rows, scalar

REAL = "idp_movements/idp_1.xlsx"


@pytest.fixture(scope="module")
def idp_db(real_data, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("idp") / "warehouse.duckdb"
    load_alone(real_data / REAL, db)
    return db


def _by_governorate(db: Path, figure: str, month: str) -> dict[str, float]:
    return dict(rows(db, "SELECT destination_governorate, sum(individuals) FROM v_displacement"
                         " WHERE figure_type = ? AND CAST(period_start AS VARCHAR) = ? GROUP BY 1", [figure, month]))


@pytest.mark.parametrize(("governorate", "arrivals"), [("SY07", 32_057), ("SY02", 23_331), ("SY09", 45_037)])
def test_january_2019_arrivals_by_governorate(idp_db, governorate, arrivals):
    assert _by_governorate(idp_db, "arrivals", "2019-01-01")[governorate] == arrivals


def test_january_2019_arrivals_come_from_community_rows_only(idp_db):
    levels = rows(idp_db, """SELECT DISTINCT l.admin_level FROM displacement d JOIN v_locations l
                             ON l.pcode = d.destination_pcode
                             WHERE figure_type = 'arrivals' AND period_start = DATE '2019-01-01'""")
    assert levels == [(4,)]
    assert scalar(idp_db, "SELECT count(*) FROM displacement WHERE figure_type = 'arrivals'"
                          " AND period_start = DATE '2019-01-01'") == 541


def test_summary_months_load_at_governorate_level_without_totals(idp_db):
    """Arrivals Jan 2016 - Jan 2019 add up to the summary's 'Since Jan 2016' Grand Total."""
    assert _by_governorate(idp_db, "arrivals", "2017-02-01")["SY02"] == 111_571.5
    total = scalar(idp_db, "SELECT sum(individuals) FROM displacement WHERE figure_type = 'arrivals'")
    assert total == pytest.approx(6_591_166.216666667, abs=1e-6)
    months = scalar(idp_db, "SELECT count(DISTINCT period_start) FROM displacement WHERE figure_type = 'arrivals'")
    assert months == 37


def test_returns_from_community_sheet_and_return_summary(idp_db):
    assert _by_governorate(idp_db, "returns", "2019-01-01")["SY12"] == 46_344
    assert scalar(idp_db, "SELECT sum(individuals) FROM displacement WHERE figure_type = 'returns'") == 727_146


def test_origin_matrix_loads_as_departures_never_its_totals(idp_db):
    assert scalar(idp_db, "SELECT sum(individuals) FROM displacement WHERE figure_type = 'departures'") == \
        pytest.approx(110_925)  # = the column totals; the corrupted Aleppo Grand Total (3) is not loaded
    from_idleb = dict(rows(idp_db, "SELECT coalesce(destination_pcode, 'same'), individuals FROM displacement"
                                   " WHERE figure_type = 'departures' AND origin_pcode = 'SY07'"))
    assert from_idleb == {"SY02": pytest.approx(6_366.284464131374), "SY05": 40, "same": pytest.approx(28_246.319410958255)}


def test_places_named_in_the_workbook_are_created(idp_db):
    assert rows(idp_db, "SELECT name_en, parent_pcode, admin_level FROM locations WHERE pcode = 'C4099'") == [
        ("Tah", "SY070205", 4)]
    assert rows(idp_db, "SELECT parent_pcode FROM locations WHERE pcode = 'SY070205'") == [("SY0702",)]
    assert scalar(idp_db, "SELECT count(*) FROM locations WHERE admin_level = 1") == 14


def test_same_file_twice_is_unchanged(idp_db, real_data):
    assert load_file(real_data / REAL, idp_db).status == "unchanged"


def test_month_override_from_the_environment(real_data, monkeypatch):
    monkeypatch.setenv(ocha_idp_movements.MONTH_ENV, "2019-02")
    result = ocha_idp_movements.read(real_data / REAL)
    assert "set by DISPLACEMENT_IDP_FLOW_MONTH" in result.notes[0]
    community = result.tables[1].frame
    assert set(community["period_start"]) == {"2019-02-01"}


def test_bad_month_override_is_one_clear_line(real_data, monkeypatch, db):
    monkeypatch.setenv(ocha_idp_movements.MONTH_ENV, "Jan 2019")
    report = load_file(real_data / REAL, db)
    assert report.status == "failed" and "DISPLACEMENT_IDP_FLOW_MONTH='Jan 2019' is not a month" in report.message


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _variant(path: Path) -> Path:
    """February 2020 flows in sheets named after January, banner rows, trailing spaces, NA and dashes."""
    book = Workbook()
    flows = book.active
    flows.title = "January_IDPflow"
    flows.append(["IDP Task Force — IDP movements (draft)"])
    flows.append([])
    flows.append(["Mohafaza ", "Mohafaza PCODE", "Mantika", "Mantika PCODE", "Nahya", "Nahya PCODE", "Community",
                  "Community PCODE ", "IDP_Flow_Estimation "])
    flows.append(["Idleb", "SY07", "Harim", "SY0703", "Dana", "SY070302", "Sarmada", "C4150", 1200.5])
    flows.append(["Idleb", "SY07", "Harim", "SY0703", "Dana", "SY070302", "Atma", "C4151", 799.5])
    flows.append(["Aleppo", "SY02", "A'zaz", "SY0203", "A'zaz", "SY020300", "Azaz", "C1564", "NA"])
    flows.append(["Aleppo", "SY02", "A'zaz", "SY0203", "A'zaz", "SY020300", "Sijjo", "C1565", "  -  "])
    summary = book.create_sheet("IDPFlow_Summary")
    summary.append([None, 2019] + [None] * 12 + [2020])
    summary.append(["Governorate"] + MONTHS + ["Total 2019", None, "January", "February"])
    summary.append(["Idleb"] + [100] * 12 + [1200, None, 5000, 2000])
    summary.append(["Aleppo"] + [None] * 12 + [0, None, 300, None])
    summary.append(["Grand Total"] + [100] * 12 + [1200, None, 5300, 2000])
    summary.append(["Average of IDP flow per day"] + [3.2] * 12)
    matrix = book.create_sheet("Origin_vs_Destination")
    matrix.append(["Origin", "Idleb", "Aleppo", "Hama", "Grand Total"])
    matrix.append(["Idleb", 1500, None, None, 1500])
    matrix.append(["Hama", 500, 0, "-", 500])
    matrix.append(["Unknown", None, None, None, 3])
    matrix.append(["Grand Total", 2000, None, None, 2003])
    book.save(path)
    return path


def test_family_variant_month_from_summary_and_no_double_counting(tmp_path, db):
    path = _variant(tmp_path / "idp_2020_02.xlsx")
    assert sources.detect(path) is ocha_idp_movements
    report = load_alone(path, db)
    got = rows(db, "SELECT CAST(period_start AS VARCHAR), origin_pcode, destination_pcode, figure_type, individuals"
                   " FROM displacement ORDER BY figure_type, period_start, destination_pcode, origin_pcode")
    arrivals = [g for g in got if g[3] == "arrivals"]
    assert ("2020-02-01", None, "C4150", "arrivals", 1200.5) in arrivals
    assert ("2020-02-01", None, "C4151", "arrivals", 799.5) in arrivals
    assert not [g for g in arrivals if g[0] == "2020-02-01" and g[2] in ("SY07", "SY02")]  # summary skips Feb 2020
    assert ("2020-01-01", None, "SY07", "arrivals", 5000.0) in arrivals
    assert ("2020-01-01", None, "SY02", "arrivals", 300.0) in arrivals
    assert len([g for g in arrivals if g[0].startswith("2019")]) == 12
    departures = sorted((g[1], g[2], g[4]) for g in got if g[3] == "departures")
    assert departures == [("SY05", "SY07", 500.0), ("SY07", None, 1500.0)]
    assert report.rows_rejected == 0
    assert rows(db, "SELECT name_en FROM locations WHERE pcode = 'SY05'") == [("Hama",)]
