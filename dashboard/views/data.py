"""Data and sources: every source with publisher, date, licence and link; how
fresh each source's figures are; the load history; the rows the last loads rejected."""
from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

from dashboard.components import require_warehouse
from dashboard.data import query
from dashboard.formats import readable
from warehouse.links import web_link

st.title(_("Data and sources"))
require_warehouse()

st.subheader(_("Sources"))
sources = query("admin.sources")
shown = sources[["publisher", "title", "published", "licence", "url", "is_synthetic", "fact_rows", "last_loaded"]]
table = readable(shown.assign(licence=shown["licence"].fillna(_("not stated"))), empty=_("not stated"))
st.dataframe(
    table.assign(url=shown["url"].map(lambda url: web_link(url) or "")),  # a link only if it is a web address
    hide_index=True, width="stretch",
    column_config={"url": st.column_config.LinkColumn(_("Link"), display_text=_("open")), "published": _("Published"),
                   "is_synthetic": st.column_config.CheckboxColumn(_("Synthetic")),
                   "fact_rows": st.column_config.NumberColumn(_("Rows"), format="localized"),
                   "licence": _("Licence"), "publisher": _("Publisher"), "title": _("Title"), "last_loaded": _("Last loaded")},
)
if sources["licence"].isna().any():
    st.caption(_("{count} source(s) state no licence.").format(count=i18n.number(sources["licence"].isna().sum())))

st.subheader(_("Freshness: how old each source's latest figure is"))
freshness = query("freshness.by_source")  # expected update intervals: warehouse/queries/freshness.py
if freshness.empty:
    st.info(_("No figures are loaded yet."))
else:
    overdue = int(freshness["overdue"].sum())
    if overdue:
        st.warning(_("{count} source(s) are overdue: their latest figure is older than the publisher's "
                     "usual update interval plus publication delay.").format(count=i18n.number(overdue)))
    st.dataframe(readable(freshness.drop(columns=["kinds"]), empty=_("not stated")), hide_index=True, width="stretch",
                 column_config={"publisher": _("Publisher"), "title": _("Title"),
                                "published": _("Published"),
                                "days_old": st.column_config.NumberColumn(_("Days since latest figure"), format="localized"),
                                "latest_figure": _("Latest figure covers"),
                                "status": _("Status"), "expected_update": _("Expected update"),
                                "max_age_days": _("Overdue after (days)"), "overdue": st.column_config.CheckboxColumn(_("Overdue"))})

st.subheader(_("Other figures: people in need, severity, key figures"))
indicators = query("admin.indicators")
if indicators.empty:
    st.info(_("No figures outside the fact tables are loaded. A recipe for a key-figures file keeps them here."))
else:
    st.caption(_("Figures a publisher reports that no chart draws yet, each with its source and reference period. "
                 "They are never added to the displacement figures."))
    st.dataframe(indicators, hide_index=True, width="stretch",
                 column_config={"indicator": _("Indicator"), "value": st.column_config.NumberColumn(_("Value"), format="localized"),
                                "unit": _("Unit"), "period_start": st.column_config.DateColumn(_("From")),
                                "period_end": st.column_config.DateColumn(_("To")), "location_pcode": _("P-code"),
                                "place": _("Place"), "publisher": _("Publisher"), "title": _("Title"), "note": _("Note")})

st.subheader(_("Load history"))
HISTORY_COLUMNS = i18n.Labels({
    "load_id": i18n.N_("Load"), "file_name": i18n.N_("File"), "kind": i18n.N_("Format"), "status": i18n.N_("Status"),
    "rows_read": i18n.N_("Rows read"), "rows_loaded": i18n.N_("Loaded"), "rows_rejected": i18n.N_("Rejected"),
    "started_at": i18n.N_("Started"), "finished_at": i18n.N_("Finished"), "loaded_by": i18n.N_("Loaded by"),
    "replaces_load_id": i18n.N_("Replaces load"), "rolled_back_by": i18n.N_("Rolled back by"),
    "rolled_back_at": i18n.N_("Rolled back"), "file_sha256": i18n.N_("File SHA-256"),
})
st.dataframe(readable(query("admin.load_history")).rename(columns=dict(HISTORY_COLUMNS)), hide_index=True, width="stretch")

st.subheader(_("Rejected rows of the last loads"))
rejects = query("admin.load_rejects", limit=500)
if rejects.empty:
    st.info(_("No rows were rejected."))
else:
    st.caption(_("{count} rejected row(s) shown, newest load first, with the reason for each.").format(
        count=i18n.number(len(rejects))))
    st.dataframe(readable(rejects).rename(columns={
        "load_id": _("Load"), "file_name": _("File"), "sheet": _("Sheet"), "row_number": _("Row"), "column_name": _("Column"),
        "reason": _("Reason"), "raw": _("Row as read")}), hide_index=True, width="stretch")
