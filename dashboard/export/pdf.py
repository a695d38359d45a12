"""A thin layer over fpdf2 for the briefing pack: a Unicode font, a title band,
key-figure boxes, headings, wrapped paragraphs, images that fit the page, and
a footer on every page (export date, filters, warehouse version, page n of N).

DejaVu Sans (Debian fonts-dejavu-core, installed by the Makefile) covers Latin,
Arabic and typographic dashes; with uharfbuzz installed, Arabic is shaped and
laid right to left. Without the font the pack still builds with a core font,
replaces characters it cannot show with '?', and says so on the title page.
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(os.environ.get("EXPORT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
MONO = "DejaVuSansMono.ttf"
NEEDS_SHAPING = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")  # Hebrew, Arabic, Syriac, Thaana


class BriefPDF(FPDF):
    """A4 portrait pages in the style of a humanitarian flash update: a blue title
    band on the first page, section labels in capitals, a two-line footer."""

    ACCENT = (0, 94, 184)       # headings, key figures, title band
    GREY = (90, 90, 90)
    RULE = (200, 200, 200)
    FOOTER_H = 14               # mm kept free at the bottom of every page

    def __init__(self, footer_lines: list[str] | str, *, rtl: bool = False, page_label: str = "Page {page} of {pages}") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.rtl = rtl                            # an Arabic pack: text aligned right, boxes mirrored
        self.align = "R" if rtl else "L"
        self.page_label = page_label
        self.footer_lines = [footer_lines] if isinstance(footer_lines, str) else list(footer_lines)
        self.set_auto_page_break(auto=True, margin=self.FOOTER_H + 4)
        self.set_margins(15, 14, 15)
        self.font_note = self._set_up_fonts()
        self.set_title("Displacement in Northwest Syria — briefing pack")
        self.set_creator("Northwest Syria displacement dashboard")
        self.alias_nb_pages()

    @property
    def bottom(self) -> float:
        """The lowest y a block may reach on this page."""
        return self.h - self.FOOTER_H - 4

    def _set_up_fonts(self) -> str:
        """Register DejaVu; return '' or a note saying what is missing."""
        paths = {style: FONT_DIR / name for style, name in FONTS.items()}
        if not all(p.is_file() for p in paths.values()):
            self.family, self.mono, self.unicode, self.can_shape = "helvetica", "courier", False, False
            return (f"Unicode font not found in {FONT_DIR}: Arabic names and some punctuation are shown as '?'. "
                    "Install it with `sudo apt-get install fonts-dejavu-core`.")
        for style, path in paths.items():
            self.add_font("dejavu", style, str(path))
        self.family, self.unicode = "dejavu", True
        self.mono = "dejavu-mono" if (FONT_DIR / MONO).is_file() else "dejavu"
        if self.mono == "dejavu-mono":
            self.add_font("dejavu-mono", "", str(FONT_DIR / MONO))
        try:
            self.set_text_shaping(True)
            self.set_text_shaping(False)
        except Exception:  # noqa: BLE001 - uharfbuzz missing: Arabic shows unjoined, still legible
            self.can_shape = False
            return "Arabic text is not shaped (the uharfbuzz package is missing)."
        self.can_shape = True
        return ""

    def clean(self, text: str) -> str:
        """Text the current font can show; turns shaping on only for right-to-left
        scripts, because shaping every line makes the pack several times slower."""
        if not self.unicode:
            return text.encode("latin-1", "replace").decode("latin-1")
        if self.can_shape:
            wanted = bool(NEEDS_SHAPING.search(text))
            if wanted != bool(self.text_shaping):
                self.set_text_shaping(wanted)
        return text

    def footer(self) -> None:
        top = self.h - self.FOOTER_H
        self.set_draw_color(*self.RULE)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.set_text_color(*self.GREY)
        self.set_font(self.family, "", 6.5)
        self.set_xy(self.l_margin, top + 1.2)
        width = self.epw - 22
        for line in self.footer_lines:
            self.set_x(self.l_margin + (22 if self.rtl else 0))
            self.multi_cell(width, 3, self.clean(line), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_xy(self.l_margin if self.rtl else self.w - self.r_margin - 22, top + 1.2)
        self.cell(22, 3, self.clean(self.page_label.format(page=self.page_no(), pages="{nb}")),
                  align="L" if self.rtl else "R")
        self.set_text_color(0)

    def title_band(self, kicker: str, title: str, right: list[str]) -> None:
        """The first page's band: a kicker line, the title, and the period and date on the right."""
        height = 30
        self.set_fill_color(*self.ACCENT)
        self.rect(0, 0, self.w, height, style="F")
        self.set_text_color(255)
        title_x = self.w - self.r_margin - 130 if self.rtl else self.l_margin  # Arabic: the title on the right
        self.set_xy(title_x, 6)
        self.set_font(self.family, "B", 8.5)
        self.cell(130, 4, self.clean(kicker.upper()), align=self.align)
        self.set_xy(title_x, 12)
        self.set_font(self.family, "B", 19)
        self.multi_cell(130, 8, self.clean(title), align=self.align)
        self.set_font(self.family, "", 9)
        for i, line in enumerate(right):
            self.set_font(self.family, "B" if i == 0 else "", 10 if i == 0 else 8.5)
            self.set_xy(self.l_margin if self.rtl else self.w - self.r_margin - 60, 7 + 5.5 * i)
            self.cell(60, 5, self.clean(line), align="L" if self.rtl else "R")
        self.set_text_color(0)
        self.set_y(height + 4)

    def label(self, text: str, *, gap: float = 1.5) -> None:
        """A section label in capitals with a thin rule under it."""
        self.set_font(self.family, "B", 9)
        self.set_text_color(*self.ACCENT)
        self.cell(0, 5, self.clean(text.upper()), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*self.ACCENT)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_line_width(0.2)
        self.set_text_color(0)
        self.ln(gap)

    def key_figures(self, boxes: list[tuple[str, str, str]]) -> None:
        """Key figures side by side: (number, label, 'period · [ref]') each, in equal boxes."""
        if not boxes:
            return
        gap = 3
        width = (self.epw - gap * (len(boxes) - 1)) / len(boxes)
        top = self.get_y()
        heights = []
        for i, (number, text, small) in enumerate(boxes):
            x = self.l_margin + i * (width + gap)
            self.set_xy(x + 2.5, top + 2)
            self.set_text_color(*self.ACCENT)
            self.set_font(self.family, "B", 17 if len(boxes) < 5 else 14)
            if self.rtl:  # the first box on the right
                x = self.w - self.r_margin - width - i * (width + gap)
                self.set_xy(x + 2.5, top + 2)
            self.cell(width - 5, 8, self.clean(number), align=self.align, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_text_color(0)
            self.set_font(self.family, "B", 8.5)
            self.multi_cell(width - 5, 3.8, self.clean(text), align=self.align, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_text_color(*self.GREY)
            self.set_font(self.family, "", 7)
            self.multi_cell(width - 5, 3.2, self.clean(small), align=self.align, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_text_color(0)
            heights.append(self.get_y() - top + 2)
        height = max(heights)
        self.set_fill_color(*self.ACCENT)
        for i in range(len(boxes)):  # a coloured stripe on the left of each box (the right in Arabic)
            left = self.l_margin + i * (width + gap)
            self.rect(self.w - self.r_margin - i * (width + gap) - 1.0 if self.rtl else left, top, 1.0, height, style="F")
        self.set_y(top + height + 3)

    def bullet(self, text: str, size: float = 8.5) -> None:
        self.set_font(self.family, "", size)
        if self.rtl:  # the bullet on the right, the text to its left
            top = self.get_y()
            self.set_xy(self.w - self.r_margin - 4, top)
            self.cell(4, size * 0.45, "•", align="R")
            self.set_xy(self.l_margin, top)
        else:
            self.set_x(self.l_margin)
            self.cell(4, size * 0.45, "•")
        self.multi_cell(self.epw - 4, size * 0.45, self.clean(text), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(0.6)

    def heading(self, text: str, size: float = 14) -> None:
        self.set_font(self.family, "B", size)
        self.multi_cell(0, size * 0.5, self.clean(text), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def paragraph(self, text: str, size: float = 10, bold: bool = False, bold_label: bool = False,
                  mono: bool = False, grey: bool = False) -> None:
        """A wrapped paragraph; with bold_label the text before the first ':' is bold."""
        family = self.mono if mono else self.family
        if grey:
            self.set_text_color(*self.GREY)
        if bold_label and ":" in text and not self.rtl:
            label, rest = text.split(":", 1)
            self.set_font(family, "B", size)
            self.write(size * 0.45, self.clean(label + ":"))
            self.set_font(family, "", size)
            self.write(size * 0.45, self.clean(rest))
            self.ln(size * 0.45)
        else:
            self.set_font(family, "B" if bold else "", size)
            self.multi_cell(0, size * 0.45, self.clean(text), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(1.2)

    def image_png(self, png: bytes, max_height: float | None = None) -> None:
        """The image at full text width (narrower, centred, when taller than max_height),
        on a new page if it does not fit."""
        width, height = fit(png, self.epw, max_height or (self.bottom - self.t_margin))
        if self.get_y() + height > self.bottom:
            self.add_page()
        self.image(io.BytesIO(png), x=self.l_margin + (self.epw - width) / 2, w=width, h=height)
        self.ln(1.5)

    def bytes(self) -> bytes:
        return bytes(self.output())


def fit(png: bytes, width: float, max_height: float) -> tuple[float, float]:
    """(width, height) in mm of an image at `width`, shrunk to `max_height` keeping its shape."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as probe:
        ratio = probe.height / probe.width
    if width * ratio > max_height:
        return max_height / ratio, max_height
    return width, width * ratio

