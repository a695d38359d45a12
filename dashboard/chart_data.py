"""What a chart builder returns: the figure with the rows and reports behind it.

Pages render `ChartData.figure` with its sources line under it; exports
(PNG/SVG/PDF/HTML/CSV/XLSX, briefing pack) use the same object, so an exported
chart is exactly what the page showed, with its citation. The chart's name,
title and export name come from its one declaration in dashboard/catalog.py.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.citations import Source

Query = Callable[..., pd.DataFrame]
# In Filters.extra (and `reports=all` in the URL): the displacement chart draws every publisher's
# reports, not only the figures of the quoted figure's basis.
ALL_REPORTS = ("reports", "all")


@dataclass
class ChartData:
    """A drawn chart and everything needed to cite it."""

    name: str = ""
    title: str = ""
    figure: go.Figure | None = None   # None when there is nothing to draw
    data: pd.DataFrame = field(default_factory=pd.DataFrame)  # the rows behind the chart (CSV/XLSX)
    sources: list[str] = field(default_factory=list)   # "Publisher, Title (5 Mar 2020)"
    period: tuple[date | None, date | None] = (None, None)
    measure: str = ""                 # "flow", "stock" or a sentence saying which
    empty_message: str = "No figures for this selection."
    references: list[Source] = field(default_factory=list)  # the same reports, with date and link
    export_name: str = ""             # file name stem of the exports
    note: str = ""                    # figures said, not drawn (arrivals with no origin given): shown with
                                      # the chart, or in its place when nothing is drawn

    def __post_init__(self) -> None:
        if self.references and not self.sources:
            self.sources = [str(s) for s in self.references]

    @property
    def is_empty(self) -> bool:
        return self.figure is None or self.data.empty


def period_of(frame: pd.DataFrame, start: str = "period_start", end: str = "period_end") -> tuple[date | None, date | None]:
    """The span a frame's reference periods cover."""
    if frame.empty or start not in frame:
        return (None, None)
    return (pd.Timestamp(frame[start].min()).date(), pd.Timestamp(frame[end].max()).date())
