"""Every reader the ETL knows, recipes and code, behind one interface (base.Reader).

A reader has KIND, DESCRIPTION, SUFFIXES, detect(path) -> bool, read(path)
-> ReadResult and optionally priority(path) -> int (lower loads first: places
before the facts about them), score(path) -> Score (how well it fits, and why)
and an `options` argument to read (--reference-date, --sheet, --header-row).

Recipes (etl/recipes/*.toml, and the data officer's folder) describe the
families whose logic is a mapping; code readers stay where there is real logic
(the IDP workbook's month matching and origin matrix, HNO's per-column
reference dates and admin levels, P-coded GeoJSON, TopoJSON meshing, HXL, the
tidy template).

One decision: `choose(path)` scores the readers in detection order and takes the
first that fits; `load` (detect) and `--explain` both call it, and a reader's
score makes the same test of the file as its read, so what --explain names is
what load uses, and a refusal names the closest readers and what each missed.

Order matters for detection: the data officer's own recipes come first (a
recipe someone wrote for a family they receive beats a built-in guess; among
them, lowest `priority` first), then specific publishers' formats, then the
generic ones (HXL, tidy template), so that a file is read by the reader that
knows its quirks.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

from etl.sources import hxl, map_layer, tidy
from etl.sources import (  # publishers' own formats that need code, recognised by their contents
    cod_ab, geojson_admin, geopackage, health_attacks, hno_idp_estimates, named_areas, ocha_idp_movements,
    topojson_countries,
    unhcr_population_table, zipped_shapefile,
)
from etl.sources.base import ReadError, ReadOptions, ReadResult, Reader, Score

READERS: list[Reader] = [
    ocha_idp_movements, hno_idp_estimates,  # the built-in recipes follow (added on first use, see readers())
    unhcr_population_table,
    health_attacks,  # before hxl: its hashtags alone would read it as all deaths
    cod_ab, zipped_shapefile, geopackage, geojson_admin, topojson_countries,  # before map_layer: they take P-coded GeoJSON
    named_areas, hxl, tidy, map_layer,
]


def register(module: Reader, *, before: Reader | None = None) -> None:
    """Add a reader (specific readers go before the generic ones)."""
    if module in READERS:
        return
    READERS.insert(READERS.index(before) if before in READERS else len(READERS), module)


# Readers a refresh manifest names for its own entries (`recipe = "..."`): found by kind, never by
# detection, so a manifest's recipe cannot claim another file of the same process (a DTM CSV, say).
NAMED_ONLY: dict[str, Reader] = {}


def register_named(module: Reader) -> None:
    """Make a reader reachable by its kind (--kind, a manifest entry) without adding it to detection."""
    NAMED_ONLY.setdefault(module.KIND, module)


_recipes_added = False


def readers() -> list[Reader]:
    """The data officer's recipes, then the built-in readers (read afresh: a saved recipe counts at once).

    An officer's recipe whose kind is a built-in kind is left out: a kind names one reader (--kind).
    """
    global _recipes_added
    from etl import recipes  # here, not at import: etl.recipes imports etl.sources.base

    if not _recipes_added:
        _recipes_added = True
        at = READERS.index(hno_idp_estimates) + 1
        READERS[at:at] = [r for r in recipes.builtin_readers() if r.KIND not in {m.KIND for m in READERS}]
    officer = [r for r in recipes.officer_readers() if r.KIND not in {m.KIND for m in READERS}]
    return officer + READERS


def kinds() -> dict[str, str]:
    """Every kind a load can name: the detected readers, then those a manifest named for its entries."""
    return {m.KIND: m.DESCRIPTION for m in readers()} | {
        k: m.DESCRIPTION for k, m in NAMED_ONLY.items() if k not in {r.KIND for r in READERS}}


def reader_for(kind: str) -> Reader:
    for module in readers():
        if module.KIND == kind:
            return module
    if kind in NAMED_ONLY:
        return NAMED_ONLY[kind]
    raise KeyError(f"unknown kind {kind!r}; known kinds: {', '.join(kinds())}")


def _suffixes() -> str:
    return ", ".join(sorted({s for m in readers() for s in m.SUFFIXES}))


def score(reader: Reader, path: Path) -> Score:
    """How well a reader fits the file: a recipe says what it found and missed; code says yes or no."""
    if path.suffix.lower() not in reader.SUFFIXES:
        return Score(reader.KIND, 0.0, [], [f"a {' or '.join(reader.SUFFIXES)} file"])
    fn = getattr(reader, "score", None)
    try:
        if fn is not None:
            return fn(path)
        fits = bool(reader.detect(path))
    except ReadError:
        raise
    except Exception as exc:  # a reader that cannot parse the file just does not claim it
        return Score(reader.KIND, 0.0, [], [f"could not parse it ({exc.__class__.__name__})"])
    return Score(reader.KIND, 1.0 if fits else 0.0, ["its own test of the contents"] if fits else [],
                 [] if fits else [f"{CODE_TEST}: {reader.DESCRIPTION}"])


CODE_TEST = "its own test of the contents (code reader)"


@dataclass
class Choice:
    """Which reader reads a file, and every score behind that decision (what `--explain` prints)."""

    path: Path
    reader: Reader | None
    scores: list[Score]             # best first (ties in detection order)

    def refusal(self) -> ReadError:
        """The error a load gives when no reader fits: the closest readers and exactly what each missed."""
        return ReadError(self.path, "format not recognised. " + closest(self.scores) + HOW_TO_RECIPE)


def choose(path: Path, *, every: bool = False) -> Choice:
    """THE decision: the first reader (in detection order) whose score says it fits the file.

    `load` and `--explain` both call this, so the reader --explain names is the one load uses; with
    every=True (explain) the readers after the winner are scored too, to show how close they came.
    """
    _check_type(path)
    scores, winner = [], None
    for module in readers():
        if winner is not None and not every:
            break
        found = score(module, path)
        scores.append(found)
        if winner is None and found.fits:
            winner = module
    order = {s.kind: i for i, s in enumerate(scores)}
    return Choice(path, winner, sorted(scores, key=lambda s: (-s.score, order[s.kind])))


def explain(path: Path) -> list[Score]:
    """Every reader's score for this file, best first (ties in detection order)."""
    return choose(path, every=True).scores


def _check_type(path: Path) -> None:
    if not any(path.suffix.lower() in m.SUFFIXES for m in readers()):
        raise ReadError(path, f"unsupported file type '{path.suffix}' (supported: {_suffixes()})")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from etl.sources.workbook import check_zip_sizes

        check_zip_sizes(path)  # before any reader's detect() opens the workbook (zip bombs)


def detect(path: Path) -> Reader:
    """The reader that fits this file by its contents, not just its name (see choose)."""
    choice = choose(path)
    if choice.reader is None:
        raise choice.refusal()
    return choice.reader


HOW_TO_RECIPE = (" To load it: `python -m etl recipe draft FILE` writes a recipe to edit (see docs/loading-data.md,"
                 " 'Recipes'), or name a kind with --kind (`python -m etl kinds`).")


def nearest(scores: list[Score], top: int = 3) -> list[Score]:
    """The readers that came closest, among those that take this type of file (exact misses first)."""
    near = [s for s in scores if not (s.score == 0 and s.missing[:1] and s.missing[0].startswith("a .")
                                      and s.missing[0].endswith(" file"))]
    return sorted(near, key=lambda s: (-s.score, any(CODE_TEST in m for m in s.missing)))[:top]


def closest(scores: list[Score], top: int = 3) -> str:
    """The readers that came closest and what each missed, in one sentence.

    Readers that do not take the file's type are left out; when none found anything, the readers that
    take it are named with what they look for, so the person still learns which field was missing.
    """
    best = nearest(scores, top)
    if not best:
        return "No reader takes this type of file."
    lead = "Closest" if best[0].score > 0 else "No reader found any of what it looks for. Closest"
    return lead + ": " + "; ".join(
        f"{s.kind} ({s.score:.0%}, missing {', '.join(s.missing) or 'nothing'})" for s in best) + "."


def priority(module: Reader, path: Path) -> int:
    """Load order in a folder: lower loads first (places before the facts about them)."""
    fn = getattr(module, "priority", None)
    return fn(path) if fn else 50


def read(reader: Reader, path: Path, options: ReadOptions | None = None, **kwargs) -> ReadResult:
    """Call a reader, passing the person's options to readers that take them."""
    if options is not None and "options" in inspect.signature(reader.read).parameters:
        kwargs["options"] = options
    return reader.read(path, **kwargs)
