"""What changed between two warehouse versions (warehouse/diff.py), in the reader's words and language:
the Data page's tables and the briefing pack's "Changed since the last pack" read these, so a revision
is described once (its measure, place, window and both values)."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard import i18n, places
from dashboard.drawing import CASUALTY_LABELS, FIGURE_LABELS, POPULATION_LABELS
from dashboard.i18n import N_, _
from warehouse import diff

TABLE_LABELS = i18n.Labels({
    "displacement": N_("Displacement"), "refugees": N_("Refugees"), "casualties": N_("Deaths"),
    "camps": N_("Camps"), "camp_population": N_("Camp population"), "events": N_("Events"),
    "indicators": N_("Other figures"), "locations": N_("Places"), "location_shapes": N_("Place boundaries"),
    "map_layers": N_("Map layers"), "area_members": N_("Areas"),
})
_MEASURE_LABELS = {"displacement": FIGURE_LABELS, "refugees": POPULATION_LABELS, "casualties": CASUALTY_LABELS}
Names = dict[str, tuple[str, str | None]]   # pcode -> (English name, Arabic name or None)


def table_label(table: str) -> str:
    return TABLE_LABELS[table] if table in TABLE_LABELS else table


def measure_label(table: str, measure: str) -> str:
    """A revised figure's measure as the charts name it ('Newly displaced (flow)'); deaths say so."""
    labels = _MEASURE_LABELS.get(table)
    label = labels[measure] if labels is not None and measure in labels else measure.replace("_", " ")
    if table == "casualties":
        return _("deaths ({category})").format(category=label)
    if table == "camp_population":
        return _("people in the camp")
    return label


def names(query: Callable[..., pd.DataFrame]) -> Names:
    """Every place's names, for the places of revised figures ({} when the warehouse cannot say)."""
    try:
        frame = query(places.NAMES_QUERY)
    except Exception:  # noqa: BLE001 - an older warehouse: the P-codes are shown instead
        return {}
    return {str(p): (str(en), ar if isinstance(ar, str) else None)
            for p, en, ar in zip(frame["pcode"], frame["name_en"], frame["name_ar"])}


def place_label(place: str, known: Names) -> str:
    """'SY0700 → SY070000' as 'Idleb → Idleb' (in Arabic where a name is known); codes without a name stay."""
    def one(code: str) -> str:
        if code not in known:
            return code
        english, arabic = known[code]
        return places.place(code, english, {code: arabic} if arabic else {})

    if not place:
        return _("no place given")
    codes = place.split(diff.PLACE_JOIN)
    if len(codes) == 2 and diff.NOT_GIVEN in codes:   # a flow from a place, or people at a place
        origin, destination = codes
        return _("from {place}").format(place=one(origin)) if destination == diff.NOT_GIVEN else one(destination)
    return (" ← " if i18n.is_rtl() else " → ").join(one(code) for code in codes)   # Arabic reads right to left


def window(start: object, end: object) -> str:
    first, last = i18n.day(pd.Timestamp(start).date()), i18n.day(pd.Timestamp(end).date())
    return first if first == last else f"{first} – {last}"


def revised_table(changes: diff.Changes, known: Names) -> pd.DataFrame:
    """The revised figures as the Data page lists them, one row each, both values side by side."""
    frame = changes.revised
    return pd.DataFrame({
        _("What"): [f"{table_label(t)}: {measure_label(t, m)}" for t, m in zip(frame["table_name"], frame["measure"])],
        _("Place"): [place_label(p, known) for p in frame["place"]],
        _("Period"): [window(s, e) for s, e in zip(frame["period_start"], frame["period_end"])],
        _("Publisher"): frame["publisher"],
        _("Before"): frame["value_before"], _("After"): frame["value_after"],
        _("Report before"): frame["report_before"], _("Report after"): frame["report_after"],
    })


def rows_table(changes: diff.Changes) -> pd.DataFrame:
    """Rows added and removed per table and source, as the Data page lists them."""
    frame = changes.rows
    return pd.DataFrame({_("Table"): [table_label(t) for t in frame["table_name"]],
                         _("Publisher"): frame["publisher"], _("Report"): frame["title"],
                         _("Rows added"): frame["added"], _("Rows removed"): frame["removed"]})


def revised_sentence(row: pd.Series, known: Names) -> str:
    """One revision in a sentence: 'Newly displaced (flow), Idleb, 29 Apr 2019 – 5 May 2019 (UN OCHA):
    150,000 → 152,000.'"""
    value = i18n.number
    return _("{what}, {place}, {period} ({publisher}): {before} → {after}.").format(
        what=measure_label(row["table_name"], row["measure"]), place=place_label(row["place"], known),
        period=window(row["period_start"], row["period_end"]), publisher=i18n.isolate(row["publisher"]),
        before=value(row["value_before"]) if pd.notna(row["value_before"]) else _("hidden"),
        after=value(row["value_after"]) if pd.notna(row["value_after"]) else _("hidden"))


def report_sentence(row: pd.Series) -> str:
    """A report added: 'UN OCHA, Flash Update 2 (9 May 2019).'"""
    published = row.get("published")
    when = i18n.day(pd.Timestamp(published).date()) if pd.notna(published) else _("no date")
    return _("{publisher}, {title} ({day}).").format(publisher=i18n.isolate(row["publisher"]),
                                                    title=i18n.isolate(row["title"]), day=when)
