"""Figures side by side: for each question the dashboard answers, the figure to quote, the others
published for the same period beside it and why they differ (warehouse.queries.ledger), and a
search for where a number comes from.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.components import plain, require_warehouse
from dashboard.data import query
from dashboard.export.about import day, period_text
from dashboard.filters import current
from dashboard.ledger_text import QUESTION_TEXT, ROLE_TEXT, RULE_TEXT, caption, reasons, what
from dashboard.i18n import _
from dashboard.places import arabic_names, place

st.title(_("Figures side by side"))
require_warehouse()
filters = current()
st.markdown(_("For each question, the figure to quote for **{period}**, and every other published figure "
              "beside it, with why it differs. Figures of places that contain each other are never added.").format(
                  period=period_text(filters.start, filters.end) if filters.start or filters.end
                  else _("the whole span of the data")))
with st.expander(_("How the quoted figure is chosen")):
    st.markdown("\n".join(f"{n}. {_(words)}" for n, words in enumerate(RULE_TEXT, 1)))


NAMES = arabic_names(query) if i18n.language() != "en" else {}


def _table(ledger: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        _("Role"): [_(ROLE_TEXT.get(r, r)) for r in ledger["role"]],
        _("Figure"): [i18n.number(v) for v in ledger["value"]],
        _("What it counts"): [what(t) for t in ledger["figure_type"]],
        _("Place"): [place(c, p, NAMES) or c if isinstance(c, str) and c else (p or "")  # one place: the page's language
                     for p, c in zip(ledger["places"], ledger["place_pcode"])],
        _("Window"): [period_text(s, e) for s, e in zip(ledger["period_start"], ledger["period_end"])],
        _("Publisher"): ledger["source_publisher"], _("Report"): ledger["source_title"],
        _("Published"): [day(pd.Timestamp(d).date()) if pd.notna(d) else "" for d in ledger["source_date"]],
        _("Why it differs"): reasons(ledger), _("Link"): ledger["source_url"],
    })


for key, text in QUESTION_TEXT.items():
    ledger = query("ledger.figures", filters, question=key)
    st.subheader(_(text))
    if ledger.empty:
        st.caption(_("No published figure for this question in this period."))
        continue
    quoted = ledger.iloc[0]
    st.metric(_("Quote"), i18n.number(quoted["value"]), help=reasons(ledger.head(1))[0])
    st.caption(plain(caption(ledger) + " · " + f"{quoted['source_publisher']}, {quoted['source_title']}"))
    st.dataframe(_table(ledger), hide_index=True, use_container_width=True,
                 column_config={_("Link"): st.column_config.LinkColumn(_("Link"))})

st.header(_("Where does this number come from?"), divider="gray")
left, right = st.columns([2, 1])
number = left.number_input(_("A number you read"), min_value=0.0, value=None, step=1000.0, format="%.0f",
                           key="find_number")
tolerance = right.number_input(_("Tolerance (%)"), min_value=0.0, max_value=50.0, value=0.0, step=1.0,
                               key="find_tolerance")
if number is not None:
    found = query("ledger.find", None, number=float(number), tolerance_pct=float(tolerance))
    if found.empty:
        st.info(_("No stored figure equals this number. A rounded figure ('almost 1 million') needs a tolerance."))
    else:
        st.dataframe(found.drop(columns=["note"]), hide_index=True, use_container_width=True,
                     column_config={"source_url": st.column_config.LinkColumn("source_url")})
