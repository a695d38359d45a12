"""Entry point: `streamlit run dashboard/app.py`. Declares the pages."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="Northwest Syria displacement", page_icon="🗺️", layout="wide")

navigation = st.navigation([
    st.Page(PAGES / "overview.py", title="Overview", url_path="overview", default=True),
])
navigation.run()
