"""Write the SYNTHETIC benchmark frames (etl/synthetic/at_scale.py) as tidy CSV files.

DuckDB is used as an in-memory CSV writer: joining 10 M integer-coded movement rows to their
days, figure types and places and writing them takes seconds (pandas' to_csv took minutes).
It never opens a warehouse; the files it writes are loaded through the ETL like any other.
The SQL lives here because every SQL statement of the project lives in warehouse/.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

Citation = Callable[[str], dict[str, str]]  # table -> source_publisher, source_title, ... for its rows


def _write(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({sql}) TO '{path}' (HEADER, DELIMITER ',')")
    return path


def _cite_sql(cite: Citation, table: str) -> str:
    return ", ".join(f"'{v}' AS {k}" for k, v in cite(table).items())


def write(frames: dict[str, pd.DataFrame], out_dir: Path, cite: Citation, first_day: date, last_day: date,
          movement_file: str) -> dict[str, Path]:
    """The tidy files from the frames comm, days, kinds, moves, places, camps and cas (see at_scale.write_tidy)."""
    with duckdb.connect() as con:
        for name, frame in frames.items():
            con.register(name, frame)
        return {
            "locations": _write(con, f"""
                SELECT pcode, admin_level, kind, parent_pcode, name_en, NULL AS name_ar, NULL AS lat, NULL AS lon,
                       {_cite_sql(cite, 'places')} FROM places
                UNION ALL
                SELECT pcode, 4, 'community', parent_pcode, name_en, NULL, lat, lon, {_cite_sql(cite, 'places')}
                FROM comm ORDER BY admin_level, pcode""", out_dir / "locations.csv"),
            "camps": _write(con, f"SELECT camp_id, name, location_pcode, lat, lon, capacity_individuals,"
                                 f" {_cite_sql(cite, 'camps')} FROM camps", out_dir / "camps.csv"),
            "displacement": _write(con, _displacement_sql(cite), out_dir / movement_file),
            "casualties": _write(con, f"SELECT period_start, period_end, location_pcode, deaths_low, deaths_best,"
                                      f" deaths_high, category, NULL AS note, {_cite_sql(cite, 'casualties')}"
                                      f" FROM cas ORDER BY period_start, location_pcode", out_dir / "casualties.csv"),
            "camp_population": _write(con, f"""
                SELECT camp_id, m AS period_start, last_day(m) AS period_end,
                       round(capacity_individuals * (0.5 + 0.5 * ((hash(camp_id, m) % 1000) / 1000.0))) AS individuals,
                       NULL AS households, {_cite_sql(cite, 'camp population')}
                FROM camps, range(DATE '{first_day}', DATE '{last_day}', INTERVAL 1 MONTH) t(m)
                ORDER BY m, camp_id""", out_dir / "camp_population.csv"),
            "events": _write(con, f"""
                SELECT DATE '{first_day}' + CAST(i * 16 AS INTEGER) AS event_date, NULL AS end_date,
                       'SYNTHETIC event ' || i AS title, 'Synthetic benchmark event, not a real event' AS description,
                       NULL AS location_pcode, 'other' AS category, {_cite_sql(cite, 'events')}
                FROM range(200) t(i)""", out_dir / "events.csv"),
        }


def _displacement_sql(cite: Citation) -> str:
    """Stocks are monthly (period = the month), flows daily. Dirty rows: '1,234' or an unknown P-code."""
    return f"""
        SELECT
            CASE WHEN m.kind >= 4 THEN date_trunc('month', d.day)::DATE ELSE d.day::DATE END AS period_start,
            CASE WHEN m.kind >= 4 THEN last_day(d.day) ELSE d.day::DATE END AS period_end,
            CASE WHEN m.dirty = 2 AND m.kind < 4 THEN 'C99999X' ELSE o.pcode END AS origin_pcode,
            t.pcode AS destination_pcode, k.figure_type,
            CASE WHEN m.dirty = 1 THEN format('{{:,}}', m.people * 1000) ELSE CAST(m.people AS VARCHAR) END
                AS individuals,
            NULL AS note, {_cite_sql(cite, 'displacement movements')}
        FROM moves m
        JOIN days d ON d.d = m.day
        JOIN kinds k ON k.k = m.kind
        JOIN comm t ON t.i = m.dest
        LEFT JOIN comm o ON o.i = m.origin
    """
