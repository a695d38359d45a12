"""Map: Northwest Syria's sub-districts (OCHA COD-AB) shaded by the people a published destination
breakdown placed in them, areas the publishers name outlined over their sub-districts, lines at 10,
25 and 50 km from the Turkish border, the border, the M4 and its 6 km security corridor, geocoded
events and camps. Offline: MapLibre traces on a blank style, shapes from the warehouse, no tiles."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _

from dashboard import border_bands
from dashboard.components import require_warehouse, show_chart
from dashboard.data import chart, query
from dashboard.filters import current

st.title(_("Map"))
st.caption(_("Sub-district boundaries: UN OCHA COD-AB (2016), simplified for the screen. Drawn without any map tiles "
             "or network access. Hover a sub-district, an area marker or an event for its figures and sources."))
require_warehouse()
filters = current()

found = border_bands.breakdowns(query("border.destinations", filters))
picked = found[0].key if found else None
if len(found) > 1:
    labels = {b.key: _("{breakdown} — {placed} placed").format(breakdown=border_bands.label_of(b), placed=i18n.number(b.placed))
              for b in found}
    picked = st.selectbox(_("Destination figures shown (one publisher's report at a time)"), list(labels),
                          format_func=labels.get, key="map_breakdown")
map_filters = replace(filters, extra=filters.extra + ((("breakdown", picked),) if picked else ()))
show_chart(chart("map-displacement", map_filters),
           hint=_("Build the reference warehouse (`python -m etl build-reference`) or load boundaries "
                  "(the COD-AB shapefile) with `python -m etl load FILE`."))
