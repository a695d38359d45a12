"""Toward the border: where the displaced went, by the destination's distance to the Turkish
border (one published destination breakdown at a time, measured against the period's
displacement total), net movement toward the border, and origin → destination flows."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

from dashboard import border_bands
from dashboard.charts import band_name
from dashboard.components import breakdown_picker, require_warehouse, show_chart
from dashboard.data import chart
from dashboard.filters import current
from warehouse.queries import Filters

st.title(_("Toward the border"))
st.caption(_("Distance bands: 0–10, 10–25, 25–50 and over 50 km from the Turkey–Syria border, measured from each "
             "destination's sub-district (an area over several bands is shown as spanning them). Cumulative reports "
             "('displaced since 1 December') are never added to each other."))
require_warehouse()
filters = current()

chosen, found = breakdown_picker(filters, _("Destination breakdown (one publisher's report; reports are not added)"), "border_breakdown")
show_chart(chart("displacement-by-border-band", chosen))
if len(found) > 1:
    with st.expander(_("All {count} destination breakdowns loaded for this period").format(count=i18n.number(len(found)))):
        table = pd.DataFrame([{
            _("breakdown"): border_bands.label_of(b), _("people placed"): b.placed,
            _("by band"): i18n.separator().join(f"{band_name(band)}: {i18n.number(value)}" for band, value in
                                    b.reports.groupby("destination_band")["individuals"].sum().items()),
        } for b in found])
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={_("people placed"): st.column_config.NumberColumn(format="%,d")})

picked = dict(chosen.extra).get("breakdown")
show_chart(chart("net-movement-toward-border", filters))
LEVELS = {"published": _("as published"), "governorate": _("by governorate"), "district": _("by district")}


@st.fragment
def origin_destination_flows(filters: Filters, picked: str | None) -> None:
    """The flows chart and its level switch. A fragment: switching the level reruns this part of the
    page only, not the breakdown and net-movement charts above it (a filter change still reruns all)."""
    by = st.radio(_("Show origin → destination flows"), list(LEVELS), format_func=LEVELS.get,
                  horizontal=True, key="flow_level_by")
    flow_extra = (((("level", by),) if by != "governorate" else ())
                  + ((("breakdown", picked),) if by == "published" and picked else ()))
    show_chart(chart("flows-origin-destination", replace(filters, extra=filters.extra + flow_extra)))


origin_destination_flows(filters, picked)
