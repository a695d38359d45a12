"""The drawing rules every chart and export follows (explained for readers in
docs/drawing-figures.md).

Humanitarian figures come as reports, each covering its own period. So:

- a figure for a period (a flow: people displaced, deaths) is a bar spanning
  exactly period_start..period_end: a 5-day report is 5 days wide, never a month;
- reports of different periods are never joined by a line;
- a cumulative series ("displaced since 1 December": same publisher, same figure
  type, same start date, several reports) is its own line, points at the as-of
  dates, joined only within that series;
- a stock (people present on a date) is a point at its as-of date, joined only to
  points of the same dataset (one source);
- flows, stocks and counts of movements each get their own axis;
- two publishers' figures for the same thing are drawn side by side, semi-opaque,
  so their disagreement shows; they are never averaged or added;
- colours are fixed per governorate and per publisher across every page, and no
  two traces of one chart look alike.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.formats import PLOTLY_DAY, day
from dashboard.i18n import N_, Labels, _, isolate

# ------------------------------------------------------------------ colours
# Okabe–Ito (colour-blind safe), then Paul Tol's "muted" scheme (also colour-blind
# safe) for charts with more series than Okabe–Ito has colours. Yellow is last:
# it is hard to read on white.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"]
BASE_PALETTE = OKABE_ITO[:7] + TOL_MUTED + OKABE_ITO[7:]


def _mix(colour: str, towards: int, share: float) -> str:
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (towards - c) * share):02X}" for c in rgb)


# Charts with more series than the base palette (hidden ones included) take darker, then
# lighter, shades of it: still one look per series on a chart.
PALETTE = BASE_PALETTE + [_mix(c, 0, 0.45) for c in BASE_PALETTE if c != "#000000"] + \
    [_mix(c, 255, 0.5) for c in BASE_PALETTE if c != "#000000"]
EVENT_COLOUR = "#555555"
KEY_EVENT_COLOUR = "#222222"

GOVERNORATE_COLOURS = {  # by P-code and by English name; the two northwest governorates strongest
    "SY07": "#D55E00", "Idleb": "#D55E00", "SY02": "#0072B2", "Aleppo": "#0072B2",
    "SY05": "#009E73", "Hama": "#009E73", "SY06": "#CC79A7", "Lattakia": "#CC79A7",
    "SY11": "#E69F00", "Ar-Raqqa": "#E69F00", "SY09": "#56B4E9", "Deir-ez-Zor": "#56B4E9",
    "SY08": "#000000", "Al-Hasakeh": "#000000", "SY04": "#882255", "Homs": "#882255",
    "SY10": "#44AA99", "Tartous": "#44AA99", "SY01": "#332288", "Damascus": "#332288",
    "SY03": "#999933", "Rural Damascus": "#999933", "SY12": "#AA4499", "Dar'a": "#AA4499",
    "SY13": "#DDCC77", "As-Sweida": "#DDCC77", "SY14": "#117733", "Quneitra": "#117733",
    "SY-NW": "#000000", "Northwest Syria": "#000000",
}
PUBLISHER_COLOURS = {  # matched by a word in the publisher's name, first match wins
    "Insecurity Insight": "#AA4499", "REACH": "#009E73", "CCCM": "#44AA99", "OHCHR": "#CC79A7",
    "OCHA": "#0072B2", "UNHCR": "#56B4E9", "WFP": "#E69F00", "IOM": "#D55E00",
    "Violations Documentation": "#882255", "VDC": "#882255", "USAID": "#332288", "Security Council": "#999933",
}
HOST_COLOURS = {"TUR": "#D55E00", "LBN": "#0072B2", "JOR": "#009E73", "IRQ": "#CC79A7", "EGY": "#E69F00",
                "DEU": "#000000", "SWE": "#56B4E9", "AUT": "#882255", "NLD": "#44AA99", "GRC": "#332288"}


def _stable_start(key: str) -> int:
    return zlib.crc32(key.encode()) % len(PALETTE)


def publisher_colour(publisher: str) -> str:
    """The fixed colour of a publisher, on every page."""
    for word, colour in PUBLISHER_COLOURS.items():
        if word.lower() in str(publisher).lower():
            return colour
    return PALETTE[_stable_start(str(publisher))]


def governorate_colour(governorate: str) -> str:
    return GOVERNORATE_COLOURS.get(governorate, PALETTE[_stable_start(str(governorate))])


class ChartColours:
    """Colours for one chart: each series gets the colour it is known by on every page
    (its publisher's, its governorate's) unless a series drawn before it on this chart
    already has that colour; then the next colour nobody on this chart uses."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.given: dict[str, str] = {}
        self.reserved = set(reserved)

    def __call__(self, key: str, want: str | None = None) -> str:
        if key in self.given:
            return self.given[key]
        taken = set(self.given.values()) | self.reserved
        want = want or PALETTE[_stable_start(str(key))]
        if want in taken:
            start = PALETTE.index(want) if want in PALETTE else _stable_start(str(key))
            free = (PALETTE[(start + i) % len(PALETTE)] for i in range(len(PALETTE)))
            want = next((c for c in free if c not in taken), want)
        self.given[key] = want
        return want


# ------------------------------------------------------------------ labels
FIGURE_LABELS = Labels({  # declared in English, read in the page's language (dashboard/i18n.py)
    "newly_displaced": N_("Newly displaced (flow)"),
    "arrivals": N_("IDP arrivals (flow)"),
    "departures": N_("IDP departures (flow)"),
    "returns": N_("Returns (flow)"),
    "displacements": N_("Displacement movements (flow; a person moving twice counts twice)"),
    "idp_stock": N_("IDPs present (stock)"),
    "idps_in_camps": N_("IDPs in camps and sites (stock)"),
    "idps_outside_camps": N_("IDPs outside camps and sites (stock)"),
    "idps_in_open": N_("IDPs living in the open (stock)"),
    "idps_in_tents": N_("IDPs living in tents (stock)"),
    "idps_in_unfinished_buildings": N_("IDPs in unfinished buildings (stock)"),
    "returnees_stock": N_("Returnees present (stock)"),
})
POPULATION_LABELS = Labels({
    "refugees": N_("refugees"), "asylum_seekers": N_("asylum-seekers"), "asylum_applications": N_("asylum applications"),
    "registered_refugees": N_("registered refugees"), "returned_refugees": N_("returned refugees"), "idps": N_("IDPs"),
    "returned_idps": N_("returned IDPs"), "stateless": N_("stateless people"), "others_of_concern": N_("others of concern"),
    "total": N_("all people of concern"), "refugees_in_camps": N_("refugees living in camps"),
})
CASUALTY_LABELS = Labels({
    "all": N_("all deaths"), "civilians": N_("civilians"), "children": N_("children"), "combatants": N_("combatants"),
    "health_workers": N_("health workers"), "military": N_("military personnel"),
})
CASUALTY_COLOURS = {"civilians": "#D55E00", "children": "#CC79A7", "all": "#0072B2", "combatants": "#000000",
                    "military": "#999933", "health_workers": "#009E73"}
EVENT_CATEGORY_LABELS = Labels({
    "offensive": N_("Offensives"), "frontline": N_("Front-line changes"), "strike": N_("Strikes"),
    "agreement": N_("Agreements"), "patrol": N_("Patrols"), "humanitarian": N_("Humanitarian"), "border": N_("Border"),
    "attack_on_health": N_("Attacks on health care"), "other": N_("Other events"),
})
EVENT_SYMBOLS = {  # one look per category (colour is the same quiet grey for all)
    "offensive": "triangle-down", "frontline": "diamond", "strike": "x", "agreement": "square",
    "patrol": "triangle-right", "humanitarian": "circle", "border": "hexagon", "attack_on_health": "cross",
    "other": "circle-open",
}

# Panels of a timeline: counts of people over a period, counts of movements, people present.
PANEL_TITLES = Labels({
    "flow": N_("People displaced, arriving or returning in each reported period"),
    "movements": N_("Displacement movements in each reported period (not people: one person can move twice)"),
    "stock": N_("People present at the reported date"),
})
PANEL_AXES = Labels({"flow": N_("People displaced in the period"), "movements": N_("Movements in the period (not people)"),
                     "stock": N_("People present at the date")})


def panel_of(figure_type: str, measure: str) -> str:
    """Which axis a figure type is drawn on: movements never share one with people, flows never with stocks."""
    return "movements" if figure_type == "displacements" else ("stock" if measure == "stock" else "flow")


def short(text: object, limit: int = 42) -> str:
    """A publisher or title short enough for a legend (the full text is in the sources list)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;(") + "…"


def figure_label(figure_type: str) -> str:
    return FIGURE_LABELS.get(figure_type, str(figure_type).replace("_", " "))


# ------------------------------------------------------------------ periods
DAY = pd.Timedelta(days=1)


def period_extent(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Start and (exclusive) end of each row's reference period: 1–5 Feb covers 1 Feb 00:00 – 6 Feb 00:00."""
    return pd.to_datetime(rows["period_start"]), pd.to_datetime(rows["period_end"]) + DAY


def period_bars(rows: pd.DataFrame) -> dict:
    """Bar geometry on a date axis: each bar starts at its period's start and is exactly as wide as the period."""
    start, end = period_extent(rows)
    return {"x": start, "offset": 0, "width": ((end - start).dt.total_seconds() * 1000).tolist()}


def period_hover(rows: pd.DataFrame) -> list[str]:
    return [f"{day(s)} – {day(e)}" if pd.Timestamp(s) != pd.Timestamp(e) else day(e)
            for s, e in zip(rows["period_start"], rows["period_end"])]


# The place every timeline is about: a figure for it is drawn without naming it, any other place is named.
CHART_SCOPE = "SY-NW"


def place_label(rows: pd.DataFrame) -> pd.Series:
    """The place each reported figure is for, as a legend names it: '' for the chart's own scope
    (Northwest Syria), the place's name otherwise ('Syria', 'Dana'), 'several places' for a sum of
    disjoint places. Figures for different places are never one series."""
    if "place_pcode" not in rows:
        return pd.Series("", index=rows.index, dtype=object)
    names = rows["place_name"].where(rows["place_name"].notna(), rows["place_pcode"]) if "place_name" in rows \
        else rows["place_pcode"]
    several = rows["place_pcode"].isna() & (rows.get("figure_role", pd.Series("", index=rows.index)) == "disjoint")
    label = names.fillna("").astype(str).where(rows["place_pcode"] != CHART_SCOPE, "")
    return label.where(~several, _("several places (sum of disjoint places)"))


def cumulative_groups(rows: pd.DataFrame, minimum: int = 2) -> pd.Series:
    """True for rows of a cumulative series: one publisher's figures of one type for one place sharing
    a start date ('since 1 December') in at least `minimum` reports of different end dates. Figures
    for different places are never joined, even when one publisher gives them all."""
    if rows.empty:
        return pd.Series(dtype=bool)
    rows = rows.assign(place=place_label(rows))
    key = ["figure_type", "source_publisher", "place", "period_start"]
    ends = rows.groupby(key, dropna=False)["period_end"].transform("nunique")
    return (ends >= minimum) & (pd.to_datetime(rows["period_start"]) < pd.to_datetime(rows["period_end"]))


def joined_within(rows: pd.DataFrame, key: str, x: str, y: str) -> tuple[list, list]:
    """x and y for one trace whose line joins points only within the same `key` (a None breaks it)."""
    xs: list = []
    ys: list = []
    for _key, part in rows.sort_values(x).groupby(key, sort=False, dropna=False):
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend(pd.to_datetime(part[x]).tolist())
        ys.extend(part[y].tolist())
    return xs, ys


# ------------------------------------------------------------------ layout and axes
TICK_STOPS = [
    {"dtickrange": [None, 86_400_000 * 27], "value": PLOTLY_DAY},
    {"dtickrange": [86_400_000 * 27, 86_400_000 * 360], "value": "%b %Y"},
    {"dtickrange": [86_400_000 * 360, None], "value": "%Y"},
]


# Arabic pages write dates on axes as numbers (5/3/2020, 3/2020): plotly has no Arabic month names offline.
ARABIC_DAY = "%-d/%-m/%Y"
ARABIC_TICK_STOPS = [
    {"dtickrange": [None, 86_400_000 * 27], "value": ARABIC_DAY},
    {"dtickrange": [86_400_000 * 27, 86_400_000 * 360], "value": "%-m/%Y"},
    {"dtickrange": [86_400_000 * 360, None], "value": "%Y"},
]


def base_layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title, template="plotly_white", colorway=OKABE_ITO, hovermode="closest",
        legend={"orientation": "h", "yanchor": "top", "y": -0.22},
        margin={"l": 60, "r": 20, "t": 60, "b": 90}, separators=".,",
    )
    fig.update_yaxes(title=y_title, tickformat=",d", rangemode="tozero")
    return right_to_left(fig)


def _rtl_value(value):
    if isinstance(value, str):
        return i18n.rtl_line(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, str) for v in value):
        return [i18n.rtl_line(v) for v in value]
    return value


def rtl_text(fig: go.Figure) -> go.Figure:
    """Every Arabic text of a drawn chart (title, axis and colour-bar titles, notes, legend names,
    hovers, Sankey labels) in right-to-left isolates; numbers and dates untouched. Arabic pages only."""
    if not i18n.is_rtl():
        return fig
    layout = fig.layout
    if layout.title.text:
        layout.title.text = i18n.rtl_line(layout.title.text)
    for axis in fig.select_xaxes():  # not the y titles: plotly misplaces a rotated title that starts with an isolate
        if axis.title.text:
            axis.title.text = i18n.rtl_line(axis.title.text)
    for note in layout.annotations or ():
        note.text = i18n.rtl_line(note.text)
    if layout.title.text and any(note.yref == "paper" and note.y == 1 for note in layout.annotations or ()):
        # the title now sits on the right, above the latest key events' labels: one more row of room
        fig.update_layout(margin={"t": (layout.margin.t or 60) + 24})
    for trace in fig.data:
        for name in ("name", "hovertemplate", "hovertext", "text"):
            if name in trace and getattr(trace, name) is not None:
                setattr(trace, name, _rtl_value(getattr(trace, name)))
        if trace.type == "sankey":
            trace.node.label = _rtl_value(trace.node.label)
        if "colorbar" in trace and trace.colorbar.title.text:
            trace.colorbar.title.text = i18n.rtl_line(trace.colorbar.title.text)
    return fig


def right_to_left(fig: go.Figure) -> go.Figure:
    """An Arabic chart: title and legend read from the right, a font with Arabic letters, the value axis
    on the right; the time axis still runs left to right (as Arabic publications draw it)."""
    if not i18n.is_rtl():
        return fig
    fig.update_layout(font={"family": "Noto Sans Arabic, Noto Naskh Arabic, DejaVu Sans, sans-serif"},
                      title={"x": 0.98, "xanchor": "right"}, legend={"xanchor": "right", "x": 1})
    fig.update_yaxes(automargin=True)
    return fig


def _dates(values) -> list[pd.Timestamp]:
    if values is None:
        return []
    try:
        stamps = pd.to_datetime(pd.Series(list(values)), errors="coerce")
    except (TypeError, ValueError):
        return []
    return [s for s in stamps if pd.notna(s)]


def date_extent(fig: go.Figure) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The earliest and latest instant any trace draws (bars with their width)."""
    found: list[pd.Timestamp] = []
    for trace in fig.data:
        if trace.type not in ("scatter", "bar"):
            continue
        if trace.type == "bar" and trace.orientation == "h":
            starts = _dates(trace.base if trace.base is not None else [])
            widths = list(trace.x) if trace.x is not None else []
            found += starts + [s + pd.Timedelta(milliseconds=float(w)) for s, w in zip(starts, widths) if w is not None]
            continue
        xs = _dates(trace.x)
        found += xs
        if trace.type == "bar" and trace.width is not None and trace.offset == 0:
            widths = trace.width if isinstance(trace.width, (list, tuple)) else [trace.width] * len(xs)
            found += [s + pd.Timedelta(milliseconds=float(w)) for s, w in zip(xs, widths)]
    return (min(found), max(found)) if found else None


def fit_date_axis(fig: go.Figure, minimum_days: int = 28, **selector) -> go.Figure:
    """Dates written as dates ('5 Mar 2020', 'Mar 2020') and, for a single point or a short
    span, a range of at least `minimum_days` around it instead of plotly's milliseconds."""
    stops, hover = (ARABIC_TICK_STOPS, ARABIC_DAY) if i18n.is_rtl() else (TICK_STOPS, PLOTLY_DAY)
    fig.update_xaxes(type="date", tickformatstops=stops, hoverformat=hover, **selector)
    right_to_left(fig)
    extent = date_extent(fig)
    if extent is not None:
        first, last = extent
        if last - first < pd.Timedelta(days=minimum_days):
            middle = first + (last - first) / 2
            half = pd.Timedelta(days=minimum_days / 2)
            fig.update_xaxes(range=[middle - half, middle + half], **selector)
    return fig


# ------------------------------------------------------------------ reported figures
def add_reported(fig: go.Figure, series: pd.DataFrame, colours: ChartColours, row: int | None = None,
                 visible: bool | str = True, label_prefix: str = "", minimum: int = 2) -> list[str]:
    """Draw one kind of reported figure (rows of one panel: flows, movements or stocks).

    Flows: per-period reports as bars over their periods (one trace per figure type and
    publisher), cumulative series as their own line (`minimum` reports make a series: 1 draws a lone
    'since' report as a point at its as-of date). Stocks: points at their dates, joined within one
    dataset only. Returns the names of the traces drawn.
    """
    where = {"row": row, "col": 1} if row else {}
    names: list[str] = []
    series = series.assign(note=series["note"].fillna("") if "note" in series else "", place=place_label(series))
    cumulative = cumulative_groups(series, minimum) if not series.empty else pd.Series(dtype=bool)
    for (figure_type, publisher, measure, place), rows in series.groupby(
            ["figure_type", "source_publisher", "measure", "place"], sort=False, dropna=False):
        label = f"{label_prefix}{figure_label(figure_type)} — {isolate(short(publisher))}"
        label += f" — {isolate(place)}" if place else ""
        if measure == "stock":
            colour = colours(label, publisher_colour(publisher))
            xs, ys = joined_within(rows, "source_id", "period_end", "individuals")
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines+markers", name=label, visible=visible, connectgaps=False,
                line={"color": colour, "width": 2}, marker={"color": colour, "size": 8, "symbol": "circle"},
                hovertemplate=_("{label}<br>%{{y:,.0f}} people on %{{x|{day}}}<extra></extra>").format(
                    label=label, day=ARABIC_DAY if i18n.is_rtl() else PLOTLY_DAY),
            ), **where)
            names.append(label)
            continue
        is_cumulative = cumulative.loc[rows.index]
        for start, part in rows[is_cumulative].groupby("period_start", sort=True):
            part = part.sort_values("period_end")
            name = _("{label}, since {day} (cumulative)").format(label=label, day=day(start))
            colour = colours(name, publisher_colour(publisher))
            fig.add_trace(go.Scatter(
                x=pd.to_datetime(part["period_end"]), y=part["individuals"], mode="lines+markers", name=name,
                visible=visible, line={"color": colour, "width": 2.5, "dash": "solid"},
                marker={"color": colour, "size": 8, "symbol": "diamond"},
                customdata=list(zip([day(start)] * len(part), part["note"])),
                hovertemplate=_("%{{y:,.0f}} people since %{{customdata[0]}}, as of %{{x|{day}}}"
                                "<br>%{{customdata[1]}}<extra>{publisher}</extra>").format(
                    day=ARABIC_DAY if i18n.is_rtl() else PLOTLY_DAY, publisher=publisher),
            ), **where)
            names.append(name)
        reports = rows[~is_cumulative].sort_values(["period_start", "period_end"])
        if not reports.empty:
            each = _("{label}, each report over its period").format(label=label)
            colour = colours(each, publisher_colour(publisher))
            fig.add_trace(go.Bar(
                **period_bars(reports), y=reports["individuals"], name=each,
                visible=visible, marker={"color": colour, "opacity": 0.55, "line": {"color": colour, "width": 1.5}},
                customdata=list(zip(period_hover(reports), reports["note"])),
                hovertemplate=_("%{{y:,.0f}} people, %{{customdata[0]}}<br>%{{customdata[1]}}"
                                "<extra>{publisher}</extra>").format(publisher=publisher),
            ), **where)
            names.append(each)
    return names


# ------------------------------------------------------------------ events
# The key events of the 2019–2020 offensive, labelled on every timeline; every other
# event is a small tick with a hover. One rule, here: an `importance` column equal to
# "key" when the warehouse has one, else these dates and categories.
KEY_EVENTS: dict[tuple[date, str], str] = {
    (date(2019, 12, 19), "offensive"): N_("Ground offensive resumes"),
    (date(2020, 1, 28), "frontline"): N_("Maarrat an-Nu'man falls"),
    (date(2020, 2, 8), "frontline"): N_("Saraqib falls"),
    (date(2020, 2, 27), "strike"): N_("Strike kills 33 Turkish soldiers"),
    (date(2020, 3, 5), "agreement"): N_("Moscow agreement"),
    (date(2020, 3, 15), "patrol"): N_("First joint M4 patrol"),
    (date(2015, 9, 30), "strike"): N_("Russian air strikes begin"),  # the war's milestones (the Overview)
    (date(2016, 3, 18), "border"): N_("EU–Turkey statement"),
    (date(2023, 2, 6), "humanitarian"): N_("Earthquakes"),
    (date(2024, 12, 8), "frontline"): N_("Fall of the Assad government"),
}


def key_event_label(event: pd.Series | dict) -> str | None:
    """The short label of a key event, or None for an event drawn as a tick."""
    importance = event.get("importance")
    title = str(event.get("title") or "")
    when = pd.Timestamp(event["event_date"]).date()
    short_label = KEY_EVENTS.get((when, str(event.get("category") or "")))
    short_label = _(short_label) if short_label else None
    if importance is not None and not pd.isna(importance):  # the warehouse says which events are key
        return (short_label or short(title, 40)) if str(importance).lower() == "key" else None
    return short_label


def split_events(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(key events with a `label` column, the other events)."""
    if events.empty:
        return events.assign(label=pd.Series(dtype=str)), events
    labels = pd.Series([key_event_label(r) for r in events.to_dict("records")], index=events.index)
    return events[labels.notna()].assign(label=labels[labels.notna()]), events[labels.isna()]


def _event_hover(events: pd.DataFrame) -> list[str]:
    def clip(text: object) -> str:
        text = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
        return text if len(text) <= 160 else text[:157] + "…"

    return [f"<b>{clip(r['title'])}</b><br>{day(r['event_date'])}<br>{clip(r.get('description'))}"
            + "<br><i>" + _("Source: {publisher}, {title}").format(publisher=isolate(clip(r.get('source_publisher'))),
                                                                  title=isolate(clip(r.get('source_title')))) + "</i>"
            for r in events.to_dict("records")]


def _category_name(category: str, rows: pd.DataFrame) -> str:
    name = EVENT_CATEGORY_LABELS.get(category, str(category).replace("_", " ").capitalize())
    publishers = sorted({str(p) for p in rows.get("source_publisher", pd.Series(dtype=str)).dropna()})
    if category == "attack_on_health" and publishers:  # a different publisher's records: say whose
        name += f" ({', '.join(publishers[:2])})"
    return _("Events: {name}").format(name=name)


LABEL_ROW_PX = 16


def _label_rows(key: pd.DataFrame, extent: tuple[pd.Timestamp, pd.Timestamp] | None, rows: int = 3,
                width_px: float = 700) -> list[int | None]:
    """A row and side for each key event's label so labels do not overlap (row None: no room, hover only)."""
    if extent is None:
        return [(i % rows, "left") for i in range(len(key))]
    first, last = extent
    span = max((last - first).total_seconds(), 1)
    ends = [-1e9] * rows
    out: list[tuple[int | None, str]] = []
    for when, label in zip(pd.to_datetime(key["event_date"]), key["label"]):
        x = (when - first).total_seconds() / span * width_px
        wide = 6.5 * len(label)
        left = x + wide > width_px  # near the right edge the label hangs to the left of its line
        begin = x - wide if left else x
        row = next((r for r in range(rows) if begin > ends[r] + 4), None)
        if row is not None:
            ends[row] = begin + wide
        out.append((row, "right" if left else "left"))
    return out


def add_events(fig: go.Figure, events: pd.DataFrame, grouped: bool = False) -> go.Figure:
    """Key events: a line across every panel with a short label. Other events: small ticks at
    the top of the chart, one legend entry per category (click to hide or show), hover for each;
    `grouped`: one legend entry for them all (a chart read at a glance keeps its legend short)."""
    if events.empty:
        return fig
    used = fig.layout.to_plotly_json()
    number = next(n for n in range(2, 100) if f"yaxis{n}" not in used)  # a free axis over the first panel
    fig.update_layout({f"yaxis{number}": {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}})
    key, others = split_events(events)
    extent = date_extent(fig)
    if extent is not None:  # events outside the figures still widen the axis
        dates = pd.to_datetime(events["event_date"])
        extent = (min(extent[0], dates.min()), max(extent[1], dates.max()))
    lines, notes = [], []
    for (_index, event), (row, anchor) in zip(key.iterrows(), _label_rows(key, extent)):
        when = pd.Timestamp(event["event_date"])
        lines.append({"type": "line", "xref": "x", "yref": "paper", "x0": when, "x1": when, "y0": 0, "y1": 1,
                      "line": {"dash": "dot", "color": KEY_EVENT_COLOUR, "width": 1.2}, "layer": "below"})
        if row is not None:  # above the plot, rows stacked so labels never overlap
            notes.append({"x": when, "xref": "x", "yref": "paper", "y": 1, "yshift": 3 + LABEL_ROW_PX * row,
                          "yanchor": "bottom", "xanchor": anchor, "text": event["label"], "showarrow": False,
                          "font": {"size": 11, "color": KEY_EVENT_COLOUR}})
    fig.update_layout(shapes=list(fig.layout.shapes) + lines, annotations=list(fig.layout.annotations) + notes)
    if notes:
        rows_used = 1 + max(n["yshift"] for n in notes) // LABEL_ROW_PX
        top = 48 + LABEL_ROW_PX * rows_used
        fig.update_layout(margin={"t": max(top, fig.layout.margin.t or 0)},
                          title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}})
    if not key.empty:
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(key["event_date"]), y=[0.99] * len(key), yaxis=f"y{number}", mode="markers",
            marker={"symbol": "line-ns-open", "size": 14, "color": KEY_EVENT_COLOUR, "line": {"width": 2}},
            name=_("Key events"), hovertext=_event_hover(key), hoverinfo="text",
        ))
    for number_of, (category, rows) in enumerate(others.groupby(others["category"].fillna("other"), sort=True)):
        dates, hover = _ticks(rows)
        together = {"legendgroup": "events", "showlegend": number_of == 0} if grouped else {}
        fig.add_trace(go.Scatter(**together,
            x=dates, y=[0.96] * len(dates), yaxis=f"y{number}", mode="markers",
            marker={"symbol": EVENT_SYMBOLS.get(category, "circle-open"), "size": 7, "color": EVENT_COLOUR,
                    "opacity": 0.7},
            name=_("Other events") if grouped else _category_name(category, rows), hovertext=hover, hoverinfo="text",
            visible="legendonly" if len(rows) > MANY_EVENTS and not grouped else True,
        ))
    return fig


MANY_EVENTS = 60  # a category with more events in view is drawn one tick a week (or month), hidden until picked


def _ticks(rows: pd.DataFrame) -> tuple[list, list[str]]:
    """Tick dates and hovers: one per event, or for a long list (thousands of geocoded incidents)
    one per week or month with the count and the first titles, so a chart stays light on slow links."""
    dates = pd.to_datetime(rows["event_date"])
    if len(rows) <= MANY_EVENTS:
        return dates.tolist(), _event_hover(rows)
    freq = "W-MON" if (dates.max() - dates.min()).days <= 400 else "MS"
    buckets = dates.dt.to_period("W-SUN" if freq == "W-MON" else "M").dt.start_time
    out_dates, hover = [], []
    for start, part in rows.groupby(buckets.values, sort=True):
        titles = "<br>".join(f"{day(d)}: {str(t)[:80]}" for d, t in zip(part["event_date"][:3], part["title"][:3]))
        more = "<br>" + _("… and {count} more").format(count=i18n.number(len(part) - 3)) if len(part) > 3 else ""
        publishers = ", ".join(sorted({str(p) for p in part["source_publisher"].dropna()}))[:80]
        when = _("week of {day}").format(day=day(start)) if freq == "W-MON" else i18n.month(start)
        out_dates.append(pd.Timestamp(start))
        hover.append(_("<b>{count} events, {when}</b><br>{titles}{more}<br><i>Source: {publishers}</i>").format(
            count=i18n.number(len(part)), when=when, titles=titles, more=more, publishers=publishers))
    return out_dates, hover


def fit_height(fig: go.Figure, plot_px: int) -> go.Figure:
    """Room for the plot and for its legend below it (two entries a row), so a long legend never squeezes the plot."""
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    fig.update_layout(height=plot_px + 22 * ((entries + 1) // 2) + (fig.layout.margin.t or 60),
                      legend={"orientation": "h", "yanchor": "top", "y": -0.04 - 50 / (plot_px or 1)})
    return fig


def look(trace) -> tuple:
    """What tells a trace apart on a chart: colour, dash, marker symbol, bar pattern."""
    marker = getattr(trace, "marker", None)
    line = getattr(trace, "line", None)
    colour = (line.color if line is not None and line.color and trace.type == "scatter" and "lines" in (trace.mode or "")
              else None) or (marker.color if marker is not None else None)
    if isinstance(colour, (list, tuple)):
        colour = tuple(colour)
    symbol = marker.symbol if marker is not None and trace.type == "scatter" else None
    dash = line.dash if line is not None and trace.type == "scatter" else None
    pattern = marker.pattern.shape if marker is not None and trace.type == "bar" and marker.pattern else None
    return (trace.type if trace.type == "bar" else "point", colour, symbol, dash, pattern)
