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
    changed, whole, added = {}, [], {}
    for model in models.materialised():
        live = set().union(*(_load_ids(con, fact) for fact in _facts_of(model)))
        if full or model.name not in have_relations:
            whole.append(model)
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
        if new:
            added[model.name] = new
        changed[model.name] = len(gone) + len(new)
    # Loads added to a model (the model over their facts only); the loads are the same for every model
    # in practice, so the models they share are computed once for them (_fill).
    for loads in sorted({tuple(v) for v in added.values()}):
        only_new = {fact: f"SELECT * FROM main.{fact} WHERE load_id IN (SELECT unnest($loads))" for fact in FACT_SOURCES}
        _fill(con, [m for m in models.materialised() if tuple(added.get(m.name, ())) == loads], only_new,
              {"loads": list(loads)}, "INSERT INTO {name} ")
    _fill(con, whole, {}, {}, "CREATE OR REPLACE TABLE {name} AS ")
    con.execute("DELETE FROM rollup_state")
    con.execute("INSERT INTO rollup_state VALUES ($places, $facts)",
                {"places": places, "facts": _value(con, FACTS_STATE_SQL)})
    return changed


def shared_models(chosen: list[models.Model]) -> list[str]:
    """The plain models that two or more of `chosen` read (the outermost only: not those read through another).

    Why: the displacement rollups all read displacement_rows, which places every row and judges its
    report's figures (figure_roles): computed once per publish instead of once per rollup, it is most
    of a big load's rollup time saved.
    """
    reads = {m.name: {d.name for d in models.needed(m.sql) if not d.materialised} for m in chosen}
    counts = {name: sum(name in r for r in reads.values()) for name in set().union(*reads.values())}
    twice = {name for name, n in counts.items() if n > 1}
    below = {d.name for name in twice for d in models.needed(models.body(models.models()[name]))}
    return [name for name in models.models() if name in twice - below]


def _fill(con: duckdb.DuckDBPyConnection, chosen: list[models.Model], inputs: dict[str, str], params: dict,
          verb: str) -> None:
    """Fill each chosen materialised model (`verb`: INSERT INTO or CREATE OR REPLACE TABLE) from `inputs`,
    computing the plain models they share once, into temporary tables dropped before returning."""
    if not chosen:
        return
    shared = shared_models(chosen) if len(chosen) > 1 else []
    inputs = dict(inputs)
    try:
        for name in shared:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _rollup_{name} AS "
                        f"{models.inline(f'SELECT * FROM {name}', inputs=inputs)}", _used(params, inputs, name))
            inputs[name] = f"SELECT * FROM temp._rollup_{name}"
        for model in chosen:
            sql = models.inline(f"SELECT * FROM {model.name}", stored=frozenset(shared), inputs=inputs)
            con.execute(verb.format(name=model.name) + sql, params if "$loads" in sql else {})
    finally:
        for name in shared:
            con.execute(f"DROP TABLE IF EXISTS temp._rollup_{name}")


def _used(params: dict, inputs: dict[str, str], name: str) -> dict:
    """The parameters a shared model's query uses (DuckDB refuses unused named parameters)."""
    return params if any("$loads" in text for key, text in inputs.items()
                         if key in models.reads_tables(f"SELECT * FROM {name}", inputs)) else {}


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
