"""Bulk loading of big tidy CSV files: DuckDB reads the file itself.

Why: reading a 10-million-row file into Python lists and validating it in
pandas took minutes and gigabytes. Here DuckDB parses the file once, in
parallel (`read_csv`, every column as text), and stages it as Parquet with,
for each row, whether it is *plainly* valid: values already in the canonical
form (ISO dates, plain numbers, known P-codes, listed choices, a known
citation). Those rows would pass `etl.validate` unchanged, with the same
values, and go into the warehouse in one INSERT. Every other row (thousands
separators, day-first dates, blanks, unknown codes or citations...) keeps its
text and its row number in the file and goes to `etl.validate` in chunks,
which accepts or rejects it exactly as for a small file. Memory stays flat
whatever the size.

Row numbers are line numbers: `read_csv` skips empty lines, so the caller must
prove each line held one row (lines in the file = header lines + rows) or read
the file in memory instead.

The caller describes each column as a `Rule` (built from etl.specs by
etl.validate.strict_rules) and passes the table's cross-column checks, so the
warehouse does not import the ETL; the plain test and warehouse.validation
(which judges every other row) are built from the same rules and checks.
"""
from __future__ import annotations

import contextlib

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

CHUNK_ROWS = 200_000
# DuckDB's own buffer for staging a file: it spills to disk beyond this, so a
# load's memory does not grow with the size of the file.
STAGING_MEMORY = os.environ.get("DISPLACEMENT_BULK_MEMORY", "512MB")
# Characters Python's str.strip() removes that DuckDB's trim() does not.
from warehouse.validation import EDGE_SPACE as _EDGE_SPACE  # noqa: E402  (one definition)
from warehouse.links import LINK_PATTERN  # noqa: E402


@dataclass(frozen=True)
class Rule:
    """One tidy column: its type (as in etl.specs), whether required, its choices."""

    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CsvLayout:
    """Where the data rows of a tidy CSV are and what its columns are called."""

    path: Path
    header: tuple[str, ...]          # the file's column names, in order
    skip: int                        # lines before the first data row
    columns: dict[str, str]          # tidy name -> file column name
    citation_columns: tuple[str, ...]  # file columns that make up the citation


@dataclass(frozen=True)
class Plan:
    """Everything the plain-row test needs: the file, the table's rules and what is already known.

    `citations` holds the citation columns (file names) and their `source_id`;
    `known` the P-codes, camp ids and ISO3 codes a row may refer to.
    """

    table: str
    layout: CsvLayout
    rules: tuple[Rule, ...]
    citations: pd.DataFrame
    known: dict[str, set[str]] = field(default_factory=dict)
    markers: tuple[str, ...] = ()
    checks: tuple = ()               # the table's cross-column checks (etl.specs), see warehouse.validation
    links: tuple[str, ...] = ()      # file columns of the citation that must hold a web link (warehouse.links)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_csv_sql(layout: CsvLayout) -> str:
    """The file as DuckDB reads it: every column text, empty fields NULL."""
    columns = ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in layout.header)
    return (f"read_csv({_lit(str(layout.path))}, header=false, skip={int(layout.skip)}, auto_detect=false,"
            f" delim=',', quote='\"', escape='\"', null_padding=true, columns={{{columns}}})")


def scratch() -> duckdb.DuckDBPyConnection:
    """A private in-memory connection with a bounded buffer (spills to a temp directory)."""
    return duckdb.connect(config={"memory_limit": STAGING_MEMORY})


def _clean(x: str, markers: Sequence[str]) -> str:
    return f"CASE WHEN {x} IS NULL OR lower({x}) IN ({', '.join(map(_lit, markers))}) THEN NULL ELSE {x} END"


def _date(x: str) -> tuple[str, str]:
    value = f"TRY_CAST({x} AS DATE)"
    # Canonical means it prints back the same: YYYY-MM-DD, a real day, in pandas' year range.
    # (Cheapest exact test measured: a regex costs more, a join to every valid day four times more.)
    return value, f"(length({x}) = 10 AND left({x}, 4) BETWEEN '1678' AND '2261' AND CAST({value} AS VARCHAR) = {x})"


def _column(rule: Rule, layout: CsvLayout, markers: Sequence[str]) -> tuple[str, str]:
    """(SQL value, SQL condition that the raw text is plainly valid) for one column."""
    if rule.name not in layout.columns:
        return "NULL", "FALSE" if rule.required else "TRUE"
    x = "src." + _q(layout.columns[rule.name])
    t = rule.type
    if t == "date":
        value, ok = _date(x)
    elif t in ("count", "number", "int"):
        pattern = {"count": r"[0-9]{1,15}(\.[0-9]{1,6})?", "number": r"-?[0-9]{1,15}(\.[0-9]{1,8})?",
                   "int": r"-?[0-9]{1,15}"}[t]
        value, ok = f"TRY_CAST({x} AS DOUBLE)", f"regexp_full_match({x}, {_lit(pattern)})"
    elif t in ("pcode", "camp", "iso3"):
        value, ok = x, f"{x} IN (SELECT code FROM bulk_known_{t})"
    elif t == "choice" and rule.choices:
        value, ok = x, f"{x} IN ({', '.join(map(_lit, rule.choices))})"
    else:  # free text: no edge spaces (validate strips them), missing markers become NULL
        value = _clean(x, markers)
        # first and last character only: a regex over the whole text cost seconds per 10 M rows
        ok = (f"NOT regexp_full_match(left({x}, 1), '{_EDGE_SPACE}')"
              f" AND NOT regexp_full_match(right({x}, 1), '{_EDGE_SPACE}')")
        if rule.required:
            ok += f" AND {value} IS NOT NULL"
        return value, f"({x} IS NULL OR ({ok}))" if not rule.required else f"({x} IS NOT NULL AND {ok})"
    if rule.required:
        return value, f"({x} IS NOT NULL AND {ok})"
    return value, f"({x} IS NULL OR {ok})"


def _row_checks(plan: Plan, values: dict[str, str], raw: dict[str, str]) -> list[str]:
    """The table's cross-column checks (warehouse.validation), as conditions a plain row passes."""
    from warehouse.validation import applies, row_check

    types = {r.name: r.type for r in plan.rules}
    out = []
    for check in plan.checks:
        if not applies(check, set(types)):
            continue
        if check.kind == "order" and all(types.get(c) == "date" for c in check.columns):
            # canonical ISO days (the only ones a plain row has) sort as text the way they sort as dates
            out.append(f"{raw[check.columns[0]]} <= {raw[check.columns[1]]}")
        else:
            out.append(f"NOT {row_check(check, values)}")
    return out


def _select_and_test(plan: Plan, coded: bool = False) -> tuple[str, str]:
    """(select list of tidy values, condition that the row is plainly valid), over `src` and `cite`.

    coded: a choice column gives its position in the list of choices instead of
    the text (see _decoded), which is cheaper to stage.
    """
    values, conditions = {}, []
    for rule in plan.rules:
        values[rule.name], ok = _column(rule, plan.layout, plan.markers)
        conditions.append(ok)
    raw = {n: "src." + _q(c) if n in plan.layout.columns else "NULL" for n, c in
           ((r.name, plan.layout.columns.get(r.name, "")) for r in plan.rules)}
    conditions += _row_checks(plan, values, raw)
    conditions.append("cite.source_id IS NOT NULL")
    conditions += [f"(src.{_q(c)} IS NULL OR regexp_full_match(src.{_q(c)}, {_lit(LINK_PATTERN)}))" for c in plan.links]
    if coded:
        values.update({r.name: f"list_position({_choices(r)}, {values[r.name]})::UTINYINT"
                       for r in _coded_rules(plan)})
    select = ", ".join(f"{v} AS {_q(n)}" for n, v in values.items())
    return select, " AND ".join(conditions)


def _coded_rules(plan: Plan) -> list[Rule]:
    return [r for r in plan.rules if r.type == "choice" and r.choices and r.name in plan.layout.columns
            and len(r.choices) < 255]


def _choices(rule: Rule) -> str:
    return "[" + ", ".join(map(_lit, rule.choices)) + "]"


def _decoded(plan: Plan) -> str:
    """The staged values as the warehouse stores them: choices and citations back from their numbers."""
    coded = {r.name: r for r in _coded_rules(plan)}
    return ", ".join(f"{_choices(coded[r.name])}[staged.{_q(r.name)}] AS {_q(r.name)}" if r.name in coded
                     else f"staged.{_q(r.name)}" for r in plan.rules) + ", cite.source_id AS source_id"


def _rows_with_citation(plan: Plan, rows: str) -> str:
    """`rows` (aliased src) joined to the citations known so far (aliased cite)."""
    join = " AND ".join(f"src.{_q(c)} IS NOT DISTINCT FROM cite.{_q(c)}"
                        for c in plan.layout.citation_columns) or "FALSE"
    return f"{rows} AS src LEFT JOIN bulk_citations AS cite ON {join}"


def _register(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    con.register("bulk_citations", plan.citations.assign(_cite=range(len(plan.citations))))
    for kind in ("pcode", "camp", "iso3"):
        codes = sorted(plan.known.get(kind, set()))
        con.register(f"bulk_known_{kind}", pd.DataFrame({"code": codes}, dtype="object"))


def _unregister(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the registered frames; in an aborted transaction (a failed insert, a full disk) the
    connection is being thrown away, and the insert's own error is the one to report."""
    for name in ("bulk_citations", "bulk_known_pcode", "bulk_known_camp", "bulk_known_iso3"):
        with contextlib.suppress(duckdb.TransactionException):
            con.unregister(name)


def _insert(con: duckdb.DuckDBPyConnection, plan: Plan, rows: str, load_id: int | None) -> int:
    """Insert (or count, with load_id None) the plainly valid rows of `rows`, a relation of raw text."""
    from warehouse.writes import _check_table

    select, ok = _select_and_test(plan)
    source = _rows_with_citation(plan, rows)
    if load_id is None:
        return con.execute(f"SELECT count(*) FROM {source} WHERE {ok}").fetchall()[0][0]
    return con.execute(
        f"INSERT INTO {_check_table(plan.table)} BY NAME SELECT {select}, cite.source_id AS source_id,"
        f" ?::INTEGER AS load_id FROM {source} WHERE {ok}",
        [load_id],
    ).fetchall()[0][0]


def stage(plan: Plan, parquet: Path) -> int:
    """Parse the file once, in parallel, into Parquet in file order; return the number of rows.

    Each row gets `_plain` (plainly valid, see module doc), its values as the
    warehouse stores them and its source_id, and for the other rows only their
    text as read (NULL otherwise, so the file stays small). Parquet keeps the
    file's order, so file_row_number gives each row its line. Runs on a private
    connection with a bounded buffer.
    """
    select, ok = _select_and_test(plan, coded=True)
    header = range(len(plan.layout.header))
    text = ", ".join(f"src.{_q(c)} AS _text_{i}" for i, c in enumerate(plan.layout.header))
    names = ", ".join(_q(rule.name) for rule in plan.rules)
    rows = (f"SELECT coalesce({ok}, FALSE) AS _plain, {select}, cite._cite, cite.source_id AS _source_id, {text}"
            f" FROM {_rows_with_citation(plan, read_csv_sql(plan.layout))}")
    # The other rows' text in one list column, built for them only: eleven mostly-NULL
    # columns, or a list built for every row, cost a second or more per 10 M rows.
    listed = ", ".join(f"_text_{i}" for i in header)
    with scratch() as con:
        _register(con, plan)
        con.execute(f"COPY (SELECT _plain, {names}, _cite, CASE WHEN _plain THEN NULL ELSE _source_id END AS source_id,"
                    f" CASE WHEN _plain THEN NULL ELSE [{listed}] END AS _text FROM ({rows}))"
                    f" TO {_lit(str(parquet))} (FORMAT parquet, COMPRESSION snappy)")
        return con.execute(f"SELECT count(*) FROM read_parquet({_lit(str(parquet))})").fetchall()[0][0]


def insert_plain_rows(con: duckdb.DuckDBPyConnection, plan: Plan, parquet: Path, load_id: int | None) -> int:
    """Insert the staged plain rows into the table (load_id None: only count them)."""
    from warehouse.writes import _check_table

    rows = f"read_parquet({_lit(str(parquet))})"
    if load_id is None:
        return con.execute(f"SELECT count(*) FROM {rows} WHERE _plain").fetchall()[0][0]
    _register(con, plan)
    try:
        return con.execute(
            f"INSERT INTO {_check_table(plan.table)} BY NAME SELECT {_decoded(plan)}, ?::INTEGER AS load_id"
            f" FROM {rows} AS staged JOIN bulk_citations AS cite USING (_cite) WHERE staged._plain",
            [load_id]).fetchall()[0][0]
    finally:
        _unregister(con)


def other_rows(plan: Plan, parquet: Path) -> Iterator[pd.DataFrame]:
    """The staged rows that are not plain, as read, with `_row` (line in the file), CHUNK_ROWS at a time.

    Rows whose citation was not known when staging come with source_id NULL.
    """
    raw = ", ".join(f"_text[{i + 1}] AS {_q(c)}" for i, c in enumerate(plan.layout.header))
    sql = (f"SELECT file_row_number + {int(plan.layout.skip) + 1} AS _row, {raw}, source_id"
           f" FROM read_parquet({_lit(str(parquet))}, file_row_number=true) WHERE NOT _plain ORDER BY _row")
    with scratch() as con:
        for batch in con.sql(sql).to_arrow_reader(CHUNK_ROWS):
            frame = batch.to_pandas()
            frame["_row"] = frame["_row"].astype("int64")
            yield frame


def insert_plain_chunk(con: duckdb.DuckDBPyConnection, plan: Plan, chunk: pd.DataFrame,
                       load_id: int | None) -> tuple[int, pd.DataFrame]:
    """Insert (or count) the plainly valid rows of a chunk of other rows; return how many, and the rest.

    Used once the chunk's new citations are in `plan.citations`: rows whose only
    problem was a citation first seen past the head of the file then go in at
    DuckDB's speed instead of through validate().
    """
    con.register("bulk_chunk", chunk)
    _register(con, plan)
    try:
        count = _insert(con, plan, "bulk_chunk", load_id)
        _, ok = _select_and_test(plan)
        rest = con.execute(f"SELECT src.* EXCLUDE (source_id), cite.source_id AS source_id"
                           f" FROM {_rows_with_citation(plan, 'bulk_chunk')}"
                           f" WHERE NOT coalesce({ok}, FALSE) ORDER BY src._row").df()
        rest["_row"] = rest["_row"].astype("int64")
        return count, rest
    finally:
        _unregister(con)
        con.unregister("bulk_chunk")
