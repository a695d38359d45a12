"""Which sources are reprints: one rule, used by the headlines and by the reference-data tests.

A figure is best cited from the UN agency's or the publisher's own page. A reprint is a page that
carries someone else's text or figure: a publisher line that names a second outlet, as the reference
data's convention writes it ("OHCHR (press release republished by Scoop)", "Reuters (via National
Post)", "Al Arabiya English (reporting the Turkish Defence Ministry)"), or a news outlet or blog.
Where the warehouse also holds a figure of the same kind from a publisher's own page, a headline
cites that page, never the reprint.
"""
from __future__ import annotations

import re

# How a publisher line says that the page carries another organisation's text or figure.
REPRINT_MARKERS = ("(via ", "republished by", "(reporting ", "reported by")

# News agencies, newspapers, broadcasters and blogs that appear as publishers: they report figures
# that other organisations compiled.
NEWS_OUTLETS = (
    "afp", "agence france-presse", "ahram online", "al arabiya", "al jazeera", "anadolu", "associated press",
    "bbc", "channel 4 news", "cnn", "daily news egypt", "daily sabah", "ians", "middle east monitor",
    "mosaic initiative", "national post", "reuters", "sputnik", "tass", "the reference", "trt world",
    "urdupoint", "xinhua", "blogspot",
)
_OUTLET = re.compile(r"\b(" + "|".join(re.escape(name) for name in NEWS_OUTLETS) + r")\b")


def is_reprint(publisher: str | None) -> bool:
    """True when the publisher line names a reprint or a news outlet rather than the figure's own publisher."""
    text = (publisher or "").lower()
    return any(marker in text for marker in REPRINT_MARKERS) or bool(_OUTLET.search(text))
