"""`python -m etl refresh`: load every source a manifest (etl/sources.toml) lists.

A manifest entry is a local file or folder (`path`, relative to the manifest's
`root`, itself relative to the manifest) or an online source (`type = "hdx"`,
`"unhcr_api"`, `"dtm_api"`) fetched into the cache folder first. Every file is
then loaded with etl.load.load_file: one transaction per file, so a failed file
leaves the warehouse as it was and the others still load. Loading the same
file twice changes nothing, so a refresh can be re-run at any time.
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from etl import connectors, sources
from etl.connectors.http import ConnectorError, Http
from etl.load import LoadReport, expand, load_file

DEFAULT_MANIFEST = Path(__file__).with_name("sources.toml")
Tick = Callable[[str], None]


class ManifestError(Exception):
    """The manifest cannot be used (missing, not TOML, an entry without path or type)."""


@dataclass
class Entry:
    name: str
    type: str = "file"
    path: Path | None = None
    kind: str | None = None
    options: dict = field(default_factory=dict)


@dataclass
class Manifest:
    path: Path
    root: Path
    cache: Path
    entries: list[Entry]


def _entry(raw: dict, root: Path, number: int) -> Entry:
    if not isinstance(raw, dict):
        raise ManifestError(f"[[source]] number {number} is not a table")
    kind_of = raw.get("type") or ("file" if "path" in raw else None)
    if kind_of is None:
        raise ManifestError(f"[[source]] number {number} has neither `path` nor `type`")
    if kind_of != "file" and kind_of not in connectors.KINDS:
        raise ManifestError(f"[[source]] number {number}: unknown type {kind_of!r} "
                            f"(use file, {', '.join(connectors.KINDS)})")
    kind = raw.get("kind")
    if raw.get("recipe"):  # a recipe file of its own (relative to the root): its kind reads this entry
        kind = _use_recipe(Path(str(raw["recipe"])).expanduser(), root, number)
    if kind and kind not in sources.kinds():
        raise ManifestError(f"[[source]] number {number}: unknown kind {kind!r} (see `python -m etl kinds`)")
    path = None
    if kind_of == "file":
        path = Path(str(raw["path"])).expanduser()
        path = path if path.is_absolute() else (root / path)
    name = str(raw.get("name") or (path.name if path else raw.get("dataset") or kind_of))
    return Entry(name, kind_of, path, kind, raw)


def _use_recipe(path: Path, root: Path, number: int) -> str:
    """Register the recipe an entry names and return its kind; a broken recipe is a manifest error."""
    from etl.recipes import RecipeError, RecipeReader, load_recipe

    path = path if path.is_absolute() else root / path
    try:
        reader = RecipeReader(load_recipe(path))
    except RecipeError as exc:
        raise ManifestError(f"[[source]] number {number}: {exc}") from exc
    if reader.KIND not in sources.kinds():
        sources.register_named(reader)
    return reader.KIND


def read_manifest(path: Path) -> Manifest:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"no manifest at {path}") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path.name}: not a readable TOML manifest ({exc})") from exc
    root = (path.parent / str(data.get("root", "."))).resolve()
    cache = Path(str(data.get("cache", "data/cache")))
    raw_entries = data.get("source", [])
    if not isinstance(raw_entries, list):
        raise ManifestError(f"{path.name}: `source` must be a list of [[source]] tables")
    entries = [_entry(raw, root, n) for n, raw in enumerate(raw_entries, 1)
               if not (isinstance(raw, dict) and raw.get("enabled") is False)]
    return Manifest(path, root, cache if cache.is_absolute() else root / cache, entries)


@dataclass
class Planned:
    """A file to load (or a source that could not be fetched, with why)."""

    entry: Entry
    path: Path | None
    error: str | None = None


def fetch_all(manifest: Manifest, http: Http | None = None, tick: Tick | None = None) -> list[Planned]:
    """Resolve local entries to files and download online ones; errors are kept, not raised."""
    http, tick = http or Http(), tick or (lambda label: None)
    planned: list[Planned] = []
    for entry in manifest.entries:
        tick(entry.name)
        if entry.type == "file":
            if entry.path is None or not entry.path.exists():
                planned.append(Planned(entry, entry.path, f"{entry.name}: no such file {entry.path}"))
            else:
                planned += [Planned(entry, p) for p in expand([entry.path])]
            continue
        try:
            planned += [Planned(entry, p) for p in connectors.fetch(entry.options, manifest.cache, http)]
        except (ConnectorError, KeyError, ValueError, OSError) as exc:
            planned.append(Planned(entry, None, f"{entry.name}: download failed: {exc}".replace("\n", " ")))
    return planned


def _rank(item: Planned) -> int:
    """Places load before the facts about them (the readers' own priority)."""
    if item.path is None or item.error:
        return 99
    try:
        module = sources.reader_for(item.entry.kind) if item.entry.kind else sources.detect(item.path)
        return sources.priority(module, item.path)
    except Exception:
        return 99


def order(planned: list[Planned]) -> list[Planned]:
    return sorted(planned, key=_rank)  # stable: manifest order within a priority


def load_all(planned: list[Planned], db_path: Path, *, dry_run: bool = False, loaded_by: str | None = None,
             tick: Tick | None = None) -> list[LoadReport]:
    tick = tick or (lambda label: None)
    reports = []
    for item in order(planned):
        tick(item.path.name if item.path else item.entry.name)
        if item.error:
            reports.append(LoadReport(file=str(item.path or item.entry.name), status="failed", message=item.error))
            continue
        reports.append(load_file(item.path, db_path, kind=item.entry.kind, dry_run=dry_run, loaded_by=loaded_by))
    return reports


def refresh(manifest_path: Path, db_path: Path, *, http: Http | None = None, dry_run: bool = False,
            loaded_by: str | None = None) -> list[LoadReport]:
    """Fetch and load everything the manifest lists (library entry point, no progress display)."""
    manifest = read_manifest(manifest_path)
    return load_all(fetch_all(manifest, http), db_path, dry_run=dry_run, loaded_by=loaded_by)
