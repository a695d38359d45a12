"""The language switch in the sidebar (English / العربية), kept in the URL as `lang=ar`
with the filters, so a shared link opens in the reader's language. With no `lang=` in the
link, the browser's language chooses (`i18n.choose`: the page's navigator.language, then the
websocket's Accept-Language). Arabic lays the page out right to
left; `digits=arab` writes numbers with Arabic-Indic digits (Western digits by default, as
OCHA's Arabic products print them)."""
from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

_KEY, _DIGITS_KEY, _BROWSER = "ui_lang", "ui_digits", "_browser_lang"


def _browser_language() -> str:
    """The browser's choice: st.context.locale is navigator.language, sent by the page; st.context.headers
    are the websocket handshake's, which older Chromium sends with its default language (see i18n.choose)."""
    try:
        header = st.context.headers.get("Accept-Language")
    except Exception:  # no request (AppTest, a bare script run)
        header = None
    try:
        locale = st.context.locale
    except Exception:
        locale = None
    return i18n.choose(None, header, locale)


def choose() -> str:
    """Read the language (URL, then this session's choice, then the browser) and set it for this run."""
    if _KEY not in st.session_state:  # a session's first run: the link decides, else the browser
        st.session_state[_BROWSER] = _browser_language()
        st.session_state[_KEY] = i18n.choose(st.query_params.get("lang"), None) if "lang" in st.query_params \
            else st.session_state[_BROWSER]
        st.session_state[_DIGITS_KEY] = st.query_params.get("digits") == "arab"
    lang = st.session_state[_KEY] or st.session_state.get("_last_lang", i18n.DEFAULT)  # None: a click unset it
    st.session_state[_KEY] = st.session_state["_last_lang"] = lang
    i18n.set_language(lang, "arab" if st.session_state.get(_DIGITS_KEY) and lang == "ar" else "latn")
    return lang


def url_params() -> dict[str, str]:
    """`lang` (and `digits`) for the URL: left out when the link would open this way anyway."""
    lang = i18n.language()
    params = {}
    if lang != st.session_state.get(_BROWSER, i18n.DEFAULT) or lang != i18n.DEFAULT:
        params["lang"] = lang
    if i18n.digits() == "arab":
        params["digits"] = "arab"
    return params


def switch() -> None:
    """The switch, and the right-to-left layout when the page is in Arabic."""
    st.sidebar.segmented_control("Language · اللغة", list(i18n.LANGUAGES), key=_KEY,
                                 format_func=i18n.LANGUAGES.get, selection_mode="single")
    if i18n.is_rtl():
        st.sidebar.toggle(_("Arabic-Indic digits (٠١٢٣)"), key=_DIGITS_KEY,
                          help=_("OCHA's Arabic products print Western digits (0123); this writes ٠١٢٣ instead."))
        st.html(i18n.RTL_CSS)
    st.html(i18n.page_direction_script(i18n.language()), unsafe_allow_javascript=True)
