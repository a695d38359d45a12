"""The versions section of the data-officer page: every published state of the warehouse, and
restoring a kept one (a publish itself, listed as a new version, so it can be undone)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.components import plain
from warehouse import versions

_PENDING, _MESSAGE = "_restore_pending", "_restore_message"
COLUMNS = {"number": "Version", "live": "Live", "at": "Published (UTC)", "by": "By", "what": "What changed",
           "loads": "Live loads", "size": "Size (bytes)", "sha256": "sha256", "kept": "File kept"}


def table(noted: list[versions.Version]) -> pd.DataFrame:
    """The versions as the page lists them (warehouse.versions.table, headed for the page)."""
    return versions.table(noted).rename(columns=COLUMNS)


def section(db_path: Path) -> None:
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        (st.error if message.startswith("✗") else st.success)(plain(message))
    noted = versions.listing(db_path)
    if not noted:
        st.info("No versions are noted yet: the next load or rollback starts them.")
        return
    st.dataframe(table(noted), hide_index=True, width="stretch")
    restorable = [v.number for v in noted[1:] if v.kept]
    if not restorable:
        st.caption("No earlier version's file is kept.")
        return
    described = {v.number: f"Version {v.number} — {v.at} — {v.what}" for v in noted}
    number = st.selectbox("Version to make live again", restorable, format_func=described.get, key="officer_version")
    _restore(db_path, number, noted[0].number)


def _restore(db_path: Path, number: int, live: int) -> None:
    if st.session_state.get(_PENDING) != number:
        if st.button(f"Restore version {number}…", key="officer_restore"):
            st.session_state[_PENDING] = number
            st.rerun()
        return
    st.warning(f"Make version {number} live again? The live version {live} stays kept, and restoring it undoes this.")
    yes, no = st.columns(2)
    if yes.button(f"Yes, restore version {number}", type="primary", key="officer_restore_confirm"):
        st.session_state.pop(_PENDING, None)
        try:
            st.session_state[_MESSAGE] = auth.restore_as_officer(db_path, number)
        except (versions.VersionUnavailable, RuntimeError) as exc:
            st.session_state[_MESSAGE] = f"✗ {exc}"
        st.rerun()
    if no.button("No, keep the live version", key="officer_restore_cancel"):
        st.session_state.pop(_PENDING, None)
        st.rerun()
