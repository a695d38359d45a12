"""The validation rules, once, as SQL run by DuckDB over a file's staged rows.

Why here: the rules used to be written twice, in pandas (etl/validate.py) for
small files and in SQL (warehouse/bulk.py) for big ones, with `if table ==`
branches in both. Now every staged row of every file, small or large, goes
through `check()`: one SQL statement built from the table's rules (one `Rule`
per column, from etl.specs) and its cross-column checks (from etl.specs too),
so a value is judged the same way, with the same reason, whatever the file's
size. warehouse/bulk.py's fast test of "plainly valid" rows is built from the
same rules and checks.

A check (duck-typed, declared in etl.specs) has `kind`:
- "order": columns[0] <= columns[1] when both are given;
- "differ": columns[0] <> columns[1] when both are given;
- "any": at least one of the columns is given;
- "range": bounds[0] <= columns[0] <= bounds[1] when given;
and `blame` (the column the reject names) and `reason`.

Accepted forms (documented for data officers in docs/loading-data.md):
numbers with `,` or spaces between digit groups; dates as YYYY-MM-DD (a time
after it is ignored; YYYY-MM and YYYY mean the first day) or day first
(20/12/2019, 20.12.2019, 20-12-2019, 20 Dec 2019, 20-Dec-19), or a month name
first (December 20, 2019).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.links import LINK_PATTERN, LINK_REASON

# Characters Python's str.strip() removes (what publishers' cells are padded with).
EDGE_SPACE = r"[\s\pZ\x{0b}\x{1c}-\x{1f}\x{85}]"
DAY_FIRST_FORMATS = (
    "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d.%m.%y", "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y",
    "%d %B, %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%Y/%m/%d", "%Y.%m.%d", "%B %Y", "%b %Y",
    "%m/%d/%Y",
)
NUMBER = {"count", "number", "int"}


@dataclass(frozen=True)
class Verdict:
    """Typed good rows (tidy columns + source_id) and, per rejected row, its position, column and reason."""

    good: pd.DataFrame
    rejected: pd.DataFrame   # _pos (row position in the staged frame), column_name, reason, out_of_scope


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def cleaned(x: str, markers: Sequence[str]) -> str:
    """SQL: the text with its edge spaces trimmed, NULL when it only says 'no value'."""
    trimmed = f"regexp_replace({x}, '^{EDGE_SPACE}+|{EDGE_SPACE}+$', '', 'g')"
    return f"CASE WHEN lower({trimmed}) IN ({', '.join(map(_lit, markers))}) THEN NULL ELSE {trimmed} END"


def number_value(t: str) -> str:
    """SQL: a number written with thousands separators or spaces (1,234 / 1 234), NULL if it is not one.

    A separator must stand between groups of three digits: `95,0` (a decimal comma) is not 950, and
    `1,2345` is no number at all; a recipe declares another format ([cells] thousands, decimal).
    """
    digits = f"regexp_replace({t}, '[,\\s\\pZ]', '', 'g')"
    value = f"TRY_CAST({digits} AS DOUBLE)"
    grouped = (f"(NOT regexp_matches({t}, '[,\\s\\pZ]')"
               f" OR regexp_full_match({t}, '[+-]?[0-9]{{1,3}}([,\\s\\pZ][0-9]{{3}})+([.][0-9]*)?'))")
    return (f"CASE WHEN {digits} LIKE '%\\_%' ESCAPE '\\' OR NOT isfinite({value}) OR NOT {grouped} THEN NULL"
            f" ELSE {value} END")


def date_value(t: str) -> str:
    """SQL: a date, ISO first, then the day-first and month-name forms; NULL if none fits."""
    formats = "[" + ", ".join(map(_lit, DAY_FIRST_FORMATS)) + "]"
    iso = (f"coalesce(TRY_CAST({t} AS TIMESTAMP)::DATE, try_strptime({t}, ['%Y-%m', '%Y', '%Y%m%d'])::DATE)")
    other = f"try_strptime({t}, {formats})::DATE"
    value = f"(CASE WHEN regexp_matches({t}, '^[0-9]{{4}}-') OR regexp_full_match({t}, '[0-9]{{4,8}}') THEN {iso} ELSE {other} END)"
    return f"(CASE WHEN isfinite({value}) THEN {value} END)"  # 'infinity' is not a day


def value_sql(rule, t: str) -> str:
    """SQL: the typed value of one column from its cleaned text `t` (a column name, so it stays small)."""
    if rule.type in NUMBER:
        return number_value(t)
    if rule.type == "date":
        return date_value(t)
    if rule.type == "iso3":
        return f"upper({t})"
    if rule.type == "choice" and rule.choices:
        return f"lower({t})"
    return t


def reason_sql(rule, x: str | None, t: str, v: str) -> str:
    """SQL: why one column's value is rejected (NULL when it is fine), from raw `x`, cleaned `t`, typed `v`."""
    if x is None:
        return "'missing value'" if rule.required else "NULL"
    checks: list[tuple[str, str]] = []
    if rule.type in NUMBER:
        checks.append((f"{t} IS NOT NULL AND {v} IS NULL", f"'not a number: ' || left({x}, 60)"))
        if rule.type == "count":
            checks.append((f"{v} < 0", "'negative count'"))
        if rule.type == "int":
            checks.append((f"{v} <> round({v})", "'not a whole number'"))
    elif rule.type == "date":
        checks.append((f"{t} IS NOT NULL AND {v} IS NULL", f"'not a date (use YYYY-MM-DD): ' || left({x}, 60)"))
    elif rule.type == "iso3":
        checks.append((f"{v} IS NOT NULL AND {v} NOT IN (SELECT code FROM v_known_iso3)",
                       f"'not an ISO 3166 alpha-3 country code: ' || {v}"))
    elif rule.type == "pcode":
        checks.append((f"{v} IS NOT NULL AND {v} NOT IN (SELECT code FROM v_known_pcode)",
                       f"'unknown P-code ' || {v} || ' (load its location first)'"))
    elif rule.type == "camp":
        checks.append((f"{v} IS NOT NULL AND {v} NOT IN (SELECT code FROM v_known_camp)",
                       f"'unknown camp_id ' || {v} || ' (load the camp list first)'"))
    elif rule.type == "link":
        checks.append((f"{t} IS NOT NULL AND NOT regexp_full_match({t}, {_lit(LINK_PATTERN)})",
                       f"{_lit(LINK_REASON + ': ')} || left({x}, 60)"))
    elif rule.type == "choice" and rule.choices:
        checks.append((f"{v} IS NOT NULL AND {v} NOT IN ({', '.join(map(_lit, rule.choices))})",
                       f"{_lit('not one of ' + ', '.join(rule.choices) + ': ')} || {v}"))
    if rule.required:
        checks.append((f"{v} IS NULL", "'missing value'"))
    return "CASE " + " ".join(f"WHEN {c} THEN {r}" for c, r in checks) + " END" if checks else "NULL"


def row_check(check, values: dict[str, str]) -> str:
    """SQL condition that a row breaks a cross-column check (over typed values)."""
    a = values.get(check.columns[0], "NULL")
    if check.kind == "order":
        return f"coalesce({a} > {values.get(check.columns[1], 'NULL')}, FALSE)"
    if check.kind == "differ":
        return f"coalesce({a} = {values.get(check.columns[1], 'NULL')}, FALSE)"
    if check.kind == "any":
        return "(" + " AND ".join(f"{values.get(c, 'NULL')} IS NULL" for c in check.columns) + ")"
    if check.kind == "range":
        low, high = check.bounds
        return f"coalesce({a} NOT BETWEEN {low} AND {high}, FALSE)"
    raise ValueError(f"unknown check kind {check.kind!r}")


def applies(check, present: set[str]) -> bool:
    """A check runs when the table has its columns (as the frame-based rules did)."""
    return all(c in present for c in check.columns)


def _register_known(con: duckdb.DuckDBPyConnection, known: dict[str, set[str]]) -> None:
    for kind in ("pcode", "camp", "iso3"):
        con.register(f"v_known_{kind}", pd.DataFrame({"code": sorted(known.get(kind, set()))}, dtype="object"))


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every value as the text a person reads in the cell (numbers and dates from Excel included)."""
    out = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            column = column.dt.tz_localize(None) if getattr(column.dt, "tz", None) else column
        out[name] = column.astype("string").astype("object").where(column.notna(), None)
    return pd.DataFrame(out, index=frame.index)


def check(frame: pd.DataFrame, rules: Sequence, checks: Sequence, known: dict[str, set[str]],
          markers: Sequence[str], file_columns: dict[str, str], scope_column: str = "") -> Verdict:
    """Judge every staged row: typed good rows, and the rejects with the first column to blame and every reason.

    frame: tidy columns (any subset of `rules`), `source_id`; rows in file order.
    file_columns: tidy name -> the file's column name, so a reject speaks the data officer's language.
    scope_column: a column where a reader marks rows outside the warehouse's scope (another country's
    rows in a worldwide file) with the reason: such a row is rejected with that reason alone.
    Built in layers (raw text -> cleaned text -> typed value -> reasons) so that each
    expression refers to the layer below by name and the statement stays small.
    """
    present = [r for r in rules if r.name in frame.columns]
    has_source = "source_id" in frame.columns
    has_scope = bool(scope_column) and scope_column in frame.columns
    staged = _as_text(frame[[r.name for r in present] + (["source_id"] if has_source else [])
                            + ([scope_column] if has_scope else [])])
    staged.columns = [f"x{i}" for i in range(len(present))] + (["xs"] if has_source else []) + (["xo"] if has_scope else [])
    staged.insert(0, "_pos", range(len(staged)))
    raw = {r.name: f"x{i}" for i, r in enumerate(present)}
    cleaned_cols = ", ".join(f"{cleaned(x, markers)} AS t{i}" for i, x in enumerate(raw.values()))
    source = cleaned("xs", markers) if has_source else "NULL"
    scope = cleaned("xo", markers) if has_scope else "NULL"
    layer1 = f"SELECT *, {cleaned_cols + ', ' if cleaned_cols else ''}{source} AS ts, {scope} AS tos FROM v_staged"
    values, typed_cols = {}, []
    for i, rule in enumerate(rules):
        values[rule.name] = f"v{i}"
        t = f"t{list(raw).index(rule.name)}" if rule.name in raw else "NULL"
        typed_cols.append(f"{value_sql(rule, t) if rule.name in raw else 'NULL'} AS v{i}")
    layer2 = f"SELECT *, {', '.join(typed_cols)} FROM ({layer1})"
    blamed = []
    for i, rule in enumerate(rules):
        t = f"t{list(raw).index(rule.name)}" if rule.name in raw else "NULL"
        blamed.append((file_columns.get(rule.name, rule.name), reason_sql(rule, raw.get(rule.name), t, f"v{i}")))
    blamed.append((file_columns.get("source_publisher", "source_publisher"),
                   "CASE WHEN ts IS NULL THEN 'no source cited (source_publisher and source_title are required)' END"))
    names = {r.name for r in rules}
    for c in checks:
        if applies(c, names):
            blamed.append((file_columns.get(c.blame, c.blame), f"CASE WHEN {row_check(c, values)} THEN {_lit(c.reason)} END"))
    reasons = ", ".join(f"{r} AS r{i}" for i, (_, r) in enumerate(blamed))
    layer3 = f"SELECT *, {reasons} FROM ({layer2})"
    all_reasons = "concat_ws('; ', " + ", ".join(f"r{i}" for i in range(len(blamed))) + ")"
    first = "coalesce(" + ", ".join(f"CASE WHEN r{i} IS NOT NULL THEN {_lit(col)} END"
                                    for i, (col, _) in enumerate(blamed)) + ")"
    out_names = ", ".join(f"v{i} AS {_q(r.name)}" for i, r in enumerate(rules))
    scope_name = _lit(file_columns.get(scope_column, scope_column) if scope_column else "")
    sql = (f"SELECT _pos, {out_names}, ts AS source_id,"
           f" CASE WHEN tos IS NOT NULL THEN {scope_name} ELSE {first} END AS column_name,"
           f" coalesce(tos, nullif({all_reasons}, '')) AS reason, tos IS NOT NULL AS out_of_scope"
           f" FROM ({layer3}) ORDER BY _pos")
    with duckdb.connect() as con:
        _register_known(con, known)
        con.register("v_staged", staged)
        result = con.execute(sql).df()
    bad = result["reason"].notna()
    good = result.loc[~bad, [r.name for r in rules] + ["source_id"]].reset_index(drop=True)
    return Verdict(good, result.loc[bad, ["_pos", "column_name", "reason", "out_of_scope"]].reset_index(drop=True))
