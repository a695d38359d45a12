"""How close to the Turkish border displaced people ended up: the 'Toward the border' chart.

Why this is not a sum of every flow: situation reports publish cumulative totals
('948,000 displaced since 1 December', as of one date, then another) and, separately,
destination breakdowns ('some 560,000 moved to northwestern Idleb, some 400,000 to
northern Aleppo'). Cumulative reports overlap and must never be added to each other;
a total with no destination places nobody. What places people is a breakdown, so
the chart draws one breakdown series (one figure type from one source; of its
reports, a set that does not overlap), by the band of each destination, and
measures it against the largest displacement total published for the period:
what the breakdown does not place is 'unknown distance'. An area whose
sub-districts lie in several bands is shown as such ('spans 0–25 km').
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go

from dashboard.chart_data import ChartData, Query, period_of
from dashboard.citations import cite
from dashboard import drawing
from dashboard import i18n
from dashboard.charts import BAND_COLOURS, FIGURE_LABELS, band_name
from dashboard.i18n import _, isolate
from warehouse.queries import Filters
from warehouse.queries.areas import UNKNOWN_BAND, band_order, non_overlapping

# name and title: declared once in dashboard/catalog.py
UNKNOWN_LABEL = "unknown distance"
SPANS_COLOUR = "#9E9AC8"  # an area over several bands: neither warm nor cold
PREFERENCE = ("arrivals", "newly_displaced")


@dataclass
class Breakdown:
    """One series of destination figures (a figure type from one source), the reports of it kept
    (they do not overlap), and the people they place at a known distance."""

    key: str                       # "figure_type|source_id"
    reports: pd.DataFrame          # the kept reports: one row per reference period and distance band
    placed: float

    @property
    def periods(self) -> tuple[str, ...]:
        """The kept reports' reference periods, as warehouse.queries.border.breakdown_destinations takes them."""
        pairs = zip(pd.to_datetime(self.reports["period_start"]), pd.to_datetime(self.reports["period_end"]))
        return tuple(sorted({f"{start:%Y-%m-%d}/{end:%Y-%m-%d}" for start, end in pairs}))


def _series(reports: pd.DataFrame) -> list[Breakdown]:
    """Each (figure type, source) with destinations, keeping reports that do not overlap."""
    out = []
    for (figure_type, source_id), group in reports.groupby(["figure_type", "source_id"], sort=False):
        placed = group[group["destination_band"] != UNKNOWN_BAND]
        if placed.empty:
            continue
        periods = (placed.groupby(["period_start", "period_end"], as_index=False)["individuals"].sum()
                   .rename(columns={"individuals": "value"}))
        kept = non_overlapping(periods)[["period_start", "period_end"]]
        rows = group.merge(kept, on=["period_start", "period_end"])
        out.append(Breakdown(f"{figure_type}|{source_id}", rows,
                             float(rows.loc[rows["destination_band"] != UNKNOWN_BAND, "individuals"].sum())))
    return out


def breakdowns(reports: pd.DataFrame) -> list[Breakdown]:
    """Every breakdown in warehouse.queries.border.destination_reports, the one placing the most people
    first (arrivals before newly displaced on ties)."""
    found = _series(reports)
    rank = {t: i for i, t in enumerate(PREFERENCE)}
    return sorted(found, key=lambda b: (-b.placed, rank.get(b.key.split("|")[0], 9)))


def found_in(query: Query, filters: Filters) -> list[Breakdown]:
    """The destination breakdowns published for these filters, the largest first."""
    return breakdowns(query("border.destination_reports", filters))


def destinations(query: Query, filters: Filters, breakdown: Breakdown) -> pd.DataFrame:
    """The breakdown's people per destination, over its kept reports (one row per destination)."""
    return query("border.breakdown_destinations", filters, breakdown=breakdown.key, periods=breakdown.periods)


def label_of(breakdown: Breakdown) -> str:
    reports = breakdown.reports
    row = reports.iloc[0]
    if i18n.language() == "en":
        when = f"{pd.Timestamp(reports['period_start'].min()):%d %b %Y} – " \
               f"{pd.Timestamp(reports['period_end'].max()):%d %b %Y}"
    else:
        when = f"{i18n.day(reports['period_start'].min())} – {i18n.day(reports['period_end'].max())}"
    figure = FIGURE_LABELS.get(row["figure_type"], row["figure_type"])
    if i18n.language() == "en":
        return f"{figure}, {row['source_publisher']} ({when})"
    return _("{figure}, {publisher} ({when})").format(figure=figure, publisher=isolate(row["source_publisher"]), when=when)


def reference_total(reports: pd.DataFrame) -> pd.Series | None:
    """The largest single report of people displaced in the period (reports overlap: never summed)."""
    if reports.empty:
        return None
    return reports.sort_values(["individuals", "period_end"], ascending=False).iloc[0]


def split(breakdown: Breakdown, rows: pd.DataFrame, total: pd.Series | None) -> pd.DataFrame:
    """People per band (with the destinations in it, `rows` from `destinations`), plus 'unknown
    distance': the part of the reference total the breakdown does not place. Shares are of the
    larger of the two."""
    placed = rows[rows["destination_band"] != UNKNOWN_BAND]
    bands = (placed.groupby("destination_band", as_index=False)
             .agg(individuals=("individuals", "sum"),
                  destinations=("destination_name", lambda names: "; ".join(sorted(set(map(str, names)))))))
    not_located = float(rows.loc[rows["destination_band"] == UNKNOWN_BAND, "individuals"].sum())
    total_value = float(total["individuals"]) if total is not None else None
    unknown = max(total_value - breakdown.placed, not_located) if total_value is not None else not_located
    if unknown > 0:
        note = (_("{total} displaced ({publisher}, reference period to {day}) less the {placed} placed").format(
                    total=i18n.number(total_value), publisher=isolate(total["source_publisher"]),
                    day=i18n.day(total["period_end"]) if i18n.language() != "en" else f"{pd.Timestamp(total['period_end']):%d %b %Y}",
                    placed=i18n.number(breakdown.placed))
                if total_value is not None else _("destinations without a known distance"))
        bands = pd.concat([bands, pd.DataFrame([{"destination_band": UNKNOWN_LABEL, "individuals": unknown,
                                                 "destinations": note}])], ignore_index=True)
    bands["share"] = (bands["individuals"] / bands["individuals"].sum()).round(4)
    bands = bands.sort_values("destination_band", key=lambda s: s.map(
        lambda b: band_order(UNKNOWN_BAND if b == UNKNOWN_LABEL else b))).reset_index(drop=True)
    first = rows.iloc[0]
    for column in ("figure_type", "source_id", "source_publisher", "source_title", "source_date"):
        bands[column] = first[column]
    bands["period_start"], bands["period_end"] = rows["period_start"].min(), rows["period_end"].max()
    return bands


def figure(bands: pd.DataFrame, label: str) -> go.Figure:
    """One horizontal bar per band, nearest the border on top; spans and unknown said in words."""
    fig, colours = go.Figure(), drawing.ChartColours()
    for row in bands.itertuples(index=False):
        band = row.destination_band
        name = band_name(band) if band == UNKNOWN_LABEL or band.startswith("spans") else \
            _("{band} from the border").format(band=band_name(band))
        colour = colours(name, BAND_COLOURS.get(band) or (BAND_COLOURS["unknown"] if band == UNKNOWN_LABEL
                                                          else SPANS_COLOUR))  # two spanning areas differ
        spans = band.startswith("spans")
        share = "<" + i18n.percent(0.01) if 0 < row.share < 0.01 else i18n.percent(row.share)
        where = f" — {row.destinations}" if band != UNKNOWN_LABEL and len(str(row.destinations)) < 60 else ""
        fig.add_trace(go.Bar(
            y=[name], x=[row.individuals], orientation="h", name=name, marker_color=colour,
            marker_pattern_shape="/" if spans else "", marker_pattern_fgcolor="#FFFFFF" if spans else None,
            marker_pattern_fgopacity=0.35 if spans else None, marker_pattern_size=14 if spans else None,
            text=[f"{i18n.number(row.individuals)} ({share}){where}"], textposition="auto", insidetextanchor="start",
            customdata=[row.destinations],
            hovertemplate=_("{name}: %{{x:,.0f}} people<br>%{{customdata}}<extra></extra>").format(name=name),
        ))
    fig.update_layout(
        title=_("Where they went, by distance to the Turkish border") + f"<br><sup>{label}</sup>",
        template="plotly_white", showlegend=False, separators=".,", bargap=0.3,
        margin={"l": 170, "r": 30, "t": 80, "b": 50}, height=120 + 55 * len(bands),
    )
    fig.update_xaxes(title=_("People (as published; one breakdown, not a sum of reports)"), tickformat=",d",
                     rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return drawing.right_to_left(fig)


def _picked(filters: Filters) -> str | None:
    return next((v for k, v in filters.extra if k == "breakdown"), None)


def build(query: Query, filters: Filters) -> ChartData:
    """The chart for the catalogue: the breakdown picked in the page (Filters.extra ('breakdown',
    'figure_type|source_id')), else the one that places the most people."""
    plain = replace(filters, extra=tuple((k, v) for k, v in filters.extra if k != "breakdown"))
    found = found_in(query, plain)
    empty = ChartData(figure=None, data=pd.DataFrame(),
                      empty_message=_("No displacement flows with a published destination (arrivals or newly "
                                      "displaced with a destination) for this selection."))
    if not found:
        return empty
    chosen = next((b for b in found if b.key == _picked(filters)), found[0])
    rows = destinations(query, plain, chosen)
    if i18n.language() != "en":  # destinations by their Arabic names, English marked where none is known
        from dashboard import places

        rows = places.rename(rows, places.arabic_names(query), {"destination_name": "destination_pcode"})
    total = reference_total(query("border.displaced_reports", plain))
    bands = split(chosen, rows, total)
    label = label_of(chosen)
    unknown = float(bands.loc[bands["destination_band"] == UNKNOWN_LABEL, "individuals"].sum())
    others = len(found) - 1
    cited = cite(bands) + ([c for c in cite(pd.DataFrame([total])) if c not in cite(bands)] if total is not None else [])
    return ChartData(
        figure=figure(bands, label), data=bands, references=cited, period=period_of(bands),
        measure=(_("Flow: {label}. Each destination is banded by its distance to the Turkish border (a sub-district "
                   "by its centroid; an area or governorate by its sub-districts, 'spans …' when they lie in several "
                   "bands). 'Unknown distance' ({unknown}) is the part of the largest displacement total "
                   "published for the period that this breakdown does not place; cumulative reports are never added "
                   "to each other.").format(label=label, unknown=i18n.number(unknown))
                 + (" " + _("{count} other breakdown(s) loaded: pick one on the page.").format(count=i18n.number(others))
                    if others else "")),
    )
