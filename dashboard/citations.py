"""Who published a chart's figures: one `Source` per report, the short line
under each chart and the full list behind it.

The line ("UN OCHA, WFP — 14 reports, 29 Dec 2019 – 22 Mar 2020") names the
publishers, most reports first, counts the reports and spans their publication
dates; the list gives publisher, title, date and link for each. The briefing
pack numbers the same list.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import i18n
from dashboard.i18n import _, ngettext
from dashboard.formats import day, missing, period_text
from warehouse.links import web_link


@dataclass(frozen=True)
class Source:
    """One published report a chart cites."""

    publisher: str
    title: str
    published: date | None = None
    url: str = ""
    source_id: str = ""

    def __str__(self) -> str:
        return f"{self.publisher}, {self.title}" + (f" ({day(self.published)})" if self.published else "")


def _value(row: dict, column: str) -> object:
    value = row.get(column)
    return None if missing(value) else value


def cite(*frames: pd.DataFrame) -> list[Source]:
    """The distinct reports behind some query results (columns source_id, source_publisher,
    source_title, source_date, source_url where present), in order of publication."""
    found: dict[tuple, Source] = {}
    for frame in frames:
        if frame is None or frame.empty or "source_publisher" not in frame:
            continue
        cols = [c for c in ("source_id", "source_publisher", "source_title", "source_date", "source_url") if c in frame]
        for row in frame[cols].drop_duplicates().to_dict("records"):
            published = _value(row, "source_date")
            source = Source(
                publisher=str(_value(row, "source_publisher") or "Unknown publisher"),
                title=str(_value(row, "source_title") or "untitled"),
                published=pd.Timestamp(published).date() if published is not None else None,
                url=str(_value(row, "source_url") or ""),
                source_id=str(_value(row, "source_id") or ""),
            )
            key = (source.source_id or None, source.publisher, source.title, source.published)
            if key not in found or (source.url and not found[key].url):
                found[key] = source
    return sorted(found.values(), key=lambda s: (s.published or date.min, s.publisher, s.title))


def with_links(sources: list[Source], known: pd.DataFrame) -> list[Source]:
    """Fill in missing links from the sources table (columns source_id, url)."""
    if known.empty or "source_id" not in known:
        return sources
    urls = {str(k): str(u) for k, u in zip(known["source_id"], known["url"]) if not missing(u)}
    return [s if s.url or s.source_id not in urls else Source(s.publisher, s.title, s.published, urls[s.source_id], s.source_id)
            for s in sources]


def short_name(publisher: str) -> str:
    """'AFP' for 'AFP (republished by dailygamingworld.com)': the line names who published; the list says where."""
    return publisher.split(" (", 1)[0].strip() or publisher


def sources_line(sources: list[Source]) -> str:
    """'UN OCHA, WFP, REACH — 14 reports, 29 Dec 2019 – 22 Mar 2020' (publishers with the most reports first)."""
    if not sources:
        return _("No source recorded")
    publishers = Counter(short_name(s.publisher) for s in sources)
    names = [p for p, count in sorted(publishers.items(), key=lambda item: (-item[1], item[0]))]
    shown = ", ".join(names[:4]) + (" " + _("and {count} more").format(count=i18n.number(len(names) - 4))
                                    if len(names) > 4 else "")
    dates = [s.published for s in sources if s.published]
    span = period_text(min(dates), max(dates)) if dates else _("undated")
    reports = ngettext("{count} report", "{count} reports", len(sources)).format(count=i18n.number(len(sources)))
    return _("{publishers} — {reports}, {span}").format(publishers=i18n.isolate(shown), reports=reports, span=span)


def sources_table(sources: list[Source]) -> pd.DataFrame:
    """The full list for the expander under a chart: publisher, title, date, link."""
    return pd.DataFrame({
        "Publisher": [s.publisher for s in sources],
        "Title": [s.title for s in sources],
        "Published": [day(s.published, _("undated")) for s in sources],
        "Link": [web_link(s.url) or "" for s in sources],  # "" not None: a grid prints None as "None"
    })
