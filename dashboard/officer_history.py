"""The history, rollback, templates and freshness sections of the data-officer page."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.components import plain
from etl import templates

_PENDING = "_rollback_pending"
HISTORY_COLUMNS = {
    "load_id": "Load", "file_name": "File", "kind": "Format", "status": "Status", "loaded_by": "Loaded by",
    "started_at": "When (UTC)", "rows_read": "Rows read", "rows_loaded": "Rows loaded",
    "rows_rejected": "Rejected", "replaces_load_id": "Replaces load", "file_sha256": "sha256",
}


def rejects_csv(rejects: pd.DataFrame) -> bytes:
    """Rejects as CSV to fix and reload: UTF-8 with BOM, formula-like text neutralised."""
    from dashboard.export.tabular import to_csv

    return to_csv(rejects)


def _label(row: pd.Series) -> str:
    return f"Load {row['load_id']} — {row['file_name']} ({row['status']}, {row['rows_rejected']} rejected)"


def history(db_path: Path, query) -> None:
    loads = query("admin.load_history", limit=500)
    if loads.empty:
        st.info("Nothing has been loaded yet.")
        return
    st.dataframe(loads[list(HISTORY_COLUMNS)].rename(columns=HISTORY_COLUMNS), hide_index=True, width="stretch")
    labels = {int(r["load_id"]): _label(r) for _, r in loads.iterrows()}
    picked = st.session_state.pop("_history_pick", None)  # set by a commit (officer_upload.HISTORY_PICK)
    if picked in labels:
        st.session_state["officer_history_load"] = picked
    load_id = st.selectbox("Load", list(labels), format_func=labels.get, key="officer_history_load")
    row = loads[loads["load_id"] == load_id].iloc[0]
    _rejects_download(load_id, row, query)
    _rollback(db_path, load_id, row)


def _rejects_download(load_id: int, row: pd.Series, query) -> None:
    rejects = query("admin.load_rejects", load_id=load_id, limit=10_000_000)
    if rejects.empty:
        st.caption(f"Load {load_id} rejected no rows.")
        return
    stem = Path(str(row["file_name"])).stem
    st.download_button(f"Download the {len(rejects):,} rejected rows of load {load_id} (CSV)",
                       data=rejects_csv(rejects.drop(columns=["load_id"])), file_name=f"rejects-load-{load_id}-{stem}.csv",
                       mime="text/csv", key=f"rejects_csv_{load_id}", on_click="ignore")


def _rollback(db_path: Path, load_id: int, row: pd.Series) -> None:
    if row["status"] != "loaded":
        st.caption(f"Load {load_id} is {row['status']}: only a live load can be rolled back.")
        return
    if st.session_state.get(_PENDING) != load_id:
        if st.button(f"Roll back load {load_id}…", key="officer_rollback"):
            st.session_state[_PENDING] = load_id
            st.rerun()
        return
    st.warning(plain(f"Roll back load {load_id} ({row['file_name']})? Its {row['rows_loaded']:,} rows leave the "
                     "warehouse; the history keeps a record. You can load the file again later."))
    yes, no = st.columns(2)
    if yes.button(f"Yes, roll back load {load_id}", type="primary", key="officer_rollback_confirm"):
        st.session_state.pop(_PENDING, None)
        try:
            st.session_state["_rollback_message"] = auth.rollback_as_officer(db_path, load_id)
        except ValueError as exc:
            st.session_state["_rollback_message"] = f"✗ {exc}"
        st.rerun()
    if no.button("No, keep it", key="officer_rollback_cancel"):
        st.session_state.pop(_PENDING, None)
        st.rerun()


def rollback_message() -> None:
    message = st.session_state.pop("_rollback_message", None)
    if message:
        (st.error if message.startswith("✗") else st.success)(plain(message))


def templates_section() -> None:
    st.caption("Empty tidy templates with the HXL hashtag row; the Excel file adds a README sheet "
               "explaining each column. Fill one in and load it on the first tab.")
    tables = templates.tables()
    table = st.selectbox("Table", list(tables), format_func=lambda t: f"{t} — {tables[t]}", key="officer_template")
    cols = st.columns(2)
    for column, fmt, mime in zip(cols, templates.FORMATS,
                                 ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        column.download_button(f"{table} template ({fmt.upper()})", data=templates.template_bytes(table, fmt),
                               file_name=f"{table}-template.{fmt}", mime=mime, key=f"template_{fmt}",
                               on_click="ignore")


def freshness_section(query) -> None:
    frame = query("freshness.by_source")
    if frame.empty:
        st.info("No figures are loaded yet.")
        return
    overdue = frame[frame["overdue"]]
    if overdue.empty:
        st.success("Every scheduled source has a figure within its expected update interval.")
    else:
        st.warning(f"{len(overdue)} source(s) are overdue for an update: their latest figure is older than "
                   "the expected interval plus the usual publication delay.")
    show = frame[frame["status"] != "superseded"]
    st.dataframe(show[["status", "publisher", "title", "latest_figure", "days_old", "expected_update", "max_age_days"]],
                 hide_index=True, width="stretch",
                 column_config={"latest_figure": st.column_config.DateColumn("Latest figure covers"),
                                "days_old": "Days old", "max_age_days": "Overdue after (days)"})
    st.caption("Expected intervals are defined in warehouse/queries/freshness.py (EXPECTED_UPDATES). "
               "Older reports of a series that has a newer one loaded are not listed.")
