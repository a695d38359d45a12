"""Charts laid out for print in the briefing pack: full A4 text width, fonts that
stay readable on paper (about 8 pt at 180 mm), no title inside the picture
(the pack writes it as text above, with the chart's numbered references
below) and the legend under the plot.

The per-chart exports keep their own layout (images.decorate): a picture
pasted alone must carry its citation, a picture in the pack does not.
"""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard import i18n
from dashboard.catalog import ChartData
from dashboard.i18n import _

WIDTH_PX = 960            # 180 mm of A4 text width: 1 px = 0.19 mm
FONT_PX = 15              # 2.8 mm ≈ 8 pt on paper
MIN_HEIGHT, MAX_HEIGHT = 400, 640
MAP_HEIGHT = 740
FONT = "Liberation Sans, Arial, DejaVu Sans Condensed, sans-serif"  # narrow: event labels fit as on screen
EVENT_TICKS = "Events: "  # legend names of the minor event categories (dashboard.drawing)


def _legend_rows(fig: go.Figure) -> int:
    """Rows a horizontal legend takes at print width (plotly wraps entries in a grid)."""
    names = [t.name for t in fig.data if getattr(t, "showlegend", None) is not False and getattr(t, "name", None)]
    if not names:
        return 0
    entry = [40 + 0.6 * FONT_PX * len(n) for n in names]
    if sum(entry) <= WIDTH_PX - 80:
        return 1
    per_row = max(1, int((WIDTH_PX - 80) // max(entry)))
    return -(-len(names) // per_row)


def _one_entry_for_event_ticks(fig: go.Figure) -> None:
    """On paper a legend entry per event category cannot be clicked: one entry for all the ticks."""
    prefix = _("Events: {name}").format(name="")
    ticks = [t for t in fig.data if str(getattr(t, "name", "") or "").lstrip(i18n.RLI).startswith((EVENT_TICKS, prefix))]
    for i, trace in enumerate(ticks):
        trace.showlegend = i == 0
        if i == 0:
            trace.name = i18n.rtl_line(_("Other events (the dashboard lists them)"))


def is_map(fig: go.Figure) -> bool:
    return any(t.type in ("scattermap", "choroplethmap", "densitymap") for t in fig.data)


def for_print(chart: ChartData) -> go.Figure:
    """A copy of the chart's figure sized and lettered for the pack."""
    fig = go.Figure(chart.figure)
    # a series hidden behind a legend click on screen cannot be clicked on paper
    fig.data = [t for t in fig.data if getattr(t, "visible", None) != "legendonly"]
    _one_entry_for_event_ticks(fig)
    fig.update_layout(title=None, width=WIDTH_PX, font={"size": FONT_PX, "family": FONT, "color": "#222222"},
                      paper_bgcolor="white")
    if is_map(fig):
        fig.update_layout(height=MAP_HEIGHT, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                          legend={"font": {"size": FONT_PX - 1}})
        return fig
    rows = _legend_rows(fig)
    legend_px = 24 * rows
    height = min(MAX_HEIGHT, max(MIN_HEIGHT, int(fig.layout.height or 440) + legend_px - 40))
    fig.update_layout(
        height=height,
        margin={"l": 75, "r": 20, "t": 36, "b": 60 + legend_px},
        legend={"orientation": "h", "yref": "container", "y": 0.005, "yanchor": "bottom", "x": 0, "xanchor": "left",
                "font": {"size": FONT_PX - 1}},
    )
    fig.update_annotations(font_size=FONT_PX)   # subplot titles
    return fig
