"""`python -m etl recipe check RECIPE [--file FILE]`: proof that a recipe loads something, not only that it parses.

A recipe can parse and still load nothing: no column feeds a field the table
requires (`deaths_best` of casualties), a missing-value marker can never match
a cell, or every row of the file is rejected. The check says each in plain
words, then dry-runs the recipe on the file it was drafted from (`drafted_from`,
written by `recipe draft`) or on `--file`, and prints the rows that would load,
those that would be rejected, and the three commonest reasons. It passes only
when at least one row would load and nothing in the recipe is broken.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from etl.recipes.model import CELL_TOKENS, Recipe
from etl.recipes.reader import RecipeReader
from etl.specs import TABLES

AUTOMATIC = {"source_id"}      # every reader sets it from the citation


@dataclass
class Findings:
    """What is wrong (problems: the check fails) and what the officer should know (notes)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fed(recipe: Recipe) -> set[str]:
    """The table's columns this recipe gives a value: mapped, constant, melted, dated."""
    out = {f.name for f in recipe.fields if f.match} | set(recipe.constants) | AUTOMATIC
    if recipe.melt:
        out |= {recipe.melt.value} | ({recipe.melt.name} if recipe.melt.name else set())
    names = TABLES[recipe.table].names
    if "period_start" in names:  # the [period], its reference_date, or --reference-date at load time
        out |= {"period_start", "period_end"}
    return out


def columns_problems(recipe: Recipe) -> Findings:
    """Required columns nothing feeds, `any` checks none of whose columns is fed, fields with no pattern."""
    found, spec, given = Findings(), TABLES[recipe.table], fed(recipe)
    for column in spec.columns:
        if column.required and column.name not in given:
            found.problems.append(
                f"nothing feeds {column.name} (required in {recipe.table}): map a file column to it in [columns], "
                f"give it in [constants], or melt into it ([melt] value = \"{column.name}\"); every row would be "
                "rejected with 'missing value'")
    for check in spec.checks:
        if check.kind == "any" and not set(check.columns) & given:
            found.problems.append(f"nothing feeds {' or '.join(check.columns)}: {recipe.table} needs one of them")
    for f in recipe.fields:
        if not f.match:
            found.problems.append(f"[columns.{f.name}] has no match patterns: it can read no column")
    period = recipe.period
    if "period_start" in spec.names and not (period and (period.patterns or period.from_column_name
                                                         or period.reference_date)):
        found.notes.append("no [period]: every load needs --reference-date (or reference_date in a folder's manifest)")
    return found


def marker_problems(recipe: Recipe) -> Findings:
    """Missing-value and suppression markers that can never match a cell (cells are compared trimmed)."""
    found, cells = Findings(), recipe.cells
    for marker in cells.none:
        if not marker.strip():
            found.problems.append(f"[cells] none: {marker!r} can never match (cells are trimmed); write \"blank\" "
                                  "for empty cells")
        elif marker != marker.strip():
            found.problems.append(f"[cells] none: {marker!r} can never match: cells are compared with their spaces "
                                  f"trimmed; write {marker.strip()!r}")
        elif marker in cells.suppressed:
            found.notes.append(f"[cells] {marker!r} is in both none and suppressed: none wins, so it is never "
                               "kept as a reject")
    for marker in cells.suppressed:
        if not marker.strip():
            found.problems.append(f"[cells] suppressed: {marker!r} would match every cell (every figure suppressed)")
    return found


def literal_markers(recipe: Recipe) -> list[str]:
    """The markers that are texts to find in a cell (not the tokens blank, dash, zero)."""
    return [m for m in recipe.cells.none + recipe.cells.suppressed if m.strip() and m not in CELL_TOKENS]


def markers_in_file(recipe: Recipe, texts: Counter) -> Findings:
    """Each literal marker against the file's cells: found, found only in another case (never matches), absent."""
    found = Findings()
    lowered = Counter()
    for text, count in texts.items():
        lowered[text.lower()] += count
    for marker in literal_markers(recipe):
        if marker != marker.strip():
            continue  # already a problem: it cannot match any trimmed cell
        if marker in recipe.cells.suppressed:
            hits = sum(n for t, n in texts.items() if t.startswith(marker))
        else:
            hits = texts.get(marker, 0)
        if hits:
            continue
        other = sorted(t for t in texts if t.lower() == marker.lower())
        if other:
            found.problems.append(f"[cells] {marker!r} never matches: the file writes {other[0]!r} (markers match "
                                  "exactly, case included)")
        else:
            found.notes.append(f"[cells] {marker!r} does not occur in the file's cells")
    return found


def data_file(recipe: Recipe, given: Path | None) -> Path | None:
    """--file, else the file the recipe was drafted from (relative to the recipe's folder when relative)."""
    if given is not None:
        return Path(given)
    if not recipe.drafted_from:
        return None
    path = Path(recipe.drafted_from).expanduser()
    if not path.is_absolute() and recipe.origin is not None:
        path = recipe.origin.parent / path
    return path


def cell_texts(reader: RecipeReader, path: Path, options) -> Counter:
    """Every non-empty cell under the header of each table the recipe finds, as trimmed text."""
    texts: Counter = Counter()
    for table in reader.tables(path, options):
        for row in table.rows[table.header + 1:]:
            texts.update(str(c).strip() for c in row if c is not None and str(c).strip())
    return texts
