"""Entry point: `streamlit run dashboard/app.py`. Navigates the pages of dashboard/pages.py, builds the
reference warehouse on a first start without one (dashboard/startup.py) and draws
the filters shared by all of them (kept in the URL, see dashboard/filters.py).

The page files live in dashboard/views/, not dashboard/pages/: with a pages/
folder beside the entry point, Streamlit 1.67 serves the first link a fresh
server receives (e.g. /map?gov=SY07) as a v1 multipage app, running the page
file alone, without this script's navigation and filters.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import auth, filters, language, pages, startup, warm  # noqa: E402
from dashboard.data import query  # noqa: E402
from dashboard.i18n import _  # noqa: E402

language.choose()  # lang= in the URL, else the browser's languages; English by default
st.set_page_config(page_title=_("Northwest Syria displacement"), page_icon="🗺️", layout="wide")

navigation = st.navigation([
    *(st.Page(page.file, title=_(page.title), url_path=page.key, default=page.landing) for page in pages.PAGES),
    *auth.officer_pages(pages.VIEWS),  # sign-in form or officer page; nothing unless enabled
])
warm.start()  # once per process (a plain `streamlit run`): every page's default view cached in the background
startup.ensure_warehouse()  # first start without a warehouse: build the reference one, once
language.switch()
filters.sidebar(query)
navigation.run()
