"""Figures side by side: for each question the dashboard answers, every published figure for the
selected period, one of them quoted by a rule written once, the others beside it with why they differ.

Why: four publishers give four totals for "how many fled" (OCHA's 948,000, WFP/CCCM's 961,300,
REACH's 959,000, OCHA's monthly 752,131 movements). A reader needs one number to quote and the
others to see that it is not the only one, as IDMC gives a "recommended" figure with its
"triangulation" figures. The candidates come from SQL (one statement per question, counting only
what figure_roles counts); the quoting rule and the reasons are the Python below, written once and
shown in words on the "Figures side by side" page, under every headline and in the briefing pack.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse.queries.areas import area_clause, bands_nearer_than, counted, in_list, within
from warehouse.queries.base import Filters, fetch_df, where
from warehouse.queries.provenance import is_reprint

def N_(text: str) -> str:
    """Marks text for the Arabic catalogue (dashboard/locale/babel.cfg extracts this file); the
    dashboard translates it when it shows it."""
    return text


NEAR_KM = 25.0
CORROBORATION_DAYS = 10   # another figure for the same place, measure and window within this many days
QUESTION_PLACE = "SY-NW"  # the place every question is asked about


@dataclass(frozen=True)
class Question:
    key: str
    text: str        # English; the dashboard translates it
    unit: str        # what the number counts


QUESTIONS: tuple[Question, ...] = (
    Question("displaced", N_("How many people were displaced since the start of the period, as of its latest report?"),
             "people"),
    Question("near_border", N_("How many displaced people moved to places within 25 km of the Turkish border?"),
             "people"),
    Question("deaths", N_("How many civilians were killed?"), "people"),
    Question("refugees_turkey", N_("How many Syrian refugees are in Turkey?"), "people"),
    Question("sheltered", N_("How many displaced people live in camps and sites, tents or the open?"), "people"),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)

# THE quoting rule, in the order it is applied; the page prints these words.
QUOTE_RULE: tuple[tuple[str, str], ...] = (
    ("tier", N_("a UN agency's or cluster's own page first, then another publisher's own page, then a reprint")),
    ("people", N_("people before movements (a person displaced twice is two movements)")),
    ("published", N_("a figure as published before a sum of a report's disjoint places")),
    ("place", N_("the place the question asks about (Northwest Syria) before a part of it or a larger area")),
    ("window", N_("the window the question asks about (from the start of the period) before another window")),
    ("latest", N_("the latest reference date inside the period")),
    ("order", N_("then a fixed publisher order: UN OCHA, UNHCR, IOM, WFP, OHCHR, CCCM, then the others")),
)
UN_WORDS = ("ocha", "unhcr", "iom", "wfp", "ohchr", "unicef", "who", "cluster", "united nations", "un ", "security council")
PUBLISHER_ORDER = ("un ocha", "unhcr", "iom", "wfp", "ohchr", "cccm")


def tier(publisher: str) -> int:
    """0 a UN agency's or cluster's own page, 1 another publisher's own page, 2 a reprint."""
    text = f"{publisher or ''} ".lower()
    if is_reprint(publisher):
        return 2
    return 0 if any(word in text for word in UN_WORDS) else 1


def publisher_rank(publisher: str) -> int:
    text = (publisher or "").lower()
    return next((i for i, name in enumerate(PUBLISHER_ORDER) if name in text), len(PUBLISHER_ORDER))


# ------------------------------------------------------------------ candidates (one SQL per question)
_CITED = """any_value(COLUMNS(c.* EXCLUDE (source_id))), any_value(s.url) AS source_url,
            string_agg(DISTINCT l.file_sha256, ',') AS file_sha256"""


def _displacement(path: Path, filters: Filters, types: tuple[str, ...], extra: tuple[str, dict] = ("TRUE", {}),
                  place: str = "r.place_pcode") -> pd.DataFrame:
    clause, params = where(within(filters, "r.period_start", "r.period_end"), in_list("r.figure_type", types),
                           filters.sources_clause("r.source_id"), counted("r.counted"), extra,
                           area_clause(filters, "coalesce(r.destination_governorate, r.origin_governorate)",
                                       "r.destination_district"))
    sql = f"""
        SELECT r.figure_type, r.source_id, r.period_start, r.period_end,
               CASE WHEN count(DISTINCT {place}) = 1 THEN any_value({place}) END AS place_pcode,
               string_agg(DISTINCT coalesce(r.destination_name, r.origin_name), ', '
                          ORDER BY coalesce(r.destination_name, r.origin_name)) AS places,
               sum(r.individuals) AS value, count(*) AS rows, {_CITED}
        FROM displacement_placed r LEFT JOIN citations c USING (source_id) LEFT JOIN sources s USING (source_id)
             LEFT JOIN loads l ON l.load_id = r.load_id
        WHERE {clause}
        GROUP BY r.figure_type, r.source_id, r.period_start, r.period_end,
                 CASE WHEN r.figure_role = 'separate' THEN r.place_pcode END   -- never a sum across levels
        """
    return fetch_df(path, sql, params, filters)


def _deaths(path: Path, filters: Filters) -> pd.DataFrame:
    clause, params = where(within(filters, "r.period_start", "r.period_end"), filters.sources_clause("r.source_id"),
                           ("r.category = 'civilians'", {}),
                           area_clause(filters, "r.governorate_pcode", "r.district_pcode"))
    sql = f"""
        SELECT 'civilians' AS figure_type, r.source_id, r.period_start, r.period_end,
               any_value(r.location_pcode) AS place_pcode, any_value(p.name_en) AS places, r.deaths_best AS value,
               1 AS rows, {_CITED}
        FROM casualties_placed r LEFT JOIN citations c USING (source_id) LEFT JOIN sources s USING (source_id)
             LEFT JOIN v_locations p ON p.pcode = r.location_pcode
             LEFT JOIN loads l ON l.load_id = r.load_id
        WHERE {clause} AND r.deaths_best IS NOT NULL
        GROUP BY r.source_id, r.period_start, r.period_end, r.location_pcode, r.deaths_best
        """
    return fetch_df(path, sql, params, filters)


def _refugees(path: Path, filters: Filters) -> pd.DataFrame:
    clause, params = where(filters.period_clause("r.period_start", "r.period_end"), filters.sources_clause("r.source_id"),
                           ("r.origin_iso3 = 'SYR' AND r.asylum_iso3 = 'TUR'", {}),
                           ("r.population_type IN ('refugees', 'registered_refugees')", {}))
    sql = f"""
        SELECT r.population_type AS figure_type, r.source_id, r.period_start, r.period_end, 'TUR' AS place_pcode,
               'Turkey' AS places, sum(r.persons) AS value, count(*) AS rows, {_CITED}
        FROM refugees r LEFT JOIN citations c USING (source_id) LEFT JOIN sources s USING (source_id)
             LEFT JOIN loads l ON l.load_id = r.load_id
        WHERE {clause}
        GROUP BY r.population_type, r.source_id, r.period_start, r.period_end
        """
    return fetch_df(path, sql, params, filters)


SHELTER_TYPES = ("idps_in_camps", "idps_in_tents", "idps_in_open", "idps_in_unfinished_buildings")


def _candidates(path: Path, filters: Filters, question: str) -> pd.DataFrame:
    if question == "displaced":
        return _displacement(path, filters, ("newly_displaced", "displacements"))
    if question == "near_border":
        near = bands_nearer_than(NEAR_KM)
        return _displacement(path, filters, ("arrivals", "newly_displaced"),
                             ("list_contains($near, r.destination_band)", {"near": list(near)}),
                             place="r.destination_pcode")
    if question == "deaths":
        return _deaths(path, filters)
    if question == "refugees_turkey":
        return _refugees(path, filters)
    if question == "sheltered":  # stocks: each is dated to one day inside the period
        return _displacement(path, filters, SHELTER_TYPES)
    raise KeyError(f"unknown question {question!r}; questions: {', '.join(QUESTION_KEYS)}")


# ------------------------------------------------------------------ the rule
def _window_start(filters: Filters) -> pd.Timestamp | None:
    """The window a question asks about starts with the period; the whole span asks for no window."""
    return pd.Timestamp(filters.start) if filters.start is not None else None


def _rank(frame: pd.DataFrame, filters: Filters, question: str) -> pd.DataFrame:
    start = _window_start(filters)
    stock = question in ("refugees_turkey", "sheltered") or start is None
    return frame.assign(
        tier=frame["source_publisher"].map(tier),
        movements=(frame["figure_type"] == "displacements").astype(int),
        summed=(frame["rows"] > 1).astype(int),
        other_place=((frame["place_pcode"] != QUESTION_PLACE) & (question in ("displaced", "deaths"))).astype(int),
        other_window=(0 if stock else (pd.to_datetime(frame["period_start"]) != start).astype(int)),
        latest=-pd.to_datetime(frame["period_end"]).map(pd.Timestamp.toordinal),
        order=frame["source_publisher"].map(publisher_rank),
        published=-pd.to_datetime(frame["source_date"]).map(lambda d: d.toordinal() if pd.notna(d) else 0),
    ).sort_values(["tier", "movements", "summed", "other_place", "other_window", "latest", "order", "published",
                   "value"], ascending=[True] * 8 + [False], kind="stable")


# Why a figure differs from the quoted one: a code, and its words with {placeholders} filled from the row.
REASONS: dict[str, str] = {
    "quoted": N_("the figure to quote, by the rule above"),
    "movements": N_("counts movements, not people: one person displaced twice counts twice"),
    "measure": N_("another measure: {figure_type}"),
    "place": N_("another place: {place}"),
    "window": N_("another window: {start} – {end}"),
    "revision": N_("the same publisher's figure for the same place and window, published {published}; "
                   "the later publication is quoted"),
    "corroborating": N_("another figure for the same place and window, as of {end}"),
    "earlier": N_("an earlier reference date (as of {end}): the count grew after it"),
}
ROLE_OF = {"quoted": "quoted", "corroborating": "corroborating", "revision": "revision"}


def _differs(values: pd.Series, value) -> np.ndarray:
    """`row[column] != value` for every row, compared as Python compares two cells (None equals None,
    NaN differs from NaN), without building a Series per row."""
    return np.fromiter((v != value for v in values.tolist()), dtype=bool, count=len(values))


def _missing(value) -> bool:
    return value is None or (not isinstance(value, (str, list, tuple)) and bool(pd.isna(value)))


def _reasons(ranked: pd.DataFrame, quoted: pd.Series, question: str) -> list[str]:
    """Why each row differs from the quoted figure (a REASONS code; "quoted" for the quoted row itself),
    the rule applied in this order, a column at a time.

    Why not row by row: a ledger of daily reports has tens of thousands of rows (59,408 deaths on
    the 1 M-row benchmark warehouse), and a pandas Series per row cost seconds of a dashboard
    process's only core, while every viewer of that page waited for it.
    """
    def same(column: str) -> np.ndarray:
        return ~_differs(ranked[column], quoted[column])

    def alike(column: str) -> np.ndarray:  # as Series.equals compares: missing equals missing
        missing = ranked[column].isna().to_numpy() if _missing(quoted[column]) else False
        return same(column) | missing

    kind = ranked["figure_type"]
    movements = (kind == "displacements").to_numpy() & (quoted["figure_type"] != "displacements")
    measure = _differs(kind, quoted["figure_type"])                      # another measure
    place = _differs(ranked["place_pcode"], quoted["place_pcode"])        # another place
    window = _differs(ranked["period_start"], quoted["period_start"]) & \
        (question not in ("refugees_turkey", "sheltered"))               # another window (flows only)
    revision = same("source_publisher") & same("period_end")             # the same publisher's later publication
    gap = (pd.to_datetime(ranked["period_end"]) - pd.Timestamp(quoted["period_end"])).dt.days.abs().to_numpy()
    codes = np.select([movements, measure, place, window, revision, gap <= CORROBORATION_DAYS],
                      ["movements", "measure", "place", "window", "revision", "corroborating"], "earlier").tolist()
    maybe_quoted = alike("source_id") & alike("figure_type") & alike("period_start") & alike("period_end")
    for position in np.flatnonzero(maybe_quoted):  # the quoted row, and any row equal to it in every column
        if ranked.iloc[position].equals(quoted):
            codes[position] = "quoted"
    return codes


def _reason(row: pd.Series, quoted: pd.Series, question: str) -> str:
    """Why `row` differs from the quoted figure: `_reasons` for one row."""
    return _reasons(pd.DataFrame([row]), quoted, question)[0]


_WORDS_FROM = ("figure_type", "places", "place_pcode", "period_start", "period_end", "source_date")  # reason_words


def reason_words(code: str, row: dict, translate=lambda text: text) -> str:
    """The reason in words (`translate` gives the page's language), its placeholders from the row."""
    return translate(REASONS[code]).format(
        figure_type=str(row.get("figure_type", "")).replace("_", " "),
        place=row.get("places") or row.get("place_pcode") or translate(N_("several places")),
        start=_day(row.get("period_start")), end=_day(row.get("period_end")), published=_day(row.get("source_date")))


@functools.lru_cache(maxsize=8192)
def _day(value) -> str:
    """A date as the reasons write it; remembered, as a ledger of daily reports repeats its days thousands of times."""
    return pd.Timestamp(value).strftime("%-d %b %Y") if value is not None and pd.notna(value) else "?"


def figures(db_path: Path, filters: Filters, question: str = "displaced", figure_type: str | None = None) -> pd.DataFrame:
    """Every published figure answering `question` in the period, with its role (quoted,
    corroborating, revision, other) and why it differs from the quoted one; the quoted figure first.
    `figure_type` keeps one measure only (where the displaced sheltered: tents and the open are
    different counts, never one range)."""
    frame = _candidates(db_path, filters, question)
    if figure_type is not None:
        frame = frame[frame["figure_type"] == figure_type]
    if frame.empty:
        return frame.assign(question=question, role=pd.Series(dtype=str), reason_code=pd.Series(dtype=str),
                            reason=pd.Series(dtype=str))
    frame = frame.assign(period_start=pd.to_datetime(frame["period_start"]).dt.date,
                         period_end=pd.to_datetime(frame["period_end"]).dt.date)
    # Revisions: the same publisher, place, window and measure twice: the later publication is quoted.
    ranked = _rank(frame, filters, question).reset_index(drop=True)
    latest_pub = ranked.sort_values("published").drop_duplicates(
        ["source_publisher", "figure_type", "place_pcode", "period_start", "period_end"])
    first = ranked[ranked.index.isin(latest_pub.index)].iloc[0]
    codes = _reasons(ranked, first, question)
    out = ranked.assign(question=question, role=[ROLE_OF.get(c, "other") for c in codes], reason_code=codes)
    out["reason"] = [reason_words(c, r) for c, r in zip(codes, out[list(_WORDS_FROM)].to_dict("records"))]
    out["order_in_ledger"] = out["role"].map({"quoted": 0, "corroborating": 1, "revision": 2, "other": 3})
    out = out.sort_values(["order_in_ledger", "period_end"], ascending=[True, False], kind="stable")
    return out.drop(columns=["tier", "movements", "summed", "other_place", "other_window", "latest", "order", "published",
                             "order_in_ledger"]).reset_index(drop=True)


def spread(ledger: pd.DataFrame) -> tuple[float, float]:
    """The range a headline quotes: the lowest and highest of the quoted and corroborating figures."""
    close = ledger[ledger["role"].isin(("quoted", "corroborating"))]["value"]
    return float(close.min()), float(close.max())


def summary(path: Path, filters: Filters, question: str = "displaced") -> dict | None:
    """The quoted figure of a question with N (figures published for it) and the range of the quoted
    and corroborating figures: what a headline caption says."""
    ledger = figures(path, filters, question)
    if ledger.empty:
        return None
    low, high = spread(ledger)
    return {"question": question, "quoted": ledger.iloc[0].to_dict(), "count": len(ledger), "low": low, "high": high}


def every(db_path: Path, filters: Filters) -> pd.DataFrame:
    """The whole ledger: every question's figures, question by question (the page and the pack)."""
    parts = [figures(db_path, filters, q) for q in QUESTION_KEYS]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()



def find(db_path: Path, number: float, tolerance_pct: float = 0.0) -> pd.DataFrame:
    """Every stored figure equal to `number`, or within `tolerance_pct` per cent of it ('almost
    1 million' is 948,000 within 6 %): what it counts, its place and window, and where it came from
    (publisher, title, date, URL and the loaded file's sha256). Closest first."""
    low, high = number * (1 - tolerance_pct / 100), number * (1 + tolerance_pct / 100)
    sql = """
        WITH figures AS (
            SELECT 'displacement' AS fact_table, figure_type AS counts, individuals AS value, period_start,
                   period_end, coalesce(destination_pcode, origin_pcode) AS place_pcode, note, source_id, load_id
            FROM displacement
            UNION ALL SELECT 'casualties', 'deaths: ' || category, deaths_best, period_start, period_end,
                   location_pcode, note, source_id, load_id FROM casualties WHERE deaths_best IS NOT NULL
            UNION ALL SELECT 'refugees', population_type, persons, period_start, period_end,
                   origin_iso3 || ' -> ' || asylum_iso3, note, source_id, load_id FROM refugees
        )
        SELECT f.value, f.counts, f.place_pcode, p.name_en AS place_name, f.period_start, f.period_end,
               c.source_publisher, c.source_title, c.source_date, s.url AS source_url, l.file_sha256,
               l.file_name, f.fact_table, f.note
        FROM figures f
        LEFT JOIN citations c USING (source_id) LEFT JOIN sources s USING (source_id)
        LEFT JOIN loads l ON l.load_id = f.load_id LEFT JOIN v_locations p ON p.pcode = f.place_pcode
        WHERE f.value BETWEEN $low AND $high
        ORDER BY abs(f.value - $number), f.period_end DESC
        """
    return fetch_df(db_path, sql, {"low": low, "high": high, "number": number})
