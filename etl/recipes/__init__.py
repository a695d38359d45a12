"""Source recipes: a file shape described in TOML instead of written in Python.

One small TOML file per source family says which sheet holds the table, how
its header is recognised, which file column feeds which warehouse field, what
is constant, how a wide table melts into long rows, how cells are cleaned and
whom to cite. The built-in recipes live next to this file; a data officer's
own recipes live in a folder named by `--recipes DIR`, the
DISPLACEMENT_RECIPES environment variable, or `data/recipes/` by default.

Why: each publisher changes its files a little every year (a banner row, a
renamed column, a month in a column name). A recipe matches columns loosely
(case, spaces and punctuation ignored, `*` wildcards, `|` alternatives) and
finds its header wherever it sits, so most changes need no new code, and a new
family needs a TOML file, not a programmer. See docs/loading-data.md.
"""
from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import replace
from pathlib import Path

from etl.recipes.model import Recipe, RecipeError, parse_recipe
from etl.recipes.reader import RecipeReader

BUILTIN_DIR = Path(__file__).parent
ENV = "DISPLACEMENT_RECIPES"
DEFAULT_OFFICER_DIR = Path("data/recipes")

__all__ = ["Recipe", "RecipeError", "RecipeReader", "builtin_readers", "officer_readers", "load_recipe",
           "officer_dir", "set_officer_dir", "reader_of_file"]

_officer_dir: Path | None = None


def set_officer_dir(folder: Path | str | None) -> Path | None:
    """The data officer's recipe folder for this process (--recipes DIR); returns the one set before, so a
    caller can put it back."""
    global _officer_dir
    before, _officer_dir = _officer_dir, (Path(folder) if folder else None)
    return before


def officer_dir() -> Path:
    """--recipes DIR, then $DISPLACEMENT_RECIPES, then data/recipes/."""
    if _officer_dir is not None:
        return _officer_dir
    return Path(os.environ[ENV]) if os.environ.get(ENV) else DEFAULT_OFFICER_DIR


def load_recipe(path: Path) -> Recipe:
    """Parse one recipe file; a mistake in it is a RecipeError naming the file and the key."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RecipeError(f"{Path(path).name}: not a readable TOML recipe ({exc})") from exc
    return replace(parse_recipe(data, origin=Path(path)), sha256=hashlib.sha256(text.encode()).hexdigest())


def _readers(folder: Path) -> list[RecipeReader]:
    """A folder's recipes in the order they are tried: lowest `priority` first, then by file name.

    Why: two recipes of one folder may both fit a file (a stock table and a flow table of the same
    CSV); `priority` is how their author says which reads the file when no --kind names one.
    """
    if not folder.is_dir():
        return []
    found = [RecipeReader(load_recipe(p)) for p in sorted(folder.glob("*.toml"))]
    return sorted(found, key=lambda r: r.recipe.priority)  # stable: file name order within a priority


def builtin_readers() -> list[RecipeReader]:
    """The recipes shipped with the ETL, one per built-in family whose logic is a mapping."""
    return _readers(BUILTIN_DIR)


def officer_readers() -> list[RecipeReader]:
    """The data officer's own recipes, tried before every built-in reader (etl.sources.readers).

    A broken one is reported when it is used, not skipped silently.
    """
    return _readers(officer_dir())


def reader_of_file(path: Path) -> RecipeReader:
    """A recipe file named directly (a folder manifest, a refresh manifest, `recipe check`) as a reader.

    It is used for the file that names it only: it joins no detection, so it cannot claim other files.
    """
    return RecipeReader(load_recipe(path))
