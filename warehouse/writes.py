"""Writes made by a load, all inside the publishing transaction (see db.publishing)."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

FACT_TABLES: tuple[str, ...] = (
    "locations",
    "location_shapes",
    "area_members",
    "map_layers",
    "displacement",
    "refugees",
    "casualties",
    "camps",
    "camp_population",
    "events",
    "indicators",
)


def _check_table(table: str) -> str:
    if table not in FACT_TABLES:
        raise ValueError(f"unknown fact table {table!r}")
    return table


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [_check_table(table)],
    ).fetchall()
    return [r[0] for r in rows]


def upsert_sources(con: duckdb.DuckDBPyConnection, sources: pd.DataFrame) -> None:
    """Insert sources; a source already present keeps its row but gains missing fields."""
    if sources.empty:
        return
    con.register("staged_sources", sources)
    try:
        con.execute(
            """
            INSERT INTO sources BY NAME
            SELECT * FROM staged_sources
            ON CONFLICT (source_id) DO UPDATE SET
                url = coalesce(excluded.url, sources.url),
                licence = coalesce(excluded.licence, sources.licence),
                published = coalesce(excluded.published, sources.published),
                notes = coalesce(excluded.notes, sources.notes)
            """
        )
    finally:
        con.unregister("staged_sources")


def loaded_with_hash(con: duckdb.DuckDBPyConnection, sha256: str, kind: str, sheet: str | None = None,
                     recipe_sha256: str | None = None) -> int | None:
    """The live load of a file with this content read by this reader or recipe, if any (idempotent reloads).

    Keyed on content AND kind AND sheet AND the recipe's own content: one file may feed several recipes
    (a stock table and a flow table of the same CSV), each its own load, replaced and rolled back alone;
    sheet 2 of a workbook loaded with --sheet is not sheet 1 again; a corrected recipe reads the file anew.
    """
    row = con.execute(
        "SELECT load_id FROM loads WHERE file_sha256 = ? AND kind = ? AND status = 'loaded'"
        " AND sheet IS NOT DISTINCT FROM ? AND coalesce(recipe_sha256, '') = coalesce(?, '')"
        " ORDER BY load_id DESC LIMIT 1",
        [sha256, kind, sheet, recipe_sha256],
    ).fetchone()
    return row[0] if row else None


def previous_load_of(con: duckdb.DuckDBPyConnection, kind: str, file_name: str, sheet: str | None = None) -> int | None:
    """The live load an updated file (or the same file read by a corrected recipe) of the same kind, name
    and sheet replaces."""
    row = con.execute(
        "SELECT load_id FROM loads WHERE kind = ? AND file_name = ? AND status = 'loaded'"
        " AND sheet IS NOT DISTINCT FROM ? ORDER BY load_id DESC LIMIT 1",
        [kind, file_name, sheet],
    ).fetchone()
    return row[0] if row else None


def start_load(
    con: duckdb.DuckDBPyConnection,
    *,
    file_name: str,
    sha256: str,
    kind: str,
    started_at: datetime,
    loaded_by: str | None,
    replaces: int | None,
    sheet: str | None = None,
    recipe_sha256: str | None = None,
) -> int:
    load_id = con.execute("SELECT nextval('load_ids')").fetchone()[0]
    con.execute(
        "INSERT INTO loads (load_id, file_name, file_sha256, kind, started_at, status, loaded_by, replaces_load_id,"
        " sheet, recipe_sha256) VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?)",
        [load_id, file_name, sha256, kind, started_at, loaded_by, replaces, sheet, recipe_sha256],
    )
    return load_id


def insert_facts(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, load_id: int) -> int:
    """Append validated rows to a fact table, stamping the load id. Returns rows written."""
    if frame.empty:
        return 0
    wanted = [c for c in table_columns(con, table) if c != "load_id"]
    missing = [c for c in wanted if c not in frame.columns]
    frame = frame.assign(**{c: None for c in missing})[wanted]
    con.register("staged_facts", frame)
    try:
        con.execute(
            f"INSERT INTO {_check_table(table)} BY NAME SELECT *, ?::INTEGER AS load_id FROM staged_facts",
            [load_id],
        )
    finally:
        con.unregister("staged_facts")
    return len(frame)


def insert_rejects(con: duckdb.DuckDBPyConnection, load_id: int, rejects: pd.DataFrame) -> int:
    """Keep every rejected row with its sheet, row, column and reason."""
    if rejects.empty:
        return 0
    frame = rejects[["sheet", "row_number", "column_name", "reason", "raw"]]
    con.register("staged_rejects", frame)
    try:
        con.execute(
            "INSERT INTO rejects (load_id, sheet, row_number, column_name, reason, raw)"
            " SELECT ?::INTEGER, sheet, row_number, column_name, reason, raw FROM staged_rejects",
            [load_id],
        )
    finally:
        con.unregister("staged_rejects")
    return len(frame)


def finish_load(
    con: duckdb.DuckDBPyConnection, load_id: int, *, read: int, loaded: int, rejected: int, finished_at: datetime,
    sha256: str | None = None,
) -> None:
    """Record a load's counts, and its file's sha256 when it was still being computed at start_load."""
    con.execute(
        "UPDATE loads SET rows_read = ?, rows_loaded = ?, rows_rejected = ?, finished_at = ?,"
        " file_sha256 = coalesce(?, file_sha256) WHERE load_id = ?",
        [read, loaded, rejected, finished_at, sha256, load_id],
    )


def remove_load_rows(con: duckdb.DuckDBPyConnection, load_id: int, new_status: str) -> int:
    """Delete a load's fact rows (rejects stay, for the record) and mark the load."""
    removed = 0
    for table in FACT_TABLES:
        removed += con.execute(f"DELETE FROM {table} WHERE load_id = ?", [load_id]).fetchone()[0]
    con.execute("UPDATE loads SET status = ? WHERE load_id = ?", [new_status, load_id])
    return removed


def record_rollback(con: duckdb.DuckDBPyConnection, load_id: int, by: str | None, at: datetime) -> None:
    con.execute("UPDATE loads SET rolled_back_by = ?, rolled_back_at = ? WHERE load_id = ?", [by, at, load_id])


def load_status(con: duckdb.DuckDBPyConnection, load_id: int) -> str | None:
    row = con.execute("SELECT status FROM loads WHERE load_id = ?", [load_id]).fetchone()
    return row[0] if row else None


def known_pcodes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT DISTINCT pcode FROM locations").fetchall()}


def known_camp_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT DISTINCT camp_id FROM camps").fetchall()}
