"""The warehouse exported to Parquet: the dashboard's query functions run unchanged on views over it."""
from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from etl.cli import main
from warehouse import queries
from warehouse.db import connect_read
from warehouse.parquet import export_parquet, view_database
from warehouse.queries import Filters

THEMES = ("timeline", "headlines", "border", "camps", "casualties", "refugees", "areas", "maps", "options", "admin")
FILTERS = (Filters(), Filters(start=date(2019, 12, 1), end=date(2020, 3, 31), governorates=("SY07",)))


@pytest.fixture(scope="module")
def parquet_db(reference_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    export_parquet(reference_db, out / "tables")
    return view_database(out / "tables", out / "views.duckdb")


def _query_functions():
    import importlib

    for theme in THEMES:
        try:
            module = importlib.import_module(f"warehouse.queries.{theme}")
        except ImportError:
            continue
        for name, func in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(func).parameters)
            if func.__module__ == module.__name__ and not name.startswith("_") and params[:1] == ["db_path"]:
                needs_filters = params[1:2] == ["filters"]
                required = [p for p in inspect.signature(func).parameters.values()
                            if p.default is inspect.Parameter.empty and p.name not in ("db_path", "filters")]
                if not required:
                    yield f"{theme}.{name}", func, needs_filters


CASES = list(_query_functions())


def _cell(value: object) -> object:
    """Aggregated text ('a; b') may list its parts in any order; compare the parts."""
    if isinstance(value, str) and "; " in value:
        return "; ".join(sorted(value.split("; ")))
    return value


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order: queries may order ties differently on different storage."""
    frame = frame.apply(lambda column: column.map(_cell)) if len(frame) else frame
    if not len(frame):
        return frame
    keys = pd.Series(["\x1f".join(map(repr, row)) for row in frame.itertuples(index=False)], index=frame.index)
    return frame.iloc[keys.argsort(kind="stable")].reset_index(drop=True)


def test_every_table_is_exported(reference_db, parquet_db):
    with duckdb.connect(str(reference_db), read_only=True) as con:
        tables = {r[0]: r[1] for r in con.execute(
            "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    files = {p.stem for p in parquet_db.parent.joinpath("tables").glob("*.parquet")}
    assert set(tables) <= files
    with connect_read(reference_db) as a, connect_read(parquet_db) as b:
        for table in ("displacement", "events", "sources", "locations"):
            assert a.execute(f"SELECT count(*) FROM {table}").fetchall() == b.execute(f"SELECT count(*) FROM {table}").fetchall()


@pytest.mark.parametrize(("name", "func", "needs_filters"), CASES, ids=[c[0] for c in CASES])
def test_query_gives_the_same_answer_on_parquet(reference_db, parquet_db, name, func, needs_filters):
    for filters in FILTERS if needs_filters else (None,):
        args = (filters,) if needs_filters else ()
        expected = func(reference_db, *args)
        got = func(parquet_db, *args)
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(_canonical(got), _canonical(expected), check_dtype=False)
        else:
            assert got == expected


def test_there_are_queries_to_check():
    assert any(name.startswith("timeline.") for name, _, _ in CASES)


def test_view_database_reads_only_its_own_folder(parquet_db):
    with connect_read(parquet_db) as con:
        with pytest.raises(duckdb.Error, match="disabled by configuration"):
            con.execute("SELECT * FROM read_csv('/etc/hostname')").fetchall()


def test_cli_exports_and_builds_the_view_database(reference_db, tmp_path):
    result = CliRunner().invoke(main, ["export-parquet", "--db", str(reference_db), "--out", str(tmp_path / "pq"),
                                       "--views-db", str(tmp_path / "v.duckdb")])
    assert result.exit_code == 0, result.output
    with connect_read(tmp_path / "v.duckdb") as con:
        assert con.execute("SELECT count(*) FROM v_displacement").fetchall()[0][0] > 0
