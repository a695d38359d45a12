"""The one chart registry: every chart is declared here once, with its title, the
page that shows it, the warehouse queries it reads, its builder and the name its
exports carry. Pages (`dashboard.data.chart`), the per-chart exports, the command
line (`python -m dashboard.export --list`) and the briefing pack all read it.

A builder receives `query(name, filters, **kwargs)`: the dashboard passes its
cached `dashboard.data.query`, the command-line export an uncached one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from dashboard import builders, drawing, i18n, map_months
from dashboard.chart_data import ChartData, Query, period_of
from dashboard.citations import Source, cite, with_links
from dashboard.i18n import N_, _
from warehouse.queries import Filters, run

__all__ = ["CHARTS", "ChartData", "ChartSpec", "Query", "Source", "build", "cite", "direct_query", "period_of"]


@dataclass(frozen=True)
class ChartSpec:
    """One chart, declared once."""

    name: str                 # stable id: URLs, `--chart NAME`, tests
    title: str                # heading on the page and in every export (English, N_(); shown through _())
    page: str                 # dashboard/views/<page>.py shows it
    queries: tuple[str, ...]  # warehouse.queries functions it reads (documentation and checks)
    build: Callable[[Query, Filters], ChartData]
    export_name: str = ""     # file name stem of its exports; the name when empty

    @property
    def file_stem(self) -> str:
        return self.export_name or self.name


SPECS = (
    ChartSpec("displacement-timeline", N_("Displacement in Northwest Syria, as reported"), "overview",
              ("timeline.displacement_series", "timeline.events"), builders.displacement_timeline,
              "displacement-timeline"),
    ChartSpec("war-timeline", N_("The war in Syria, 2011 to the latest figure"), "overview",
              ("war.refugees_by_year", "war.idps_by_year", "war.deaths", "timeline.events", "periods.default_period"),
              builders.war_timeline),
    ChartSpec("displacement-by-border-band", N_("Displacement by distance to the Turkish border"), "border",
              ("border.by_band", "timeline.events"), builders.displacement_by_border_band),
    ChartSpec("net-movement-toward-border", N_("Net movement toward the border"), "border",
              ("border.by_band", "border.net_movement", "timeline.events"), builders.net_movement_toward_border),
    ChartSpec("flows-origin-destination", N_("Origin → destination flows"), "border",
              ("border.flows",), builders.flows_origin_destination),
    ChartSpec("map-displacement", N_("Map of displacement by sub-district"), "map",
              ("maps.subdistrict_values", "maps.shapes", "maps.layers", "maps.m4_corridor", "maps.flow_lines",
               "camps.occupancy", "maps.named_places", "maps.patrols", "maps.returns"), builders.map_displacement),
    ChartSpec("map-by-month", N_("Where displacement was reported, month by month"), "map",
              ("maps.month_reports", "maps.area_outlines", "maps.layers", "maps.governorate_outlines", "maps.band_rings"),
              map_months.build),
    ChartSpec("camps-occupancy", N_("Camp population vs capacity"), "camps",
              ("camps.occupancy",), builders.camps_occupancy),
    ChartSpec("camps-trend", N_("People living in camps over time"), "camps",
              ("camps.trend",), builders.camps_trend),
    ChartSpec("shelter-by-type", N_("Where the displaced were sheltering"), "camps",
              ("timeline.displacement_series", "timeline.events"), builders.shelter_by_type),
    ChartSpec("idps-in-camps-reported", N_("IDPs living in camps and sites, as reported"), "camps",
              ("timeline.displacement_series", "timeline.events"), builders.idps_in_camps_reported),
    ChartSpec("casualties-vs-displacement", N_("Deaths and displacement on one time axis"), "casualties",
              ("casualties.monthly", "timeline.displacement_series", "timeline.events"),
              builders.casualties_vs_displacement),
    ChartSpec("casualty-reports", N_("Deaths in reports covering more than a month"), "casualties",
              ("casualty_reports.long_reports", "timeline.events"), builders.casualty_reports),
    ChartSpec("refugees-by-host-country", N_("Syrian refugees by host country"), "refugees",
              ("refugees.by_host",), builders.refugees_by_host_country),
    ChartSpec("asylum-applications", N_("Asylum applications by Syrians"), "refugees",
              ("refugees.applications",), builders.asylum_applications),
)
CHARTS: dict[str, ChartSpec] = {spec.name: spec for spec in SPECS}
if len(CHARTS) != len(SPECS):  # a name declared twice would silently shadow the first
    raise RuntimeError("a chart name is declared twice in dashboard/catalog.py")


def charts_on(page: str) -> list[ChartSpec]:
    """The charts a page shows, in declaration order."""
    return [spec for spec in SPECS if spec.page == page]


def direct_query(db_path: Path) -> Query:
    """An uncached query function for the command line and tests."""

    def query(name: str, filters: Filters | None = None, **kwargs) -> pd.DataFrame:
        return run(db_path, name, filters, **kwargs)

    return query


def build(name: str, query: Query, filters: Filters) -> ChartData:
    """Build a declared chart: its builder's figure and rows, with the declared name,
    title and export name, and a link for every report it cites."""
    if name not in CHARTS:
        raise KeyError(f"unknown chart {name!r}; charts: {', '.join(CHARTS)}")
    spec = CHARTS[name]
    chart = spec.build(query, filters)
    if chart.figure is not None and not chart.figure.layout.title.text:
        chart.figure.update_layout(title=_(spec.title))
    if chart.figure is not None and i18n.is_rtl():  # Arabic: title on the right, every label right to left
        drawing.rtl_text(drawing.right_to_left(chart.figure))
    references = chart.references
    if any(not s.url for s in references):
        references = with_links(references, query("admin.source_links"))
    return replace(chart, name=spec.name, title=_(spec.title), export_name=spec.file_stem, references=references,
                   sources=[str(s) for s in references] or chart.sources)
