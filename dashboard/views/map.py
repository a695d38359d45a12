"""Map: Northwest Syria's sub-districts (OCHA COD-AB) shaded by the people a published destination
breakdown placed in them, areas the publishers name outlined over their sub-districts, lines at 10,
25 and 50 km from the Turkish border, the border, the M4 and its 6 km security corridor, geocoded
events and camps. Offline: MapLibre traces on a blank style, shapes from the warehouse, no tiles."""
from __future__ import annotations

import streamlit as st

from dashboard.i18n import _

from dashboard.components import breakdown_picker, require_warehouse, show_chart
from dashboard.data import chart
from dashboard.filters import current

st.title(_("Map"))
st.caption(_("Sub-district boundaries: UN OCHA COD-AB (2016), simplified for the screen. Drawn without any map tiles "
             "or network access. Hover a sub-district, an area marker or an event for its figures and sources."))
require_warehouse()
filters = current()

map_filters, _found = breakdown_picker(filters, _("Destination figures shown (one publisher's report at a time)"),
                                      "map_breakdown")
show_chart(chart("map-displacement", map_filters),
           hint=_("Build the reference warehouse (`python -m etl build-reference`) or load boundaries "
                  "(the COD-AB shapefile) with `python -m etl load FILE`."))

show_chart(chart("map-by-month", filters))
