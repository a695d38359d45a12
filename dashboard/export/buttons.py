"""Download buttons under each chart and for the briefing pack (the only
Streamlit code in dashboard/export).

Files are made only when a button is clicked (st.download_button with a
callable), so drawing a page costs nothing extra. Without Chromium the image
buttons are replaced by a line saying what to install; HTML and data still work.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import catalog, i18n
from dashboard.catalog import ChartData
from dashboard.export import brief, files, images
from dashboard.export.about import file_stem
from dashboard.i18n import N_, _
from warehouse.queries import Filters

LABELS = i18n.Labels({"png": "PNG", "svg": "SVG", "pdf": "PDF", "html": "HTML", "csv": "CSV", "xlsx": N_("Excel"),
                      "about": N_("Citation")})
HELP = i18n.Labels({
    "png": N_("Print-resolution image (3600 px wide) with title, filters, sources, reference period and export date."),
    "svg": N_("Vector image for reports, with the same citation footer."),
    "pdf": N_("One-page PDF of the chart with its citation footer."),
    "html": N_("Interactive chart that works offline (plotly.js embedded)."),
    "csv": N_("The data behind the chart (UTF-8 with BOM for Excel). Its citation is the 'Citation' file."),
    "xlsx": N_("The data on sheet 'Data'; title, filters, sources, period and export date on sheet 'About'."),
    "about": N_("Title, filters, sources, reference period and export date as text."),
})


def _filters(filters: Filters | None) -> Filters:
    if filters is not None:
        return filters
    from dashboard.filters import current

    return current()


def _maker(chart: ChartData, filters: Filters, fmt: str, arabic_headers: bool = False) -> Callable[[], bytes]:
    """A callable Streamlit runs on click: builds the citation and the file then, in the page's language
    (the click may be served outside this script run, so the language goes with the callable)."""
    lang, digits = i18n.language(), i18n.digits()

    def make() -> bytes:
        from dashboard.data import db_path

        with i18n.using(lang, digits):
            about = files.about_for(chart, filters, query=catalog.direct_query(db_path()))
            return files.export_chart(chart, filters, fmt, about, arabic_headers=arabic_headers).data

    return make


def export_buttons(chart: ChartData, filters: Filters | None = None) -> None:
    """One download button per format under a chart."""
    if chart.is_empty:
        return
    filters = _filters(filters)
    stem = file_stem(chart.export_name or chart.name, filters, chart.period)
    formats = list(files.FORMATS) if images.images_available() else [f for f in files.FORMATS if f not in images.IMAGE_FORMATS]
    with st.expander(_("Export this chart"), icon=":material/download:"):
        arabic_headers = i18n.language() == "ar" and st.checkbox(
            _("Arabic column headers in CSV and Excel"), value=True, key=f"export-{chart.name}-arabic-headers",
            help=_("Off: the English column names, as the command-line export writes them."))
        for column, fmt in zip(st.columns(len(formats)), formats):
            extension, mime = files.FORMATS[fmt]
            column.download_button(
                LABELS[fmt], data=_maker(chart, filters, fmt, arabic_headers), file_name=f"{stem}.{extension}", mime=mime,
                key=f"export-{chart.name}-{fmt}", help=HELP[fmt], on_click="ignore", width="stretch",
            )
        if len(formats) < len(files.FORMATS):
            try:
                images.check_browser()
            except images.ImageExportUnavailable as missing:
                st.caption(_("PNG, SVG and PDF: {reason}").format(reason=missing))


def _pack_maker(filters: Filters, fmt: str) -> Callable[[], bytes]:
    lang, digits = i18n.language(), i18n.digits()

    def make() -> bytes:
        from dashboard.data import db_path

        with i18n.using(lang, digits):
            return brief.briefing_pack(catalog.direct_query(db_path()), filters, fmt)[1]

    return make


def briefing_buttons(filters: Filters | None = None) -> None:
    """The briefing pack of the current view, as PDF and as HTML."""
    from dashboard.data import query

    filters = _filters(filters)
    st.markdown("**" + _("Briefing pack") + "**")
    st.caption(_("The selected period as a printable briefing (2–6 A4 pages): key figures, key events, the map, "
                 "the charts with data, numbered sources."))
    left, right = st.columns(2)
    for column, fmt, label in ((left, "pdf", "PDF"), (right, "html", "HTML")):
        column.download_button(
            label, data=_pack_maker(filters, fmt), file_name=brief.pack_file_name(query, filters, fmt),
            mime=files.FORMATS[fmt][1], key=f"briefing-pack-{fmt}", on_click="ignore", width="stretch",
            icon=":material/description:",
        )
    if not images.images_available():
        st.caption(_("The PDF pack has no chart images: {hint}.").format(hint=images.INSTALL_HINT))
