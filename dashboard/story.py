"""The crisis told in the order a briefing tells it, shared by the crisis page
and the briefing pack so the two never disagree.

Headline figures first (one number per theme, each with its reference period
and source), then the sections: how many fled, where they went, casualties on
the same time axis, Syrians in Turkey. Each section names catalogue charts;
the pack draws the same charts, in the same order, with numbered references.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.catalog import ChartData, Query
from dashboard.drawing import POPULATION_LABELS, split_events
from dashboard.i18n import N_, Labels, _, ngettext
from warehouse.queries import Filters

MAP_CHART = "map-displacement"


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    charts: tuple[str, ...]
    lead: str = ""


SECTIONS: tuple[Section, ...] = (
    Section("displacement", N_("How many fled"), ("displacement-timeline",),
            N_("Figures as each publisher reported them: cumulative 'since 1 December' counts are their own line.")),
    Section("destinations", N_("Where people went"), (MAP_CHART, "displacement-by-border-band", "flows-origin-destination"),
            N_("Destinations against the Turkish border and the M4 corridor, by distance to the border.")),
    Section("sheltered", N_("Where they sheltered"), ("shelter-by-type", "camps-trend", "idps-in-camps-reported"),
            N_("In the open, in tents, in unfinished buildings, in camps and sites: each report's own figures on its "
               "own date.")),
    Section("casualties", N_("Casualties"), ("casualties-vs-displacement",),
            N_("Deaths per reporting period, on the same time axis as displacement.")),
    Section("refugees", N_("Syrians in Turkey"), ("refugees-by-host-country",),
            N_("Refugees present at each reference date; Turkey hosts the largest number.")),
)


# charts with a date x axis: drawn over the selected period, so curves and deaths line up
TIME_CHARTS = frozenset({"displacement-timeline", "displacement-by-border-band", "casualties-vs-displacement",
                         "refugees-by-host-country", "camps-trend", "idps-in-camps-reported",
                         "shelter-by-type"})


def on_period(chart: ChartData, filters: Filters) -> ChartData:
    """The chart on the selected period's time axis (a copy: built charts are shared and cached)."""
    if chart.is_empty or chart.name not in TIME_CHARTS or not (filters.start and filters.end):
        return chart
    figure = go.Figure(chart.figure)
    figure.update_xaxes(range=[pd.Timestamp(filters.start), pd.Timestamp(filters.end) + pd.Timedelta(days=1)])
    return replace(chart, figure=figure)


def pack_charts() -> list[str]:
    """The charts of the briefing pack, in briefing order (the map goes on the first page)."""
    return [name for section in SECTIONS for name in section.charts]


def section_of(chart_name: str) -> Section | None:
    return next((s for s in SECTIONS if chart_name in s.charts), None)


# --- headline figures ----------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    """One headline number with what a reader needs to cite it."""

    label: str
    value: float
    period: tuple[date | None, date | None]   # (None, end) for a stock "as of" end
    publisher: str
    title: str
    published: date | None
    note: str = ""
    ledger: str = ""   # "one of N published figures; range X–Y": the Figures side by side page has them all

    @property
    def source(self) -> str:
        """'Publisher, Title (YYYY-MM-DD)', the form catalogue charts cite their sources in."""
        return f"{self.publisher}, {self.title}" + (f" ({self.published:%Y-%m-%d})" if self.published else "")

    @property
    def is_stock(self) -> bool:
        return self.period[0] is None


def _first(query: Query, name: str, filters: Filters) -> pd.Series | None:
    """The best row of a headline query; None when it has no row (a renamed query fails loudly)."""
    frame = query(name, filters)
    return None if frame.empty else frame.iloc[0]


def _date(value) -> date | None:
    return pd.Timestamp(value).date() if value is not None and pd.notna(value) else None


def _cite(row: pd.Series) -> dict:
    return {"publisher": str(row.get("source_publisher") or _("Source not recorded")),
            "title": str(row.get("source_title") or ""), "published": _date(row.get("source_date"))}


def _reports(row: pd.Series) -> str:
    """'sum of 2 non-overlapping reports' when the headline query added several."""
    if pd.notna(row.get("reports")) and int(row["reports"]) > 1:
        count = int(row["reports"])
        return ngettext("sum of {count} non-overlapping report", "sum of {count} non-overlapping reports",
                        count).format(count=i18n.number(count))
    return ""


def _displaced(row: pd.Series) -> Headline:
    label = _("People newly displaced") if row["figure_type"] == "newly_displaced" else _("IDP arrivals")
    return Headline(label, row["value"], (_date(row["period_start"]), _date(row["period_end"])), **_cite(row),
                    note=_reports(row))


def _near_border(row: pd.Series) -> Headline | None:
    if not row.get("placed"):
        return None  # no IDP place has a known distance: a 0 here would be misleading
    return Headline(_("IDPs within {km} km of the Turkish border").format(km=i18n.localise_digits(f"{row['km']:g}")),
                    row["value"], (None, _date(row["period_end"])),
                    **_cite(row), note=_("of {total} IDPs reported on that date").format(total=i18n.number(row["total"])))


def _refugees(row: pd.Series) -> Headline:
    kind = POPULATION_LABELS.get(row["population_type"], str(row["population_type"]).replace("_", " "))
    return Headline(_("Syrian refugees in Turkey"), row["value"], (None, _date(row["period_end"])), **_cite(row), note=kind)


# A headline says whose deaths it counts: a subset (health workers) never reads as all deaths.
DEATH_HEADLINES = Labels({"all": N_("Deaths recorded"), "civilians": N_("Civilian deaths recorded"),
                   "children": N_("Children killed"), "combatants": N_("Combatants killed"),
                   "military": N_("Military personnel killed"), "health_workers": N_("Health workers killed")})


def _deaths(row: pd.Series) -> Headline:
    spread = _("range {low}–{high}").format(low=i18n.number(row["low"]), high=i18n.number(row["high"])) if pd.notna(row.get("low")) and pd.notna(row.get("high")) else ""
    note = "; ".join(part for part in (_reports(row), spread) if part)
    return Headline(DEATH_HEADLINES.get(row["category"], _("Deaths recorded")), row["value"],
                    (_date(row["period_start"]), _date(row["period_end"])), **_cite(row), note=note)


def _camps(row: pd.Series) -> Headline:
    """People in the camps of a camp list; without a list, the situation reports' figure of where the
    displaced were sheltering (in camps and sites, else in tents, in the open or unfinished buildings)."""
    if "camps" not in row.index:
        also = _("Same report: {figures}").format(figures=row["also"]) if row.get("also") else ""
        return Headline(SHELTER_HEADLINES[row["figure_type"]], row["value"], (None, _date(row["period_end"])),
                        **_cite(row), note=also)
    capacity = _("stated capacity {capacity}").format(capacity=i18n.number(row["capacity"])) \
        if pd.notna(row.get("capacity")) else ""
    camps = int(row["camps"])
    return Headline(ngettext("People in {count} camp", "People in {count} camps", camps).format(count=i18n.number(camps)),
                    row["value"],
                    (None, _date(row["period_end"])), **_cite(row), note=capacity)


# The camps headline without a camp list: the first of these a report gives (tents are the nearest to camps).
SHELTER_HEADLINES = Labels({"idps_in_camps": N_("IDPs in camps and sites"), "idps_in_tents": N_("IDPs living in tents"),
                     "idps_in_open": N_("IDPs living in the open"),
                     "idps_in_unfinished_buildings": N_("IDPs in unfinished buildings")})


def sheltered(query: Query, filters: Filters) -> tuple[pd.Series | None, str]:
    """The ledger's figure for where the displaced were sheltering, of the first kind in SHELTER_HEADLINES a
    report gives, with its caption counting that kind's figures only (kinds are never one range)."""
    from dashboard.ledger_text import caption

    ledger = query("ledger.figures", filters, question="sheltered")
    kind = next((k for k in SHELTER_HEADLINES if (ledger["figure_type"] == k).any()), None) if not ledger.empty else None
    if kind is None:
        return None, ""
    same = query("ledger.figures", filters, question="sheltered", figure_type=kind)
    row = same.iloc[0].copy()
    others = ledger[(ledger["source_id"] == row["source_id"]) & (ledger["period_end"] == row["period_end"])
                    & (ledger["figure_type"] != kind)]
    row["also"] = "; ".join(_("{kind}: {value}").format(kind=SHELTER_HEADLINES[k], value=i18n.number(v))
                            for k, v in zip(others["figure_type"], others["value"]) if k in SHELTER_HEADLINES)
    return row, caption(same)


HEADLINES: tuple[tuple[str, Callable[[pd.Series], Headline | None]], ...] = (
    ("headlines.displaced", _displaced),
    ("headlines.deaths", _deaths),
    ("headlines.refugees_in_turkey", _refugees),
    ("headlines.idps_near_border", _near_border),
    ("headlines.camp_occupancy", _camps),
)


def quoted(query: Query, name: str, filters: Filters) -> tuple[pd.Series | None, str]:
    """The ledger's quoted figure for the question a headline answers, and its caption; (None, '')
    for a headline the ledger does not answer (its own query decides)."""
    from dashboard.ledger_text import HEADLINE_QUESTION, caption

    question = HEADLINE_QUESTION.get(name)
    if question is None:
        return None, ""
    ledger = query("ledger.figures", filters, question=question)
    if ledger.empty:
        return None, ""
    row = ledger.iloc[0]
    row = pd.concat([row, pd.Series({"category": row["figure_type"], "population_type": row["figure_type"]})])
    return row, caption(ledger)


def headline_figures(query: Query, filters: Filters) -> list[Headline]:
    """One number per theme, each with its source; none invented. Where the ledger answers the
    theme's question, the headline is its quoted figure (the rule in warehouse.queries.ledger) with
    how many figures were published and their range; else the headline query's best row."""
    found = (_headline(query, name, make, filters) for name, make in HEADLINES)
    return [h for h in found if h is not None]


def camps_headline(query: Query, filters: Filters) -> Headline | None:
    """The camps theme's headline alone (the Camps page opens with it)."""
    return _headline(query, "headlines.camp_occupancy", _camps, filters)


def _headline(query: Query, name: str, make: Callable[[pd.Series], Headline | None],
              filters: Filters) -> Headline | None:
    row, ledger = quoted(query, name, filters)
    row = row if row is not None else _first(query, name, filters)
    if row is None and name == "headlines.camp_occupancy":  # no camp list: the reports' shelter figure
        row, ledger = sheltered(query, filters)
    headline = make(row) if row is not None and pd.notna(row.get("value")) else None
    return replace(headline, ledger=ledger) if headline is not None else None


# --- key events ----------------------------------------------------------------

def key_events(events: pd.DataFrame, limit: int = 8) -> pd.DataFrame:
    """The few events a briefing names: the drawing rules' key events (the ones
    labelled on the charts, dashboard.drawing.split_events)."""
    if events.empty:
        return events
    key = split_events(events)[0]
    return (key if not key.empty else events).head(limit)
