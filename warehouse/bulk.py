"""Bulk loading of big tidy CSV files: DuckDB reads the file itself.

Why: reading a 10-million-row file into Python lists and validating it in
pandas took minutes and gigabytes. Here DuckDB streams the file (`read_csv`,
every column as text) and inserts, in one statement, the rows that are
*plainly* valid: values already in the canonical form (ISO dates, plain
numbers, known P-codes, listed choices, a cited source). Those rows would pass
`etl.validate` unchanged, with the same values. Every other row (thousands
separators, day-first dates, blanks, unknown codes...) is streamed back in
chunks, with its row number in the file, to `etl.validate`, which accepts or
rejects it exactly as for a small file. Memory stays flat whatever the size.

The caller describes each column as a `Rule` (built from etl.specs by
etl.validate.strict_rules) so the warehouse does not import the ETL.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

CHUNK_ROWS = 200_000
# DuckDB's own buffer for staging a file: it spills to disk beyond this, so a
# load's memory does not grow with the size of the file.
STAGING_MEMORY = os.environ.get("DISPLACEMENT_BULK_MEMORY", "512MB")
# Characters Python's str.strip() removes that DuckDB's trim() does not.
_EDGE_SPACE = r"[\s\pZ\x{0b}\x{1c}-\x{1f}\x{85}]"


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
    staged: Path | None = None       # the rows as Parquet, in file order (see stage)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_csv(layout: CsvLayout) -> str:
    columns = ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in layout.header)
    return (f"read_csv({_lit(str(layout.path))}, header=false, skip={int(layout.skip)}, auto_detect=false,"
            f" delim=',', quote='\"', escape='\"', null_padding=true, columns={{{columns}}})")


def scratch() -> duckdb.DuckDBPyConnection:
    """A private in-memory connection with a bounded buffer (spills to a temp directory)."""
    return duckdb.connect(config={"memory_limit": STAGING_MEMORY})


def stage(layout: CsvLayout, parquet: Path) -> tuple[CsvLayout, int, pd.DataFrame]:
    """Parse the CSV once, in parallel, into a Parquet file in file order; count rows, list citations.

    Later passes (plain rows, other rows) read the compact columnar copy instead
    of parsing the text again, and Parquet's file_row_number gives each row its
    line in the file without a serial numbering pass.
    """
    with scratch() as con:
        con.execute(f"COPY (SELECT * FROM {_read_csv(layout)}) TO {_lit(str(parquet))}"
                    " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")
        cites = [_q(c) for c in layout.citation_columns]
        select = ", ".join(cites) if cites else "NULL AS none"
        frame = con.execute(f"SELECT {select}, count(*) AS n FROM read_parquet({_lit(str(parquet))})"
                            " GROUP BY ALL").df()
    rows = int(frame["n"].sum()) if len(frame) else 0
    staged = CsvLayout(layout.path, layout.header, layout.skip, layout.columns, layout.citation_columns, parquet)
    return staged, rows, frame.drop(columns=["n"] + ([] if cites else ["none"]))


def _clean(x: str, markers: Sequence[str]) -> str:
    return f"CASE WHEN {x} IS NULL OR lower({x}) IN ({', '.join(map(_lit, markers))}) THEN NULL ELSE {x} END"


def _column(rule: Rule, layout: CsvLayout, markers: Sequence[str]) -> tuple[str, str]:
    """(SQL value, SQL condition that the raw text is plainly valid) for one column."""
    if rule.name not in layout.columns:
        return "NULL", "FALSE" if rule.required else "TRUE"
    x = "src." + _q(layout.columns[rule.name])
    t = rule.type
    if t == "date":
        value = f"TRY_CAST({x} AS DATE)"
        ok = (f"(regexp_full_match({x}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND left({x}, 4) BETWEEN '1678' AND '2261'"
              f" AND {value} IS NOT NULL)")
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
        ok = f"NOT regexp_matches({x}, '^{_EDGE_SPACE}|{_EDGE_SPACE}$')"
        if rule.required:
            ok += f" AND {value} IS NOT NULL"
        return value, f"({x} IS NULL OR ({ok}))" if not rule.required else f"({x} IS NOT NULL AND {ok})"
    if rule.required:
        return value, f"({x} IS NOT NULL AND {ok})"
    return value, f"({x} IS NULL OR {ok})"


def _row_checks(table: str, values: dict[str, str]) -> list[str]:
    """Cross-column rules of etl.validate, written so that passing them means validate passes them."""
    checks = []
    if "period_start" in values and "period_end" in values:
        checks.append(f"{values['period_start']} <= {values['period_end']}")
    if table == "displacement":
        o, d = values["origin_pcode"], values["destination_pcode"]
        checks.append(f"({o} IS NOT NULL OR {d} IS NOT NULL)")
        checks.append(f"({o} IS NULL OR {d} IS NULL OR {o} <> {d})")
    if table == "casualties":
        low, best, high = values["deaths_low"], values["deaths_best"], values["deaths_high"]
        checks.append(f"({low} IS NULL OR {low} <= {best})")
        checks.append(f"({high} IS NULL OR {high} >= {best})")
    for name, bound in (("lat", 90), ("lon", 180)):
        if name in values:
            checks.append(f"({values[name]} IS NULL OR {values[name]} BETWEEN -{bound} AND {bound})")
    return checks


def _plan(table: str, layout: CsvLayout, rules: Sequence[Rule], markers: Sequence[str],
          numbered: bool = False) -> tuple[str, str, str]:
    """(select list, FROM clause with the citation join, plainly-valid condition)."""
    values, conditions = {}, []
    for rule in rules:
        values[rule.name], ok = _column(rule, layout, markers)
        conditions.append(ok)
    conditions += _row_checks(table, values)
    conditions.append("cite.source_id IS NOT NULL")
    select = ", ".join(f"{v} AS {_q(n)}" for n, v in values.items())
    join = " AND ".join(f"src.{_q(c)} IS NOT DISTINCT FROM cite.{_q(c)}" for c in layout.citation_columns) or "FALSE"
    rows = f"read_parquet({_lit(str(layout.staged))}, file_row_number={'true' if numbered else 'false'})"
    source = f"{rows} AS src LEFT JOIN bulk_citations AS cite ON {join}"
    return select, source, " AND ".join(conditions)


def _register(con: duckdb.DuckDBPyConnection, citations: pd.DataFrame, known: dict[str, set[str]]) -> None:
    con.register("bulk_citations", citations)
    for kind in ("pcode", "camp", "iso3"):
        con.register(f"bulk_known_{kind}", pd.DataFrame({"code": sorted(known.get(kind, set()))}, dtype="object"))


def _unregister(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("bulk_citations", "bulk_known_pcode", "bulk_known_camp", "bulk_known_iso3"):
        con.unregister(name)


def insert_plain_rows(con: duckdb.DuckDBPyConnection, table: str, layout: CsvLayout, rules: Sequence[Rule],
                      citations: pd.DataFrame, known: dict[str, set[str]], markers: Sequence[str],
                      load_id: int | None) -> int:
    """Insert the plainly valid rows into `table` (load_id None: only count them). Returns the count."""
    from warehouse.writes import _check_table

    select, source, ok = _plan(table, layout, rules, markers)
    _register(con, citations, known)
    try:
        if load_id is None:
            return con.execute(f"SELECT count(*) FROM {source} WHERE {ok}").fetchall()[0][0]
        return con.execute(
            f"INSERT INTO {_check_table(table)} BY NAME SELECT {select}, cite.source_id AS source_id,"
            f" ?::INTEGER AS load_id FROM {source} WHERE {ok}",
            [load_id],
        ).fetchall()[0][0]
    finally:
        _unregister(con)


def other_rows(table: str, layout: CsvLayout, rules: Sequence[Rule], citations: pd.DataFrame,
               known: dict[str, set[str]], markers: Sequence[str]) -> Iterator[pd.DataFrame]:
    """The rows that are not plainly valid, as read (text), with `_row` (row in the file) and source_id.

    Streamed in chunks from a private in-memory connection, so the caller can
    validate and write each chunk on its own connection meanwhile. Row numbers
    are line numbers: the reader only takes this path for files where every
    line is one row (no blank lines, no line breaks inside quotes), and the
    staged Parquet file keeps file order.
    """
    _, source, ok = _plan(table, layout, rules, markers, numbered=True)
    raw = ", ".join(f"src.{_q(c)}" for c in layout.header)
    sql = (f"SELECT src.file_row_number + {int(layout.skip) + 1} AS _row, {raw}, cite.source_id AS source_id"
           f" FROM {source} WHERE NOT coalesce({ok}, FALSE) ORDER BY _row")
    with scratch() as con:
        _register(con, citations, known)
        reader = con.sql(sql).to_arrow_reader(CHUNK_ROWS)
        for batch in reader:
            frame = batch.to_pandas()
            frame["_row"] = frame["_row"].astype("int64")
            yield frame
