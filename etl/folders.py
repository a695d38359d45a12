"""What a load does with each file it is given: a folder's manifest names each file's recipe and date.

`python -m etl load FOLDER` reads every data file in the folder. A file is
recognised by its contents unless the folder holds a manifest, `manifest.toml`
or `manifest.csv`, that names it:

    file,recipe,reference_date
    hno_2018.xlsx,hno-idp-estimates,2018-08-31
    stocks.csv,my-stocks,
    stocks.csv,my-flows,

Why: a folder holds files of several families and years; one --kind or one
--reference-date on the command line cannot say "this workbook is of August
2018, that one of August 2019", nor that one CSV feeds two recipes. A row per
file and recipe says it once, next to the files, and is kept with them.

A file may be named on several rows (one load per recipe); `file` may be a
pattern (`hno_*.xlsx`); `recipe` is a kind (`python -m etl kinds`) or a recipe
file relative to the manifest (`stocks.toml`), which then reads the files that
name it and no other; `sheet` is optional too. Files the manifest does not name
are recognised as usual, with the command line's --kind and --reference-date.
"""
from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from etl import sources
from etl.sources.base import ReadOptions, Reader

MANIFEST_NAMES = ("manifest.toml", "manifest.csv")
KEYS = ("file", "recipe", "reference_date", "sheet")


class ManifestError(ValueError):
    """A folder manifest that cannot be followed; nothing of its folder loads (the message says why)."""


@dataclass(frozen=True)
class Job:
    """One load to make: a file, the reader or recipe to read it with (None: recognise it), what the person said."""

    path: Path
    kind: str | Reader | None = None
    options: ReadOptions | None = None
    named_by: str = ""          # the manifest (or --kind) that chose the recipe, for the report
    error: str = ""             # a manifest problem: reported for this folder, nothing loaded from it

    @property
    def kind_name(self) -> str:
        return "" if self.kind is None else self.kind if isinstance(self.kind, str) else self.kind.KIND


def manifest_of(folder: Path) -> Path | None:
    """The folder's manifest file, if it has one."""
    found = [folder / name for name in MANIFEST_NAMES if (folder / name).is_file()]
    if len(found) > 1:
        raise ManifestError(f"{folder}: holds both manifest.toml and manifest.csv; keep one")
    return found[0] if found else None


def _rows(manifest: Path) -> list[dict]:
    """The manifest's rows as dicts of KEYS (TOML: [[file]] tables, `recipe` may be a list)."""
    try:
        if manifest.suffix == ".csv":
            with open(manifest, newline="", encoding="utf-8-sig") as handle:
                rows = [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                        for row in csv.DictReader(handle)]
        else:
            data = tomllib.loads(manifest.read_text(encoding="utf-8"))
            if set(data) - {"file"}:
                raise ManifestError(f"{manifest.name}: unknown section(s) {', '.join(sorted(set(data) - {'file'}))}"
                                    " (use [[file]] tables)")
            rows = []
            for entry in data.get("file", []):
                recipes = entry.get("recipe")
                for recipe in recipes if isinstance(recipes, list) else [recipes]:
                    rows.append({**entry, "recipe": recipe or ""})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, csv.Error) as exc:
        raise ManifestError(f"{manifest.name}: not readable ({exc})") from exc
    for number, row in enumerate(rows, 2 if manifest.suffix == ".csv" else 1):
        where = f"{manifest.name} {'row' if manifest.suffix == '.csv' else 'entry'} {number}"
        unknown = set(row) - set(KEYS)
        if unknown:
            raise ManifestError(f"{where}: unknown column(s) {', '.join(sorted(unknown))} (allowed: {', '.join(KEYS)})")
        if not str(row.get("file") or "").strip():
            raise ManifestError(f"{where}: `file` is required")
        row["where"] = where
    return rows


def _reader(recipe: str, folder: Path, where: str) -> str | Reader | None:
    """A kind name as it is, a recipe file as its reader (used for the files that name it only)."""
    from etl.recipes import RecipeError, reader_of_file

    if not recipe:
        return None
    if recipe.lower().endswith(".toml"):
        try:
            return reader_of_file(folder / recipe)
        except RecipeError as exc:
            raise ManifestError(f"{where}: recipe {recipe}: {exc}") from exc
    if recipe not in sources.kinds():
        raise ManifestError(f"{where}: unknown recipe {recipe!r} (a kind from `python -m etl kinds`, or a .toml file)")
    return recipe


def _date(text: object, where: str) -> date | None:
    if text in (None, ""):
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise ManifestError(f"{where}: reference_date {text!r} is not YYYY-MM-DD") from exc


def _files(folder: Path, pattern: str, where: str, data_files: set[Path]) -> list[Path]:
    if any(c in pattern for c in "*?["):
        found = sorted(p for p in folder.glob(pattern) if p in data_files)
    else:
        found = [folder / pattern] if (folder / pattern) in data_files else []
    if not found:
        raise ManifestError(f"{where}: no data file {pattern!r} in {folder}")
    return found


def plan_folder(folder: Path, data_files: list[Path], kinds: list[str], options: ReadOptions | None) -> list[Job]:
    """The loads of one folder: its manifest's rows, then its other files as the command line says."""
    manifest = manifest_of(folder)
    named: list[Job] = []
    if manifest is not None:
        present = set(data_files)
        for row in _rows(manifest):
            where = row["where"]
            reader = _reader(str(row.get("recipe") or "").strip(), manifest.parent, where)
            said = {k: v for k, v in (("reference_date", _date(row.get("reference_date"), where)),
                                      ("sheet", str(row.get("sheet") or "").strip() or None)) if v}
            given = replace(options or ReadOptions(), **said)
            for path in _files(manifest.parent, str(row["file"]).strip(), where, present):
                named.append(Job(path, reader, given if given != ReadOptions() else None, manifest.name))
    listed = {job.path for job in named}
    rest = [Job(p, k, options, "--kind" if k else "") for p in data_files if p not in listed for k in (kinds or [None])]
    return named + rest


def plan(paths: list[Path], data_files_of: Callable[[list[Path]], list[Path]], kinds: list[str] | None = None,
         options: ReadOptions | None = None) -> list[Job]:
    """Every load the named files and folders ask for (a folder's manifest decides for the files it names).

    `data_files_of(path)`: the data files a path stands for (etl.load.expand). A broken manifest is one
    Job with an error for its folder, so the other paths still load.
    """
    jobs: list[Job] = []
    for path in map(Path, paths):
        files = data_files_of([path])
        if not path.is_dir():
            jobs += [Job(p, k, options, "--kind" if k else "") for p in files for k in (kinds or [None])]
            continue
        try:
            jobs += plan_folder(path, files, list(kinds or []), options)
        except ManifestError as exc:
            jobs.append(Job(path, error=f"{exc}; nothing in {path} was loaded"))
    return jobs
