"""Data and sources: every source with publisher, date, licence and link; how
fresh each source's figures are; the load history; the rows the last loads rejected."""
from __future__ import annotations

import streamlit as st

from dashboard.components import require_warehouse
from dashboard.data import query
from dashboard.formats import readable

st.title("Data and sources")
require_warehouse()

st.subheader("Sources")
sources = query("admin.sources")
shown = sources[["publisher", "title", "published", "licence", "url", "is_synthetic", "fact_rows", "last_loaded"]]
st.dataframe(
    readable(shown.assign(licence=shown["licence"].fillna("not stated"), published=shown["published"]), empty="not stated"),
    hide_index=True, width="stretch",
    column_config={"url": st.column_config.LinkColumn("Link", display_text="open"), "published": "Published",
                   "is_synthetic": st.column_config.CheckboxColumn("Synthetic"),
                   "fact_rows": st.column_config.NumberColumn("Rows", format="localized"),
                   "licence": "Licence", "publisher": "Publisher", "title": "Title", "last_loaded": "Last loaded"},
)
if sources["licence"].isna().any():
    st.caption(f"{sources['licence'].isna().sum()} source(s) state no licence.")

st.subheader("Freshness: how old each source's latest figure is")
freshness = query("freshness.by_source")  # expected update intervals: warehouse/queries/freshness.py
if freshness.empty:
    st.info("No figures are loaded yet.")
else:
    overdue = int(freshness["overdue"].sum())
    if overdue:
        st.warning(f"{overdue} source(s) are overdue: their latest figure is older than the publisher's "
                   "usual update interval plus publication delay.")
    st.dataframe(readable(freshness.drop(columns=["kinds"]), empty="not stated"), hide_index=True, width="stretch",
                 column_config={"publisher": "Publisher", "title": "Title",
                                "published": "Published",
                                "days_old": st.column_config.NumberColumn("Days since latest figure", format="localized"),
                                "latest_figure": "Latest figure covers",
                                "status": "Status", "expected_update": "Expected update",
                                "max_age_days": "Overdue after (days)", "overdue": st.column_config.CheckboxColumn("Overdue")})

st.subheader("Other figures: people in need, severity, key figures")
indicators = query("admin.indicators")
if indicators.empty:
    st.info("No figures outside the fact tables are loaded. A recipe for a key-figures file keeps them here.")
else:
    st.caption("Figures a publisher reports that no chart draws yet, each with its source and reference period. "
               "They are never added to the displacement figures.")
    st.dataframe(indicators, hide_index=True, width="stretch",
                 column_config={"indicator": "Indicator", "value": st.column_config.NumberColumn("Value", format="localized"),
                                "unit": "Unit", "period_start": st.column_config.DateColumn("From"),
                                "period_end": st.column_config.DateColumn("To"), "location_pcode": "P-code",
                                "place": "Place", "publisher": "Publisher", "title": "Title", "note": "Note"})

st.subheader("Load history")
HISTORY_COLUMNS = {
    "load_id": "Load", "file_name": "File", "kind": "Format", "status": "Status", "rows_read": "Rows read",
    "rows_loaded": "Loaded", "rows_rejected": "Rejected", "started_at": "Started", "finished_at": "Finished",
    "loaded_by": "Loaded by", "replaces_load_id": "Replaces load", "rolled_back_by": "Rolled back by",
    "rolled_back_at": "Rolled back", "file_sha256": "File SHA-256",
}
st.dataframe(readable(query("admin.load_history")).rename(columns=HISTORY_COLUMNS), hide_index=True, width="stretch")

st.subheader("Rejected rows of the last loads")
rejects = query("admin.load_rejects", limit=500)
if rejects.empty:
    st.info("No rows were rejected.")
else:
    st.caption(f"{len(rejects):,} rejected row(s) shown, newest load first, with the reason for each.")
    st.dataframe(readable(rejects).rename(columns={
        "load_id": "Load", "file_name": "File", "sheet": "Sheet", "row_number": "Row", "column_name": "Column",
        "reason": "Reason", "raw": "Row as read"}), hide_index=True, width="stretch")
