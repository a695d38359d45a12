"""Rollup tables (migration 0003), rebuilt inside every publish that changes facts.

Why: the dashboard's queries joined millions of displacement rows through the
admin tree on every filter change (seconds at 10 M rows). The rollups hold the
same sums per month bucket, figure type, source and area: a few hundred
thousand rows at most, whatever the number of facts.

Rebuilds are incremental: a load's rollup rows carry its load_id, so a new
load only adds its own rows and a replaced or rolled-back load only deletes
its own. When places change (a gazetteer load: areas, distances to the
border), every rollup row may change, and all are rebuilt.

`rollup_state` records what the rollups were built from; `fresh(con)` lets a
reader check it and fall back to the facts if a writer skipped the rebuild.
"""
from __future__ import annotations

import duckdb

from warehouse.queries.areas import DISPLACEMENT, LOCATION_AREAS

# A single-day flow row is gathered into its month; anything else keeps its own period.
_DAILY = "(measure = 'flow' AND period_start = period_end)"
_DAY_BIT = "CASE WHEN daily THEN (1::UBIGINT << (day(period_end) - 1)) ELSE 0::UBIGINT END"
_KEY_PERIOD = ("CASE WHEN daily THEN NULL ELSE period_start END AS key_start, "
               "CASE WHEN daily THEN NULL ELSE period_end END AS key_end, "
               "date_trunc('month', period_end)::DATE AS month")

_DISPLACEMENT_ROWS = f"""
SELECT *, {_DAILY} AS daily FROM ({DISPLACEMENT}) WHERE load_id IN (SELECT unnest(?::INTEGER[]))
"""

_INSERT_DISPLACEMENT = f"""
INSERT INTO displacement_rollup
SELECT load_id, source_id, figure_type, measure, daily, month, min(period_start), max(period_end),
       bit_or({_DAY_BIT}), destination_governorate, destination_district, destination_subdistrict,
       destination_band, area_governorate, sum(individuals), count(*),
       coalesce(sum(individuals) FILTER (WHERE destination_border_km < origin_border_km), 0),
       coalesce(sum(individuals) FILTER (WHERE destination_border_km > origin_border_km), 0),
       coalesce(sum(individuals) FILTER (WHERE destination_border_km = origin_border_km), 0),
       coalesce(sum(individuals) FILTER (WHERE destination_border_km IS NULL OR origin_border_km IS NULL), 0)
FROM (SELECT *, {_KEY_PERIOD}, coalesce(destination_governorate, origin_governorate) AS area_governorate
      FROM ({_DISPLACEMENT_ROWS}))
GROUP BY load_id, source_id, figure_type, measure, daily, month, key_start, key_end,
         destination_governorate, destination_district, destination_subdistrict, destination_band, area_governorate
"""

_INSERT_FLOWS = f"""
INSERT INTO displacement_flow_rollup
SELECT load_id, source_id, figure_type, daily, month, min(period_start), max(period_end),
       origin_governorate, origin_district, origin_area, destination_governorate, destination_district,
       destination_area, sum(individuals)
FROM (SELECT *, {_KEY_PERIOD},
             coalesce(origin_district, origin_governorate, origin_pcode) AS origin_area,
             coalesce(destination_district, destination_governorate, destination_pcode) AS destination_area
      FROM ({_DISPLACEMENT_ROWS}) WHERE measure = 'flow')
GROUP BY ALL
"""

_INSERT_NOTES = f"""
INSERT INTO displacement_notes
SELECT load_id, source_id, figure_type, daily, month, min(period_start), max(period_end), area_governorate, note
FROM (SELECT *, {_KEY_PERIOD}, coalesce(destination_governorate, origin_governorate) AS area_governorate
      FROM ({_DISPLACEMENT_ROWS}) WHERE note IS NOT NULL)
GROUP BY load_id, source_id, figure_type, daily, month, key_start, key_end, area_governorate, note
"""

_INSERT_CASUALTIES = f"""
INSERT INTO casualties_rollup
WITH areas AS ({LOCATION_AREAS})
SELECT load_id, source_id, category, daily, month, min(period_start), max(period_end), bit_or({_DAY_BIT}),
       governorate_pcode, district_pcode, sum(deaths_best), sum(deaths_low), sum(deaths_high),
       count(deaths_low), count(deaths_high), count(*)
FROM (SELECT c.*, a.governorate_pcode, a.district_pcode, {_KEY_PERIOD}
      FROM (SELECT *, period_start = period_end AS daily FROM casualties
            WHERE load_id IN (SELECT unnest(?::INTEGER[]))) c
      LEFT JOIN areas a ON a.pcode = c.location_pcode)
GROUP BY load_id, source_id, category, daily, month, key_start, key_end, governorate_pcode, district_pcode
"""

# fact table -> (rollup tables fed by it, insert statements)
_PLAN = {
    "displacement": (("displacement_rollup", "displacement_flow_rollup", "displacement_notes"),
                     (_INSERT_DISPLACEMENT, _INSERT_FLOWS, _INSERT_NOTES)),
    "casualties": (("casualties_rollup",), (_INSERT_CASUALTIES,)),
}

# Everything the rollups depend on in the places: the admin tree, coordinates, distances.
LOCATIONS_HASH_SQL = """
SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(pcode, admin_level, kind, parent_pcode, name_en,
       lat, lon, border_km, in_m4_corridor, load_id)), 0)::VARCHAR FROM locations
"""
FACTS_STATE_SQL = """
SELECT (SELECT count(*) || ':' || coalesce(sum(load_id), 0) FROM displacement) || '|'
    || (SELECT count(*) || ':' || coalesce(sum(load_id), 0) FROM casualties)
"""


def _value(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    return con.execute(sql).fetchone()[0]


def _load_ids(con: duckdb.DuckDBPyConnection, table: str) -> set[int]:
    return {r[0] for r in con.execute(f"SELECT DISTINCT load_id FROM {table}").fetchall()}


def _stored(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    row = con.execute("SELECT locations_hash, facts_state FROM rollup_state").fetchone()
    return (row[0], row[1]) if row else None


def rebuild(con: duckdb.DuckDBPyConnection, full: bool = False) -> dict[str, int]:
    """Bring the rollups in line with the facts, inside the caller's transaction.

    Returns the number of loads added and removed per fact table (all of them on a full rebuild).
    """
    places = _value(con, LOCATIONS_HASH_SQL)
    stored = _stored(con)
    full = full or stored is None or stored[0] != places
    changed = {}
    for fact, (rollups, inserts) in _PLAN.items():
        live = _load_ids(con, fact)
        have = set() if full else _load_ids(con, rollups[0])
        gone, new = (have - live), (live - have)
        for table in rollups:
            if full:
                con.execute(f"DELETE FROM {table}")
            elif gone:
                con.execute(f"DELETE FROM {table} WHERE load_id IN (SELECT unnest(?::INTEGER[]))", [sorted(gone)])
        if new:
            for insert in inserts:
                con.execute(insert, [sorted(new)])
        changed[fact] = len(gone) + len(new)
    con.execute("DELETE FROM rollup_state")
    con.execute("INSERT INTO rollup_state VALUES (?, ?)", [places, _value(con, FACTS_STATE_SQL)])
    return changed


def fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the rollups were built from exactly these facts and places (False on an old warehouse)."""
    try:
        stored = _stored(con)
    except duckdb.CatalogException:
        return False
    if stored is None:
        return False
    row = con.execute(f"SELECT ({LOCATIONS_HASH_SQL}), ({FACTS_STATE_SQL})").fetchone()
    return (row[0], row[1]) == stored
