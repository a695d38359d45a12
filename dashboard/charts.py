"""Every figure the dashboard draws, built from query results with the drawing
rules of dashboard/drawing.py (periods as bars, cumulative series as their own
line, flows and stocks on separate axes, fixed colours, key events labelled).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.drawing import (  # noqa: F401  (OKABE_ITO, FIGURE_LABELS: imported from here by other modules)
    CASUALTY_COLOURS, CASUALTY_LABELS, EVENT_COLOUR, FIGURE_LABELS, HOST_COLOURS, OKABE_ITO, PANEL_AXES,
    ChartColours, add_events, fit_height, add_reported, base_layout, cumulative_groups, fit_date_axis, governorate_colour,
    joined_within, panel_of, period_bars, period_hover, publisher_colour, short,
)
from dashboard.formats import PLOTLY_DAY, day
from dashboard.i18n import N_, Labels, _, isolate
from dashboard import i18n



def _panels(series: pd.DataFrame) -> pd.Series:
    return pd.Series([panel_of(t, m) for t, m in zip(series["figure_type"], series["measure"])], index=series.index)


def timeline_series(series: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Split displacement rows into (panel, 'figure type — publisher', rows), most reports first."""
    if series.empty:
        return []
    panels = _panels(series)
    out = [(panel, f"{FIGURE_LABELS.get(t, t)} — {p}", rows)
           for (panel, t, p), rows in series.groupby([panels, "figure_type", "source_publisher"], sort=False, dropna=False)]
    return sorted(out, key=lambda item: -len(item[2]))


def _reported_panels(fig: go.Figure, series: pd.DataFrame, panels: list[str], colours: ChartColours,
                     first_row: int = 1, visible: int = 3, minimum: int = 2) -> None:
    """Each panel's series with the shared rules; the `visible` series with most reports shown, the rest one click away."""
    shown: dict[str, int] = {}
    for panel, _label, rows in timeline_series(series):
        if panel not in panels:
            continue
        rank = shown[panel] = shown.get(panel, -1) + 1
        add_reported(fig, rows, colours, row=first_row + panels.index(panel), visible=True if rank < visible else "legendonly",
                     minimum=minimum)


def displacement_timeline(series: pd.DataFrame, events: pd.DataFrame, visible: int = 3,
                          glance: bool = False) -> go.Figure:
    """Flows (people), movements and stocks each on their own panel, one time axis, key events labelled.
    `glance`: the figures of one basis only (builders.at_a_glance): each publisher's 'since' reports
    as a line or a lone point, the other events under one legend entry."""
    present = set(_panels(series)) if not series.empty else {"flow"}
    panels = [p for p in ("flow", "movements", "stock") if p in present]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.06)
    _reported_panels(fig, series, panels, ChartColours(), visible=visible if not glance else 99,
                     minimum=1 if glance else 2)
    base_layout(fig, "", PANEL_AXES[panels[0]])
    for i, panel in enumerate(panels):
        fig.update_yaxes(title=PANEL_AXES[panel], row=i + 1, col=1)
    fig.update_layout(height=540 + 240 * (len(panels) - 1), barmode="overlay", bargap=0,
                      legend={"orientation": "h", "yanchor": "top", "y": -0.08})
    fit_date_axis(fig)
    add_events(fig, events, grouped=glance)
    return fit_height(fig, 300 + 240 * len(panels))


# ---------------------------------------------------------------- toward the border

BAND_NAMES = Labels({"0–10 km": N_("0–10 km"), "10–25 km": N_("10–25 km"), "25–50 km": N_("25–50 km"),
                     "over 50 km": N_("over 50 km"), "unknown": N_("distance unknown")})


def band_name(band: object) -> str:
    """A distance band as the page's language writes it ('spans 0–25 km' from the warehouse included)."""
    band = str(band)
    if band == "unknown distance":
        return _("unknown distance")
    if band.startswith("spans "):
        bands = band[len("spans "):]
        return _("spans {bands}").format(bands=bands.replace(" km", " " + _("km")) if i18n.language() != "en" else bands)
    return BAND_NAMES.get(band, band)


BAND_COLOURS = {  # nearest the border in the warmest colour (Okabe–Ito)
    "0–10 km": "#D55E00", "10–25 km": "#E69F00", "25–50 km": "#56B4E9", "over 50 km": "#0072B2",
    "unknown": "#BBBBBB",
}
TURKEY_COLOUR = HOST_COLOURS["TUR"]
EMPTY_MESSAGE = N_("No figures for this selection.")


def displacement_by_band(frame: pd.DataFrame, events: pd.DataFrame, label: str) -> go.Figure:
    """Stacked bars over each reference period, coloured by the destination's distance to the border."""
    fig = go.Figure()
    for band, colour in BAND_COLOURS.items():
        rows = frame[frame["destination_band"] == band].sort_values("period_end")
        if rows.empty:
            continue
        fig.add_trace(go.Bar(
            **period_bars(rows), y=rows["individuals"], name=_("Destination {band} from the border").format(band=band_name(band)),
            marker={"color": colour, "line": {"color": "white", "width": 0.5}}, customdata=period_hover(rows),
            hovertemplate=_("{band}: %{{y:,.0f}} people<br>%{{customdata}}<extra></extra>").format(band=band_name(band)),
        ))
    base_layout(fig, _("{label} by the destination's distance to the Turkish border").format(label=isolate(label)),
                _("People (individuals, flow)"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=_("Reference period (each bar spans its period)"))
    fit_date_axis(fig)
    return add_events(fig, events)


def net_movement(frame: pd.DataFrame, events: pd.DataFrame, label: str) -> go.Figure:
    """Moves toward the border (up) and away from it (down) over each period, the net as a step."""
    rows = frame.sort_values("period_end")
    bars = period_bars(rows)
    hover = period_hover(rows)
    fig = go.Figure()
    fig.add_trace(go.Bar(**bars, y=rows["toward"], name=_("Moved closer to the border"), marker_color="#D55E00",
                         customdata=hover, hovertemplate=_("Closer: %{y:,.0f}<br>%{customdata}<extra></extra>")))
    fig.add_trace(go.Bar(**bars, y=-rows["away"], name=_("Moved farther from the border"), marker_color="#0072B2",
                         customdata=hover, hovertemplate=_("Farther: %{y:,.0f}<br>%{customdata}<extra></extra>")))
    # The net of each period as a flat segment over that period: never a line joining two periods.
    start, end = pd.to_datetime(rows["period_start"]), pd.to_datetime(rows["period_end"]) + pd.Timedelta(days=1)
    xs, ys = [], []
    for s, e, v in zip(start, end, rows["net_toward"]):
        xs += [s, e, None]
        ys += [v, v, None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=_("Net toward the border (over each period)"),
                             line={"color": "#000000", "width": 3}, connectgaps=False,
                             hovertemplate=_("Net: %{y:,.0f}<extra></extra>")))
    base_layout(fig, _("Net movement toward the border — {label}").format(label=isolate(label)),
                _("People (flow); below 0 = away from the border"))
    fig.update_layout(barmode="relative")
    fig.update_yaxes(rangemode="normal")
    fig.update_xaxes(title=_("Reference period (each bar spans its period)"))
    fit_date_axis(fig)
    return add_events(fig, events)


def flows_sankey(frame: pd.DataFrame, label: str) -> go.Figure:
    """Origin area -> destination area (a Sankey; origins on the left, destinations on the right)."""
    origins = [_("{name} (origin)").format(name=n) for n in frame["origin_name"]]
    destinations = [_("{name} (destination)").format(name=n) for n in frame["destination_name"]]
    is_origin = set(origins)
    nodes = list(dict.fromkeys(origins + destinations))
    index = {n: i for i, n in enumerate(nodes)}
    fig = go.Figure(go.Sankey(
        valueformat=",.0f", valuesuffix=" " + _("people"),
        node={"label": nodes, "pad": 14, "color": [OKABE_ITO[0] if n in is_origin else OKABE_ITO[1] for n in nodes]},
        link={"source": [index[o] for o in origins], "target": [index[d] for d in destinations],
              "value": frame["individuals"].tolist(), "color": "rgba(0,114,178,0.25)"},
    ))
    fig.update_layout(title=_("Where people came from and went — {label}").format(label=isolate(label)), template="plotly_white",
                      margin={"l": 20, "r": 20, "t": 60, "b": 20}, separators=".,")
    return fig


# ---------------------------------------------------------------- casualties

NORTHWEST = {"Idleb", "Aleppo", "Northwest Syria"}  # drawn by default; other governorates are one legend click away


def _death_series_name(governorate: str, publisher: str, publishers: int) -> str:
    return _("{governorate}: deaths — {publisher}").format(governorate=governorate, publisher=isolate(short(publisher))) \
        if publishers > 1 else _("{governorate}: deaths").format(governorate=governorate)


def casualties_vs_displacement(deaths: pd.DataFrame, displaced: pd.DataFrame, events: pd.DataFrame,
                               category: str = "") -> go.Figure:
    """Deaths above (each figure a bar over the period it covers, per governorate and publisher),
    the reported displacement below (same rules as the timeline), on one time axis."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[0.5, 0.5])
    colours = ChartColours()
    publishers = deaths["source_publisher"].nunique() if not deaths.empty else 0
    many = deaths["governorate"].nunique() > 3 if not deaths.empty else False
    for (gov, publisher), rows in deaths.groupby(["governorate", "source_publisher"], sort=True):
        rows = rows.sort_values("period_start")
        name = _death_series_name(gov, publisher, publishers)
        colour = colours(name, governorate_colour(gov) if publishers == 1 or deaths["governorate"].nunique() > 1
                         else publisher_colour(publisher))
        ranges = [" " + _("(range {low}–{high})").format(low=i18n.number(lo), high=i18n.number(hi)) if pd.notna(lo) and pd.notna(hi) else ""
                  for lo, hi in zip(rows["deaths_low"], rows["deaths_high"])]
        fig.add_trace(go.Bar(
            **period_bars(rows), y=rows["deaths_best"], name=name,
            marker={"color": colour, "opacity": 0.6, "line": {"color": colour, "width": 1.5}},
            error_y={"type": "data", "symmetric": False, "color": colour,
                     "array": (rows["deaths_high"] - rows["deaths_best"]).clip(lower=0).fillna(0).tolist(),
                     "arrayminus": (rows["deaths_best"] - rows["deaths_low"]).clip(lower=0).fillna(0).tolist()}
            if rows["deaths_low"].notna().any() and rows["deaths_high"].notna().any() else None,
            visible=True if not many or gov in NORTHWEST else "legendonly",
            customdata=list(zip(period_hover(rows), ranges)),
            hovertemplate=_("{governorate}: %{{y:,.0f}} deaths%{{customdata[1]}}<br>%{{customdata[0]}}<extra>{publisher}</extra>").format(
                governorate=gov, publisher=publisher),
        ), row=1, col=1)
    if not displaced.empty:
        _reported_panels(fig, displaced, ["deaths", "flow"], colours)
    fig.update_layout(template="plotly_white", separators=".,", height=760, barmode="overlay", bargap=0,
                      title="", legend={"orientation": "h", "yanchor": "top", "y": -0.06},
                      margin={"l": 60, "r": 20, "t": 80, "b": 130})
    fig.update_yaxes(title=_("Deaths ({category})").format(category=CASUALTY_LABELS.get(category or "all", category)),
                     tickformat=",d", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title=_("People displaced"), tickformat=",d", rangemode="tozero", row=2, col=1)
    fit_date_axis(fig)
    add_events(fig, events)
    return fit_height(fig, 520)


def casualty_reports(reports: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """Casualty reports longer than a month, each as a bar over its own period, labelled with its count.

    Cumulative reports overlap, so they are drawn one under the other, never added up.
    """
    rows = reports.sort_values(["period_end", "deaths_best"]).reset_index(drop=True)
    start, end = pd.to_datetime(rows["period_start"]), pd.to_datetime(rows["period_end"]) + pd.Timedelta(days=1)
    labels = [_("{count} {category} — {publisher} ({date})").format(
        count=i18n.number(r.deaths_best), category=CASUALTY_LABELS.get(r.category, r.category),
        publisher=isolate(r.source_publisher[:40]), date=day(r.period_end)) for r in rows.itertuples()]
    fig = go.Figure(go.Bar(
        base=start, x=(end - start).dt.total_seconds() * 1000, y=labels, orientation="h",
        marker_color=[CASUALTY_COLOURS.get(c, "#999999") for c in rows["category"]],
        text=[i18n.number(v) for v in rows["deaths_best"]], textposition="inside", insidetextanchor="start",
        customdata=list(zip([day(s) for s in start], [day(e) for e in rows["period_end"]],
                            rows["source_title"].fillna(""), rows["note"].fillna(""))),
        hovertemplate=_("%{text} deaths, %{customdata[0]} – %{customdata[1]}<br>%{customdata[3]}"
                        "<br><i>%{customdata[2]}</i><extra></extra>"),
        showlegend=False,
    ))
    fig.update_layout(template="plotly_white", title="", margin={"l": 20, "r": 20, "t": 60, "b": 40},
                      separators=".,")
    fig.update_yaxes(automargin=True)
    fit_date_axis(fig)
    add_events(fig, events)
    return fit_height(fig, 120 + 40 * len(rows))


# ---------------------------------------------------------------- refugees

def refugees_by_host(frame: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Syrian refugees per host country (a stock); Turkey drawn thick and in vermillion.

    A `series` column (optional) splits one host into figures from different reports: those
    are points at their dates (different reports are not joined), drawn as open markers.
    """
    fig, colours, seen = go.Figure(), ChartColours(), set()
    keys = ["asylum_iso3", "series"] if "series" in frame else ["asylum_iso3"]
    for key, rows in frame.groupby(keys, sort=False):
        iso3 = key[0] if isinstance(key, tuple) else key
        label = key[1] if isinstance(key, tuple) else names.get(iso3, iso3)
        turkey, again = iso3 == "TUR", iso3 in seen
        seen.add(iso3)
        colour = colours(label, "#000000" if again and turkey else HOST_COLOURS.get(iso3))
        xs, ys = joined_within(rows, "source_id", "period_end", "persons") if "source_id" in rows else \
            (pd.to_datetime(rows.sort_values("period_end")["period_end"]).tolist(), rows.sort_values("period_end")["persons"].tolist())
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers" if again else "lines+markers", name=label, connectgaps=False,
            line={"color": colour, "width": 4 if turkey else 1.5, "dash": "dash" if again else "solid"},
            marker={"color": colour, "size": 9 if again else 6, "symbol": "diamond-open" if again else "circle"},
            opacity=1 if turkey else 0.8,
            hovertemplate=_("{label}<br>%{{x|{day}}}: %{{y:,.0f}} refugees<extra></extra>").format(label=label, day=PLOTLY_DAY),
        ))
    base_layout(fig, _("Syrian refugees by host country (Turkey highlighted)"), _("Refugees present (stock, persons)"))
    fig.update_xaxes(title=_("Reference date"))
    return fit_date_axis(fig)


def asylum_applications(frame: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Asylum applications by Syrians per period and host country (a flow), stacked over each period."""
    fig, colours = go.Figure(), ChartColours()
    for iso3, rows in frame.groupby("asylum_iso3", sort=False):
        rows = rows.sort_values("period_end")
        name = names.get(iso3, iso3)
        fig.add_trace(go.Bar(**period_bars(rows), y=rows["persons"], name=name,
                             marker={"color": colours(name, HOST_COLOURS.get(iso3)), "line": {"color": "white", "width": 0.5}},
                             customdata=period_hover(rows),
                             hovertemplate=_("{name}: %{{y:,.0f}} applications<br>%{{customdata}}<extra></extra>").format(name=name)))
    base_layout(fig, "", _("Applications in the period (flow)"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=_("Reference period (each bar spans its period)"))
    return fit_date_axis(fig)


# ---------------------------------------------------------------- camps

def camps_occupancy(frame: pd.DataFrame) -> go.Figure:
    """Each camp's population against its capacity; the occupancy ratio in the hover and labels."""
    rows = frame.sort_values("individuals").tail(40)
    label = [_("{name} ({km} km)").format(name=n, km=i18n.number(b)) if pd.notna(b) else n
             for n, b in zip(rows["name"], rows["border_km"])]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=label, x=rows["capacity"], orientation="h", name=_("Capacity (individuals)"),
                         marker_color="#BBBBBB", hovertemplate=_("Capacity %{x:,.0f}<extra></extra>")))
    fig.add_trace(go.Bar(
        y=label, x=rows["individuals"], orientation="h", name=_("Population (latest count; vermillion = over capacity)"),
        width=0.4, marker_color=["#D55E00" if (o or 0) > 1 else "#0072B2" for o in rows["occupancy"].fillna(0)],
        text=[i18n.percent(o) if pd.notna(o) else _("no capacity") for o in rows["occupancy"]], textposition="outside",
        hovertemplate=_("Population %{x:,.0f}<br>occupancy %{text}<extra></extra>"),
    ))
    fig.update_layout(title=_("Camp population vs capacity (vermillion = over capacity); km = distance to border"),
                      template="plotly_white", barmode="overlay", separators=".,",
                      height=max(320, 40 + 28 * len(rows)), margin={"l": 200, "r": 40, "t": 60, "b": 40},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.1})
    fig.update_xaxes(title=_("People (stock, latest count in the period)"), tickformat=",d")
    return fig


def camps_trend(frame: pd.DataFrame) -> go.Figure:
    """People in the camps reported, per publisher: points at each count's date, joined within one dataset."""
    fig, colours = go.Figure(), ChartColours()
    for publisher, rows in frame.groupby("source_publisher", sort=False):
        name = _("People in camps — {publisher}").format(publisher=isolate(publisher))
        colour = colours(name, publisher_colour(publisher))
        rows = rows.sort_values("period_end")
        xs, ys = joined_within(rows, "source_id", "period_end", "individuals")
        camps = [c for part in rows.groupby("source_id", sort=False) for c in (list(part[1].sort_values("period_end")["camps"]) + [None])][:-1]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", name=name, connectgaps=False, customdata=camps,
                                 line={"color": colour}, marker={"color": colour, "size": 8},
                                 hovertemplate=_("%{{x|{day}}}: %{{y:,.0f}} people in %{{customdata}} camps<extra></extra>").format(day=PLOTLY_DAY)))
    base_layout(fig, _("People living in the camps reported (stock)"), _("People (stock)"))
    fig.update_xaxes(title=_("Reporting date"))
    return fit_date_axis(fig)


# ---------------------------------------------------------------- shelter

SHELTER_STACK = ("idps_in_open", "idps_in_tents", "idps_in_unfinished_buildings")  # one report's disjoint kinds
SHELTER_COLOURS = {"idps_in_open": "#D55E00", "idps_in_tents": "#E69F00", "idps_in_unfinished_buildings": "#999999",
                   "idps_in_camps": "#0072B2"}
REPORT_GAP_DAYS = 4  # reports of the same date stand side by side, this many days apart


def _report_dates(frame: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Where each report's bar stands: at its own date, moved aside only when another report has that date."""
    placed: dict[str, pd.Timestamp] = {}
    for _date, rows in frame.sort_values(["period_end", "source_id"]).groupby("period_end", sort=True):
        for k, source in enumerate(dict.fromkeys(rows["source_id"])):
            placed[source] = pd.Timestamp(_date) + pd.Timedelta(days=REPORT_GAP_DAYS * k)
    return placed


def shelter_by_type(frame: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """Where the displaced were sheltering, one bar per report over its own date: the report's own figures for
    the open, tents and unfinished buildings stacked (kinds that share no one), people in camps and sites
    beside them as a point (tents stand in camps, so the two are never stacked). Hover gives each figure;
    no total is printed, since no report published one."""
    fig = go.Figure()
    placed = _report_dates(frame)
    for kind in (*SHELTER_STACK, "idps_in_camps"):
        rows = frame[frame["figure_type"] == kind]
        if rows.empty:
            continue
        xs = [placed[s] for s in rows["source_id"]]
        hover = [_("{figure}: {value} people on {day}<br>{publisher}").format(
                     figure=FIGURE_LABELS[kind], value=i18n.number(v), day=day(pd.Timestamp(d).date()),
                     publisher=isolate(p)) for v, d, p in zip(rows["individuals"], rows["period_end"],
                                                               rows["source_publisher"])]
        common = {"x": xs, "y": rows["individuals"], "name": FIGURE_LABELS[kind], "hovertext": hover,
                  "hoverinfo": "text"}
        if kind in SHELTER_STACK:
            fig.add_trace(go.Bar(**common, marker_color=SHELTER_COLOURS[kind], width=3 * 86_400_000))
        else:
            fig.add_trace(go.Scatter(**common, mode="markers", marker={"color": SHELTER_COLOURS[kind], "size": 12,
                                                                       "symbol": "diamond"}))
    base_layout(fig, _("Where the displaced were sheltering, as each report gave it (stock)"), _("People (stock)"))
    # the axis title sits under the date ticks: the legend goes below it, clear of it in either language
    fig.update_layout(barmode="relative", legend={"y": -0.3}, margin={"b": 120})
    fig.update_xaxes(title=_("Report date (each bar is one report)"))
    add_events(fig, events)
    return fit_date_axis(fig)


__all__ = [
    "BAND_COLOURS", "EMPTY_MESSAGE", "FIGURE_LABELS", "OKABE_ITO", "asylum_applications", "camps_occupancy",
    "camps_trend", "casualties_vs_displacement", "casualty_reports", "cumulative_groups", "displacement_by_band",
    "displacement_timeline", "flows_sankey", "net_movement", "refugees_by_host", "shelter_by_type", "timeline_series",
]
