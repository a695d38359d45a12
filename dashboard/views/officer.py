"""Data officer: everything `python -m etl` does, in the browser.

Upload files → see the format recognised (and override it) → preview what would
load, what would be rejected and how the headline figures would change →
commit (atomic, with progress) or cancel (nothing left behind). Then the load
history with who loaded what, the rejects of a load as CSV, rollback with a
confirmation, the warehouse's versions (restore one, with a confirmation), the
tidy templates, and sources overdue for an update.

Only reachable for a signed-in officer (dashboard/auth.py); the writes check
the role again.
"""
from __future__ import annotations

import streamlit as st

from dashboard import auth
from dashboard import officer_history as past
from dashboard import officer_upload as upload
from dashboard import officer_versions
from dashboard.components import plain
from dashboard.data import db_path, query

officer = auth.current_officer()
if officer is None:  # the navigation never offers this page to a viewer; a direct run still stops here
    st.error("Only a signed-in data officer can use this page.")
    st.stop()

st.title("Data officer")
left, right = st.columns([4, 1])
left.caption(f"Signed in as {plain(officer.name)} ({'organisation account' if officer.method == 'oidc' else 'password'}). "
             "Every load and rollback is recorded with this name.")
if right.button("Sign out", key="officer_sign_out"):
    auth.sign_out()
    st.rerun()

load_tab, history_tab, versions_tab, templates_tab, fresh_tab = st.tabs(
    ["Load files", "History and rollback", "Versions", "Templates", "Freshness"])

with load_tab:
    upload.results()
    staged = upload.staged_files(upload.uploader())
    if staged:
        chosen = upload.choose_kinds(staged, db_path())
        result = upload.current_preview(chosen, db_path())
        upload.show_preview(result)
        upload.commit_or_cancel(result, chosen, db_path())

with history_tab:
    past.rollback_message()
    past.history(db_path(), query)

with versions_tab:
    officer_versions.section(db_path())

with templates_tab:
    past.templates_section()

with fresh_tab:
    past.freshness_section(query)
