"""Decide, row by row, what loads and what is rejected, and why.

The rules are etl.specs (what each column must hold, and the checks across
columns); DuckDB runs them over the staged rows (warehouse/validation.py), for
every file, small or large, so a value gets the same verdict and the same
reason whichever way the file was read. Every rejected row keeps its sheet,
row number, the file's column name, the reason and the raw values, so a data
officer can fix it and load again.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import pycountry

from etl.sources.base import OUT_OF_SCOPE, PROVENANCE_COLUMNS, Staged
from etl.sources.cells import MISSING_MARKERS
from etl.specs import CITATION_RULES, TABLES
from warehouse import validation

REJECT_COLUMNS = ["sheet", "row_number", "column_name", "reason", "raw"]


@dataclass
class Context:
    """What the warehouse (and this file) already knows, to check references against."""

    pcodes: set[str] = field(default_factory=set)
    camp_ids: set[str] = field(default_factory=set)


@dataclass
class Validated:
    table: str
    good: pd.DataFrame
    rejects: pd.DataFrame
    out_of_scope: int = 0  # of the rejects, rows outside the warehouse's scope (not errors to fix)


@lru_cache(maxsize=4096)
def is_iso3(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code.upper()) is not None


def strict_rules(table: str):
    """The table's columns as warehouse rules (the warehouse does not import the ETL)."""
    from warehouse.bulk import Rule

    return [Rule(c.name, c.type, c.required, c.choices) for c in TABLES[table].columns]


def citation_rules(present) -> list:
    """The rules for citation cells a reader kept beside the rows (`present`: its columns), as warehouse rules."""
    from warehouse.bulk import Rule

    return [Rule(c.name, c.type, c.required, c.choices) for c in CITATION_RULES if c.name in present]


@lru_cache(maxsize=1)
def _iso3_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def iso3_codes() -> set[str]:
    return set(_iso3_codes())


def _raw_json(frame: pd.DataFrame) -> pd.Series:
    data = frame.drop(columns=[c for c in (*PROVENANCE_COLUMNS, OUT_OF_SCOPE) if c in frame]).astype("string")
    return pd.Series(
        [json.dumps({k: v for k, v in row.items() if v is not pd.NA}, ensure_ascii=False, default=str)
         for row in data.to_dict("records")],
        index=frame.index,
        dtype="object",
    )


def validate(staged: Staged, ctx: Context) -> Validated:
    """Split staged rows into typed good rows and rejects with reasons."""
    spec = TABLES[staged.table]
    raw = staged.frame.reset_index(drop=True)
    names = {c.name: staged.file_column(c.name) for c in spec.columns}
    names["source_publisher"] = staged.file_column("source_publisher")
    names[OUT_OF_SCOPE] = staged.file_column(OUT_OF_SCOPE)
    for check in spec.checks:
        names[check.blame] = staged.file_column(check.blame)
    cited = citation_rules(raw.columns)
    names |= {rule.name: staged.file_column(rule.name) for rule in cited}
    verdict = validation.check(raw, strict_rules(staged.table) + cited, spec.checks,
                               {"pcode": ctx.pcodes, "camp": ctx.camp_ids, "iso3": iso3_codes()},
                               tuple(sorted(MISSING_MARKERS)), names, scope_column=OUT_OF_SCOPE)
    good = verdict.good.drop(columns=[rule.name for rule in cited])  # judged here, kept in `sources`
    for col in spec.columns:
        if col.type == "date":
            good[col.name] = pd.to_datetime(good[col.name]).dt.date
    bad = raw.iloc[verdict.rejected["_pos"].to_numpy()]
    rejects = pd.DataFrame({
        "sheet": bad["_sheet"].to_numpy() if "_sheet" in bad else None,
        "row_number": bad["_row"].to_numpy() if "_row" in bad else None,
        "column_name": verdict.rejected["column_name"].to_numpy(),
        "reason": verdict.rejected["reason"].to_numpy(),
        "raw": _raw_json(bad).to_numpy() if len(bad) else [],
    }, columns=REJECT_COLUMNS)
    return Validated(staged.table, good.reset_index(drop=True), rejects.reset_index(drop=True),
                     int(verdict.rejected["out_of_scope"].sum()))


_VALUE_IN_REASON = re.compile(r"^unknown (P-code|camp_id) (\S+)")


def _reason_kind(reason: str) -> tuple[str, str]:
    """(the kind of reason, the value it quotes): 'not a number: many' -> ('not a number', 'many')."""
    coded = _VALUE_IN_REASON.match(reason)
    if coded:
        return f"unknown {coded.group(1)}" + reason[coded.end():], coded.group(2)
    head, sep, value = reason.partition(": ")
    return (head, value) if sep else (reason, "")


def top_reasons(rejects: pd.DataFrame, top: int = 3) -> list[dict]:
    """The commonest reasons rows are rejected, with the file columns they name and one example value.

    Why: a recipe that rejects every row rejects them for one or two reasons; 'unknown P-code SY0101' and
    'unknown P-code SY0102' are one reason to fix, so values are set apart from the reason. A row with
    several reasons counts under each, once (a period whose start and end both are '12/2019' is one row
    'not a date', not two: the counts are rows, as the rejected count beside them); the file column is known
    for the first (the one a reject names).
    """
    if rejects is None or rejects.empty:
        return []
    rows = []
    for column, reason in zip(rejects["column_name"], rejects["reason"].astype(str)):
        seen = set()
        for i, part in enumerate(reason.split("; ")):
            kind, value = _reason_kind(part)
            if kind in seen:
                continue
            seen.add(kind)
            rows.append((kind, value, str(column) if i == 0 and column is not None and column == column else ""))
    frame = pd.DataFrame(rows, columns=["reason", "example", "column"])
    out = []
    for reason, group in frame.groupby("reason", sort=False):
        columns = list(dict.fromkeys(c for c in group["column"] if c))
        examples = [e for e in group["example"] if e]
        out.append({"reason": reason, "rows": len(group), "columns": columns, "example": examples[0] if examples else ""})
    return sorted(out, key=lambda r: -r["rows"])[:top]


def reason_line(found: dict) -> str:
    """One top reason in plain words: `412 rows: not a number (e.g. 'many'), column 'Deaths'`."""
    example = f" (e.g. '{found['example']}')" if found["example"] else ""
    columns = found.get("columns") or []
    named = ", ".join(f"'{c}'" for c in columns[:3]) + (f" and {len(columns) - 3} more" if len(columns) > 3 else "")
    where = f", column{'s' if len(columns) > 1 else ''} {named}" if columns else ""
    return f"{found['rows']:,} rows: {found['reason']}{example}{where}"
