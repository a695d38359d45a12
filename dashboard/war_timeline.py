"""The Overview's chart: the war from 2011 to the latest figure on one time axis.

Three panels share the date axis, so a reader sees refugees, IDPs and deaths against the same
events: Syrians in Turkey and the neighbouring countries (a line per host, one publisher's
series each), IDPs in Syria (a line per publisher's series, a single report as a point) and
deaths (each report a bar over the whole period it covers, so a 2011–2021 count is never read
as a yearly one). The Idleb offensive is a shaded band across all three.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import i18n
from dashboard.drawing import CASUALTY_LABELS, HOST_COLOURS, add_events, period_bars, right_to_left
from dashboard.formats import PLOTLY_DAY, day
from dashboard.i18n import _, isolate

BAND_COLOUR = "#D55E00"
# Colours none of the neighbouring hosts (drawing.HOST_COLOURS) uses, so no two series on the chart look alike.
IDP_COLOURS = ("#56B4E9", "#661100", "#888888", "#DDCC77")
DEATH_COLOURS = {"all": "#332288", "civilians": "#882255", "children": "#AA4499", "combatants": "#117733",
                 "military": "#999933", "health_workers": "#44AA99"}


def _refugees(fig: go.Figure, refugees: pd.DataFrame, names: dict[str, str]) -> None:
    for iso3, rows in refugees.sort_values("period_end").groupby("asylum_iso3", sort=False):
        turkey = iso3 == "TUR"
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(rows["period_end"]), y=rows["persons"], mode="lines+markers", name=names.get(iso3, iso3),
            line={"color": HOST_COLOURS.get(iso3, "#999999"), "width": 3.5 if turkey else 1.8},
            marker={"size": 5}, legendgroup="refugees", legendgrouptitle_text=_("Syrian refugees (UNHCR)"),
            hovertemplate=_("{label}<br>%{{x|{day}}}: %{{y:,.0f}} refugees<extra></extra>").format(
                label=names.get(iso3, iso3), day=PLOTLY_DAY),
        ), row=1, col=1)


def _idps(fig: go.Figure, idps: pd.DataFrame) -> None:
    series = list(idps.sort_values("period_end").groupby("source_id", sort=False))
    for number, (_source, rows) in enumerate(sorted(series, key=lambda s: -len(s[1]))):
        first = rows.iloc[0]
        label = _("IDPs — {publisher}").format(publisher=isolate(first["source_publisher"]))
        if len(series) > 1 and len(rows) == 1:  # a single report beside a series: say which
            label += f" ({day(first['period_end'])})"
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(rows["period_end"]), y=rows["individuals"],
            mode="lines+markers" if len(rows) > 1 else "markers", name=label,
            line={"color": IDP_COLOURS[number % len(IDP_COLOURS)], "width": 2},
            marker={"size": 6 if len(rows) > 1 else 10, "symbol": "circle" if len(rows) > 1 else "diamond-open"},
            legendgroup="idps", legendgrouptitle_text=_("IDPs in Syria"),
            hovertemplate=_("{label}<br>%{{x|{day}}}: %{{y:,.0f}} IDPs<extra></extra>").format(label=label, day=PLOTLY_DAY),
        ), row=2, col=1)


def _deaths(fig: go.Figure, deaths: pd.DataFrame) -> None:
    for category, rows in deaths.groupby("category", sort=False):
        label = str(CASUALTY_LABELS.get(category, category))
        name = label[:1].upper() + label[1:]
        fig.add_trace(go.Bar(
            **period_bars(rows), y=rows["deaths"], name=name, marker_color=DEATH_COLOURS.get(category, "#666666"),
            opacity=0.75, text=[i18n.number(v) for v in rows["deaths"]], textposition="inside",
            customdata=list(zip([day(s) for s in rows["period_start"]], [day(e) for e in rows["period_end"]],
                                rows["source_publisher"].fillna(""))),
            hovertemplate=_("%{text} deaths, %{customdata[0]} – %{customdata[1]}<br><i>%{customdata[2]}</i>"
                            "<extra></extra>"),
            legendgroup="deaths", legendgrouptitle_text=_("Deaths in Syria"),
        ), row=3, col=1)


def _band(fig: go.Figure, band: tuple[date, date] | None) -> None:
    """The offensive the crisis briefing tells, shaded across every panel."""
    if band is None:
        return
    start, end = pd.Timestamp(band[0]), pd.Timestamp(band[1]) + pd.Timedelta(days=1)
    fig.add_vrect(x0=start, x1=end, fillcolor=BAND_COLOUR, opacity=0.18, line_width=0, layer="below", row="all", col=1)
    fig.add_annotation(x=start, y=1, xref="x", yref="y2 domain", text=_("Idleb offensive"), showarrow=False,
                       xanchor="right", yanchor="top", font={"size": 11, "color": BAND_COLOUR})


def _outside(events: pd.DataFrame, band: tuple[date, date] | None) -> pd.DataFrame:
    """Events inside the band are the crisis briefing's: ticks here (hover), so the war's labels stay readable."""
    if band is None or events.empty or "importance" not in events:
        return events
    days = pd.to_datetime(events["event_date"])
    inside = (days >= pd.Timestamp(band[0])) & (days <= pd.Timestamp(band[1]))
    return events.assign(importance=events["importance"].where(~inside, "other"))


def figure(refugees: pd.DataFrame, idps: pd.DataFrame, deaths: pd.DataFrame, events: pd.DataFrame,
           names: dict[str, str], band: tuple[date, date] | None) -> go.Figure:
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.05, row_heights=[0.42, 0.3, 0.28])
    _refugees(fig, refugees, names)
    _idps(fig, idps)
    _deaths(fig, deaths)
    fig.update_layout(template="plotly_white", hovermode="closest", height=820, separators=".,",
                      legend={"orientation": "h", "y": -0.05, "yanchor": "top", "groupclick": "toggleitem"},
                      margin={"l": 70, "r": 20, "t": 90, "b": 120})  # below the panels: in Arabic too
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    for row, title in enumerate((_("Refugees (stock)"), _("IDPs (stock)"), _("Deaths per report")), start=1):
        fig.update_yaxes(title=title, row=row, col=1)
    _band(fig, band)
    add_events(fig, _outside(events, band), grouped=True)
    return right_to_left(fig)
