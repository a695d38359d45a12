"""The warehouse as Parquet files, and a DuckDB database of views over them.

Why: one DuckDB file on one machine is the right size for one country
operation. When many people read it, or it outgrows a disk, the same tables as
Parquet can live on object storage (or in DuckLake, with a PostgreSQL catalog)
and the same SQL runs over them: `view_database` builds a small DuckDB file
whose tables are views over the Parquet files, with the warehouse's own views
(v_displacement, ...) on top, so every `warehouse.queries` function runs on it
unchanged (see docs/performance.md).
"""
from __future__ import annotations

from pathlib import Path

import duckdb

VIEWS_FILE = "views.sql"
SOURCE_TABLE = "parquet_source"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_parquet(db_path: Path, out_dir: Path) -> list[Path]:
    """Write every table to OUT/<table>.parquet and the view definitions to OUT/views.sql."""
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY table_name"
        ).fetchall()]
        for table in tables:
            target = out_dir / f"{table}.parquet"
            con.execute(f"COPY (SELECT * FROM {_q(table)}) TO {_lit(str(target))} (FORMAT parquet, COMPRESSION zstd)")
            written.append(target)
        views = con.execute(
            "SELECT sql FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal ORDER BY view_oid"
        ).fetchall()
    (out_dir / VIEWS_FILE).write_text("".join(v[0].rstrip().rstrip(";") + ";\n" for v in views), encoding="utf-8")
    return written + [out_dir / VIEWS_FILE]


def view_database(parquet_dir: Path, db_path: Path) -> Path:
    """A DuckDB file whose tables are views over PARQUET_DIR; readers open it with connect_read.

    The directory is recorded in the file so connect_read lets the views read
    it (and nothing else on the machine).
    """
    parquet_dir = Path(parquet_dir).resolve()
    db_path = Path(db_path)
    db_path.unlink(missing_ok=True)
    with duckdb.connect(str(db_path)) as con:
        for path in sorted(parquet_dir.glob("*.parquet")):
            con.execute(f"CREATE VIEW {_q(path.stem)} AS SELECT * FROM read_parquet({_lit(str(path))})")
        views = parquet_dir / VIEWS_FILE
        if views.exists():
            _create_views(con, [v for v in views.read_text(encoding="utf-8").split(";\n") if v.strip()])
        con.execute(f"CREATE TABLE {SOURCE_TABLE} (directory VARCHAR NOT NULL)")
        con.execute(f"INSERT INTO {SOURCE_TABLE} VALUES (?)", [str(parquet_dir) + "/"])
        con.execute("CHECKPOINT")
    return db_path


def _create_views(con: duckdb.DuckDBPyConnection, statements: list[str]) -> None:
    """Create views in an order where each one's dependencies exist (views.sql is in catalogue order)."""
    pending = statements
    while pending:
        failed = []
        for sql in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException:
                failed.append(sql)
        if len(failed) == len(pending):
            con.execute(failed[0])  # raises the real error
        pending = failed


def parquet_directories(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The Parquet directories a view database reads ([] for an ordinary warehouse)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'", [SOURCE_TABLE]
    ).fetchall()[0][0]
    if not found:
        return []
    return [r[0] for r in con.execute(f"SELECT directory FROM {SOURCE_TABLE}").fetchall()]
