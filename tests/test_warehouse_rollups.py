"""Rollup tables (warehouse/rollups.py): always equal to a direct aggregate of the facts,
and the dashboard queries give the same answers from them as from the facts.

Figures are the SYNTHETIC fixture's (tests/synthetic.py) plus small invented daily flows.
"""
from __future__ import annotations

import csv
import shutil
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import synthetic  # noqa: E402

from etl.load import load_file, rollback  # noqa: E402
from warehouse import rollups  # noqa: E402
from warehouse.queries import Filters, border, casualties, headlines, maps, timeline  # noqa: E402
from warehouse.queries.areas import DISPLACEMENT  # noqa: E402
from warehouse.schema import current_version, migrate  # noqa: E402

HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals"]
# Invented single-day arrivals: three days in January (one place twice), one in February.
DAILY = [
    ("2020-01-03", "2020-01-03", "C3987", "C4130", "arrivals", 10),
    ("2020-01-03", "2020-01-03", "C3987", "C4130", "arrivals", 5),
    ("2020-01-17", "2020-01-17", "C3987", "C9001", "arrivals", 20),
    ("2020-01-31", "2020-01-31", "C4130", "C3871", "arrivals", 40),
    ("2020-02-10", "2020-02-10", "C3987", "C4130", "arrivals", 80),
]

# Direct aggregates of the facts, and the same totals read from the rollups.
FROM_FACTS = {
    "displacement": f"""SELECT load_id, source_id, figure_type, destination_band, sum(individuals) AS v, count(*) AS n
                       FROM ({DISPLACEMENT}) GROUP BY ALL""",
    "flows": f"""SELECT load_id, source_id, figure_type,
                        coalesce(origin_district, origin_governorate, origin_pcode) AS o, sum(individuals) AS v
                 FROM ({DISPLACEMENT}) WHERE measure = 'flow' GROUP BY ALL""",
    "casualties": """SELECT load_id, source_id, category, sum(deaths_best) AS v, count(*) AS n
                     FROM casualties GROUP BY ALL""",
}
FROM_ROLLUPS = {
    "displacement": """SELECT load_id, source_id, figure_type, destination_band, sum(individuals) AS v,
                              sum(row_count) AS n FROM displacement_rollup GROUP BY ALL""",
    "flows": """SELECT load_id, source_id, figure_type, origin_area AS o, sum(individuals) AS v
                FROM displacement_flow_rollup GROUP BY ALL""",
    "casualties": """SELECT load_id, source_id, category, sum(deaths_best) AS v, sum(row_count) AS n
                     FROM casualties_rollup GROUP BY ALL""",
}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> set[tuple]:
    return {tuple(float(x) if isinstance(x, (int, float)) else x for x in row) for row in con.execute(sql).fetchall()}


def assert_rollups_match(path: Path) -> None:
    with duckdb.connect(str(path), read_only=True) as con:
        assert rollups.fresh(con)
        for name, sql in FROM_FACTS.items():
            assert _rows(con, FROM_ROLLUPS[name]) == _rows(con, sql), name


DAILY_CITE = {**synthetic.CITE, "source_title": "Daily arrivals test fixture (invented figures)"}


def _daily_file(folder: Path, rows: list[tuple], name: str = "daily.csv") -> Path:
    """The daily rows as a tidy CSV citing their own (synthetic) source."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER + list(DAILY_CITE))
        writer.writerows(list(row) + list(DAILY_CITE.values()) for row in rows)
    return folder / name


def _daily_source(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT source_id FROM sources WHERE title = ?", [DAILY_CITE["source_title"]]).fetchone()[0]


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rollups")
    return synthetic.build(folder / "warehouse.duckdb", folder / "csv")


@pytest.fixture
def copy(wh, tmp_path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(wh, path)
    return path


def test_rollups_equal_the_facts_after_load(wh):
    assert_rollups_match(wh)
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM displacement_rollup").fetchone()[0] > 0


def test_replacing_load_and_rollback_keep_rollups_in_step(copy, tmp_path):
    first = load_file(_daily_file(tmp_path / "a", DAILY), copy)
    assert first.status == "loaded"
    assert_rollups_match(copy)
    replaced = load_file(_daily_file(tmp_path / "b", DAILY[:2]), copy)  # same name, new content
    assert replaced.replaced_load_id == first.load_id
    assert_rollups_match(copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM displacement_rollup WHERE load_id = ?", [first.load_id]).fetchone()[0] == 0
    rollback(copy, replaced.load_id)
    assert_rollups_match(copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM displacement_rollup WHERE load_id = ?",
                           [replaced.load_id]).fetchone()[0] == 0


def test_old_warehouse_gets_rollups_when_published(wh, tmp_path):
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:  # a warehouse of release 0002 holding the fixture's facts
        migrate(con, target=2)
        con.execute("ATTACH ? AS fixture (READ_ONLY)", [str(wh)])
        for table in ("sources", "loads", "locations", "displacement", "casualties"):
            columns = ", ".join(r[0] for r in con.execute(f"DESCRIBE {table}").fetchall())
            con.execute(f"INSERT INTO {table} SELECT {columns} FROM fixture.{table}")
        con.execute("DETACH fixture")
        con.execute("SELECT nextval('load_ids') FROM range((SELECT max(load_id) FROM loads))").fetchall()
        assert current_version(con) == 2 and not rollups.fresh(con)
    assert border.by_band(old, Filters())["individuals"].sum() > 0  # readers fall back to the facts
    assert load_file(_daily_file(tmp_path / "a", DAILY), old).status == "loaded"
    assert_rollups_match(old)
    with duckdb.connect(str(old), read_only=True) as con:  # the old loads too, not only the new one
        assert current_version(con) >= 3
        assert con.execute("SELECT count(DISTINCT load_id) FROM displacement_rollup").fetchone()[0] == 2


def test_changed_places_rebuild_every_rollup(copy, tmp_path):
    """Moving Atma (5.6 km) to Khan Shaykhun's coordinates changes the band of rows loaded earlier."""
    moved = [row for row in synthetic.LOCATIONS if row[0] == "C4130"]
    moved = [(*moved[0][:5], "35.442", "36.651")]
    path = synthetic._write(tmp_path / "moved.csv", ["pcode", "admin_level", "kind", "parent_pcode", "name_en", "lat",
                                                     "lon"], moved)
    assert load_file(path, copy).status == "loaded"
    assert_rollups_match(copy)
    jan = border.by_band(copy, Filters(start=date(2020, 1, 1), end=date(2020, 1, 31)))
    arrivals = jan[jan["figure_type"] == "arrivals"]
    assert dict(zip(arrivals["destination_band"], arrivals["individuals"]))["over 50 km"] == 1050


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order: queries order by value, and ties have no fixed order."""
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


QUERIES = [
    (border.by_band, {}), (border.net_movement, {}), (border.flows, {"level": "governorate"}),
    (border.flows, {"level": "district"}), (maps.flow_lines, {}), (maps.flow_lines, {"month": "2020-02-01"}),
    (maps.subdistrict_values, {}), (maps.subdistrict_values, {"month": "2020-01-01"}), (maps.months, {}),
    (headlines.displaced, {}), (headlines.idps_near_border, {}), (headlines.idps_near_border, {"km": 10.0}),
    (headlines.deaths, {}), (casualties.monthly, {}), (casualties.displacement_monthly, {}),
    (timeline.displacement_series, {}),
]
FILTERS = [
    Filters(),
    Filters(start=date(2020, 1, 1), end=date(2020, 1, 31)),
    Filters(start=date(2019, 12, 1), end=date(2020, 2, 29), governorates=("SY07",)),
    Filters(extra=(("district", "SY0703"),), figure_types=("arrivals", "idp_stock")),
    Filters(governorates=("SY02",)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
@pytest.mark.parametrize("query,kwargs", QUERIES, ids=[f"{q.__module__.rsplit('.', 1)[1]}.{q.__name__}-{i}"
                                                      for i, (q, _) in enumerate(QUERIES)])
def test_rollups_and_facts_give_the_same_answers(wh, monkeypatch, query, kwargs, filters):
    from_rollups = query(wh, filters, **kwargs)
    monkeypatch.setattr(rollups, "fresh", lambda con: False)
    from_facts = query(wh, filters, **kwargs)
    pd.testing.assert_frame_equal(_sorted(from_rollups), _sorted(from_facts), check_dtype=False)


def test_single_days_are_gathered_into_months(copy, tmp_path):
    assert load_file(_daily_file(tmp_path / "a", DAILY), copy).status == "loaded"
    only_daily = Filters(start=date(2020, 1, 1), end=date(2020, 2, 29), sources=(_daily_source(copy),))
    bands = border.by_band(copy, only_daily)
    assert len(bands) == len(bands.groupby([bands["period_end"].dt.month, "destination_band"]))  # one row a month
    jan = bands[bands["period_end"].dt.month == 1]
    assert jan["individuals"].sum() == 75 and jan["rows"].sum() == 4
    assert (jan["period_start"].min(), jan["period_end"].max()) == (pd.Timestamp("2020-01-03"), pd.Timestamp("2020-01-31"))
    series = timeline.displacement_series(copy, only_daily)
    assert series[["period_start", "period_end", "individuals", "rows"]].values.tolist() == [
        [pd.Timestamp("2020-01-03"), pd.Timestamp("2020-01-31"), 75.0, 4],
        [pd.Timestamp("2020-02-10"), pd.Timestamp("2020-02-10"), 80.0, 1],
    ]
    # the headline still counts reports (days): three in January, one in February
    shown = headlines.displaced(copy, only_daily)
    assert shown.iloc[0][["value", "reports", "days_covered"]].tolist() == [155, 4, 4]


def test_a_period_cutting_a_month_reads_the_facts(copy, tmp_path):
    assert load_file(_daily_file(tmp_path / "a", DAILY), copy).status == "loaded"
    cut = Filters(start=date(2020, 1, 10), end=date(2020, 1, 31), sources=(_daily_source(copy),))
    bands = border.by_band(copy, cut)
    assert bands[["period_start", "individuals"]].values.tolist() == [
        [pd.Timestamp("2020-01-17"), 20.0], [pd.Timestamp("2020-01-31"), 40.0]]  # 3 January left out
