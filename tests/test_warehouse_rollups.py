"""Rollups (warehouse/rollups.py): the materialised models are always equal to their model
computed from the facts, and every dashboard query gives the same answer from them as from the
facts, on the warehouse and on its Parquet export.

Figures are the SYNTHETIC fixture's (tests/synthetic.py) plus small invented daily flows.
"""
from __future__ import annotations

import csv
import importlib
import inspect
import pkgutil
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import synthetic

import warehouse.queries as queries_package
from etl.load import load_file, rollback
from warehouse import models, rollups
from warehouse.parquet import export_parquet, view_database
from warehouse.queries import Filters, border, headlines, timeline
from warehouse.schema import current_version, migrate

HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals"]
# Invented single-day arrivals: three days in January (one place twice), one in February.
DAILY = [
    ("2020-01-03", "2020-01-03", "C3987", "C4130", "arrivals", 10),
    ("2020-01-03", "2020-01-03", "C3987", "C4130", "arrivals", 5),
    ("2020-01-17", "2020-01-17", "C3987", "C9001", "arrivals", 20),
    ("2020-01-31", "2020-01-31", "C4130", "C3871", "arrivals", 40),
    ("2020-02-10", "2020-02-10", "C3987", "C4130", "arrivals", 80),
]



def _difference(con: duckdb.DuckDBPyConnection, model: models.Model) -> int:
    """Rows in the stored rollup but not in its model computed from the facts, and the reverse."""
    computed = models.inline(f"SELECT * FROM {model.name}")
    return con.execute(f"""SELECT (SELECT count(*) FROM (FROM main.{model.name} EXCEPT ALL ({computed})))
                                + (SELECT count(*) FROM (({computed}) EXCEPT ALL FROM main.{model.name}))""").fetchone()[0]


def assert_rollups_match(path: Path) -> None:
    with duckdb.connect(str(path), read_only=True) as con:
        assert rollups.fresh(con)
        for model in models.materialised():
            assert _difference(con, model) == 0, model.name


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
        for table in ("displacement_buckets", "displacement_flow_buckets", "casualty_buckets"):  # the fixture has no notes
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table


def test_replacing_load_and_rollback_keep_rollups_in_step(copy, tmp_path):
    first = load_file(_daily_file(tmp_path / "a", DAILY), copy)
    assert first.status == "loaded"
    assert_rollups_match(copy)
    replaced = load_file(_daily_file(tmp_path / "b", DAILY[:2]), copy)  # same name, new content
    assert replaced.replaced_load_id == first.load_id
    assert_rollups_match(copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM displacement_buckets WHERE load_id = ?", [first.load_id]).fetchone()[0] == 0
    rollback(copy, replaced.load_id)
    assert_rollups_match(copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM displacement_buckets WHERE load_id = ?",
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
        assert con.execute("SELECT count(DISTINCT load_id) FROM displacement_buckets").fetchone()[0] == 2


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


# Keyword arguments worth trying, by parameter name; a query is run with each value of each it takes.
KWARG_VALUES = {"level": ["governorate", "district", "published"], "month": [None, "2020-01-01", "2020-02-01"],
                "breakdown": ["arrivals|no-such-source"], "periods": [("2020-01-01/2020-01-31",)],
                "km": [25.0, 10.0, 30.0]}


def _query_calls() -> list:
    """Every public query function taking (db_path, filters, ...), with each keyword value worth trying."""
    calls = []
    for info in pkgutil.iter_modules(queries_package.__path__):
        module = importlib.import_module(f"warehouse.queries.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(func).parameters)
            if func.__module__ != module.__name__ or params[:2] != ["db_path", "filters"]:
                continue
            variants = [{}] + [{key: value} for key in params[2:] for value in KWARG_VALUES.get(key, [])]
            calls += [pytest.param(func, kwargs, id=f"{info.name}.{name}-{i}") for i, kwargs in enumerate(variants)]
    return calls


QUERIES = _query_calls()
FILTERS = [
    Filters(),
    Filters(start=date(2020, 1, 1), end=date(2020, 1, 31)),
    Filters(start=date(2019, 12, 1), end=date(2020, 2, 29), governorates=("SY07",)),
    Filters(extra=(("district", "SY0703"),), figure_types=("arrivals", "idp_stock")),
    Filters(governorates=("SY02",)),
]


FILTERS.append(Filters(start=date(2020, 1, 15), end=date(2020, 2, 10)))  # cuts two months: facts either way


@pytest.fixture(scope="module")
def parquet_db(wh, tmp_path_factory) -> Path:
    """The same warehouse exported as Parquet, read through a view database (warehouse/parquet.py)."""
    folder = tmp_path_factory.mktemp("parquet")
    export_parquet(wh, folder / "files")
    return view_database(folder / "files", folder / "views.duckdb")


def test_queries_are_discovered():
    assert len({p.values[0] for p in QUERIES}) >= 24


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
@pytest.mark.parametrize("query,kwargs", QUERIES)
def test_rollups_facts_and_parquet_give_the_same_answers(wh, parquet_db, monkeypatch, query, kwargs, filters):
    from_rollups = query(wh, filters, **kwargs)
    from_parquet = query(parquet_db, filters, **kwargs)
    monkeypatch.setattr(rollups, "fresh", lambda con: False)
    from_facts = query(wh, filters, **kwargs)
    if not isinstance(from_rollups, pd.DataFrame):
        assert from_rollups == from_facts == from_parquet
        return
    pd.testing.assert_frame_equal(_sorted(from_rollups), _sorted(from_facts), check_dtype=False)
    pd.testing.assert_frame_equal(_sorted(from_rollups), _sorted(from_parquet), check_dtype=False)


def test_the_parquet_export_reads_its_rollups(parquet_db):
    with duckdb.connect(str(parquet_db), read_only=True) as con:
        assert rollups.fresh(con)


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


def test_a_period_cutting_a_month_buckets_only_its_days(copy, tmp_path):
    """The facts answer: the days before the cut are left out of January's bucket (3 January here)."""
    assert load_file(_daily_file(tmp_path / "a", DAILY), copy).status == "loaded"
    cut = Filters(start=date(2020, 1, 10), end=date(2020, 1, 31), sources=(_daily_source(copy),))
    bands = border.by_band(copy, cut)  # two destinations, in two bands
    assert bands[["period_start", "period_end", "individuals"]].values.tolist() == [
        [pd.Timestamp("2020-01-17"), pd.Timestamp("2020-01-17"), 20.0],
        [pd.Timestamp("2020-01-31"), pd.Timestamp("2020-01-31"), 40.0]]
    series = timeline.displacement_series(copy, cut)
    assert series[["period_start", "period_end", "individuals", "rows"]].values.tolist() == [
        [pd.Timestamp("2020-01-17"), pd.Timestamp("2020-01-31"), 60.0, 2]]
    shown = headlines.displaced(copy, cut)
    assert shown.iloc[0][["value", "reports", "days_covered"]].tolist() == [60, 2, 2]


def test_an_old_warehouse_is_read_through_the_models(wh, tmp_path):
    """A warehouse published before the models (no model views, no materialised tables), opened
    read-only as the dashboard does, gives the same answers."""
    old = tmp_path / "old.duckdb"
    shutil.copyfile(wh, old)
    with duckdb.connect(str(old)) as con:
        for model in models.models().values():
            con.execute(f"DROP {'TABLE' if model.materialised else 'VIEW'} IF EXISTS {model.name}")
        assert not rollups.fresh(con)
    jan = Filters(start=date(2020, 1, 1), end=date(2020, 1, 31))
    for query in (border.by_band, timeline.displacement_series, headlines.displaced):
        pd.testing.assert_frame_equal(_sorted(query(old, jan)), _sorted(query(wh, jan)), check_dtype=False)
