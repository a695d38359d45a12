"""The dashboard in English or Arabic (issue 16): one place for the language.

- `_("...")` translates an interface string through the gettext catalogue in
  dashboard/locale/<lang>/LC_MESSAGES/messages.po (extracted with `pybabel
  extract -F dashboard/locale/babel.cfg`, see dashboard/locale/README.md). The
  .mo is compiled from the .po at import when it is missing or older, so a fresh
  clone works without a build step.
- `N_("...")` marks a string for extraction where it is declared (a label
  table at import time); `Labels` translates such a table when it is read, in the
  language of the run reading it.
- The language of a run lives in a ContextVar: a Streamlit script run sets it
  once (from `lang=` in the URL, else the browser's language, see `choose`), and an
  export run sets it with `using("ar")`. English is the default everywhere.
- Numbers and dates go through babel: Western digits by default (OCHA's Arabic
  products use them), Arabic-Indic digits as a setting (`digits=arab` in the URL).
- `isolate()` wraps a Latin run (a P-code, a URL, a publisher's English title)
  in FSI … PDI so it keeps its order inside an Arabic sentence.
"""
from __future__ import annotations

import gettext
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGES = {"en": "English", "ar": "العربية"}
DEFAULT = "en"
RTL = {"ar"}
DIGITS = ("latn", "arab")      # Western (default) or Arabic-Indic digits
BABEL_LOCALES = {"en": "en_GB", "ar": "ar_SY"}  # Syrian Arabic: آذار, شباط … as Syrian publications write months
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate … pop directional isolate
RLI = "\u2067"                 # right-to-left isolate: an Arabic line inside a chart's left-to-right SVG text
RLM = "\u200f"

_language: ContextVar[str] = ContextVar("dashboard_language", default=DEFAULT)
_digits: ContextVar[str] = ContextVar("dashboard_digits", default="latn")


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it yet (translated when shown)."""
    return message


# ---------------------------------------------------------------- catalogues
def _compiled(lang: str) -> Path | None:
    """The .mo for a language, compiled from its .po when missing or older (a fresh clone, a new entry)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return None
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return mo
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    target = mo
    try:
        with target.open("wb") as handle:
            write_mo(handle, catalogue)
    except OSError:  # a read-only install: compile beside the temp files instead
        import tempfile

        target = Path(tempfile.gettempdir()) / f"dashboard-{lang}-{DOMAIN}.mo"
        with target.open("wb") as handle:
            write_mo(handle, catalogue)
    return target


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language (English: the strings as written)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    mo = _compiled(lang)
    if mo is None:
        return gettext.NullTranslations()
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def language() -> str:
    return _language.get()


def event_titles(events: pd.DataFrame) -> pd.DataFrame:
    """Events with their titles in the page's language: on Arabic pages an event's Arabic title (the
    events table's `title_ar`) where it has one, else its English title."""
    if language() == "en" or "title_ar" not in events.columns or events.empty:
        return events
    arabic = events["title_ar"].where(events["title_ar"].fillna("").str.strip() != "")
    return events.assign(title=arabic.fillna(events["title"]))


def digits() -> str:
    return _digits.get()


def is_rtl(lang: str | None = None) -> bool:
    return (lang or language()) in RTL


def set_language(lang: str, digit_system: str = "latn") -> None:
    """Set the language of this run (a Streamlit script run, a test)."""
    _language.set(lang if lang in LANGUAGES else DEFAULT)
    _digits.set(digit_system if digit_system in DIGITS else "latn")


@contextmanager
def using(lang: str, digit_system: str = "latn") -> Iterator[None]:
    """Run a block (an export, a test) in a language, then go back."""
    tokens = (_language.set(lang if lang in LANGUAGES else DEFAULT),
              _digits.set(digit_system if digit_system in DIGITS else "latn"))
    try:
        yield
    finally:
        _language.reset(tokens[0])
        _digits.reset(tokens[1])


def _(message: str) -> str:
    """The interface string in the language of this run."""
    if not message:
        return message
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A string that changes with a count ('1 report', '14 reports'); Arabic has six forms."""
    return translations(language()).ngettext(singular, plural, n)


class Labels(Mapping):
    """A table of labels declared once with N_() and read in the language of the run."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self._labels = dict(labels)

    def __getitem__(self, key: str) -> str:
        return _(self._labels[key])

    def __iter__(self):
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def english(self, key: str, default: str | None = None) -> str | None:
        return self._labels.get(key, default)


# ---------------------------------------------------------------- choosing the language
def from_accept_language(header: str | None) -> str | None:
    """The first language of an Accept-Language header that the dashboard speaks, by weight."""
    if not header:
        return None
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            weighted.append((-weight, position, primary))
    return min(weighted)[2] if weighted else None


def choose(url_lang: str | None, accept_language: str | None = None, browser_locale: str | None = None) -> str:
    """The language of a view: the link's `lang=`, else the browser's own language, else the other
    languages it accepts, else English.

    The browser's own language is `navigator.language` (Streamlit's `st.context.locale`), read by the
    page itself. It comes before the Accept-Language header because the only header Streamlit sees is
    the websocket handshake's, and Chromium up to 150 sends its default (`en-US`) there even when the
    page's language is ar-SY (measured: headers `en-US`, locale `ar-SY`; playwright#13919). The header
    still chooses when the browser's own language is one the dashboard does not speak (`fr-FR,ar;q=0.5`)."""
    if url_lang in LANGUAGES:
        return url_lang
    return (from_accept_language(browser_locale) or from_accept_language(accept_language) or DEFAULT)


# ---------------------------------------------------------------- numbers and dates
def _locale() -> str:
    return BABEL_LOCALES.get(language(), "en_GB")


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def localise_digits(text: str) -> str:
    """Arabic-Indic digits when that setting is on; the text unchanged otherwise."""
    return text.translate(_ARABIC_INDIC) if digits() == "arab" else text


def number(value: float, decimals: int = 0) -> str:
    """12,345 in English and in Arabic with Western digits; ١٢٬٣٤٥ with Arabic-Indic digits."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if language() == DEFAULT:
        return format_decimal(value, format=pattern, locale="en_GB")
    return localise_digits(format_decimal(value, format=pattern, locale=_locale(), numbering_system=digits()))


ARABIC_PERCENT = "\u066a"  # ٪ : the percent sign written with Arabic-Indic digits (CLDR `arab`); babel gives '%'


def percent(value: float) -> str:
    """39% in English and in Arabic with Western digits; ٣٩٪ with Arabic-Indic digits."""
    if language() == DEFAULT:
        return format_percent(value, locale="en_GB")
    text = localise_digits(format_percent(value, locale=_locale(), numbering_system=digits()))
    return text.replace("%", ARABIC_PERCENT) if digits() == "arab" else text


def day(value: object) -> str:
    """'5 Mar 2020' in English, '5 آذار 2020' in Arabic."""
    stamp = pd.Timestamp(value)
    if language() == DEFAULT:
        return f"{stamp.day} {stamp:%b %Y}"
    return localise_digits(format_date(stamp.date(), "d MMMM y", locale=_locale()))


def month(value: object) -> str:
    stamp = pd.Timestamp(value)
    if language() == DEFAULT:
        return f"{stamp:%b %Y}"
    return localise_digits(format_date(stamp.date(), "MMMM y", locale=_locale()))


def separator() -> str:
    """Between the items of a list in running text: '; ' in English, the Arabic semicolon '؛ ' in Arabic."""
    return "\u061b " if is_rtl() else "; "


def isolate(text: object) -> str:
    """Text in another script (a P-code, a URL, an English title) kept whole inside Arabic text."""
    text = "" if text is None else str(text)
    if language() not in RTL or not text or text.startswith(FSI):
        return text
    return f"{FSI}{text}{PDI}"


_ARABIC = re.compile(r"[\u0600-\u06FF]")


def rtl_line(text: object) -> object:
    """An Arabic label for a chart: each line in a right-to-left isolate, so plotly's SVG text (left to
    right) keeps 'M4', numbers and English names in their Arabic order. Other values unchanged."""
    if not isinstance(text, str) or not _ARABIC.search(text) or text.startswith(RLI):
        return text
    return "<br>".join(f"{RLI}{line}{PDI}" if line else line for line in text.split("<br>"))


# ---------------------------------------------------------------- right-to-left page
RTL_CSS = """
<style>
/* Arabic: the page right to left (issue 16). Charts keep their own direction (time runs left to right). */
.stApp, [data-testid="stSidebar"], [data-testid="stMain"], [data-testid="stHeader"] { direction: rtl; }
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], [data-testid="stHeading"],
[data-testid="stMetric"], [data-testid="stExpander"] summary, [data-testid="stAlert"],
[data-testid="stWidgetLabel"], [data-testid="stSidebarNav"] { direction: rtl; text-align: right; }
[data-testid="stMetricValue"], [data-testid="stMetricLabel"] { direction: rtl; text-align: right; justify-content: flex-end; }
[data-testid="stExpander"] summary { flex-direction: row-reverse; }
[data-testid="stDataFrame"], [data-testid="stTable"], [data-baseweb="popover"] { direction: rtl; }
[data-baseweb="popover"] li { text-align: right; }
.js-plotly-plot, .stPlotlyChart, #js-plotly-tester { direction: ltr; }
[data-testid="stDateInput"] input { direction: ltr; text-align: left; unicode-bidi: plaintext; }
code { direction: ltr; unicode-bidi: isolate; }
body, .stApp, .stMarkdown, p, h1, h2, h3, label, button, input {
  font-family: "Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans", "DejaVu Sans", sans-serif; }
</style>
"""


def page_direction_script(lang: str) -> str:
    """Sets dir and lang on the document itself (the browser test reads document.dir)."""
    lang = lang if lang in LANGUAGES else DEFAULT  # markup from a closed set, never from the URL as typed
    direction = "rtl" if is_rtl(lang) else "ltr"
    return (f"<script>document.documentElement.setAttribute('dir','{direction}');"
            f"document.documentElement.setAttribute('lang','{lang}');</script>")


def today() -> date:
    return date.today()
