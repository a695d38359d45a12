"""Arabic column headers for CSV and Excel exports (an option on an Arabic page, issue 16).

The English column names and the value codes (`newly_displaced`, `flow`) stay the default:
scripts that read the exports rely on them. The Arabic-headers export is the one a person
reads, so its code columns show the labels the page shows (issue 21). Values the publishers
wrote keep their language (a publisher's English title stays English)."""
from __future__ import annotations

import pandas as pd

from dashboard.drawing import CASUALTY_LABELS, FIGURE_LABELS, POPULATION_LABELS
from dashboard.i18n import N_, Labels

HEADERS = Labels({
    "period_start": N_("Period start"), "period_end": N_("Period end"), "figure_type": N_("Figure type"),
    "measure": N_("Measure"), "individuals": N_("People"), "households": N_("Households"), "persons": N_("People"),
    "source_id": N_("Source id"), "source_publisher": N_("Publisher"), "source_title": N_("Title"),
    "source_date": N_("Published"), "source_url": N_("Link"), "load_id": N_("Load"), "note": N_("Note"),
    "pcode": N_("P-code"), "name": N_("Name"), "name_en": N_("Name (English)"), "name_ar": N_("Name (Arabic)"),
    "governorate": N_("Governorate"), "governorate_pcode": N_("Governorate P-code"), "district": N_("District"),
    "origin_pcode": N_("Origin P-code"), "origin_name": N_("Origin"), "destination_pcode": N_("Destination P-code"),
    "destination_name": N_("Destination"), "destination_band": N_("Distance band"), "share": N_("Share"),
    "destinations": N_("Destinations"), "border_km": N_("Distance to the border (km)"), "capacity": N_("Capacity"),
    "occupancy": N_("Occupancy"), "camps": N_("Camps"), "category": N_("Category"), "deaths_best": N_("Deaths (best estimate)"),
    "deaths_low": N_("Deaths (low)"), "deaths_high": N_("Deaths (high)"), "series": N_("Series"),
    "asylum_iso3": N_("Host country code"), "host_country": N_("Host country"), "population_type": N_("Population"),
    "toward": N_("Moved closer to the border"), "away": N_("Moved farther from the border"),
    "same": N_("Same distance"), "unknown": N_("Distance unknown"), "net_toward": N_("Net toward the border"),
    "rows": N_("Rows"),
})
# Columns holding codes, and the labels they are shown as (the page's own tables).
VALUES = {
    "figure_type": FIGURE_LABELS, "category": CASUALTY_LABELS, "population_type": POPULATION_LABELS,
    "measure": Labels({"flow": N_("flow (people moving in a period)"), "stock": N_("stock (people present on a date)")}),
}


def arabic_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with the column names translated where the table above knows them, and codes as labels."""
    labelled = frame.assign(**{column: [labels[v] if v in labels else v for v in frame[column]]
                               for column, labels in VALUES.items() if column in frame.columns})
    return labelled.rename(columns={c: HEADERS[c] for c in labelled.columns if c in HEADERS})
