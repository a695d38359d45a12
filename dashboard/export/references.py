"""Numbered references for the briefing pack: each source gets a number the first
time a headline or chart cites it, the chart carries "[3], [5]–[8]", and the
list at the end gives publisher, title, date and link for each number.

A source is cited either as a record with publisher, title, published (and
url) attributes — a chart's references, a headline, an event — or as the text
'Publisher, Title (YYYY-MM-DD)'; the warehouse's sources table adds the URL
when the citation has none.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import pandas as pd

from dashboard.export.about import day


class Cited(Protocol):
    publisher: str
    title: str
    published: date | None


@dataclass(frozen=True)
class Reference:
    number: int
    publisher: str
    title: str
    published: date | None
    url: str | None

    @property
    def text(self) -> str:
        """'UN OCHA. Flash Update No. 1. 20 Dec 2019.' (the link is written after it)."""
        parts = [self.publisher.rstrip("."), self.title.rstrip(".")] if self.title else [self.publisher.rstrip(".")]
        if self.published:
            parts.append(day(self.published))
        return ". ".join(p for p in parts if p) + "."


def _key(publisher: object, title: object, published: object) -> str:
    text = f"{publisher}, {title}"
    return text + (f" ({pd.Timestamp(published):%Y-%m-%d})" if published is not None and pd.notna(published) else "")


class References:
    """Numbers sources in the order they are first cited."""

    def __init__(self, sources: pd.DataFrame) -> None:
        """`sources`: publisher, title, published, url per source (briefing.sources_with_loads)."""
        self._known: dict[str, tuple[str, str, date | None, str | None]] = {}
        for row in sources.drop_duplicates(["publisher", "title", "published"]).itertuples(index=False):
            published = pd.Timestamp(row.published).date() if pd.notna(row.published) else None
            url = row.url if isinstance(row.url, str) and row.url else None
            entry = (str(row.publisher), str(row.title), published, url)
            self._known.setdefault(_key(row.publisher, row.title, row.published), entry)
            self._known.setdefault(_key(row.publisher, row.title, None), entry)
        self._numbers: dict[str, int] = {}
        self.entries: list[Reference] = []

    def _entry(self, source: str | Cited) -> tuple[str, str, date | None, str | None]:
        if isinstance(source, str):
            return self._known.get(source) or (source, "", None, None)
        published = pd.Timestamp(source.published).date() if source.published is not None \
            and pd.notna(source.published) else None
        known = self._known.get(_key(source.publisher, source.title, published)) or \
            self._known.get(_key(source.publisher, source.title, None))
        url = getattr(source, "url", None) or (known[3] if known else None)
        # a chart that cites a report without its date and a headline with it are one reference, not two
        published = published or (known[2] if known else None)
        return str(source.publisher), str(source.title or ""), published, url

    def number(self, source: str | Cited) -> int:
        """The number of one source, given a new one if it was not cited yet."""
        publisher, title, published, url = self._entry(source)
        key = _key(publisher, title, published)
        if key not in self._numbers:
            self._numbers[key] = len(self.entries) + 1
            self.entries.append(Reference(self._numbers[key], publisher, title, published, url))
        return self._numbers[key]

    def cite(self, sources: Iterable[str | Cited]) -> list[int]:
        return sorted({self.number(s) for s in sources})


def label(numbers: Iterable[int]) -> str:
    """'[1], [3]–[5]': consecutive numbers as a range, as a reader of a report expects."""
    numbers = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"[{r[0]}]" if len(r) == 1 else
                     (f"[{r[0]}], [{r[1]}]" if len(r) == 2 else f"[{r[0]}]–[{r[-1]}]") for r in runs)
