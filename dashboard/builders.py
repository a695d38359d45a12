"""The chart builders: each runs its warehouse queries and draws one chart
(declared once, with its title and export name, in dashboard/catalog.py).

Each builder runs its warehouse queries, picks the one series it can draw
honestly (one figure type from one source: flows and stocks, or two sources'
overlapping counts, are never added) and says which in `ChartData.measure`.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pycountry

from dashboard import charts, maps
from dashboard.chart_data import ALL_REPORTS, ChartData, Query, period_of
from dashboard.citations import cite
from dashboard.drawing import CASUALTY_LABELS
from dashboard.drawing import FIGURE_LABELS as FIGURE_TYPE_LABELS
from dashboard import formats, i18n, places
from dashboard.i18n import _, isolate
from dashboard.war_timeline import figure as war_timeline_figure
from warehouse.queries import Filters
from warehouse.queries.ledger import SHELTER_TYPES
from warehouse.queries.periods import from_frame

FLOW_PREFERENCE = ("arrivals", "newly_displaced", "departures", "returns")


def _events(query: Query, filters: Filters) -> pd.DataFrame:
    return i18n.event_titles(query("timeline.events", filters))


def at_a_glance(series: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """The rows of the quoted figure's basis (warehouse.queries.ledger): the same figure type, place
    and start ('since 1 December'), every publisher's; the whole series when the ledger has none."""
    if ledger.empty or series.empty:
        return series
    quoted = ledger.iloc[0]
    same_place = series["place_pcode"].eq(quoted["place_pcode"]) | (series["place_pcode"].isna()
                                                                    & pd.isna(quoted["place_pcode"]))
    basis = series[(series["figure_type"] == quoted["figure_type"]) & same_place
                   & (pd.to_datetime(series["period_start"]) == pd.Timestamp(quoted["period_start"]))]
    return basis.reset_index(drop=True) if not basis.empty else series


def displacement_timeline(query: Query, filters: Filters) -> ChartData:
    """By default the figures of the quoted figure's basis (how many fled since the period's start, in
    Northwest Syria, people): each publisher's reports as a line or a point, a short legend; with
    ALL_REPORTS every publisher's every report, each on its own axis."""
    every = ALL_REPORTS in filters.extra
    series = query("timeline.displacement_series", filters)
    events = _events(query, filters)
    if not every:
        series = at_a_glance(series, query("ledger.figures", filters, question="displaced"))
    measure = _("Bars span the period each report covers; a line joins only one publisher's cumulative series "
                "('since 1 December') for one place; flows, movements and stocks are on separate axes and never "
                "added together.")
    measure += " " + (_("Hidden series are one legend click away.") if every else
                      _("Shown: the figure to quote and the figures published on the same basis (Figures side by "
                        "side); switch on 'Show all reports' for every publisher's reports."))
    return ChartData(
        figure=charts.displacement_timeline(series, events, glance=not every) if not series.empty else None,
        data=series, references=cite(series, events), period=period_of(series), measure=measure,
        empty_message=_("No displacement figures for this selection."),
    )


def primary_flow(frame: pd.DataFrame) -> tuple[str, str] | None:
    """The (figure type, source) drawn when several are loaded: series with some
    destinations placed in a distance band first, then the preferred figure type
    (arrivals), then the best placed."""
    if frame.empty:
        return None
    scored = frame.assign(
        placed=(frame.get("destination_band", pd.Series("x", index=frame.index)) != "unknown") * frame.get("rows", 1),
        rank=frame["figure_type"].map({t: i for i, t in enumerate(FLOW_PREFERENCE)}).fillna(9),
    )
    best = (scored.groupby(["figure_type", "source_id"], as_index=False)
            .agg(placed=("placed", "sum"), rank=("rank", "min"), individuals=("individuals", "sum"))
            .assign(any_placed=lambda f: f["placed"] > 0)
            .sort_values(["any_placed", "rank", "placed", "individuals"], ascending=[False, True, False, False]).iloc[0])
    return best["figure_type"], best["source_id"]


def _one_series(frame: pd.DataFrame, pick: tuple[str, str] | None) -> pd.DataFrame:
    if pick is None:
        return frame
    return frame[(frame["figure_type"] == pick[0]) & (frame["source_id"] == pick[1])]


def _label(series: pd.DataFrame) -> str:
    if series.empty:
        return _("Displacement")
    figure = FIGURE_TYPE_LABELS.get(series["figure_type"].iloc[0], series["figure_type"].iloc[0])
    if i18n.language() == "en":
        return f"{figure}, {series['source_publisher'].iloc[0]}"
    return _("{figure}, {publisher}").format(figure=figure, publisher=isolate(series["source_publisher"].iloc[0]))


def displacement_by_border_band(query: Query, filters: Filters) -> ChartData:
    """One destination breakdown by distance band, against the period's displacement total (dashboard.border_bands)."""
    from dashboard import border_bands

    return border_bands.build(query, filters)


def net_movement_toward_border(query: Query, filters: Filters) -> ChartData:
    bands = query("border.by_band", filters)
    pick = primary_flow(bands)
    frame = query("border.net_movement", filters)
    series = _one_series(frame, pick)
    placed = series[(series["toward"] + series["away"] + series["same"]) > 0]
    label = _label(series)
    return ChartData(
        figure=charts.net_movement(placed, _events(query, filters), label) if not placed.empty else None,
        data=series.reset_index(drop=True), references=cite(series), period=period_of(series),
        measure=_("Flow: {label}. 'Closer' = the destination is nearer the Turkish border than the origin. "
                  "{unknown} people whose origin or destination has no known distance are left out.").format(
            label=label, unknown=i18n.number(series["unknown"].sum())),
        empty_message=_("No flows with both origin and destination placed (distance to the border known) for this selection."),
    )


def _known_ends(frame: pd.DataFrame) -> pd.Series:
    return frame["origin_pcode"].ne("unknown") & frame["destination_pcode"].ne("unknown")


def _pick_flows(frame: pd.DataFrame, filters: Filters) -> tuple[str, str] | None:
    """The border page's breakdown when picked; else the preferred series among those that name an
    origin for a destination, then among those that name a destination (said in words), then any."""
    picked = next((v for k, v in filters.extra if k == "breakdown"), None)
    if picked:
        return tuple(picked.split("|", 1))
    for candidates in (frame[_known_ends(frame)], frame[frame["destination_pcode"].ne("unknown")], frame):
        if not candidates.empty:
            return primary_flow(candidates.assign(rows=1))
    return None


def _counted_in(figure_type: str, number: str, place: str) -> str:
    if figure_type == "displacements":  # movements: a person displaced twice counts twice
        return _("{number} movements into {place}").format(number=number, place=place)
    return _("{number} people in {place}").format(number=number, place=place)


def no_origin_sentence(rows: pd.DataFrame, drawn: bool) -> str:
    """Flows whose origin the publisher did not give, said in words, never drawn as an 'Unknown
    origin' bar: each number is one row of the counted flows (a published figure, or a report's batches
    of one place), with its publisher and date."""
    rows = rows[rows["origin_pcode"].eq("unknown") & rows["destination_pcode"].ne("unknown")]
    sentences = []
    for (figure_type, publisher, published), group in rows.groupby(
            ["figure_type", "source_publisher", "source_date"], sort=False):
        figures = _(" and ").join(
            _counted_in(figure_type, formats.count(r.individuals), isolate(r.destination_name))
            for r in group.sort_values("individuals", ascending=False).itertuples())
        source = isolate(f"{publisher}, {formats.day(published)}")
        if figure_type == "returns":
            template = _("{figures} were reported returning, with no place they returned from given ({source}).")
        elif drawn:
            template = _("A further {figures} were reported arriving with no origin given ({source}).")
        else:
            template = _("{figures} were reported arriving with no origin given ({source}).")
        sentences.append(template.format(figures=figures, source=source))
    return " ".join(sentences)


def flows_origin_destination(query: Query, filters: Filters) -> ChartData:
    """Known origins to known destinations, grouped by governorate, or as Filters.extra ('level',
    'district' | 'published') says; arrivals with no origin given are a sentence (ChartData.note)."""
    level = next((v for k, v in filters.extra if k == "level" and v in ("district", "published")), "governorate")
    frame = query("border.flows", filters, level=level)
    if level == "published":  # each end as published: the breakdowns' destinations, not 'Unknown origin'
        frame = frame[(frame["destination_pcode"] != "unknown")]
    series = _one_series(frame, _pick_flows(frame, filters)).head(30)
    label = _label(series)
    if i18n.language() != "en" and not series.empty:  # Arabic place names on the Sankey, English marked where none
        names = places.arabic_names(query)
        series = places.rename(series, names, {"origin_name": "origin_pcode", "destination_name": "destination_pcode"})
    drawn = series[_known_ends(series)]
    note = no_origin_sentence(series, drawn=not drawn.empty)
    level_text = {"published": _("with each end as published"), "district": _("by district"),
                  "governorate": _("by governorate")}[level]
    measure = _("Flow: {label}, summed over the selected period {level} (largest 30 pairs).").format(
        label=label, level=level_text)
    return ChartData(
        figure=charts.flows_sankey(drawn, label) if not drawn.empty else None,
        data=series.reset_index(drop=True), references=cite(series), period=period_of(series),
        measure=" ".join(part for part in (measure, note) if part), note=note,
        empty_message=_("No origin is published for these figures.") if note else
        _("No origin → destination flows for this selection."),
    )


def map_displacement(query: Query, filters: Filters) -> ChartData:
    """The map of the period's published destinations, boundaries and events (dashboard.maps)."""
    return maps.build(query, filters)


def _camp_counts(frame: pd.DataFrame, draw, measure: str) -> ChartData:
    """A chart of camp population counts (stocks), cited and dated from its rows."""
    return ChartData(
        figure=draw(frame) if not frame.empty else None,
        data=frame, references=cite(frame), period=period_of(frame), measure=measure,
        empty_message=_("No camp population counts for this selection."),
    )


def camps_occupancy(query: Query, filters: Filters) -> ChartData:
    return _camp_counts(query("camps.occupancy", filters), charts.camps_occupancy,
                        _("Stock: latest population count per camp in the period, against its stated capacity."))


def camps_trend(query: Query, filters: Filters) -> ChartData:
    return _camp_counts(query("camps.trend", filters), charts.camps_trend,
                        _("Stock: total of the camps that reported on each date (the number of camps reporting varies)."))


REGION_WIDE = i18n.N_("Northwest Syria (not by governorate)")


def casualties_vs_displacement(query: Query, filters: Filters) -> ChartData:
    """Deaths per report period and governorate (one category, every publisher side by side)
    above the reported displacement flows, on one time axis."""
    deaths = query("casualties.monthly", filters)
    category = next((c for c in ("all", "civilians", "children", "combatants", "military", "health_workers")
                     if (deaths["category"] == c).any()), None)
    deaths = deaths[deaths["category"] == category] if category else deaths
    deaths = deaths.assign(governorate=deaths["governorate"].where(deaths["governorate_pcode"] != "unknown", REGION_WIDE))
    if i18n.language() != "en" and not deaths.empty:  # the governorates in Arabic; the region-wide row too
        deaths = places.rename(deaths, places.arabic_names(query), {"governorate": "governorate_pcode"})
        deaths = deaths.assign(governorate=deaths["governorate"].where(deaths["governorate_pcode"] != "unknown",
                                                                       _(REGION_WIDE)))
    series = query("timeline.displacement_series", filters)
    displaced = series[(series["measure"] == "flow") & (series["figure_type"] != "displacements")] if not series.empty else series
    events = _events(query, filters)
    return ChartData(
        figure=charts.casualties_vs_displacement(deaths, displaced, events, category or "")
        if not deaths.empty else None,
        data=pd.concat([deaths.assign(series="deaths"), displaced.assign(series="displacement")], ignore_index=True),
        references=cite(deaths, displaced),
        period=period_of(deaths),
        measure=_("Deaths ({category}, best estimate; whiskers = low–high where the "
                  "source gives one) from reports of a month or less, each drawn over the period it covers (daily records "
                  "gathered into months); two publishers' figures are shown side by side, not added. Below: displacement "
                  "flows as reported.").format(category=CASUALTY_LABELS.get(category or "all", category)),
        empty_message=_("No casualty counts of a month or less for this selection."),
    )


def casualty_reports(query: Query, filters: Filters) -> ChartData:
    reports = query("casualty_reports.long_reports", filters)
    return ChartData(
        figure=charts.casualty_reports(reports, _events(query, filters)) if not reports.empty else None,
        data=reports, references=cite(reports), period=period_of(reports),
        measure=_("Each bar is one report over its own period (e.g. 'since the end of April 2019'); "
                  "overlapping reports are shown side by side, never added up."),
        empty_message=_("No casualty reports covering more than a month for this selection."),
    )


def country_names(codes) -> dict[str, str]:
    """Host countries by name, in Arabic on an Arabic page (pycountry ships the ISO 3166 names in Arabic)."""
    names = {}
    local = _country_translation(i18n.language())
    for code in codes:
        country = pycountry.countries.get(alpha_3=code)
        english = getattr(country, "common_name", None) or (country.name if country else code)
        names[code] = local.gettext(country.name) if country is not None and local is not None else english
        if local is not None and names[code] == getattr(country, "name", None):  # not in pycountry's Arabic names
            names[code] = _(english)
    return names


COUNTRIES_MISSING_IN_ARABIC = (i18n.N_("Türkiye"), i18n.N_("Turkey"))  # ISO renamed Turkey; pycountry has no Arabic yet


def _country_translation(lang: str):
    if lang == "en":
        return None
    import gettext

    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return None


def _main_series(frame: pd.DataFrame) -> str:
    """The source drawn as solid lines: the most authoritative for Turkey (the `authority` rank the
    query gives, UNHCR's own statistics first), then the one with most Turkey figures."""
    turkey = frame[frame["asylum_iso3"] == "TUR"]
    pool = turkey if not turkey.empty else frame
    ranked = pool.groupby("source_id").agg(rank=("authority", "min"), rows=("source_id", "size"))
    return ranked.sort_values(["rank", "rows"], ascending=[True, False], kind="stable").index[0]


def refugees_by_host_country(query: Query, filters: Filters, top: int = 8) -> ChartData:
    """One publisher's series for every host (comparable lines), plus Turkey's figures
    from other reports (e.g. UNHCR operational updates after the statistics end) as
    a separate dashed line, so 'how many refugees does Turkey hold' has its latest answer."""
    everything = query("refugees.by_host", filters)
    if everything.empty:
        return ChartData(figure=None, data=everything, empty_message=_("No refugee figures for this selection."))
    in_camps = everything[everything["population_type"] == "refugees_in_camps"]  # a part of the refugees, never added
    full = everything.drop(in_camps.index)
    main = _main_series(full) if full["source_id"].nunique() > 1 else None
    frame, extra = full, full.iloc[0:0]
    if main is not None:  # one publisher's series, so lines are comparable
        frame = full[full["source_id"] == main]
        # Turkey in the other reports; when the main line is UNHCR's own statistics (rank 0), another
        # export of the same table (rank 0 too) would only draw it twice, so it is left out
        best = frame["authority"].min()
        extra = full[(full["source_id"] != main) & (full["asylum_iso3"] == "TUR")
                     & ((full["authority"] > best) | (best > 0))]
    frame, extra = (f.drop(columns="authority", errors="ignore") for f in (frame, extra))  # chose the lines only
    if not frame.empty:
        latest = frame.sort_values("period_end").groupby("asylum_iso3")["persons"].last().nlargest(top).index
        frame = frame[frame["asylum_iso3"].isin(set(latest) | {"TUR"})]
    in_camps = in_camps[in_camps["asylum_iso3"].isin(set(frame["asylum_iso3"]) | {"TUR"})].drop(
        columns="authority", errors="ignore")
    names = country_names(pd.concat([frame, extra, in_camps])["asylum_iso3"].unique())
    frame = pd.concat([
        frame.assign(series=frame["asylum_iso3"].map(names)),
        extra.assign(series=names.get("TUR", "Turkey") + " — " + _("other reports")),
        in_camps.assign(series=in_camps["asylum_iso3"].map(names).astype("string") + " — "
                        + _("living in camps (part of the total)")),
    ], ignore_index=True)
    return ChartData(
        figure=charts.refugees_by_host(frame, names) if not frame.empty else None,
        data=frame.assign(host_country=frame["asylum_iso3"].map(names)), references=cite(frame), period=period_of(frame),
        measure=_("Stock: refugees present at each reference date, the {top} largest hosts and Turkey; "
                  "open diamonds are Turkey in other reports (registered Syrians): separate reports, so points, "
                  "not joined and not added to the solid line.").format(top=i18n.number(top)),
        empty_message=_("No refugee figures for this selection."),
    )


def asylum_applications(query: Query, filters: Filters, top: int = 8) -> ChartData:
    frame = query("refugees.applications", filters)
    if not frame.empty:
        biggest = frame.groupby("asylum_iso3")["persons"].sum().nlargest(top).index
        frame = frame[frame["asylum_iso3"].isin(biggest)]
    names = country_names(frame["asylum_iso3"].unique())
    return ChartData(
        figure=charts.asylum_applications(frame, names) if not frame.empty else None,
        data=frame.assign(host_country=frame["asylum_iso3"].map(names)), references=cite(frame), period=period_of(frame),
        measure=_("Flow: applications lodged in each period, the {top} countries with the most in the selection.").format(
            top=i18n.number(top)),
        empty_message=_("No asylum applications are loaded for this selection."),
    )


def idps_in_camps_reported(query: Query, filters: Filters) -> ChartData:
    """IDPs living in camps and sites as situation reports give them (a stock), even without a camp list."""
    series = query("timeline.displacement_series", replace(filters, figure_types=("idps_in_camps",)))
    events = i18n.event_titles(query("timeline.events", filters))
    figure = charts.displacement_timeline(series, events) if not series.empty else None
    return ChartData(
        figure=figure, data=series, references=cite(series), period=period_of(series),
        measure=_("Stock: people living in camps or sites at each reference date, as each publisher reported it."),
        empty_message=_("No reported figures of IDPs in camps and sites for this selection."),
    )


def shelter_by_type(query: Query, filters: Filters) -> ChartData:
    """Where the displaced were sheltering (in the open, in tents, in unfinished buildings, in camps and sites),
    one bar per report: what the offensive's numbers meant on the ground."""
    series = query("timeline.displacement_series", replace(filters, figure_types=SHELTER_TYPES))
    events = _events(query, filters)
    return ChartData(
        figure=charts.shelter_by_type(series, events) if not series.empty else None, data=series,
        references=cite(series), period=period_of(series),
        measure=_("Stock: people sheltering in each kind of place on each report's date, as the report gave them. "
                  "A bar's parts are the report's own figures; people in camps and sites are a point beside it, "
                  "since tents stand in camps."),
        empty_message=_("No reported figures of where the displaced were sheltering for this selection."),
    )


def offensive_band(query: Query) -> tuple | None:
    """The offensive the crisis briefing opens on (warehouse.queries.periods), or None when the
    warehouse holds no figure for it."""
    default = from_frame(query("periods.default_period"))
    return (default.start, default.end) if default is not None and default.is_offensive else None


def war_timeline(query: Query, filters: Filters) -> ChartData:
    """The war from 2011 to the latest figure: refugees in the neighbouring countries, IDPs and
    deaths on one time axis, with the war's events and the offensive shaded."""
    refugees = query("war.refugees_by_year", filters)
    idps = query("war.idps_by_year", filters)
    deaths = query("war.deaths", filters)
    events = _events(query, filters)
    names = country_names(refugees["asylum_iso3"].unique()) if not refugees.empty else {}
    data = pd.concat([refugees.assign(series="refugees", host_country=refugees["asylum_iso3"].map(names)),
                      idps.assign(series="idps"), deaths.assign(series="deaths")], ignore_index=True)
    empty = refugees.empty and idps.empty and deaths.empty
    return ChartData(
        figure=None if empty else war_timeline_figure(refugees, idps, deaths, events, names, offensive_band(query)),
        data=data, references=cite(refugees, idps, deaths, events), period=period_of(data),
        measure=_("Stocks: refugees in each host and IDPs in Syria at each reference date, a line per publisher's "
                  "series (one figure a year, the latest); deaths: each report is one bar over the whole period it "
                  "covers, never split into years. Shaded: the Idleb offensive the crisis briefing tells."),
        empty_message=_("No refugee, IDP or death figures for Syria for this selection."),
    )
