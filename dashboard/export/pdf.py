"""A thin layer over fpdf2 for the briefing pack: a Unicode font, headings,
wrapped paragraphs, images that fit the page, and a footer on every page.

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
    """A4 portrait pages with a running footer (project, export date, page number)."""

    def __init__(self, running_footer: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_footer = running_footer
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)
        self.font_note = self._set_up_fonts()
        self.set_title("Displacement in Northwest Syria — briefing pack")
        self.set_creator("Northwest Syria displacement dashboard")

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
        self.set_y(-11)
        self.set_font(self.family, "", 7)
        self.set_text_color(100)
        self.cell(0, 5, self.clean(f"{self.running_footer} · page {self.page_no()}"), align="C")
        self.set_text_color(0)

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font(self.family, "B", size)
        self.multi_cell(0, size * 0.5, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def paragraph(self, text: str, size: int = 10, bold: bool = False, bold_label: bool = False,
                  mono: bool = False) -> None:
        """A wrapped paragraph; with bold_label the text before the first ':' is bold."""
        family = self.mono if mono else self.family
        if bold_label and ":" in text:
            label, rest = text.split(":", 1)
            self.set_font(family, "B", size)
            self.write(size * 0.45, self.clean(label + ":"))
            self.set_font(family, "", size)
            self.write(size * 0.45, self.clean(rest))
            self.ln(size * 0.45)
        else:
            self.set_font(family, "B" if bold else "", size)
            self.multi_cell(0, size * 0.45, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.2)

    def image_png(self, png: bytes) -> None:
        """The image at full text width, on a new page if it does not fit."""
        width = self.epw
        from PIL import Image

        with Image.open(io.BytesIO(png)) as probe:
            height = width * probe.height / probe.width
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()
        self.image(io.BytesIO(png), x=self.l_margin, w=width, h=height)
        self.ln(2)

    def bytes(self) -> bytes:
        return bytes(self.output())
