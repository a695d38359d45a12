"""The sidebar filters shared by every page, kept in the URL so a view can be
shared as a link and reopened exactly.

URL keys: start, end (YYYY-MM-DD), period, gov, district, source, type (comma
lists of P-codes, source ids, figure types). Values the warehouse does not know
are ignored with a visible notice, never an exception: a link typed by hand or
made against another warehouse still opens.

The period: a link with no start, end or period opens on the offensive
(warehouse/queries/periods.py defines it, once, for pages and exports);
`period=all` is the whole span; a link with start and/or end means exactly what
it always meant (a missing edge is the edge of the figures loaded).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.chart_data import ALL_REPORTS

from dashboard import i18n, places
from dashboard.charts import FIGURE_LABELS
from dashboard.i18n import _
from warehouse import WarehouseMissing
from warehouse.queries import Filters
from warehouse.queries.periods import DefaultPeriod, from_frame

FIGURE_TYPE_LABELS = FIGURE_LABELS
KEYS = ("start", "end", "period", "gov", "district", "source", "type", "reports", "lang", "digits")
WHOLE_SPAN = "all"       # period=all in the URL
OFFENSIVE = "offensive"  # the default: no period in the URL (period=offensive is read too)
_STATE = "_dashboard_filters"
_LINKED = "_period_linked"  # the link or a choice in the sidebar set the period (the Overview then follows it)
_MAX_SHOWN = 40


@dataclass
class Options:
    """What the warehouse can be filtered by."""

    governorates: dict[str, str] = field(default_factory=dict)   # pcode -> name
    districts: dict[str, str] = field(default_factory=dict)      # pcode -> "name (governorate)"
    sources: dict[str, str] = field(default_factory=dict)        # source_id -> "publisher — title"
    first_day: date | None = None
    last_day: date | None = None
    default: DefaultPeriod | None = None  # the period a view opens on (None: no figures)

    def edges(self, start: date | None, end: date | None) -> tuple[date | None, date | None]:
        """A period with an edge at the edge of the figures loaded written as open (None), as the URL keeps it."""
        return (None if start == self.first_day else start, None if end == self.last_day else end)

    def default_dates(self) -> tuple[date | None, date | None]:
        """The dates of the default view: the offensive, or (None, None) for the whole span."""
        if self.default is None or not self.default.is_offensive:
            return None, None
        return self.edges(self.default.start, self.default.end)

    def offers_offensive(self) -> bool:
        return self.default is not None and self.default.is_offensive


def load_options(query) -> Options | None:
    """Filter options from the warehouse; None when there is no warehouse yet."""
    try:
        areas = query("options.areas")
        sources = query("options.sources")
        span = query("options.date_span")
        default = from_frame(query("periods.default_period"))
    except WarehouseMissing:
        return None
    except Exception:  # an unreadable file: the page says so (components.require_warehouse)
        return None
    names = places.arabic_names(query) if i18n.language() != "en" else {}
    areas = places.rename(areas, names, {"name_en": "pcode"})  # Arabic names on an Arabic page
    govs = areas[areas["admin_level"] == 1]
    gov_names = dict(zip(govs["pcode"], govs["name_en"]))
    dists = areas[areas["admin_level"] == 2]
    first, last = (span.iloc[0]["first_day"], span.iloc[0]["last_day"]) if not span.empty else (None, None)
    return Options(
        governorates=gov_names,
        districts={p: f"{n} ({gov_names.get(g, g)})" for p, n, g in zip(dists["pcode"], dists["name_en"], dists["governorate_pcode"])},
        sources={
            s: i18n.isolate(f"{p} — {t}") + (" " + _("[synthetic]") if syn else "")
            for s, p, t, syn in zip(sources["source_id"], sources["publisher"], sources["title"], sources["is_synthetic"])
        },
        first_day=None if pd.isna(first) else pd.Timestamp(first).date(),
        last_day=None if pd.isna(last) else pd.Timestamp(last).date(),
        default=default,
    )


def _shown(value: str) -> str:
    """A URL value quoted safely inside a notice (no markdown, bounded length)."""
    clean = "".join(ch for ch in value if ch.isprintable() and ch not in "`*_[]<>!\\")
    return clean[:_MAX_SHOWN] + ("…" if len(clean) > _MAX_SHOWN else "")


def _values(params: Mapping[str, Sequence[str] | str], key: str) -> list[str]:
    raw = params.get(key, [])
    items = [raw] if isinstance(raw, str) else list(raw)
    return [v.strip() for item in items for v in str(item).split(",") if v.strip()]


def _date(params: Mapping, key: str, options: Options, notices: list[str]) -> date | None:
    values = _values(params, key)
    if not values:
        return None
    try:
        day = date.fromisoformat(values[0])
    except ValueError:
        notices.append(_("Ignored {key}={value}: not a date (YYYY-MM-DD).").format(key=key, value=i18n.isolate(_shown(values[0]))))
        return None
    low, high = options.first_day, options.last_day
    if low and high and not (low <= day <= high):
        notices.append(_("Ignored {key}={day}: outside the figures loaded ({low} – {high}).").format(
            key=key, day=i18n.isolate(day), low=i18n.isolate(low), high=i18n.isolate(high)))
        return None
    return day


def _known(params: Mapping, key: str, known: Mapping[str, str], what: str, notices: list[str]) -> tuple[str, ...]:
    picked = []
    for value in _values(params, key):
        if value in known:
            picked.append(value)
        else:
            notices.append(_("Ignored {key}={value}: no such {what} in the warehouse.").format(
                key=key, value=i18n.isolate(_shown(value)), what=_(what)))
    return tuple(dict.fromkeys(picked))


def parse(params: Mapping[str, Sequence[str] | str], options: Options) -> tuple[Filters, list[str]]:
    """URL query parameters -> Filters, and a notice for every value that was ignored."""
    notices: list[str] = []
    start, end = _date(params, "start", options, notices), _date(params, "end", options, notices)
    if start and end and start > end:
        notices.append(_("Ignored the period {start} – {end}: it ends before it starts.").format(
            start=i18n.isolate(start), end=i18n.isolate(end)))
        start = end = None
    if not (_values(params, "start") or _values(params, "end")):  # dates in the link win, as they always did
        start, end = _named_period(params, options, notices)
    districts = _known(params, "district", options.districts, i18n.N_("district"), notices)
    filters = Filters(
        start=start,
        end=end,
        governorates=_known(params, "gov", options.governorates, i18n.N_("governorate"), notices),
        sources=_known(params, "source", options.sources, i18n.N_("source"), notices),
        figure_types=_known(params, "type", FIGURE_TYPE_LABELS, i18n.N_("figure type"), notices),
        extra=tuple(("district", d) for d in districts) + ((ALL_REPORTS,) if _values(params, "reports")[:1] == ["all"]
                                                            else ()),
    )
    return filters, notices


def _named_period(params: Mapping, options: Options, notices: list[str]) -> tuple[date | None, date | None]:
    """No dates in the link: period=all is the whole span; nothing (or period=offensive) the default view."""
    named = _values(params, "period")
    if named and named[0] == WHOLE_SPAN:
        return None, None
    if named and named[0] != OFFENSIVE:
        notices.append(_("Ignored period={value}: use period={whole} for the whole span.").format(
            value=i18n.isolate(_shown(named[0])), whole=WHOLE_SPAN))
    return options.default_dates()


def _period_params(filters: Filters, options: Options | None) -> dict[str, str]:
    dates = {"start": filters.start.isoformat() if filters.start else "",
             "end": filters.end.isoformat() if filters.end else ""}
    if options is None or options.default is None:
        return dates
    if (filters.start, filters.end) == options.default_dates():
        return {}
    if filters.start is None and filters.end is None:
        return {"period": WHOLE_SPAN}
    return dates


def to_params(filters: Filters, options: Options | None = None) -> dict[str, str]:
    """Filters -> URL query parameters (empty filters are left out; the default period too, given the options)."""
    districts = [v for k, v in filters.extra if k == "district"]
    params = {
        **_period_params(filters, options),
        "gov": ",".join(filters.governorates),
        "district": ",".join(districts),
        "source": ",".join(filters.sources),
        "type": ",".join(filters.figure_types),
        "reports": "all" if ALL_REPORTS in filters.extra else "",
    }
    return {k: v for k, v in params.items() if v}


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in KEYS}


def _seed_widgets(filters: Filters, options: Options) -> None:
    """Put the URL's filters into the widgets, once per browser session."""
    low, high = options.first_day, options.last_day
    if low and high:
        st.session_state["f_period"] = (filters.start or low, filters.end or high)
        st.session_state["f_span"] = _span_choice(filters.start, filters.end, options)
    st.session_state["f_gov"] = list(filters.governorates)
    st.session_state["f_district"] = [v for k, v in filters.extra if k == "district"]
    st.session_state["f_source"] = list(filters.sources)
    st.session_state["f_type"] = list(filters.figure_types)
    st.session_state["f_reports"] = ALL_REPORTS in filters.extra


def _span_choice(start: date | None, end: date | None, options: Options) -> str | None:
    """Which one-click period the dates are, if any (the segmented control shows it)."""
    if options.offers_offensive() and (start, end) == options.default_dates():
        return OFFENSIVE
    return WHOLE_SPAN if start is None and end is None else None


def _picked_dates(options: Options) -> tuple[date | None, date | None]:
    picked = st.session_state.get("f_period")
    days = list(picked) if isinstance(picked, (tuple, list)) else [picked] if picked else []
    return options.edges(days[0] if days else options.first_day, days[1] if len(days) > 1 else options.last_day)


def _on_span(options: Options) -> None:
    """A click on "Offensive" or "Whole span" sets the dates."""
    st.session_state[_LINKED] = True
    choice = st.session_state.get("f_span")
    if choice == OFFENSIVE and options.default is not None:
        st.session_state["f_period"] = (options.default.start, options.default.end)
    elif choice == WHOLE_SPAN:
        st.session_state["f_period"] = (options.first_day, options.last_day)


def _on_dates(options: Options) -> None:
    """Dates picked by hand light the matching one-click period, or none."""
    st.session_state[_LINKED] = True
    st.session_state["f_span"] = _span_choice(*_picked_dates(options), options)


def _span_label(choice: str, options: Options) -> str:
    if choice == OFFENSIVE and options.default is not None:
        if i18n.language() == "en":
            return options.default.label
        return _("Offensive {start} – {end}").format(start=i18n.month(options.default.start), end=i18n.month(options.default.end))
    return _("Whole span {first} – {last}").format(first=i18n.localise_digits(str(options.first_day.year)),
                                                   last=i18n.localise_digits(str(options.last_day.year)))


def _basis(options: Options) -> str:
    """Where the default period's dates come from (the warehouse writes it in English)."""
    if i18n.language() == "en" or options.default is None:
        return options.default.basis if options.default else ""
    return _("The offensive in Idleb, from the month of the first hostilities on the timeline to the end of "
             "the month of the ceasefire (Moscow agreement, 5 March 2020).") if options.default.is_offensive else \
        _("No displacement figure for the offensive is loaded: the whole span of the data is shown.")


def _period_widget(options: Options) -> tuple[date | None, date | None]:
    low, high = options.first_day, options.last_day
    if not (low and high):
        return None, None
    if options.offers_offensive():
        st.sidebar.segmented_control(
            _("Period"), [OFFENSIVE, WHOLE_SPAN], key="f_span", on_change=_on_span, args=(options,),
            format_func=lambda choice: _span_label(choice, options),
            help=_basis(options))
    elif options.default is not None:  # the offensive has no figures here: say why the whole span shows
        st.sidebar.info(_basis(options), icon="ℹ️")
    st.sidebar.date_input(_("Dates") if options.offers_offensive() else _("Period"), min_value=low, max_value=high,
                          key="f_period", on_change=_on_dates, args=(options,),
                          help=_("Figures whose reference period overlaps this range."))
    return _picked_dates(options)


def _widgets(options: Options) -> Filters:
    st.sidebar.header(_("Filters"))
    start, end = _period_widget(options)
    govs = st.sidebar.multiselect(_("Governorate"), list(options.governorates), key="f_gov",
                                  format_func=lambda p: options.governorates.get(p, p), placeholder=_("All governorates"))
    districts = st.sidebar.multiselect(_("District"), list(options.districts), key="f_district",
                                       format_func=lambda p: options.districts.get(p, p), placeholder=_("All districts"))
    sources = st.sidebar.multiselect(_("Source"), list(options.sources), key="f_source",
                                     format_func=lambda s: options.sources.get(s, s), placeholder=_("All sources"))
    types = st.sidebar.multiselect(_("Figure type"), list(FIGURE_TYPE_LABELS), key="f_type",
                                   format_func=FIGURE_TYPE_LABELS.get, placeholder=_("All figure types"),
                                   help=_("Flows (people moving in a period) and stocks (people present on a date) "
                                          "are never added together."))
    every = st.sidebar.toggle(_("Show all reports"), key="f_reports",
                              help=_("The displacement chart shows the figure to quote and the figures beside it; "
                                     "switch on to draw every publisher's reports."))
    return Filters(start=start, end=end, governorates=tuple(govs), sources=tuple(sources), figure_types=tuple(types),
                   extra=tuple(("district", d) for d in districts) + ((ALL_REPORTS,) if every else ()))


def sidebar(query) -> Filters:
    """Draw the filters, read them (from the URL on a session's first run) and write them back to the URL."""
    options = load_options(query)
    if options is None:
        st.session_state[_STATE] = Filters()
        return Filters()
    if "f_gov" not in st.session_state:
        filters, notices = parse(_url_params(), options)
        _seed_widgets(filters, options)
        st.session_state[_LINKED] = any(_values(_url_params(), key) for key in ("start", "end", "period"))
        st.session_state["_filter_notices"] = notices
    elif st.session_state.get("_filters_language", i18n.language()) != i18n.language():
        # The language changed: the multiselects show other labels for the same P-codes, and the browser
        # would send back the old labels; the filters chosen so far are put back into the widgets instead.
        _seed_widgets(st.session_state.get(_STATE, Filters()), options)
    st.session_state["_filters_language"] = i18n.language()
    for notice in st.session_state.get("_filter_notices", []):
        st.sidebar.warning(notice, icon="⚠️")
    filters = _widgets(options)
    from dashboard import language  # the language is kept in the URL with the filters

    wanted = {**to_params(filters, options), **language.url_params()}
    if {k: ",".join(v) for k, v in _url_params().items() if v} != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[_STATE] = filters
    return filters


def current() -> Filters:
    """The filters chosen in this run (pages and export buttons read them here)."""
    return st.session_state.get(_STATE, Filters())


def whole_span_unless_linked(filters: Filters) -> Filters:
    """The filters with the whole span when neither the link nor a choice in the sidebar set a period.

    The Overview tells the war from 2011: it ignores the default (offensive) period the other pages
    open on, and follows a period once the session's first link carried one (start, end or period)
    or the reader picked one in the sidebar (on any page)."""
    if st.session_state.get(_LINKED):
        return filters
    return replace(filters, start=None, end=None)


def offensive_params(options: Options | None) -> dict[str, str]:
    """URL parameters of the offensive (the crisis briefing's default period), for a link to it."""
    if options is None or not options.offers_offensive():
        return {}
    return {"start": options.default.start.isoformat(), "end": options.default.end.isoformat()}
