"""Migrations apply in order, once, and an old warehouse upgrades when published."""
from __future__ import annotations

import duckdb

from warehouse import publishing
from warehouse.schema import current_version, latest_version, migrate, migrations


def test_migrations_are_numbered_without_gaps():
    versions = [m.version for m in migrations()]
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) >= 2


def test_migrate_applies_each_migration_once(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert migrate(con) == [m.version for m in migrations()]
    assert migrate(con) == []
    assert current_version(con) == latest_version()
    con.close()


def test_warehouse_from_first_migration_upgrades_on_publish(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=1)
    con.execute("INSERT INTO sources (source_id, publisher, title) VALUES ('s', 'UN OCHA', 'Old report')")
    con.close()

    with publishing(path) as con:
        assert current_version(con) == latest_version()

    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT title FROM sources").fetchall() == [("Old report",)]
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert {"v_locations", "v_displacement"} <= views
    con.close()


def test_every_fact_table_carries_provenance(tmp_path):
    from warehouse.writes import FACT_TABLES

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(con)
    for table in FACT_TABLES:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
        assert {"source_id", "load_id"} <= columns, table
    con.close()
