"""Is the warehouse whole? The checks run after a crash, by `python -m etl check`,
and by the reliability soak (bench/soak.py) after every kill.

A publisher writes a private copy and swaps it in with os.replace, so a killed
load must leave the previous warehouse exactly as it was. These checks prove
it from the data itself: every live load's rows are all there (no more, no
fewer than its audit row says), no fact row belongs to a load that is not live,
every cited source exists, and every stored block can be read back.

Before all that, `damage` checks the file itself against what was published
(warehouse/published.py): there, the size and sha256 a publisher noted, that it
is a DuckDB file, that it opens and answers a probe query. A disk error, a
truncated copy or a bad restore is found here, named in one sentence, before
a page or a load fails on it. The app runs it at start and whenever the
warehouse version changes (dashboard/startup.py); `python -m etl check` runs it
first and then reads every block.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse import published
from warehouse.db import connect_read, note_as_published, temp_files
from warehouse.writes import FACT_TABLES

AUDIT_TABLES = ("sources", "loads", "rejects")
# Columns that change on every run of the same load (clock times), left out of the fingerprint.
_VOLATILE = {"loads": ("started_at", "finished_at", "loaded_by")}


@dataclass
class IntegrityReport:
    """What the checks found; `ok` only when no problem was found."""

    path: str
    problems: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    live_loads: int = 0
    leftover_temp_files: list[str] = field(default_factory=list)
    damaged: str = ""  # what is wrong with the file itself (see `damage`); then nothing else was checked

    @property
    def ok(self) -> bool:
        return not self.problems


def _fact_rows_per_load(con: duckdb.DuckDBPyConnection) -> str:
    return " UNION ALL ".join(f"SELECT load_id FROM {t}" for t in FACT_TABLES)


def _count_mismatches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Live loads whose fact rows differ from the audit's rows_loaded."""
    rows = con.execute(
        f"""
        WITH facts AS (SELECT load_id, count(*) AS n FROM ({_fact_rows_per_load(con)}) GROUP BY load_id)
        SELECT l.load_id, l.file_name, l.rows_loaded, coalesce(f.n, 0)
        FROM loads l LEFT JOIN facts f USING (load_id)
        WHERE l.status = 'loaded' AND l.rows_loaded <> coalesce(f.n, 0)
        ORDER BY l.load_id
        """
    ).fetchall()
    return [f"load {i} ({name}): loads.rows_loaded = {want} but {have} fact rows" for i, name, want, have in rows]


def _reject_mismatches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Loads (live or not: rejects are kept for the record) whose rejects differ from rows_rejected."""
    rows = con.execute(
        """
        WITH r AS (SELECT load_id, count(*) AS n FROM rejects GROUP BY load_id)
        SELECT l.load_id, l.file_name, l.rows_rejected, coalesce(r.n, 0)
        FROM loads l LEFT JOIN r USING (load_id)
        WHERE l.rows_rejected <> coalesce(r.n, 0)
        ORDER BY l.load_id
        """
    ).fetchall()
    return [f"load {i} ({name}): loads.rows_rejected = {want} but {have} rejects kept" for i, name, want, have in rows]


def _orphans(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Fact rows whose load is not live, rejects of unknown loads, rows citing unknown sources."""
    problems = []
    for table in FACT_TABLES:
        orphan, unsourced = con.execute(
            f"""
            SELECT count(*) FILTER (WHERE l.load_id IS NULL),
                   count(*) FILTER (WHERE s.source_id IS NULL)
            FROM {table} t
            LEFT JOIN loads l ON l.load_id = t.load_id AND l.status = 'loaded'
            LEFT JOIN sources s ON s.source_id = t.source_id
            """
        ).fetchone()
        if orphan:
            problems.append(f"{table}: {orphan} rows whose load_id is not a live load")
        if unsourced:
            problems.append(f"{table}: {unsourced} rows citing a source_id missing from sources")
    stray = con.execute("SELECT count(*) FROM rejects WHERE load_id NOT IN (SELECT load_id FROM loads)").fetchone()[0]
    if stray:
        problems.append(f"rejects: {stray} rows of a load missing from loads")
    return problems


def _row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table, read through every column so that an unreadable block raises here."""
    counts = {}
    for table in FACT_TABLES + AUDIT_TABLES:
        counts[table] = con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone()[0]
    return counts


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{exc.__class__.__name__}: {text.splitlines()[0][:200]}" if text else exc.__class__.__name__


def damage(path: Path) -> str | None:
    """What is wrong with the warehouse file itself, in one sentence; None if it is whole.

    The file against what was published (published.file_damage: missing, not DuckDB,
    size, sha256), then a probe query: it opens and answers.
    """
    found = published.file_damage(path)
    if found or not Path(path).exists():
        return found
    try:
        with connect_read(path) as con:
            con.execute("SELECT count(*) FROM loads").fetchone()
    except Exception as exc:  # DuckDB says why in its own words: keep its first line
        return f"{path} does not open as a warehouse ({_first_line(exc)})"
    return None


restore_hint = published.restore_hint


def check(path: Path) -> IntegrityReport:
    """Run every check on the live warehouse (read-only). Never raises for a damaged file."""
    path = Path(path)
    report = IntegrityReport(str(path), leftover_temp_files=[str(p) for p in temp_files(path)])
    try:
        report.damaged = damage(path) or ""
    except OSError as exc:  # unreadable, a folder in its place, removed while we looked
        report.damaged = f"{path} cannot be read ({_first_line(exc)})"
    if report.damaged:  # then the data's own checks, on a file that is there, say what else they find
        report.problems.append(report.damaged)
        if not path.exists():
            return report
    try:
        with connect_read(path) as con:
            report.rows = _row_counts(con)
            report.live_loads = con.execute("SELECT count(*) FROM loads WHERE status = 'loaded'").fetchone()[0]
            report.problems += _count_mismatches(con) + _reject_mismatches(con) + _orphans(con)
    except Exception as exc:  # a file that will not open or read is the worst finding, not a crash
        report.problems.append(f"cannot read the warehouse: {exc.__class__.__name__}: {exc}")
    return report


def accept(path: Path) -> IntegrityReport:
    """`python -m etl check --accept`: when the live file's only problem is that it was not published
    (a backup restored on purpose, older than the files noted), note it as published and check again."""
    report = check(path)
    if report.damaged and report.problems == [report.damaged] and Path(path).exists():
        note_as_published(Path(path))
        return check(path)
    return report


def fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """Rows and an order-free content hash per table, clock times left out.

    Two warehouses with equal fingerprints hold the same figures, sources,
    loads and rejects: the soak compares a crashed warehouse with the states
    before and after the load that was killed.
    """
    out = {}
    with connect_read(Path(path)) as con:
        for table in FACT_TABLES + AUDIT_TABLES:
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall() if r[0] not in _VOLATILE.get(table, ())]
            row = ", ".join(f'"{c}"' for c in columns)
            count, digest = con.execute(f"SELECT count(*), coalesce(sum(hash({row})), 0) FROM {table}").fetchone()
            out[table] = (int(count), int(digest))
    return out
