"""Finding a table's header row, and comparing header text loosely (one rule for every reader).

Published spreadsheets put their header on different rows from one year to the
next (banner rows, a totals row above the header), so readers look for the
header by the columns they need instead of assuming row 1.

Two ways of comparing header text, each written once:
- `key`: letters and digits only ("Admin 3 P-Code" = "admin3pcode"), for
  publishers' headers, which change punctuation and spacing between releases;
- `normalise`: case and runs of white space only, for the project's own
  templates, whose column names (`period_start`) must match as written.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

MAX_HEADER_SCAN = 30
_NOT_KEPT = re.compile(r"[\W_]+")
_NOT_KEPT_IN_PATTERNS = re.compile(r"[^\w*]+|_")  # a recipe's header patterns keep their `*` wildcards
_HASHTAG = re.compile(r"^#[A-Za-z][\w]*(\s*\+\s*[A-Za-z][\w]*)*$")


def key(text: object, wildcards: bool = False) -> str:
    """Text compared loosely: lower case, letters and digits only (Arabic letters kept; `*` too with wildcards)."""
    return _key(str(text or ""), wildcards)


@lru_cache(maxsize=1 << 16)
def _key(text: str, wildcards: bool) -> str:
    """Cached: recognising one file compares the same few header cells with every recipe's patterns
    (hundreds of thousands of calls, seconds, before the cache)."""
    return (_NOT_KEPT_IN_PATTERNS if wildcards else _NOT_KEPT).sub("", text.lower())


def normalise(name: object) -> str:
    """Header text compared loosely: case, spaces, line breaks and trailing blanks ignored."""
    return re.sub(r"\s+", " ", str(name or "")).strip().lower()


def header_index(rows: Sequence[Sequence[object]], accept: Callable[[list[str]], bool],
                 limit: int = MAX_HEADER_SCAN, keyed: Callable[[object], str] = key) -> int | None:
    """First row (within `limit`) whose cells, compared loosely by `keyed`, satisfy `accept`."""
    for index, row in enumerate(rows[:limit]):
        if accept([keyed(c) for c in row]):
            return index
    return None


def header_with(rows: Sequence[Sequence[object]], names: Iterable[str], limit: int = MAX_HEADER_SCAN,
                keyed: Callable[[object], str] = key) -> int | None:
    """First row (within `limit`) holding every one of `names`, compared loosely by `keyed`."""
    wanted = {keyed(n) for n in names}
    return header_index(rows, lambda cells: wanted <= set(cells), limit, keyed)


def is_hxl_row(row: Iterable[object]) -> bool:
    """An HXL hashtag row: every non-empty cell is a hashtag with attributes (#affected+idps).

    Strict on purpose: a data row that merely contains a '#' value must not be
    mistaken for the hashtag row and silently skipped.
    """
    cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
    return bool(cells) and all(_HASHTAG.match(c) for c in cells)
