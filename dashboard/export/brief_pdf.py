"""The briefing pack's print layout (fpdf2): the first page, chart blocks that flow
two to a page where they fit, the "Not shown" line and the numbered sources.

Charts never split across pages. When the story needs more than the page
budget, the charts are laid out again a little smaller (down to a floor that
keeps their text readable), so a busy period still prints in a few pages.
"""
from __future__ import annotations

from dashboard import i18n
from dashboard.export import images
from dashboard.export.brief import (
    CHANGED, KICKER, METHODOLOGY, SUBTITLE, TITLE, Changed, Pack, PackChart, event_line, headline_parts, start_picture,
)
from dashboard.export.pdf import BriefPDF, fit
from dashboard.export.references import label
from dashboard.i18n import _
from warehouse.links import web_link

CHART_HEIGHTS_MM = (118, 100, 86)   # largest chart picture, tried in turn until the pack fits
MAP_MIN_MM = 90
BOXES_PER_ROW = 4


def _pictures(pack: Pack) -> dict[str, bytes | str]:
    """Each chart's PNG, or the sentence to print instead of it."""
    out: dict[str, bytes | str] = {}
    for item in ([pack.map] if pack.map else []) + pack.charts:
        picture = item.picture
        if picture is None:
            picture = item.picture = start_picture(item.chart)
        if isinstance(picture, images.ImageExportUnavailable):
            out[item.chart.name] = _("Chart image unavailable: {reason} The HTML briefing pack shows it.").format(reason=picture)
            continue
        try:
            out[item.chart.name] = images.collect(picture)
        except Exception as error:  # noqa: BLE001 - one chart that fails to draw must not sink the pack
            out[item.chart.name] = _("Chart image could not be drawn ({error}).").format(error=f"{type(error).__name__}: {error}")
    return out


def write(pack: Pack, max_pages: int) -> bytes:
    pictures = _pictures(pack)
    for height in CHART_HEIGHTS_MM:
        pdf = _layout(pack, pictures, height)
        if pdf.page_no() <= max_pages:
            break
    return pdf.bytes()


def _layout(pack: Pack, pictures: dict[str, bytes | str], chart_mm: float) -> BriefPDF:
    pdf = BriefPDF(pack.footer_lines, rtl=pack.language in i18n.RTL, page_label=_("Page {page} of {pages}"))
    _first_page(pdf, pack, pictures)
    current = None
    for item in pack.charts:
        current = _chart_block(pdf, item, pictures[item.chart.name], chart_mm, current)
    _closing(pdf, pack)
    return pdf


# --- first page -------------------------------------------------------------------

def _first_page(pdf: BriefPDF, pack: Pack, pictures: dict[str, bytes | str]) -> None:
    pdf.add_page()
    issued = f"Issued {pack.exported_on.day} {pack.exported_on:%b %Y}" if pack.language == "en" else \
        _("Issued {day}").format(day=i18n.day(pack.exported_on))
    pdf.title_band(_(KICKER), _(TITLE), [pack.period_text, issued])
    pdf.paragraph(_(SUBTITLE) + ". " + _("Numbers in brackets refer to the sources listed at the end."), size=8.5, grey=True)
    if pdf.font_note:
        pdf.paragraph(pdf.font_note, size=8)
    if pack.messages:
        pdf.label(_("Key messages"))
        for text in pack.messages:
            pdf.bullet(text, size=9)
        pdf.ln(1)
    pdf.label(_("Key figures"))
    if not pack.headlines:
        pdf.paragraph(_("No headline figures for this selection."), size=9)
    boxes = [(n, what, f"{when} {label([ref])}") for (n, what, when), ref in
             ((headline_parts(h), ref) for h, ref in pack.headlines)]
    for start in range(0, len(boxes), BOXES_PER_ROW):
        pdf.key_figures(boxes[start:start + BOXES_PER_ROW])
    if pack.events:
        pdf.label(_("Key events"))
        for event, ref in pack.events:
            pdf.bullet(f"{event_line(event)} {label([ref])}")
        pdf.ln(1)
    if pack.map is not None:
        _map_block(pdf, pack.map, pictures[pack.map.chart.name])


def _map_block(pdf: BriefPDF, item: PackChart, picture: bytes | str) -> None:
    """The map fills what is left of the first page (it is never pushed to page 2)."""
    pdf.label(item.section or _("Where people went"))
    pdf.heading(item.chart.title, size=10.5)
    caption = " ".join((item.caption, _("Sources:"), label(item.refs)))
    room = pdf.bottom - pdf.get_y() - _caption_mm(pdf, caption) - 2
    if isinstance(picture, str):
        pdf.paragraph(picture, size=9)
    else:
        pdf.image_png(picture, max_height=max(room, MAP_MIN_MM))
    pdf.paragraph(caption, size=7.5, grey=True)


# --- charts -----------------------------------------------------------------------

def _caption_mm(pdf: BriefPDF, text: str, size: float = 7.5) -> float:
    pdf.set_font(pdf.family, "", size)
    lines = pdf.multi_cell(0, size * 0.45, pdf.clean(text), dry_run=True, output="LINES")
    return len(lines) * size * 0.45 + 1.2


def _chart_block(pdf: BriefPDF, item: PackChart, picture: bytes | str, chart_mm: float, current: str | None) -> str:
    """Section label (when the section changes), title, picture, caption with references: on one page."""
    caption = " ".join((item.caption, _("Sources:"), label(item.refs)))
    picture_mm = fit(picture, pdf.epw, chart_mm)[1] if isinstance(picture, bytes) else 12
    needed = (9 if item.section != current else 0) + 7 + picture_mm + _caption_mm(pdf, caption) + 3
    if pdf.get_y() + needed > pdf.bottom:
        pdf.add_page()
        current = None  # a new page repeats its section label
    if item.section != current:
        pdf.label(item.section)
    pdf.heading(item.chart.title, size=10.5)
    if isinstance(picture, bytes):
        pdf.image_png(picture, max_height=chart_mm)
    else:
        pdf.paragraph(picture, size=9)
    pdf.paragraph(caption, size=7.5, grey=True)
    pdf.ln(2)
    return item.section


# --- not shown, sources ---------------------------------------------------------

SOURCES_HEAD_MM = 22  # the "Sources" label and the methodology paragraph above the list
SOURCE_TYPES = ((6.3, 2.7), (5.8, 2.5), (5.4, 2.3))  # (size pt, line mm): the largest that fits one page wins
SOURCE_GUTTER = 6                     # mm between the two columns
NUMBER_MM = 7                         # the [n] before each reference


def _changed(pdf: BriefPDF, changed: Changed | None) -> None:
    """"Changed since the last pack", before the sources (only when there is something to say)."""
    if changed is None:
        return
    if pdf.get_y() + 30 > pdf.bottom:
        pdf.add_page()
    pdf.label(_(CHANGED))
    pdf.paragraph(changed.since, size=8.5)
    for heading, items in changed.lines():
        pdf.paragraph(heading, size=8.5, bold=True)
        for item in items:
            pdf.bullet(item, size=8)
    pdf.ln(1)


def _closing(pdf: BriefPDF, pack: Pack) -> None:
    _changed(pdf, pack.changed)
    if pack.not_shown:
        if pdf.get_y() + 12 > pdf.bottom:
            pdf.add_page()
        pdf.paragraph(_("Not shown (no figures for this selection): {charts}.").format(charts="; ".join(pack.not_shown)),
                      size=8, bold_label=True)
    if pdf.get_y() + 40 > pdf.bottom or not _fit_below(pdf, pack.references, SOURCES_HEAD_MM):
        pdf.add_page()  # the sources take one page: on a fresh one when the rest of this one cannot hold them
    pdf.ln(2)
    pdf.label(_("Sources"))
    pdf.paragraph(_(METHODOLOGY), size=7.5, grey=True)
    _sources_in_columns(pdf, pack.references)


def _reference_text(pdf: BriefPDF, ref) -> str:
    return pdf.clean(ref.text + (f" {web_link(ref.url)}" if web_link(ref.url) else ""))


def _reference_mm(pdf: BriefPDF, ref, width: float, size: float, line: float) -> float:
    pdf.set_font(pdf.family, "", size)
    lines = pdf.multi_cell(width - NUMBER_MM, line, _reference_text(pdf, ref), dry_run=True, output="LINES")
    return len(lines) * line + 0.6


def _columns_needed(heights: list[float], room: float) -> int:
    """How many columns the references fill, each reference whole in one column."""
    columns, used = 1, 0.0
    for height in heights:
        if used + height > room and used > 0:
            columns, used = columns + 1, 0.0
        used += height
    return columns


def _fit_below(pdf: BriefPDF, references: list, head_mm: float) -> bool:
    """Whether two columns in the smallest type hold every reference below the sources' heading and note."""
    width = (pdf.epw - SOURCE_GUTTER) / 2
    size, line = SOURCE_TYPES[-1]
    heights = [_reference_mm(pdf, ref, width, size, line) for ref in references]
    return _columns_needed(heights, pdf.bottom - pdf.get_y() - head_mm) <= 2


def _type_that_fits(pdf: BriefPDF, references: list, width: float) -> tuple[float, float, list[float]]:
    """The largest type whose two columns hold every reference in the room left on this page, and each
    reference's height in it (the smallest type when none fits: the list then flows on)."""
    room = pdf.bottom - pdf.get_y()
    for size, line in SOURCE_TYPES:
        heights = [_reference_mm(pdf, ref, width, size, line) for ref in references]
        if _columns_needed(heights, room) <= 2:
            break
    return size, line, heights


def _sources_in_columns(pdf: BriefPDF, references: list) -> None:
    """The numbered sources in two columns (right to left in Arabic), each reference whole in one column:
    a number is never parted from its text, and the list keeps to the page it starts on where a smaller
    type lets it (SOURCE_TYPES)."""
    width = (pdf.epw - SOURCE_GUTTER) / 2
    size, line, heights = _type_that_fits(pdf, references, width)
    top, column = pdf.get_y(), 0
    for ref, height in zip(references, heights):
        if pdf.get_y() + height > pdf.bottom:
            column += 1
            if column == 2:
                pdf.add_page()
                column, top = 0, pdf.get_y()
            pdf.set_y(top)
        left = pdf.l_margin + (width + SOURCE_GUTTER) * (1 - column if pdf.rtl else column)
        _reference(pdf, ref, left, width, size, line)


def _reference(pdf: BriefPDF, ref, left: float, width: float, size: float, line: float) -> None:
    top = pdf.get_y()
    pdf.set_font(pdf.family, "B", size)
    pdf.set_xy(left + width - NUMBER_MM if pdf.rtl else left, top)
    pdf.cell(NUMBER_MM, line, f"[{ref.number}]", align="R" if pdf.rtl else "L")
    pdf.set_font(pdf.family, "", size)
    pdf.set_xy(left if pdf.rtl else left + NUMBER_MM, top)
    pdf.multi_cell(width - NUMBER_MM, line, _reference_text(pdf, ref), align=pdf.align,
                   new_x="LEFT", new_y="NEXT")
    pdf.ln(0.6)
