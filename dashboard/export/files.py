"""One chart, one format, one file: the entry point the CLI and the buttons share.

`export_chart(chart, filters, "png")` returns the bytes and a file name that
says what and when (`displacement-timeline_2019-12-01_2020-03-31.png`). Every
format carries the citation from `About`.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import catalog, i18n
from dashboard.catalog import ChartData, Query
from dashboard.export import headers, images, tabular
from dashboard.export.about import About, about_chart, file_stem
from warehouse.queries import Filters

# format -> (file extension, MIME type)
FORMATS: dict[str, tuple[str, str]] = {
    "png": ("png", "image/png"),
    "svg": ("svg", "image/svg+xml"),
    "pdf": ("pdf", "application/pdf"),
    "html": ("html", "text/html"),
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "about": ("about.txt", "text/plain"),
}


@dataclass(frozen=True)
class Exported:
    file_name: str
    mime: str
    data: bytes


def filter_names(query: Query | None, filters: Filters) -> dict[str, str]:
    """Readable names for the P-codes and source ids in the filters ({} without a warehouse)."""
    codes = tuple(filters.governorates) + tuple(filters.sources) + tuple(v for _, v in filters.extra)
    if query is None or not codes:
        return {}
    frame = query("briefing.names", None, codes=codes)
    return dict(zip(frame["code"], frame["name"]))


def version_label(query: Query | None) -> str:
    """Which data an export was made from: 'load 8 of 2026-11-25 11:59' (the loads table keeps the files)."""
    if query is None:
        return ""
    state = query("briefing.warehouse_state", None)
    if state.empty or pd.isna(state["last_load_id"].iloc[0]):
        return i18n._("empty warehouse")
    return i18n._("load {number} of {when}").format(
        number=i18n.localise_digits(str(int(state["last_load_id"].iloc[0]))),
        when=i18n.localise_digits(f"{pd.Timestamp(state['last_loaded_at'].iloc[0]):%Y-%m-%d %H:%M}"))


def about_for(chart: ChartData, filters: Filters, *, query: Query | None = None,
              exported_on: date | None = None) -> About:
    """The citation of a chart: names from the warehouse, its last load, today's date."""
    return about_chart(
        chart, filters, names=filter_names(query, filters), exported_on=exported_on,
        warehouse_version=version_label(query),
    )


def export_chart(chart: ChartData, filters: Filters, fmt: str, about: About, *, arabic_headers: bool = False) -> Exported:
    """The chart in one format. Image formats raise images.ImageExportUnavailable without Chromium.
    `arabic_headers`: CSV and Excel columns named in the page's language (an Arabic page's option)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    extension, mime = FORMATS[fmt]
    name = f"{file_stem(chart.export_name or chart.name, filters, chart.period)}.{extension}"
    rows = headers.arabic_headers(chart.data) if arabic_headers else chart.data
    if fmt == "csv":
        data = tabular.to_csv(rows)
    elif fmt == "xlsx":
        data = tabular.to_xlsx(rows, about)
    elif fmt == "about":
        data = about.text().encode("utf-8")
    elif fmt == "html":
        data = images.to_html(images.decorate(chart, about), about)
    else:
        data = images.render(images.decorate(chart, about), fmt)
    return Exported(name, mime, data)


def export_named(name: str, fmt: str, filters: Filters, db_path: Path,
                 exported_on: date | None = None) -> tuple[ChartData, Exported]:
    """Build a catalogue chart from the warehouse (uncached) and export it."""
    query = catalog.direct_query(db_path)
    chart = catalog.build(name, query, filters)
    about = about_for(chart, filters, query=query, exported_on=exported_on)
    return chart, export_chart(chart, filters, fmt, about)


def write(data: bytes, out: Path) -> Path:
    """Write a file whole or not at all (temp file in the same folder, then rename)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return out
