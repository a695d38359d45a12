"""The map month by month: one small offline map per month of the period, each showing the report
whose reference period ends in that month, so the move toward the border reads from panel to panel
(December: the IDP Task Force's movements into Idleb and Aleppo governorates; February: OCHA's
560,000 to northwestern Idleb; March: REACH/CCCM's sub-districts at the border).

A month draws one report and nothing else: reports overlap (most run from 1 December), so two
reports' figures are never added, nor drawn side by side as if they were parts of one whole. The
report drawn is the one naming the most destinations (then placing the most); the month's other
reports are said in the note, with their figures, and are in the chart's data.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.chart_data import ChartData, Query, period_of
from dashboard.citations import cite
from dashboard.drawing import FIGURE_LABELS
from dashboard.i18n import _, isolate
from dashboard.maps import LABEL_FONT_PX, LABEL_SPOTS, _layers, label_name, label_spots, to_pixels
from warehouse.queries import Filters

CENTRE = {"lat": 36.2, "lon": 37.0}  # Idleb and Aleppo governorates' centres both in view, the border at the top
ZOOM = 6.6
NARROWEST_PANEL_PX = 340  # two panels side by side on a laptop's Streamlit column: labels kept inside it
PANEL_HEIGHT, TITLE_SPACE, TOP_MARGIN = 340, 50, 40
MAX_PANELS = 6
LABEL_CLEARANCE = 3  # labels sit three times farther from their point than on the main map: clear of the marker
MOVEMENTS_COLOUR, PEOPLE_COLOUR = "#E69F00", "#0072B2"
REPORT = ["source_id", "period_start", "period_end", "figure_type"]


def drawn_reports(rows: pd.DataFrame) -> pd.DataFrame:
    """Each month's report to draw (one row per month): the most destinations, then the most people,
    then the latest. The rows are `maps.month_reports`: one per report and destination."""
    if rows.empty:
        return pd.DataFrame(columns=["month", *REPORT])
    reports = (rows.groupby(["month", *REPORT], as_index=False)
               .agg(destinations=("destination_pcode", "nunique"), placed=("individuals", "sum")))
    reports = reports.sort_values(["month", "destinations", "placed", "period_end"], ascending=[True, False, False, False])
    return reports.groupby("month", as_index=False).head(1)[["month", *REPORT]].reset_index(drop=True)


def mark_drawn(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with a `drawn` column: True for the month's drawn report, False for the others."""
    if rows.empty:
        return rows.assign(drawn=pd.Series(dtype=bool))
    chosen = drawn_reports(rows).assign(drawn=True)
    out = rows.merge(chosen, on=["month", *REPORT], how="left")
    out["drawn"] = out["drawn"].eq(True)
    return out


def _placed(rows: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Destinations with a point: their own (sub-district, governorate), else a point inside the area's outline."""
    points = areas.set_index("pcode")[["lat", "lon"]] if not areas.empty else pd.DataFrame(columns=["lat", "lon"])
    rows = rows.copy()
    for coord in ("lat", "lon"):
        rows[coord] = rows[coord].fillna(rows["destination_pcode"].map(points[coord]) if not points.empty else np.nan)
    return rows.dropna(subset=["lat", "lon"])


def _grid(n: int) -> tuple[int, int]:
    columns = 1 if n == 1 else 2 if n <= 4 else 3
    return columns, math.ceil(n / columns)


def _domain(i: int, columns: int, rows: int, height: int) -> dict:
    """Panel i's box in paper coordinates, left to right in English and right to left in Arabic, top to bottom,
    with room above it for its title."""
    col, row = i % columns, i // columns
    if i18n.is_rtl():
        col = columns - 1 - col
    gap = 0.01
    top = 1 - row / rows
    return {"x": [col / columns + gap, (col + 1) / columns - gap],
            "y": [1 - (row + 1) / rows + gap, top - TITLE_SPACE / height]}


def _label(row: pd.Series) -> str:
    return f"{label_name(row['destination_name'], row.get('destination_name_ar'))} {i18n.number(row['individuals'])}"


def _panel_title(report: pd.DataFrame) -> str:
    """Three short lines, so two panels' titles never run into each other on a narrow screen."""
    first = report.iloc[0]
    return _("<b>{month}</b><br>{publisher}<br>{start} – {end}").format(
        month=i18n.month(first["month"]), publisher=isolate(first["source_publisher"]),
        start=i18n.day(first["period_start"]), end=i18n.day(first["period_end"]))


def _panel(fig: go.Figure, i: int, report: pd.DataFrame, domain: dict, height: int, top: float) -> None:
    """One month's map: a marker per destination of its report, sized against the largest figure drawn in any
    month (`top`), named with its figure beside it."""
    subplot = "map" if i == 0 else f"map{i + 1}"
    movements = report["figure_type"].eq("displacements").all()
    fig.add_trace(go.Scattermap(
        subplot=subplot, lon=report["lon"], lat=report["lat"], mode="markers", showlegend=False,
        marker={"size": 8 + 32 * np.sqrt(report["individuals"] / top), "opacity": 0.75,
                "color": MOVEMENTS_COLOUR if movements else PEOPLE_COLOUR},
        hovertext=[_("{place}: {value} — {figure}<br>{publisher}, {start} – {end}").format(
            place=label_name(r.destination_name, r.destination_name_ar), value=i18n.number(r.individuals),
            figure=FIGURE_LABELS.get(r.figure_type, r.figure_type), publisher=isolate(r.source_publisher),
            start=i18n.day(r.period_start), end=i18n.day(r.period_end)) for r in report.itertuples()],
        hoverinfo="text",
    ))
    x_mid, y_mid = sum(domain["x"]) / 2, sum(domain["y"]) / 2
    half_height = (domain["y"][1] - domain["y"][0]) * height / 2
    points = [to_pixels(la, lo, CENTRE, ZOOM) for la, lo in zip(report["lat"], report["lon"])]
    texts = [_label(row) for _, row in report.iterrows()]
    for (x, y), text, spot in zip(points, texts, label_spots(points, texts, (NARROWEST_PANEL_PX / 2, half_height))):
        if abs(y) > half_height:
            continue
        xanchor, yanchor, dx, dy = LABEL_SPOTS[spot]
        fig.add_annotation(x=x_mid, y=y_mid, xref="paper", yref="paper", xshift=x + dx * LABEL_CLEARANCE, yshift=y + dy * LABEL_CLEARANCE,
                           xanchor=xanchor, yanchor=yanchor, text=text, showarrow=False,
                           font={"size": LABEL_FONT_PX, "color": "#111111"}, bgcolor="rgba(255,255,255,0.75)")
    fig.add_annotation(x=x_mid, y=domain["y"][1], xref="paper", yref="paper", yanchor="bottom", showarrow=False,
                       text=_panel_title(report), font={"size": 11}, align="center")


def figure(rows: pd.DataFrame, layers: pd.DataFrame, outlines: pd.DataFrame, rings: pd.DataFrame,
           areas: pd.DataFrame) -> go.Figure:
    """The small maps, one per month of the drawn reports (`rows` holds only those, with a point each)."""
    months = sorted(rows["month"].unique())
    columns, grid_rows = _grid(len(months))
    height = grid_rows * PANEL_HEIGHT + TOP_MARGIN + 10
    fig = go.Figure()
    backdrop = layers[layers["layer"].isin(["countries", "border_tr_sy", "m4"])]
    top = float(rows["individuals"].max())
    layout: dict = {}
    for i, month in enumerate(months):
        report = rows[rows["month"] == month]
        domain = _domain(i, columns, grid_rows, height)
        month_areas = areas[areas["pcode"].isin(report["destination_pcode"])]
        _panel(fig, i, report, domain, height, top)
        layout["map" if i == 0 else f"map{i + 1}"] = {
            "style": "white-bg", "center": CENTRE, "zoom": ZOOM, "domain": domain,
            "layers": _layers(backdrop, outlines, rings, month_areas)}
    fig.update_layout(**layout, height=height, margin={"l": 0, "r": 0, "t": TOP_MARGIN, "b": 10}, showlegend=False,
                      separators=".,")
    return fig


def build(query: Query, filters: Filters) -> ChartData:
    """Where displacement was reported, month by month, for the period's months (the latest MAX_PANELS)."""
    rows = mark_drawn(query("maps.month_reports", filters))
    shown_months = sorted(rows["month"].unique())[-MAX_PANELS:] if not rows.empty else []
    rows = rows[rows["month"].isin(shown_months)].reset_index(drop=True)
    area_codes = tuple(sorted(p for p in rows["destination_pcode"].unique() if p.startswith("SY-AREA")))
    areas = query("maps.area_outlines", None, pcodes=area_codes)
    drawn = _placed(rows[rows["drawn"]], areas)
    data = rows.drop(columns=["lat", "lon"])
    note = _others_note(rows)
    return ChartData(
        figure=figure(drawn, query("maps.layers"), query("maps.governorate_outlines"), query("maps.band_rings"), areas)
        if not drawn.empty else None,
        data=data, references=cite(rows), period=period_of(rows),
        measure=" ".join(part for part in (_(
            "Each month: the one report whose reference period ends in it and names the most destinations. "
            "Reports overlap and are never added; a marker's size is its figure. Orange: IDP movements "
            "(a person moving twice counts twice); blue: people."), note) if part),
        note=note,
        empty_message=_("No report placed displacement at a named destination in this period."),
    )


def _others_note(rows: pd.DataFrame) -> str:
    """The month's reports not drawn, said with their figures: '{month}: {publisher} ({end}): Dana 267,000'."""
    others = rows[~rows["drawn"]]
    if others.empty:
        return ""
    parts = []
    for (month, _source, end), report in others.groupby(["month", "source_id", "period_end"], sort=True):
        figures = ", ".join(_label(row) for _, row in report.iterrows())
        kind = report["figure_type"].iloc[0]
        parts.append(_("{month}: {publisher} (to {end}), {figure}: {figures}").format(
            month=i18n.month(month), publisher=isolate(report["source_publisher"].iloc[0]), end=i18n.day(end),
            figure=FIGURE_LABELS.get(kind, kind), figures=figures))
    return _("Also reported, not drawn: {reports}.").format(reports=i18n.separator().join(parts))
