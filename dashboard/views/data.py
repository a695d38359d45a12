"""Data and sources: every source with publisher, date, licence and link; how
fresh each source's figures are; the load history; the rows the last loads rejected."""
from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _, ngettext

from dashboard.components import require_warehouse
from dashboard import changes as changes_text
from dashboard.data import changes_since, db_path, query
from dashboard.formats import readable
from warehouse import versions
from warehouse.links import web_link
from dashboard.reject_reasons import translated

# The codes the warehouse keeps, shown in the page's language (loads.status; freshness.by_source).
LOAD_STATUS = i18n.Labels({"loaded": i18n.N_("loaded"), "replaced": i18n.N_("replaced"),
                           "rolled_back": i18n.N_("rolled back")})
FRESHNESS = i18n.Labels({"overdue": i18n.N_("overdue"), "up to date": i18n.N_("up to date"),
                         "superseded": i18n.N_("superseded"), "no schedule": i18n.N_("no schedule"),
                         "monthly": i18n.N_("monthly"), "yearly": i18n.N_("yearly")})


def _shown(value: object, labels: i18n.Labels) -> object:
    """A code as its label ('rolled_back' -> 'rolled back'); an unknown code as it is."""
    return labels[value] if isinstance(value, str) and value in labels else value


def _cadence(text: object) -> object:
    """'monthly (OCHA situation reports)': the period translated, the publisher's product named as written."""
    if not isinstance(text, str) or i18n.language() == i18n.DEFAULT:
        return text
    word, _sep, product = text.partition(" (")
    return _shown(word, FRESHNESS) + (f" ({i18n.isolate(product.rstrip(')'))})" if product else "")

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
    unlicensed = int(sources["licence"].isna().sum())
    st.caption(ngettext("{count} source states no licence.", "{count} sources state no licence.", unlicensed).format(
        count=i18n.number(unlicensed)))

st.subheader(_("Freshness: how old each source's latest figure is"))
freshness = query("freshness.by_source")  # expected update intervals: warehouse/queries/freshness.py
if freshness.empty:
    st.info(_("No figures are loaded yet."))
else:
    overdue = int(freshness["overdue"].sum())
    if overdue:
        st.warning(ngettext("{count} source is overdue: its latest figure is older than the publisher's "
                            "usual update interval plus publication delay.",
                            "{count} sources are overdue: their latest figure is older than the publisher's "
                            "usual update interval plus publication delay.", overdue).format(count=i18n.number(overdue)))
    freshness = freshness.assign(status=[_shown(s, FRESHNESS) for s in freshness["status"]],
                                 expected_update=[_cadence(c) for c in freshness["expected_update"]])
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
history = query("admin.load_history")
history = history.assign(status=[_shown(s, LOAD_STATUS) for s in history["status"]])
st.dataframe(readable(history).rename(columns=dict(HISTORY_COLUMNS)), hide_index=True, width="stretch")

def _what_changed() -> None:
    """The changes from a kept version the reader picks to the live warehouse. Nothing is picked at first:
    on a large warehouse the comparison takes seconds (docs/reliability.md), paid only by who asks."""
    earlier = [v for v in versions.listing(db_path())[1:] if v.kept]
    if not earlier:
        st.info(_("No earlier version of the warehouse is kept yet: after the next load, this shows what it changed."))
        return
    described = {v.number: _("Version {number} — {at} — {what}").format(
        number=i18n.number(v.number), at=v.at[:16].replace("T", " "), what=i18n.isolate(v.what)) for v in earlier}
    since = st.selectbox(_("Changes since version"), list(described), format_func=described.get, index=None,
                         placeholder=_("Pick a kept version to compare with the live one"), key="data_changes_since")
    if since is None:
        return
    try:
        changes = changes_since(since)
    except versions.VersionUnavailable as gone:  # retention dropped its file since the list was read
        st.warning(str(gone))
        return
    if changes.empty:
        st.success(_("Nothing changed since version {number}.").format(number=i18n.number(since)))
    if not changes.revised.empty:
        st.caption(ngettext("{count} figure revised: same publisher, place, period and measure, another value.",
                            "{count} figures revised: same publisher, place, period and measure, another value.",
                            len(changes.revised)).format(count=i18n.number(len(changes.revised))))
        st.dataframe(changes_text.revised_table(changes, changes_text.names(query)), hide_index=True, width="stretch",
                     column_config={_("Before"): st.column_config.NumberColumn(format="localized"),
                                    _("After"): st.column_config.NumberColumn(format="localized")})
    if not changes.rows.empty:
        st.caption(_("Rows added and removed, per table and source."))
        st.dataframe(changes_text.rows_table(changes), hide_index=True, width="stretch")


st.subheader(_("What changed"))
_what_changed()

st.subheader(_("Rejected rows of the last loads"))
rejects = query("admin.load_rejects", limit=500)
if rejects.empty:
    st.info(_("No rows were rejected."))
else:
    st.caption(ngettext("{count} rejected row shown, with the reason.",
                        "{count} rejected rows shown, newest load first, with the reason for each.", len(rejects)).format(
        count=i18n.number(len(rejects))))
    rejects = rejects.assign(reason=[translated(r) for r in rejects["reason"]])
    st.dataframe(readable(rejects).rename(columns={
        "load_id": _("Load"), "file_name": _("File"), "sheet": _("Sheet"), "row_number": _("Row"), "column_name": _("Column"),
        "reason": _("Reason"), "raw": _("Row as read")}), hide_index=True, width="stretch")
