"""The rollups: the materialised models (warehouse/models, `-- materialised:`), rebuilt inside
every publish that changes facts.

Why: the dashboard's queries joined millions of displacement rows through the admin tree on every
filter change (seconds at 10 M rows). A materialised model holds the same sums per period bucket,
figure type, source and area: a few hundred thousand rows at most, whatever the number of facts.
It is a table with the model's name, filled from the model's own SQL, so the rollup and the query
over the facts can never say different things.

Rebuilds are incremental: every materialised model keeps load_id, so a new load only adds its own
rows and a replaced or rolled-back load only deletes its own. When places change (a gazetteer
load: areas, distances to the border), or the models' SQL changed with a new release, every rollup
row may change, and all are rebuilt.

`rollup_state` records what the rollups were built from; `fresh(con)` lets a reader check it and
read the facts through the models if a writer skipped the rebuild (warehouse.queries.base).
"""
from __future__ import annotations

import hashlib
from functools import cache

import duckdb

from warehouse import models

# The fact tables a materialised model can be built from (each carries load_id).
FACT_SOURCES = ("displacement", "casualties")


def _facts_of(model: models.Model) -> tuple[str, ...]:
    """The fact tables a materialised model reads, through the models it reads."""
    text = " ".join(m.sql for m in models.needed(model.name)) + model.sql
    return tuple(t for t in FACT_SOURCES if t in models.referenced(text, FACT_SOURCES))


@cache
def _models_digest() -> str:
    """Changes when a release changes any model's SQL: its rollups are then rebuilt, and stale until."""
    return hashlib.sha256("".join(models.body(m) for m in models.models().values()).encode()).hexdigest()[:16]


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


def _places(con: duckdb.DuckDBPyConnection) -> str:
    return _value(con, LOCATIONS_HASH_SQL) + "|models:" + _models_digest()


def _load_ids(con: duckdb.DuckDBPyConnection, table: str) -> set[int]:
    return {r[0] for r in con.execute(f"SELECT DISTINCT load_id FROM {table}").fetchall()}


def _relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables (and, in a Parquet view database, views over their files) of the warehouse, by name."""
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
        " UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database()"
        " AND schema_name = 'main'").fetchall()}


def _stored(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    row = con.execute("SELECT locations_hash, facts_state FROM rollup_state").fetchone()
    return (row[0], row[1]) if row else None


def rebuild(con: duckdb.DuckDBPyConnection, full: bool = False) -> dict[str, int]:
    """Bring every materialised model in line with the facts, inside the caller's transaction.

    Returns the number of loads added and removed per materialised model (all of them on a full rebuild).
    """
    places = _places(con)
    stored = _stored(con)
    full = full or stored is None or stored[0] != places
    have_relations = _relations(con)
    if full or not {m.name for m in models.models().values()} <= have_relations:
        models.create_views(con)  # a new release's models, or a warehouse that has none yet
    changed = {}
    for model in models.materialised():
        live = set().union(*(_load_ids(con, fact) for fact in _facts_of(model)))
        if full or model.name not in have_relations:
            con.execute(f"CREATE OR REPLACE TABLE {model.name} AS "
                        f"{models.inline(f'SELECT * FROM {model.name}', streamed=True)}")
            changed[model.name] = len(live)
            continue
        have = _load_ids(con, model.name)
        gone, new = sorted(have - live), sorted(live - have)
        # A report's figures are counted together (figure_roles): loads that share a report (source)
        # with a load added or removed are rebuilt with it, so a total never meets its parts half-built.
        again = sorted(_sharing_a_source(con, model.name, gone, new, _facts_of(model)) & have & live)
        gone, new = sorted(set(gone) | set(again)), sorted(set(new) | set(again))
        if gone:
            con.execute(f"DELETE FROM {model.name} WHERE load_id IN (SELECT unnest($loads))", {"loads": gone})
        if new:  # the model over the new loads' facts only
            only_new = {fact: f"SELECT * FROM main.{fact} WHERE load_id IN (SELECT unnest($loads))"
                        for fact in FACT_SOURCES}
            sql = models.inline(f"SELECT * FROM {model.name}", inputs=only_new, streamed=True)
            con.execute(f"INSERT INTO {model.name} {sql}", {"loads": new})
        changed[model.name] = len(gone) + len(new)
    con.execute("DELETE FROM rollup_state")
    con.execute("INSERT INTO rollup_state VALUES ($places, $facts)",
                {"places": places, "facts": _value(con, FACTS_STATE_SQL)})
    return changed


def _sharing_a_source(con: duckdb.DuckDBPyConnection, table: str, gone: list[int], new: list[int],
                      facts: tuple[str, ...]) -> set[int]:
    """Loads whose rows cite a source that a removed or added load cites too."""
    if not gone and not new:
        return set()
    cited = " UNION ".join([f"SELECT source_id FROM {table} WHERE list_contains($gone, load_id)"]
                           + [f"SELECT source_id FROM {fact} WHERE list_contains($new, load_id)" for fact in facts])
    loads = " UNION ".join(f"SELECT load_id FROM {fact} WHERE source_id IN ({cited})" for fact in facts)
    return {r[0] for r in con.execute(loads, {"gone": gone, "new": new}).fetchall()}


def fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every materialised model was built from exactly these facts, places and models
    (False on a warehouse published by an earlier release)."""
    try:
        stored = _stored(con)
    except duckdb.CatalogException:
        return False
    if stored is None or not {m.name for m in models.materialised()} <= _relations(con):
        return False
    row = con.execute(f"SELECT ({LOCATIONS_HASH_SQL}), ({FACTS_STATE_SQL})").fetchone()
    return (row[0] + "|models:" + _models_digest(), row[1]) == stored
