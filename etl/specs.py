"""The tidy shape of every warehouse table: columns, types, HXL hashtags.

One definition serves the validator, the tidy template reader and the
templates handed to data officers, so they cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass

FIGURE_TYPES = (
    "newly_displaced", "arrivals", "departures", "returns", "idp_stock", "idps_in_camps", "returnees_stock",
    "displacements",  # movements counted, not people: one person displaced twice counts twice
    "idps_outside_camps",
    # where people shelter, as OCHA reported it for the offensive's displaced (stocks on a date)
    "idps_in_open", "idps_in_tents", "idps_in_unfinished_buildings",
)
POPULATION_TYPES = (
    "refugees", "asylum_seekers", "asylum_applications", "registered_refugees", "returned_refugees",
    "idps", "returned_idps", "stateless", "others_of_concern", "total",
    "refugees_in_camps",  # only those living in camps (Turkey's temporary accommodation centres)
    "others_in_need_of_protection",  # UNHCR 'oip': people abroad in need of international protection, not refugees
    "host_community",  # UNHCR 'hst': host-community members UNHCR counts among those it assists (not displaced)
)
CASUALTY_CATEGORIES = ("all", "civilians", "children", "combatants", "health_workers", "military")
EVENT_CATEGORIES = (
    "offensive", "frontline", "strike", "agreement", "patrol", "humanitarian", "border", "attack_on_health", "other",
)
LOCATION_KINDS = ("country", "region", "area", "governorate", "district", "sub-district", "community", "town", "crossing", "camp")
CITATION_COLUMNS = (
    "source_publisher", "source_title", "source_date", "source_url", "source_licence",
    "source_is_synthetic",  # optional: true for generated benchmark/fixture data, shown as synthetic
)
EVENT_IMPORTANCE = ("key", "other")  # key events are labelled on the timeline; the rest are drawn as ticks


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # date | count | number | text | pcode | parent | iso3 | choice | camp | int | link
    required: bool = False
    choices: tuple[str, ...] = ()
    hxl: str = ""
    description: str = ""


# Citation cells judged like any other cell, row by row: a row citing a source by a link that is
# not http(s) is rejected with the reason (warehouse/links.py), the file's column named.
CITATION_RULES = (Column("source_url", "link", hxl="#meta+url", description="Link to the source (http:// or https://)"),)


@dataclass(frozen=True)
class Check:
    """A rule across columns: `order` (a <= b), `differ` (a <> b), `any` (one of them given), `range`.

    `blame` is the column a reject names; the warehouse runs the check (warehouse/validation.py).
    """

    kind: str
    columns: tuple[str, ...]
    blame: str
    reason: str
    bounds: tuple[float, float] = (0.0, 0.0)


PERIOD_CHECK = Check("order", ("period_start", "period_end"), "period_end", "period ends before it starts")
POINT_CHECKS = (
    Check("range", ("lat",), "lat", "latitude out of range", (-90, 90)),
    Check("range", ("lon",), "lon", "longitude out of range", (-180, 180)),
)


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[Column, ...]
    extra_checks: tuple[Check, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def checks(self) -> tuple[Check, ...]:
        """Every cross-column rule of the table: its period, its own checks, its coordinates."""
        period = (PERIOD_CHECK,) if {"period_start", "period_end"} <= set(self.names) else ()
        points = tuple(c for c in POINT_CHECKS if c.columns[0] in self.names)
        return period + self.extra_checks + points


def _period() -> tuple[Column, Column]:
    return (
        Column("period_start", "date", True, hxl="#date+start", description="First day the figure covers"),
        Column("period_end", "date", True, hxl="#date+end", description="Last day the figure covers (the 'as of' date of a stock)"),
    )


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("locations", "Places: governorates, districts, sub-districts, communities, crossings", (
            Column("pcode", "text", True, hxl="#loc+code", description="OCHA P-code, or a project key for places without one"),
            Column("admin_level", "int", True, hxl="#loc+level", description="0 country/region, 1 governorate, 2 district, 3 sub-district, 4 place"),
            Column("kind", "choice", True, LOCATION_KINDS, hxl="#loc+type"),
            Column("parent_pcode", "parent", hxl="#loc+code+parent"),
            Column("name_en", "text", True, hxl="#loc+name+i_en"),
            Column("name_ar", "text", hxl="#loc+name+i_ar"),
            Column("lat", "number", hxl="#geo+lat"),
            Column("lon", "number", hxl="#geo+lon"),
        )),
        TableSpec("displacement", "Displacement flows and stocks of internally displaced people", (
            *_period(),
            Column("origin_pcode", "pcode", hxl="#adm1+code+origin", description="Where people fled from (P-code)"),
            Column("destination_pcode", "pcode", hxl="#adm1+code+dest", description="Where people arrived or are staying (P-code)"),
            Column("figure_type", "choice", True, FIGURE_TYPES, hxl="#indicator+type"),
            Column("individuals", "count", True, hxl="#affected+idps+ind"),
            Column("note", "text", hxl="#meta+note"),
        ), (
            Check("differ", ("origin_pcode", "destination_pcode"), "destination_pcode",
                  "origin and destination are the same place"),
            Check("any", ("origin_pcode", "destination_pcode"), "destination_pcode",
                  "neither origin nor destination given"),
        )),
        TableSpec("refugees", "Refugees and asylum seekers by country of asylum", (
            *_period(),
            Column("origin_iso3", "iso3", True, hxl="#country+code+origin"),
            Column("asylum_iso3", "iso3", True, hxl="#country+code+asylum"),
            Column("population_type", "choice", True, POPULATION_TYPES, hxl="#indicator+type"),
            Column("persons", "count", True, hxl="#affected+refugees"),
            Column("note", "text", hxl="#meta+note"),
        )),
        TableSpec("casualties", "Recorded deaths, with a low/best/high range where the source gives one", (
            *_period(),
            Column("location_pcode", "pcode", hxl="#adm1+code"),
            Column("deaths_low", "count", hxl="#affected+killed+min"),
            Column("deaths_best", "count", True, hxl="#affected+killed"),
            Column("deaths_high", "count", hxl="#affected+killed+max"),
            Column("category", "choice", True, CASUALTY_CATEGORIES, hxl="#indicator+type"),
            Column("note", "text", hxl="#meta+note"),
        ), (
            Check("order", ("deaths_low", "deaths_best"), "deaths_low", "low estimate above best estimate"),
            Check("order", ("deaths_best", "deaths_high"), "deaths_high", "high estimate below best estimate"),
        )),
        TableSpec("camps", "Camps and informal sites (CCCM site lists)", (
            Column("camp_id", "text", True, hxl="#loc+id+camp"),
            Column("name", "text", True, hxl="#loc+name+camp"),
            Column("location_pcode", "pcode", hxl="#adm3+code"),
            Column("lat", "number", hxl="#geo+lat"),
            Column("lon", "number", hxl="#geo+lon"),
            Column("capacity_individuals", "count", hxl="#capacity+ind"),
        )),
        TableSpec("camp_population", "People living in each camp on a date", (
            Column("camp_id", "camp", True, hxl="#loc+id+camp"),
            *_period(),
            Column("individuals", "count", True, hxl="#affected+idps+ind"),
            Column("households", "count", hxl="#affected+idps+hh"),
        )),
        TableSpec("events", "The conflict timeline", (
            Column("event_date", "date", True, hxl="#date+start"),
            Column("end_date", "date", hxl="#date+end"),
            Column("title", "text", True, hxl="#event+name"),
            Column("title_ar", "text", hxl="#event+name+i_ar",
                   description="The title in Arabic, shown on the Arabic pages (else the English title)"),
            Column("description", "text", hxl="#event+description"),
            Column("location_pcode", "pcode", hxl="#loc+code"),
            Column("category", "choice", False, EVENT_CATEGORIES, hxl="#event+type"),
            Column("lat", "number", hxl="#geo+lat", description="Where the event happened, when the source geocodes it"),
            Column("lon", "number", hxl="#geo+lon"),
            Column("importance", "choice", False, EVENT_IMPORTANCE, hxl="#meta+importance",
                   description="'key' for the few events a timeline labels (start of the offensive, falls of towns, "
                               "agreements); empty or 'other' for the rest"),
        )),
        TableSpec("indicators", "Figures that fit no other table yet: people in need, severity, key figures", (
            *_period(),
            Column("location_pcode", "pcode", hxl="#adm1+code", description="The place the figure is about, if any"),
            Column("indicator", "text", True, hxl="#indicator+name", description="What is counted, as the publisher names it"),
            Column("value", "number", True, hxl="#indicator+value"),
            Column("unit", "text", hxl="#indicator+unit", description="people, households, severity (1-5) ..."),
            Column("note", "text", hxl="#meta+note"),
        )),
        TableSpec("location_shapes", "Boundary polygons of locations", (
            Column("pcode", "text", True),
            Column("geojson", "text", True),
        )),
        TableSpec("area_members", "Sub-districts an area named by a publisher covers (etl/reference/areas.csv)", (
            Column("area_pcode", "pcode", True, description="The area's key (a location of kind 'area')"),
            Column("member_pcode", "pcode", True, description="A sub-district P-code the cited page names or maps"),
            Column("note", "text", description="How the set was read from the cited page"),
        )),
        TableSpec("map_layers", "Lines and areas drawn on the map: border, countries, roads", (
            Column("layer", "text", True),
            Column("name", "text", True),
            Column("geojson", "text", True),
        )),
    )
}


def load_rank(table: str) -> int:
    """Where a file of this table comes in a folder load: places before the facts that name them,
    camps before their populations (lower loads first; readers that know better say so themselves)."""
    return {"locations": 10, "camps": 20}.get(table, 50)
