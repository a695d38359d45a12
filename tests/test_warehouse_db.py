"""Publishing swaps a complete new file in; readers never see half a load."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import duckdb
import pytest

from warehouse import connect_read, publishing, resolve_db_path, warehouse_version
from warehouse.db import temp_files


def _add_source(path, source_id):
    with publishing(path) as con:
        con.execute("INSERT INTO sources (source_id, publisher, title) VALUES (?, 'UN OCHA', 't')", [source_id])


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [("a.duckdb", "b.duckdb", "a.duckdb"), (None, "b.duckdb", "b.duckdb"), (None, None, "data/warehouse.duckdb")],
)
def test_db_path_from_flag_then_env_then_default(monkeypatch, flag, env, expected):
    monkeypatch.delenv("DISPLACEMENT_DB", raising=False)
    if env:
        monkeypatch.setenv("DISPLACEMENT_DB", env)
    assert str(resolve_db_path(flag)) == expected


def test_reader_holding_old_file_keeps_reading_while_new_one_is_published(db):
    _add_source(db, "first")
    reader = connect_read(db)
    before = warehouse_version(db)
    _add_source(db, "second")
    assert reader.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    reader.close()
    with connect_read(db) as fresh:
        assert fresh.execute("SELECT count(*) FROM sources").fetchone()[0] == 2
    assert warehouse_version(db) != before


def test_publish_while_another_process_holds_a_read_only_connection(db):
    _add_source(db, "first")
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r}, read_only=True)
            print(con.execute('select count(*) from sources').fetchone()[0], flush=True)
            sys.stdin.readline()
            print(con.execute('select count(*) from sources').fetchone()[0], flush=True)
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "1"
    _add_source(db, "second")
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "1"
    holder.wait(timeout=30)
    with connect_read(db) as con:
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 2


def test_failed_publish_leaves_warehouse_and_no_temp_file(db):
    _add_source(db, "first")
    before = db.read_bytes()
    with pytest.raises(RuntimeError):
        with publishing(db) as con:
            con.execute("INSERT INTO sources (source_id, publisher, title) VALUES ('x', 'p', 't')")
            raise RuntimeError("boom")
    assert db.read_bytes() == before
    assert temp_files(db) == []


def test_leftover_temp_file_from_killed_publisher_is_cleaned(db):
    _add_source(db, "first")
    leftover = db.with_name(f".{db.name}.deadbeef.publishing")
    leftover.write_bytes(b"half a warehouse")
    _add_source(db, "second")
    assert not leftover.exists()


def test_readers_cannot_write_or_read_other_files(db):
    _add_source(db, "first")
    with connect_read(db) as con:
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM sources")
        with pytest.raises(duckdb.Error):
            con.execute(f"SELECT * FROM read_csv('{os.devnull}')").fetchall()
