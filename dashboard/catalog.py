"""The catalogue of charts: each has a stable name, a title, and a builder that
runs its queries and returns the figure with the data and sources behind it.

Pages render `ChartData.figure` and name `ChartData.sources` under it; exports
(PNG/SVG/PDF/HTML/CSV/XLSX, briefing pack) use the same object, so an exported
chart is exactly what the page showed, with its citation.

A builder receives `query(name, filters, **kwargs)`: the dashboard passes its
cached `dashboard.data.query`, the command-line export an uncached one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from warehouse.queries import Filters, run

Query = Callable[..., pd.DataFrame]


@dataclass
class ChartData:
    """A drawn chart and everything needed to cite it."""

    name: str
    title: str
    figure: go.Figure | None          # None when there is nothing to draw
    data: pd.DataFrame                # the rows behind the chart, as exported to CSV/XLSX
    sources: list[str] = field(default_factory=list)   # "Publisher, Title (YYYY-MM-DD)"
    period: tuple[date | None, date | None] = (None, None)
    measure: str = ""                 # "flow", "stock" or a sentence saying which
    empty_message: str = "No figures for this selection."

    @property
    def is_empty(self) -> bool:
        return self.figure is None or self.data.empty


@dataclass(frozen=True)
class ChartSpec:
    name: str
    title: str
    page: str
    build: Callable[[Query, Filters], ChartData]


def cite(frame: pd.DataFrame) -> list[str]:
    """Distinct 'Publisher, Title (date)' strings from a frame with source_* columns."""
    if frame.empty or "source_publisher" not in frame:
        return []
    cols = [c for c in ("source_publisher", "source_title", "source_date") if c in frame]
    out = []
    for row in frame[cols].drop_duplicates().itertuples(index=False):
        text = f"{row[0]}, {row[1]}" if len(row) > 1 else str(row[0])
        if len(row) > 2 and pd.notna(row[2]):
            text += f" ({pd.Timestamp(row[2]):%Y-%m-%d})"
        out.append(text)
    return sorted(set(out))


def period_of(frame: pd.DataFrame, start: str = "period_start", end: str = "period_end") -> tuple[date | None, date | None]:
    if frame.empty or start not in frame:
        return (None, None)
    return (pd.Timestamp(frame[start].min()).date(), pd.Timestamp(frame[end].max()).date())


def _displacement_timeline(query: Query, filters: Filters) -> ChartData:
    series = query("timeline.displacement_series", filters)
    events = query("timeline.events", filters)
    figure = charts.displacement_timeline(series, events) if not series.empty else None
    return ChartData(
        name="displacement-timeline",
        title="Displacement in Northwest Syria, as reported",
        figure=figure,
        data=series,
        sources=cite(series) + [s for s in cite(events) if s not in cite(series)],
        period=period_of(series),
        measure="Each line is one figure type from one publisher; flows and stocks are never added together.",
        empty_message="No displacement figures for this selection.",
    )


CHARTS: dict[str, ChartSpec] = {
    spec.name: spec
    for spec in (
        ChartSpec("displacement-timeline", "Displacement in Northwest Syria, as reported", "overview", _displacement_timeline),
    )
}


def _register_page_charts() -> None:
    """Add the charts of the other pages (their builders live in dashboard.page_charts)."""
    from dashboard import page_charts

    for name, title, page, build_chart in page_charts.SPECS:
        CHARTS[name] = ChartSpec(name, title, page, build_chart)


_register_page_charts()


def direct_query(db_path: Path) -> Query:
    """An uncached query function for the command line and tests."""

    def query(name: str, filters: Filters | None = None, **kwargs) -> pd.DataFrame:
        return run(db_path, name, filters, **kwargs)

    return query


def build(name: str, query: Query, filters: Filters) -> ChartData:
    if name not in CHARTS:
        raise KeyError(f"unknown chart {name!r}; charts: {', '.join(CHARTS)}")
    return CHARTS[name].build(query, filters)
