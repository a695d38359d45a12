"""SQL pieces the theme queries share: where a place sits in the admin tree,
and the area filter (governorates and districts picked in the sidebar).

Kept as SQL text, not a view, so the queries work on any warehouse a reader
opens, whatever migration it was last published with.
"""
from __future__ import annotations

import bisect

import pandas as pd

from warehouse.queries.base import Filters

# Distance bands to the Turkey–Syria border: THE definition of the band edges (label, from km,
# to km; None = no upper edge). Everything that bands a place (queries, rollups, headlines) uses it.
DISTANCE_BANDS: tuple[tuple[str, float, float | None], ...] = (
    ("0–10 km", 0.0, 10.0),
    ("10–25 km", 10.0, 25.0),
    ("25–50 km", 25.0, 50.0),
    ("over 50 km", 50.0, None),
)
UNKNOWN_BAND = "unknown"


def _km(value: float) -> str:
    return f"{value:g}"


def band_label(lo: int, hi: int) -> str:
    """The label of a place whose sub-districts fall in bands lo..hi (0-based positions in DISTANCE_BANDS).

    One band: that band. Several: 'spans 0–25 km' — an area is never silently put in one band.
    """
    if lo == hi:
        return DISTANCE_BANDS[lo][0]
    lower, upper = DISTANCE_BANDS[lo][1], DISTANCE_BANDS[hi][2]
    return f"spans {_km(lower)}–{_km(upper)} km" if upper is not None else \
        f"spans {_km(lower)} to over {_km(DISTANCE_BANDS[hi][1])} km"


# Every label a place can get, nearest first: the bands, then the spans, then unknown.
BAND_LABELS: tuple[str, ...] = tuple(
    [band_label(i, i) for i in range(len(DISTANCE_BANDS))]
    + [band_label(lo, hi) for lo in range(len(DISTANCE_BANDS)) for hi in range(lo + 1, len(DISTANCE_BANDS))]
    + [UNKNOWN_BAND])
BANDS = BAND_LABELS  # kept for callers that list the bands in order


def band_order(label: str) -> int:
    """Sort key of a band label (nearest first, spans after the bands, unknown last)."""
    return BAND_LABELS.index(label) if label in BAND_LABELS else len(BAND_LABELS)


def bands_nearer_than(km: float) -> tuple[str, ...]:
    """Labels of places wholly nearer the border than `km` (a band edge)."""
    out = []
    for lo in range(len(DISTANCE_BANDS)):
        for hi in range(lo, len(DISTANCE_BANDS)):
            upper = DISTANCE_BANDS[hi][2]
            if upper is not None and upper <= km:
                out.append(band_label(lo, hi))
    return tuple(out)


_BAND_ROWS = ", ".join(f"({i}, {lower}, {'NULL' if upper is None else upper})"
                       for i, (_, lower, upper) in enumerate(DISTANCE_BANDS))
_LABEL_ROWS = ", ".join(f"({lo}, {hi}, '{band_label(lo, hi)}')" for lo in range(len(DISTANCE_BANDS))
                        for hi in range(lo, len(DISTANCE_BANDS)))
BAND_POSITION_SQL = (f"(SELECT b.position FROM (VALUES {_BAND_ROWS}) b(position, lower_km, upper_km)"
                     " WHERE {km} >= b.lower_km AND (b.upper_km IS NULL OR {km} < b.upper_km))")

# The sub-districts each area covers: named areas (area_members, migration 0006) and, by P-code
# prefix, every governorate (SY07) and district (SY0703).
_MEMBERS = """
    SELECT DISTINCT area_pcode AS pcode, member_pcode FROM area_members
    UNION SELECT left(pcode, 4), pcode FROM v_locations WHERE admin_level = 3 AND pcode SIMILAR TO 'SY[0-9]{6}'
    UNION SELECT left(pcode, 6), pcode FROM v_locations WHERE admin_level = 3 AND pcode SIMILAR TO 'SY[0-9]{6}'
"""

# Every location with its governorate, district and sub-district P-codes, and its distance band.
# OCHA P-codes nest by prefix (SY07 > SY0703 > SY070301); community codes
# (C4130) inherit from their parent sub-district or district. A place without
# its own coordinates takes the distance to the border of its sub-district
# (centroid), so communities listed only by P-code still fall in a band.
# Governorates, districts and named areas get no single distance: their centroid
# says nothing about how close to the border the people in them are. Their band
# comes from their sub-districts: one band if all fall in it, else 'spans …'.
LOCATION_AREAS = f"""
WITH base AS (
    SELECT l.pcode, l.admin_level, l.name_en, l.name_ar, l.lat, l.lon, l.border_km, l.in_m4_corridor,
           a.governorate_pcode, a.district_pcode,
           CASE
               WHEN l.pcode LIKE 'SY______' AND length(l.pcode) = 8 THEN l.pcode
               WHEN l.parent_pcode LIKE 'SY______' AND length(l.parent_pcode) = 8 THEN l.parent_pcode
           END AS subdistrict_pcode
    FROM v_locations l JOIN v_location_admin a USING (pcode)
),
members AS ({_MEMBERS}),
member_bands AS (
    SELECT m.pcode, min(p.position) AS lo, max(p.position) AS hi, count(*) = count(p.position) AS complete
    FROM members m JOIN v_locations s ON s.pcode = m.member_pcode
    LEFT JOIN LATERAL (SELECT {BAND_POSITION_SQL.format(km="s.border_km")} AS position) p ON TRUE
    GROUP BY m.pcode
),
placed AS (
    SELECT b.*, coalesce(b.lat, sd.lat) AS place_lat, coalesce(b.lon, sd.lon) AS place_lon,
           CASE WHEN b.admin_level >= 3 THEN coalesce(b.border_km, sd.border_km) END AS place_border_km
    FROM base b LEFT JOIN v_locations sd ON sd.pcode = b.subdistrict_pcode
),
ranged AS (
    SELECT p.*,
           CASE WHEN p.place_border_km IS NOT NULL THEN {BAND_POSITION_SQL.format(km="p.place_border_km")}
                WHEN mb.complete THEN mb.lo END AS band_lo,
           CASE WHEN p.place_border_km IS NOT NULL THEN {BAND_POSITION_SQL.format(km="p.place_border_km")}
                WHEN mb.complete THEN mb.hi END AS band_hi
    FROM placed p LEFT JOIN member_bands mb USING (pcode)
)
SELECT r.*, coalesce(l.label, '{UNKNOWN_BAND}') AS place_band
FROM ranged r LEFT JOIN (VALUES {_LABEL_ROWS}) l(lo, hi, label) ON l.lo = r.band_lo AND l.hi = r.band_hi
"""

# Displacement rows with both ends placed in the admin tree and banded by the
# destination's distance to the Turkish border (place_band above).
DISPLACEMENT = f"""
WITH areas AS ({LOCATION_AREAS})
SELECT d.period_start, d.period_end, d.figure_type, ft.measure, d.individuals, d.note,
       d.source_id, s.publisher AS source_publisher, s.title AS source_title, s.published AS source_date,
       s.is_synthetic, d.load_id,
       d.origin_pcode, o.name_en AS origin_name, o.governorate_pcode AS origin_governorate,
       o.district_pcode AS origin_district, o.place_border_km AS origin_border_km,
       o.place_lat AS origin_lat, o.place_lon AS origin_lon,
       d.destination_pcode, t.name_en AS destination_name, t.governorate_pcode AS destination_governorate,
       t.district_pcode AS destination_district, t.subdistrict_pcode AS destination_subdistrict,
       t.place_border_km AS destination_border_km, t.place_lat AS destination_lat, t.place_lon AS destination_lon,
       coalesce(t.place_band, '{UNKNOWN_BAND}') AS destination_band
FROM displacement d
JOIN figure_types ft USING (figure_type)
LEFT JOIN areas o ON o.pcode = d.origin_pcode
LEFT JOIN areas t ON t.pcode = d.destination_pcode
LEFT JOIN sources s ON s.source_id = d.source_id
"""

FLOW_TYPES = ("newly_displaced", "arrivals", "departures", "returns")
STOCK_TYPES = ("idp_stock", "idps_in_camps", "returnees_stock")


def districts(filters: Filters) -> tuple[str, ...]:
    """District P-codes picked in the sidebar (carried in Filters.extra as ('district', pcode))."""
    return tuple(value for key, value in filters.extra if key == "district")


def area_clause(filters: Filters, governorate_col: str, district_col: str | None = None) -> tuple[str, list]:
    """Rows in any picked governorate or district ('TRUE' when nothing is picked)."""
    parts, params = [], []
    if filters.governorates:
        parts.append(f"{governorate_col} IN ({', '.join('?' for _ in filters.governorates)})")
        params.extend(filters.governorates)
    picked = districts(filters)
    if picked and district_col:
        parts.append(f"{district_col} IN ({', '.join('?' for _ in picked)})")
        params.extend(picked)
    return (" OR ".join(parts) or "TRUE"), params


def flow_types(filters: Filters) -> tuple[str, ...]:
    """The flow figure types the filter allows (all of them when none is picked)."""
    picked = [t for t in filters.figure_types if t in FLOW_TYPES]
    return tuple(picked) if filters.figure_types else FLOW_TYPES


def stock_types(filters: Filters) -> tuple[str, ...]:
    picked = [t for t in filters.figure_types if t in STOCK_TYPES]
    return tuple(picked) if filters.figure_types else STOCK_TYPES


def in_list(column: str, values: tuple[str, ...]) -> tuple[str, list]:
    """`column IN (...)` that matches nothing for an empty tuple (unlike Filters.in_clause)."""
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' for _ in values)})", list(values)


def within(filters: Filters, start_col: str = "period_start", end_col: str = "period_end") -> tuple[str, list]:
    """Rows whose whole reference period lies inside the selected one (for totals)."""
    parts, params = [], []
    if filters.start:
        parts.append(f"{start_col} >= ?")
        params.append(filters.start)
    if filters.end:
        parts.append(f"{end_col} <= ?")
        params.append(filters.end)
    return " AND ".join(parts) or "TRUE", params


def non_overlapping(periods: pd.DataFrame) -> pd.DataFrame:
    """The reports (one row per reference period) that can be added without counting anyone twice.

    Situation reports overlap ('since 1 December' as of 8 Jan, then as of 27 Jan):
    of the periods given, keep a set that does not overlap and covers the most
    days (weighted interval scheduling), preferring larger totals on ties.
    """
    if periods.empty:
        return periods
    rows = periods.sort_values(["period_end", "period_start"]).reset_index(drop=True)
    starts = pd.to_datetime(rows["period_start"]).tolist()
    ends = pd.to_datetime(rows["period_end"]).tolist()
    # a rollup row (a month of single days) covers the days it holds, not its whole span
    covered = rows["days"].tolist() if "days" in rows else [(e - s).days + 1 for s, e in zip(starts, ends)]
    values = rows["value"].astype(float).tolist()
    best: list[tuple[int, float, list[int]]] = [(0, 0.0, [])]  # best[i]: using the first i rows
    for i in range(len(rows)):
        days = covered[i]
        j = bisect.bisect_left(ends, starts[i], 0, i)  # rows before j end before this one starts
        take = (best[j][0] + days, best[j][1] + values[i], best[j][2] + [i])
        best.append(max(best[i], take, key=lambda t: (t[0], t[1])))
    return rows.loc[best[-1][2]].reset_index(drop=True)
