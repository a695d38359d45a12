"""Every figure the dashboard draws, built from query results.

Colour-blind-safe palette (Okabe–Ito), units and reference periods on axes,
thousands separators, and the sources named under each chart by the page.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
EVENT_COLOUR = "#666666"
FIGURE_LABELS = {
    "newly_displaced": "Newly displaced (flow)",
    "arrivals": "IDP arrivals (flow)",
    "departures": "IDP departures (flow)",
    "returns": "Returns (flow)",
    "idp_stock": "IDPs present (stock)",
    "idps_in_camps": "IDPs in camps and sites (stock)",
    "returnees_stock": "Returnees present (stock)",
}


def _base_layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        template="plotly_white",
        colorway=OKABE_ITO,
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "top", "y": -0.22},
        margin={"l": 60, "r": 20, "t": 60, "b": 90},
        separators=".,",
    )
    fig.update_yaxes(title=y_title, tickformat=",d", rangemode="tozero")
    return fig


def add_events(fig: go.Figure, events: pd.DataFrame) -> go.Figure:
    """Mark conflict events as dotted vertical lines, with a hover marker carrying the citation."""
    if events.empty:
        return fig
    # One layout update for all lines: add_vline per event re-validates every shape each time
    # (38 s for 200 events on a two-panel chart). The lines span every panel (yref paper).
    lines = [{"type": "line", "xref": "x", "yref": "paper", "x0": pd.Timestamp(day), "x1": pd.Timestamp(day),
              "y0": 0, "y1": 1, "opacity": 0.5, "line": {"dash": "dot", "color": EVENT_COLOUR}}
             for day in events["event_date"]]
    fig.update_layout(shapes=list(fig.layout.shapes) + lines)
    hover = [
        f"<b>{r.title}</b><br>{pd.Timestamp(r.event_date):%d %b %Y}<br>{(r.description or '')[:160]}"
        f"<br><i>Source: {r.source_publisher}, {r.source_title}</i>"
        for r in events.itertuples()
    ]
    used = fig.layout.to_plotly_json()
    number = next(n for n in range(2, 100) if f"yaxis{n}" not in used)  # a free axis: subplots use yaxis2..
    fig.add_trace(go.Scatter(
        x=pd.to_datetime(events["event_date"]), y=[1.0] * len(events), yaxis=f"y{number}", mode="markers",
        marker={"symbol": "triangle-down", "size": 11, "color": EVENT_COLOUR},
        name="Conflict events", hovertext=hover, hoverinfo="text",
    ))
    fig.update_layout({f"yaxis{number}": {"overlaying": "y", "range": [0, 1.05], "visible": False, "fixedrange": True}})
    return fig


def timeline_series(series: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Split displacement rows into drawable series: (measure, label, rows).

    Rows of one figure type and publisher that share a start date are one
    cumulative series ('since 01 Dec 2019'); the rest of that type and
    publisher is one series of per-period figures. Mixing the two in one line
    would zigzag between a month's flow and a three-month total.
    """
    out = []
    for (figure_type, publisher, measure), rows in series.groupby(
            ["figure_type", "source_publisher", "measure"], sort=False, dropna=False):
        label = f"{FIGURE_LABELS.get(figure_type, figure_type)} — {publisher}"
        starts = rows["period_start"].value_counts()
        cumulative = starts[starts >= 3].index if measure == "flow" else []
        for start in cumulative:
            out.append((measure, f"{label}, since {pd.Timestamp(start):%d %b %Y}", rows[rows["period_start"] == start]))
        rest = rows[~rows["period_start"].isin(cumulative)]
        if not rest.empty:
            out.append((measure, label, rest))
    return sorted(out, key=lambda item: -len(item[2]))


def displacement_timeline(series: pd.DataFrame, events: pd.DataFrame, visible: int = 3) -> go.Figure:
    """Flows above, stocks below, on one time axis; the longest series shown, the rest one click away.

    Cumulative reports are drawn as reported, never summed; flows and stocks never share an axis.
    """
    parts = timeline_series(series)
    measures = [m for m in ("flow", "stock") if any(p[0] == m for p in parts)]
    fig = make_subplots(rows=len(measures), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[{"flow": "Flows: people displaced, arriving or returning in the period",
                                         "stock": "Stocks: people displaced at the date"}[m] for m in measures])
    shown: dict[str, int] = {}
    for measure, label, rows in parts:
        rank = shown[measure] = shown.get(measure, -1) + 1  # the longest series of each measure are drawn
        rows = rows.sort_values("period_end")
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(rows["period_end"]), y=rows["individuals"], mode="lines+markers", name=label,
            visible=True if rank < visible else "legendonly",
            customdata=list(zip(pd.to_datetime(rows["period_start"]).dt.strftime("%d %b %Y"), rows["note"].fillna(""))),
            hovertemplate="%{y:,.0f} people<br>period %{customdata[0]} – %{x|%d %b %Y}<br>%{customdata[1]}<extra></extra>",
        ), row=measures.index(measure) + 1, col=1)
    _base_layout(fig, "", "People (individuals)")
    fig.update_layout(height=380 + 220 * (len(measures) - 1))
    fig.update_xaxes(title="End of reference period", row=len(measures), col=1)
    return add_events(fig, events)


# ---------------------------------------------------------------- dashboard pages

BAND_COLOURS = {  # nearest the border in the warmest colour (Okabe–Ito)
    "0–10 km": "#D55E00", "10–25 km": "#E69F00", "25–50 km": "#56B4E9", "over 50 km": "#0072B2",
    "unknown": "#BBBBBB",
}
TURKEY_COLOUR, OTHER_HOST_COLOURS = "#D55E00", ["#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#F0E442"]
EMPTY_MESSAGE = "No figures for this selection."


def _period_bars(rows: pd.DataFrame) -> dict:
    """Bars placed over their reference period on a date axis (width = period length)."""
    start, end = pd.to_datetime(rows["period_start"]), pd.to_datetime(rows["period_end"]) + pd.Timedelta(days=1)
    width_ms = (end - start).dt.total_seconds() * 1000 * 0.9
    return {"x": start + (end - start) / 2, "width": width_ms.tolist()}


def _period_hover(rows: pd.DataFrame) -> list[str]:
    return [f"{pd.Timestamp(s):%d %b %Y} – {pd.Timestamp(e):%d %b %Y}" for s, e in zip(rows["period_start"], rows["period_end"])]


def displacement_by_band(frame: pd.DataFrame, events: pd.DataFrame, label: str) -> go.Figure:
    """Stacked bars per reference period, coloured by the destination's distance to the border."""
    fig = go.Figure()
    for band, colour in BAND_COLOURS.items():
        rows = frame[frame["destination_band"] == band].sort_values("period_end")
        if rows.empty:
            continue
        fig.add_trace(go.Bar(
            **_period_bars(rows), y=rows["individuals"], name=f"Destination {band} from the border",
            marker_color=colour, customdata=_period_hover(rows),
            hovertemplate=f"{band}: %{{y:,.0f}} people<br>%{{customdata}}<extra></extra>",
        ))
    _base_layout(fig, f"{label} by the destination's distance to the Turkish border", "People (individuals, flow)")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="Reference period (bar spans the period)", type="date")
    return add_events(fig, events)


def net_movement(frame: pd.DataFrame, events: pd.DataFrame, label: str) -> go.Figure:
    """Moves toward the border (up) and away from it (down), with the net as a line."""
    rows = frame.sort_values("period_end")
    bars = _period_bars(rows)
    hover = _period_hover(rows)
    fig = go.Figure()
    fig.add_trace(go.Bar(**bars, y=rows["toward"], name="Moved closer to the border", marker_color="#D55E00",
                         customdata=hover, hovertemplate="Closer: %{y:,.0f}<br>%{customdata}<extra></extra>"))
    fig.add_trace(go.Bar(**bars, y=-rows["away"], name="Moved farther from the border", marker_color="#0072B2",
                         customdata=hover, hovertemplate="Farther: %{y:,.0f}<br>%{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(x=bars["x"], y=rows["net_toward"], mode="lines+markers", name="Net toward the border",
                             line={"color": "#000000"}, hovertemplate="Net: %{y:,.0f}<extra></extra>"))
    _base_layout(fig, f"Net movement toward the border — {label}", "People (flow); below 0 = away from the border")
    fig.update_layout(barmode="relative")
    fig.update_yaxes(rangemode="normal")
    fig.update_xaxes(title="Reference period", type="date")
    return add_events(fig, events)


def flows_sankey(frame: pd.DataFrame, label: str) -> go.Figure:
    """Origin area -> destination area (a Sankey; origins on the left, destinations on the right)."""
    origins = [f"{n} (origin)" for n in frame["origin_name"]]
    destinations = [f"{n} (destination)" for n in frame["destination_name"]]
    nodes = list(dict.fromkeys(origins + destinations))
    index = {n: i for i, n in enumerate(nodes)}
    fig = go.Figure(go.Sankey(
        valueformat=",.0f", valuesuffix=" people",
        node={"label": nodes, "pad": 14, "color": [OKABE_ITO[0] if "(origin)" in n else OKABE_ITO[1] for n in nodes]},
        link={"source": [index[o] for o in origins], "target": [index[d] for d in destinations],
              "value": frame["individuals"].tolist(), "color": "rgba(0,114,178,0.25)"},
    ))
    fig.update_layout(title=f"Where people came from and went — {label}", template="plotly_white",
                      margin={"l": 20, "r": 20, "t": 60, "b": 20}, separators=".,")
    return fig


def casualties_vs_displacement(deaths: pd.DataFrame, displaced: pd.DataFrame, events: pd.DataFrame,
                               displaced_label: str) -> go.Figure:
    """Deaths per month by governorate (with low–high band where given) above displacement, one time axis."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=("Recorded deaths per month", f"{displaced_label} per month"))
    for i, (gov, rows) in enumerate(deaths.groupby("governorate", sort=True)):
        rows = rows.sort_values("month")
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        x = pd.to_datetime(rows["month"])
        if rows["deaths_low"].notna().any() and rows["deaths_high"].notna().any():
            band = rows.dropna(subset=["deaths_low", "deaths_high"])
            bx = pd.to_datetime(band["month"])
            fig.add_trace(go.Scatter(x=pd.concat([bx, bx[::-1]]), y=pd.concat([band["deaths_high"], band["deaths_low"][::-1]]),
                                     fill="toself", fillcolor=colour, opacity=0.2, line={"width": 0},
                                     name=f"{gov}: low–high range", hoverinfo="skip"), row=1, col=1)
        fig.add_trace(go.Scatter(x=x, y=rows["deaths_best"], mode="lines+markers", name=f"{gov}: deaths (best estimate)",
                                 line={"color": colour},
                                 visible=True if gov in NORTHWEST or deaths["governorate"].nunique() <= 3 else "legendonly",
                                 hovertemplate=f"{gov}<br>%{{x|%b %Y}}: %{{y:,.0f}} deaths<extra></extra>"), row=1, col=1)
    if not displaced.empty:
        rows = displaced.sort_values("month")
        fig.add_trace(go.Bar(x=pd.to_datetime(rows["month"]) + pd.Timedelta(days=14), y=rows["individuals"],
                             name=displaced_label, marker_color="#009E73",
                             hovertemplate="%{x|%b %Y}: %{y:,.0f} people<extra></extra>"), row=2, col=1)
    fig.update_layout(template="plotly_white", colorway=OKABE_ITO, separators=".,", height=620,
                      title="Deaths and displacement on the same time axis",
                      legend={"orientation": "h", "yanchor": "top", "y": -0.14},
                      margin={"l": 60, "r": 20, "t": 80, "b": 110})
    fig.update_yaxes(title="Deaths (per month)", tickformat=",d", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title="People (flow, per month)", tickformat=",d", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title="Month (by start of the reporting period)", row=2, col=1)
    return add_events(fig, events)


NORTHWEST = {"Idleb", "Aleppo"}  # drawn by default; other governorates are one legend click away
CATEGORY_COLOURS = {"civilians": "#D55E00", "children": "#CC79A7", "all": "#0072B2", "combatants": "#000000"}


def casualty_reports(reports: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """Casualty reports longer than a month, each as a bar over its own period, labelled with its count.

    Cumulative reports overlap, so they are drawn side by side, never added up.
    """
    rows = reports.sort_values(["period_end", "deaths_best"]).reset_index(drop=True)
    start, end = pd.to_datetime(rows["period_start"]), pd.to_datetime(rows["period_end"]) + pd.Timedelta(days=1)
    labels = [f"{r.deaths_best:,.0f} {r.category} — {r.source_publisher} ({pd.Timestamp(r.period_end):%d %b %Y})"
              for r in rows.itertuples()]
    fig = go.Figure(go.Bar(
        base=start, x=(end - start).dt.total_seconds() * 1000, y=labels, orientation="h",
        marker_color=[CATEGORY_COLOURS.get(c, "#999999") for c in rows["category"]],
        text=[f"{v:,.0f}" for v in rows["deaths_best"]], textposition="inside", insidetextanchor="start",
        customdata=list(zip(start.dt.strftime("%d %b %Y"), (end - pd.Timedelta(days=1)).dt.strftime("%d %b %Y"),
                            rows["source_title"].fillna(""), rows["note"].fillna(""))),
        hovertemplate="%{text} deaths, %{customdata[0]} – %{customdata[1]}<br>%{customdata[3]}"
                      "<br><i>%{customdata[2]}</i><extra></extra>",
        showlegend=False,
    ))
    fig.update_layout(template="plotly_white", title="Recorded deaths in reports covering more than a month",
                      height=160 + 34 * len(rows), margin={"l": 20, "r": 20, "t": 60, "b": 40}, separators=".,")
    fig.update_xaxes(type="date", title="Period each report covers")
    fig.update_yaxes(automargin=True)
    return add_events(fig, events)


def _host_colour(iso3: str, others: dict[str, str]) -> str:
    if iso3 == "TUR":
        return TURKEY_COLOUR
    return others.setdefault(iso3, OTHER_HOST_COLOURS[len(others) % len(OTHER_HOST_COLOURS)])


def refugees_by_host(frame: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Syrian refugees per host country over time (a stock); Turkey drawn thick and in vermillion.

    A `series` column (optional) splits one host into lines from different reports,
    drawn dashed after the first so they read as separate, not cumulative.
    """
    fig, others, seen = go.Figure(), {}, set()
    keys = ["asylum_iso3", "series"] if "series" in frame else ["asylum_iso3"]
    for key, rows in frame.groupby(keys, sort=False):
        iso3 = key[0] if isinstance(key, tuple) else key
        label = key[1] if isinstance(key, tuple) else names.get(iso3, iso3)
        rows = rows.sort_values("period_end")
        turkey, again = iso3 == "TUR", iso3 in seen
        seen.add(iso3)
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(rows["period_end"]), y=rows["persons"], mode="lines+markers", name=label,
            line={"color": _host_colour(iso3, others), "width": 4 if turkey else 1.5, "dash": "dash" if again else "solid"},
            opacity=1 if turkey else 0.75,
            hovertemplate=f"{label}<br>%{{x|%d %b %Y}}: %{{y:,.0f}} refugees<extra></extra>",
        ))
    _base_layout(fig, "Syrian refugees by host country (Turkey highlighted)", "Refugees present (stock, persons)")
    fig.update_xaxes(title="Reference date (end of period)")
    return fig


def asylum_applications(frame: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Asylum applications by Syrians per period and host country (a flow), stacked."""
    fig, others = go.Figure(), {}
    for iso3, rows in frame.groupby("asylum_iso3", sort=False):
        rows = rows.sort_values("period_end")
        fig.add_trace(go.Bar(**_period_bars(rows), y=rows["persons"], name=names.get(iso3, iso3),
                             marker_color=_host_colour(iso3, others),
                             hovertemplate=f"{names.get(iso3, iso3)}: %{{y:,.0f}} applications<extra></extra>"))
    _base_layout(fig, "Asylum applications lodged by Syrians", "Applications in the period (flow)")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="Reference period", type="date")
    return fig


def camps_occupancy(frame: pd.DataFrame) -> go.Figure:
    """Each camp's population against its capacity; the occupancy ratio in the hover and labels."""
    rows = frame.sort_values("individuals").tail(40)
    label = [f"{n} ({b:.0f} km)" if pd.notna(b) else n for n, b in zip(rows["name"], rows["border_km"])]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=label, x=rows["capacity"], orientation="h", name="Capacity (individuals)",
                         marker_color="#BBBBBB", hovertemplate="Capacity %{x:,.0f}<extra></extra>"))
    fig.add_trace(go.Bar(
        y=label, x=rows["individuals"], orientation="h", name="Population (latest count)", width=0.4,
        marker_color=["#D55E00" if (o or 0) > 1 else "#0072B2" for o in rows["occupancy"].fillna(0)],
        text=[f"{o:.0%}" if pd.notna(o) else "no capacity" for o in rows["occupancy"]], textposition="outside",
        hovertemplate="Population %{x:,.0f}<br>occupancy %{text}<extra></extra>",
    ))
    fig.update_layout(title="Camp population vs capacity (vermillion = over capacity); km = distance to border",
                      template="plotly_white", barmode="overlay", separators=".,",
                      height=max(320, 40 + 28 * len(rows)), margin={"l": 200, "r": 40, "t": 60, "b": 40},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.1})
    fig.update_xaxes(title="People (stock, latest count in the period)", tickformat=",d")
    return fig


def camps_trend(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for publisher, rows in frame.groupby("source_publisher", sort=False):
        rows = rows.sort_values("period_end")
        fig.add_trace(go.Scatter(x=pd.to_datetime(rows["period_end"]), y=rows["individuals"], mode="lines+markers",
                                 name=f"People in camps — {publisher}", customdata=rows["camps"],
                                 hovertemplate="%{x|%d %b %Y}: %{y:,.0f} people in %{customdata} camps<extra></extra>"))
    _base_layout(fig, "People living in the camps reported (stock)", "People (stock)")
    fig.update_xaxes(title="Reporting date")
    return fig
