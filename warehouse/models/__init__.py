"""The warehouse's derived relations, each defined once as a SQL file in this folder.

A model is a readable SELECT (named CTEs, dbt style) over the fact tables, the migration views
(v_locations, v_location_admin) and other models, which it names like tables. Its header
comment states its column contract (`-- columns: a, b, c`) and, for a rollup, that it is
materialised (`-- materialised: incremental by load_id`).

How models reach a warehouse:
- at every publish (warehouse.db.publishing) each plain model is created as a VIEW, in dependency
  order, so a data officer can read them in the DuckDB CLI, and each file runs alone there:
  `duckdb data/warehouse.duckdb < warehouse/models/location_areas.sql`;
- the materialised models are tables of the same name, built from the same SQL by
  warehouse.rollups.rebuild (incremental by load_id);
- readers never depend on what a warehouse holds: `inline(sql)` puts the models a query names
  in front of it as CTEs (a CTE shadows the view or table of the same name), so a warehouse
  published by an older release, read-only, answers with this release's models. Only a fresh
  materialised table is read as stored (warehouse.queries.base decides, in one place).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import duckdb

_COLUMNS = re.compile(r"^--\s*columns:\s*(.*?)\n(?!--\s{2,})", re.MULTILINE | re.DOTALL)
_MATERIALISED = re.compile(r"^--\s*materialised:", re.MULTILINE)
_COMMENT = re.compile(r"--[^\n]*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Model:
    name: str
    sql: str                      # the file's text (comments included)
    columns: tuple[str, ...]      # the contract: exactly these columns, in this order
    materialised: bool            # a rollup table of the same name, rebuilt at publish
    depends: tuple[str, ...]      # the other models it reads


def _columns(text: str) -> tuple[str, ...]:
    match = _COLUMNS.search(text + "\n")
    if not match:
        raise ValueError("a model states its columns in a '-- columns: a, b' comment")
    flat = " ".join(line.lstrip("-").strip() for line in match[1].splitlines())
    return tuple(c.strip() for c in flat.split(",") if c.strip())


def referenced(sql: str, names) -> set[str]:
    """The model names an SQL text reads (identifiers outside comments)."""
    return set(_IDENTIFIER.findall(_COMMENT.sub("", sql))) & set(names)


@cache
def models() -> dict[str, Model]:
    """Every model in warehouse/models, by name, in dependency order (a model after those it reads)."""
    texts = {entry.name[:-4]: entry.read_text(encoding="utf-8")
             for entry in resources.files("warehouse.models").iterdir() if entry.name.endswith(".sql")}
    found = {name: Model(name, text, _columns(text), bool(_MATERIALISED.search(text)),
                         tuple(sorted(referenced(text, texts) - {name}))) for name, text in texts.items()}
    ordered: dict[str, Model] = {}

    def visit(name: str, path: tuple[str, ...] = ()) -> None:
        if name in path:
            raise ValueError(f"models read each other in a circle: {' -> '.join(path + (name,))}")
        if name not in ordered:
            for dep in found[name].depends:
                visit(dep, path + (name,))
            ordered[name] = found[name]

    for name in sorted(found):
        visit(name)
    return ordered


def body(model: Model) -> str:
    """The model's SELECT without its comments (as it goes into a CTE or a view)."""
    return _COMMENT.sub("", model.sql).strip().rstrip(";")


def needed(sql: str, stored: frozenset[str] = frozenset()) -> list[Model]:
    """The models `sql` reads, directly or through other models, in dependency order.

    Models in `stored` are read as the warehouse holds them (a fresh rollup table): neither they
    nor what only they read are inlined.
    """
    every = models()
    todo, seen = list(referenced(sql, every) - stored), set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [d for d in every[name].depends if d not in stored]
    return [m for name, m in every.items() if name in seen]


def inline(sql: str, stored: frozenset[str] = frozenset(), inputs: dict[str, str] | None = None,
           streamed: bool = False) -> str:
    """`sql` with the models it reads put in front of it as CTEs (see the module docstring).

    `inputs` shadows tables the models read ({"displacement": "SELECT ... FROM main.displacement
    WHERE ..."}): the reader computes a model over some of the facts only.
    `streamed`: every CTE NOT MATERIALIZED. DuckDB otherwise materialises a CTE read twice; over
    millions of facts (a rollup's rebuild, warehouse.rollups) that buffer spills to disk, and
    recomputing it in each reader's pipeline measured a third faster with half the memory (issue 23).
    """
    chosen = needed(sql, stored)
    reads = reads_tables(sql, inputs or {}, stored)
    how = "NOT MATERIALIZED " if streamed else ""
    ctes = ",\n".join([f"{name} AS {how}({text})" for name, text in (inputs or {}).items() if name in reads]
                       + [f"{m.name} AS {how}(\n{body(m)}\n)" for m in chosen])
    if not ctes:
        return sql
    text = sql.lstrip()
    if text[:4].upper() == "WITH" and not text[4:5].isalnum() and not text[4:5] == "_":
        return f"WITH {ctes},\n{text[4:].lstrip()}"
    return f"WITH {ctes}\n{text}"


def reads_tables(sql: str, tables, stored: frozenset[str] = frozenset()) -> set[str]:
    """Which of `tables` the query reads, itself or through the models inlined into it."""
    text = " ".join(body(m) for m in needed(sql, stored)) + " " + _COMMENT.sub("", sql)
    return referenced(text, tables)


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create every plain model as a view, in dependency order (at publish time)."""
    done = []
    for model in models().values():
        if not model.materialised:
            con.execute(f"CREATE OR REPLACE VIEW {model.name} AS\n{body(model)}")
            done.append(model.name)
    return done


def materialised() -> list[Model]:
    return [m for m in models().values() if m.materialised]
