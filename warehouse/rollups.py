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

# Grouping 10 M rows by six text columns (governorate, district, sub-district,
# band, area...) took a second; each place's area is numbered first, rows are
# grouped by those small integers, and the text is joined back to the groups.
_AREA_KEYS = f"""
areas AS ({LOCATION_AREAS}),
dest AS (
    SELECT pcode, place_border_km AS km, governorate_pcode, district_pcode, subdistrict_pcode,
           place_band AS band,
           dense_rank() OVER (ORDER BY governorate_pcode, district_pcode, subdistrict_pcode, place_band) AS dest_key
    FROM areas),
dest_keys AS (SELECT DISTINCT dest_key, governorate_pcode, district_pcode, subdistrict_pcode, band FROM dest),
govs AS (SELECT governorate_pcode, row_number() OVER (ORDER BY governorate_pcode) AS gov_key
         FROM (SELECT DISTINCT governorate_pcode FROM areas WHERE governorate_pcode IS NOT NULL)),
ends AS (  -- either end of a movement: its governorate, district and area (district, else governorate)
    SELECT pcode, place_border_km AS km, governorate_pcode, district_pcode,
           coalesce(district_pcode, governorate_pcode, pcode) AS area,
           dense_rank() OVER (ORDER BY governorate_pcode, district_pcode, coalesce(district_pcode, governorate_pcode, pcode)) AS end_key
    FROM areas),
end_keys AS (SELECT DISTINCT end_key, governorate_pcode, district_pcode, area FROM ends)
"""

_INSERT_DISPLACEMENT = f"""
INSERT INTO displacement_rollup
WITH {_AREA_KEYS},
rows AS (
    SELECT d.load_id, d.source_id, d.figure_type, d.individuals, d.period_start, d.period_end,
           ft.measure = 'flow' AND d.period_start = d.period_end AS daily,
           t.dest_key, CASE WHEN t.governorate_pcode IS NULL THEN g.gov_key END AS origin_gov_key,
           t.km AS dkm, o.km AS okm
    FROM displacement d JOIN figure_types ft USING (figure_type)
    LEFT JOIN dest t ON t.pcode = d.destination_pcode
    LEFT JOIN ends o ON o.pcode = d.origin_pcode
    LEFT JOIN govs g ON g.governorate_pcode = o.governorate_pcode
    WHERE d.load_id IN (SELECT unnest(?::INTEGER[]))),
grouped AS (
    SELECT load_id, source_id, figure_type, daily, month, min(period_start) AS first_day,
           max(period_end) AS last_day, bit_or({_DAY_BIT}) AS day_mask, dest_key, origin_gov_key,
           sum(individuals) AS individuals, count(*) AS row_count,
           coalesce(sum(individuals) FILTER (WHERE dkm < okm), 0) AS toward,
           coalesce(sum(individuals) FILTER (WHERE dkm > okm), 0) AS away,
           coalesce(sum(individuals) FILTER (WHERE dkm = okm), 0) AS same,
           coalesce(sum(individuals) FILTER (WHERE dkm IS NULL OR okm IS NULL), 0) AS unknown
    FROM (SELECT *, {_KEY_PERIOD} FROM rows)
    GROUP BY load_id, source_id, figure_type, daily, month, key_start, key_end, dest_key, origin_gov_key)
SELECT g.load_id, g.source_id, g.figure_type, ft.measure, g.daily, g.month, g.first_day, g.last_day, g.day_mask,
       k.governorate_pcode, k.district_pcode, k.subdistrict_pcode, coalesce(k.band, 'unknown'),
       coalesce(k.governorate_pcode, og.governorate_pcode), g.individuals, g.row_count,
       g.toward, g.away, g.same, g.unknown
FROM grouped g JOIN figure_types ft USING (figure_type)
LEFT JOIN dest_keys k ON k.dest_key = g.dest_key
LEFT JOIN govs og ON og.gov_key = g.origin_gov_key
"""

_INSERT_FLOWS = f"""
INSERT INTO displacement_flow_rollup
WITH {_AREA_KEYS},
rows AS (
    SELECT d.load_id, d.source_id, d.figure_type, d.individuals, d.period_start, d.period_end,
           d.period_start = d.period_end AS daily,
           o.end_key AS origin_key, CASE WHEN o.end_key IS NULL THEN d.origin_pcode END AS origin_as_given,
           t.end_key AS dest_key, CASE WHEN t.end_key IS NULL THEN d.destination_pcode END AS dest_as_given
    FROM displacement d JOIN figure_types ft USING (figure_type)
    LEFT JOIN ends o ON o.pcode = d.origin_pcode
    LEFT JOIN ends t ON t.pcode = d.destination_pcode
    WHERE ft.measure = 'flow' AND d.load_id IN (SELECT unnest(?::INTEGER[]))),
grouped AS (
    SELECT load_id, source_id, figure_type, daily, month, min(period_start) AS first_day,
           max(period_end) AS last_day, origin_key, origin_as_given, dest_key, dest_as_given,
           sum(individuals) AS individuals
    FROM (SELECT *, {_KEY_PERIOD} FROM rows)
    GROUP BY load_id, source_id, figure_type, daily, month, key_start, key_end,
             origin_key, origin_as_given, dest_key, dest_as_given)
SELECT g.load_id, g.source_id, g.figure_type, g.daily, g.month, g.first_day, g.last_day,
       o.governorate_pcode, o.district_pcode, coalesce(o.area, g.origin_as_given),
       t.governorate_pcode, t.district_pcode, coalesce(t.area, g.dest_as_given), g.individuals
FROM grouped g
LEFT JOIN end_keys o ON o.end_key = g.origin_key
LEFT JOIN end_keys t ON t.end_key = g.dest_key
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
       lat, lon, border_km, in_m4_corridor, load_id)), 0)::VARCHAR
    || '|' || (SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(area_pcode, member_pcode, load_id)), 0)::VARCHAR
               FROM area_members)
FROM locations
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
