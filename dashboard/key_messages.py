"""Key messages: the three to five sentences a flash update opens with, written from the warehouse
for the selected period, on the crisis page and on page 1 of the briefing pack.

Why: policymakers quote sentences, not charts. Each sentence says one thing the ledger
(warehouse.queries.ledger) already answers — how many fled and by when, how many reached places near
the Turkish border, how they were sheltering, how many civilians were killed — with the ledger's
quoted figure, so a sentence never disagrees with the headline above it, and the ceasefire from the
events table. Every number is a published figure (or a report's sum of disjoint places, the counted
rule) followed by its source; a question with no figure gives no sentence, never an invented one.

The functions here are pure: query results in, `Message`s out. How a source is cited is the
caller's (`cite`): the page writes "(publisher, date)", the pack its reference number "[3]".
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import i18n, places
from dashboard.catalog import Query
from dashboard.i18n import N_, _, ngettext
from warehouse.queries import Filters
from warehouse.queries.ledger import NEAR_KM, QUESTION_PLACE

QUESTIONS = ("displaced", "near_border", "sheltered", "deaths")   # the ledger questions a message answers
MAX_MESSAGES = 5


@dataclass(frozen=True)
class Source:
    """A report a message cites (the shape dashboard.export.references numbers)."""

    publisher: str
    title: str
    published: date | None
    url: str | None = None


@dataclass(frozen=True)
class Message:
    """One sentence, with the figures it quotes, the dates it names and the sources it cites."""

    key: str
    text: str
    figures: tuple[float, ...]
    days: tuple[date, ...]
    sources: tuple[Source, ...]
    km: tuple[float, ...] = ()   # distances it names (not figures: the border band, the corridor)


Cite = Callable[[Source], str]

# How displaced people were sheltering, in the order a flash update lists them.
SHELTER_WORDS: dict[str, str] = {
    "idps_in_open": N_("in the open ({number})"),
    "idps_in_tents": N_("in tents ({number})"),
    "idps_in_unfinished_buildings": N_("in unfinished buildings ({number})"),
    "idps_in_camps": N_("in camps and sites ({number})"),
}
CEASEFIRE = re.compile(r"cease-?fire", re.I)
CORRIDOR_KM = re.compile(r"(\d+(?:\.\d+)?)\s*(?:km|kilomet)", re.I)


def _day(value) -> date | None:
    return pd.Timestamp(value).date() if value is not None and pd.notna(value) else None


def source_of(row: Mapping) -> Source:
    url = row.get("source_url")
    return Source(str(row.get("source_publisher") or _("Source not recorded")), str(row.get("source_title") or ""),
                  _day(row.get("source_date")), url if isinstance(url, str) and url else None)


def page_cite(source: Source) -> str:
    """'(WFP, 3 Mar 2020)': the page's citation (the pack writes its reference number, '[3]')."""
    if source.published is None:
        return f"({i18n.isolate(source.publisher)})"
    return "(" + _("{publisher}, {day}").format(publisher=i18n.isolate(source.publisher),
                                                day=i18n.day(source.published)) + ")"


def _place(row: Mapping, names: Mapping[str, str]) -> str:
    pcode = row.get("place_pcode")
    if pcode == QUESTION_PLACE:
        return _("Northwest Syria")
    if isinstance(pcode, str) and pcode:
        return places.place(pcode, row.get("places"), dict(names))
    return i18n.isolate(row.get("places") or _("several places"))


def _count(value: float) -> int:
    return int(round(float(value)))


# --- one sentence per question -----------------------------------------------------------------

def displaced(row: Mapping, cite: Cite, names: Mapping[str, str]) -> Message:
    """How many fled and by when (movements said as movements, never as people)."""
    n, source = _count(row["value"]), source_of(row)
    start, end = _day(row["period_start"]), _day(row["period_end"])
    if row["figure_type"] == "displacements":
        text = ngettext("Between {start} and {end}, {number} displacement movement was reported in {place} {source}.",
                        "Between {start} and {end}, {number} displacement movements were reported in {place} "
                        "{source}.", n)
    else:
        text = ngettext("By {end}, {number} person had been displaced in {place} since {start} {source}.",
                        "By {end}, {number} people had been displaced in {place} since {start} {source}.", n)
    return Message("displaced", text.format(start=i18n.day(start), end=i18n.day(end), number=i18n.number(n),
                                            place=_place(row, names), source=cite(source)),
                   (float(row["value"]),), (start, end), (source,))


def near_border(row: Mapping, cite: Cite, names: Mapping[str, str]) -> Message:
    """Where people went, and how close to the border (the ledger's places within NEAR_KM)."""
    n, source = _count(row["value"]), source_of(row)
    start, end = _day(row["period_start"]), _day(row["period_end"])
    text = ngettext("Between {start} and {end}, {number} displaced person arrived in {place}, within {km} km of "
                    "the Turkish border {source}.",
                    "Between {start} and {end}, {number} displaced people arrived in {place}, within {km} km of "
                    "the Turkish border {source}.", n)
    return Message("near_border", text.format(start=i18n.day(start), end=i18n.day(end), number=i18n.number(n),
                                              place=_place(row, names), km=i18n.number(NEAR_KM),
                                              source=cite(source)),
                   (float(row["value"]),), (start, end), (source,), (NEAR_KM,))


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    comma = "\u060c \u0648" if i18n.is_rtl() else ", "   # Arabic repeats «و» before each item
    return _("{items} and {last}").format(items=comma.join(parts[:-1]), last=parts[-1])


def sheltered(ledger: pd.DataFrame, cite: Cite) -> Message:
    """How the displaced were sheltering: the quoted report's shelter figures, as of its date."""
    quoted = ledger.iloc[0]
    same = ledger[(ledger["source_id"] == quoted["source_id"]) & (ledger["period_end"] == quoted["period_end"])
                  & ledger["figure_type"].isin(SHELTER_WORDS)].drop_duplicates("figure_type")
    rows = sorted(same.to_dict("records"), key=lambda r: list(SHELTER_WORDS).index(r["figure_type"]))
    parts = [_(SHELTER_WORDS[r["figure_type"]]).format(number=i18n.number(_count(r["value"]))) for r in rows]
    source, end = source_of(quoted), _day(quoted["period_end"])
    text = _("As of {day}, displaced people were living {parts} {source}.").format(
        day=i18n.day(end), parts=_join(parts), source=cite(source))
    return Message("sheltered", text, tuple(float(r["value"]) for r in rows), (end,), (source,))


def deaths(row: Mapping, cite: Cite, names: Mapping[str, str]) -> Message:
    """Civilians killed (the ledger counts civilians only: never a subset shown as all deaths)."""
    n, source = _count(row["value"]), source_of(row)
    start, end = _day(row["period_start"]), _day(row["period_end"])
    text = ngettext("Between {start} and {end}, {number} civilian was killed in {place} {source}.",
                    "Between {start} and {end}, {number} civilians were killed in {place} {source}.", n)
    return Message("deaths", text.format(start=i18n.day(start), end=i18n.day(end), number=i18n.number(n),
                                         place=_place(row, names), source=cite(source)),
                   (float(row["value"]),), (start, end), (source,))


def ceasefire(events: pd.DataFrame, cite: Cite) -> Message | None:
    """The period's ceasefire agreement (a key event first, then the latest), with the corridor along
    the M4 when the event row states one, and its depth only when the row gives it."""
    if events.empty:
        return None
    words = events["title"].fillna("") + " " + events["description"].fillna("")
    agreed = events[(events["category"] == "agreement") & words.str.contains(CEASEFIRE)]
    if agreed.empty:
        return None
    agreed = agreed.assign(key=(agreed["importance"] == "key").astype(int)).sort_values(["key", "event_date"])
    event = agreed.iloc[-1].to_dict()
    said = f"{event.get('title') or ''} {event.get('description') or ''}"
    source, when = source_of(event), _day(event["event_date"])
    corridor = _corridor(said)
    depth = CORRIDOR_KM.search(said) if corridor else None
    sources = (source,)
    if corridor and not depth:  # the agreement's text may be another row of the same day (the protocol itself)
        depth, other = _corridor_depth(events[(events["category"] == "agreement")
                                              & (events["event_date"].map(_day) == when)])
        sources = (source, other) if depth else sources
    if depth:
        km = float(depth.group(1))
        text = _("On {day}, a ceasefire was agreed, with a security corridor {km} km deep on each side of the M4 "
                 "highway {source}.").format(day=i18n.day(when), km=i18n.number(km, 1 if km % 1 else 0),
                                               source=" ".join(cite(s) for s in sources))
        return Message("ceasefire", text, (), (when,), sources, (km,))
    text = (_("On {day}, a ceasefire was agreed, with a security corridor along the M4 highway {source}.")
            if corridor else _("On {day}, a ceasefire was agreed {source}.")).format(
        day=i18n.day(when), source=cite(source))
    return Message("ceasefire", text, (), (when,), (source,))


def _corridor(said: str) -> bool:
    return "corridor" in said.lower() and "M4" in said


def _corridor_depth(rows: pd.DataFrame) -> tuple[re.Match | None, Source | None]:
    """The corridor's depth from the first row that states one, with that row's source."""
    for row in rows.to_dict("records"):
        said = f"{row.get('title') or ''} {row.get('description') or ''}"
        found = CORRIDOR_KM.search(said) if _corridor(said) else None
        if found:
            return found, source_of(row)
    return None, None


MAKERS = {"displaced": displaced, "near_border": near_border, "deaths": deaths}


# --- all of them -----------------------------------------------------------------------------

def build(ledgers: Mapping[str, pd.DataFrame], events: pd.DataFrame, cite: Cite = page_cite,
          names: Mapping[str, str] | None = None) -> list[Message]:
    """The key messages of a period from its ledgers (question -> ledger.figures) and events;
    fewer when the period has fewer figures, none when it has none."""
    names = names or {}
    messages = []
    for question in QUESTIONS:   # in reading order, so the pack numbers the sources as they are read
        ledger = ledgers.get(question)
        if ledger is None or ledger.empty or pd.isna(ledger.iloc[0]["value"]):
            continue
        messages.append(sheltered(ledger, cite) if question == "sheltered" else
                        MAKERS[question](ledger.iloc[0].to_dict(), cite, names))
    agreed = ceasefire(events, cite)
    return (messages + ([agreed] if agreed else []))[:MAX_MESSAGES]


def key_messages(query: Query, filters: Filters, cite: Cite = page_cite) -> list[Message]:
    """The period's key messages from the warehouse (the ledger and the events), in the page's language."""
    ledgers = {q: query("ledger.figures", filters, question=q) for q in QUESTIONS}
    names = places.arabic_names(query) if i18n.language() != i18n.DEFAULT else {}
    return build(ledgers, query("timeline.events", filters), cite, names)
