"""What the theme queries share about places: the distance bands (read from the one definition,
warehouse/models/distance_bands.sql), the area filter (governorates and districts picked in the
sidebar), the figure types a filter allows, and the rule for adding overlapping reports.
"""
from __future__ import annotations

import bisect

import duckdb
import pandas as pd

from warehouse import models
from warehouse.queries.base import Clause, Filters


def _band_rows() -> tuple[list[tuple], list[tuple]]:
    """The bands and every label, computed by the models themselves (no warehouse needed)."""
    with duckdb.connect() as con:
        bands = con.execute(models.inline(
            "SELECT label, lower_km, upper_km FROM distance_bands ORDER BY position")).fetchall()
        labels = con.execute(models.inline("SELECT lo, hi, label FROM band_labels ORDER BY sort_order")).fetchall()
    return bands, labels


_BANDS, _LABELS = _band_rows()
# (label, from km, to km; None = no upper edge), nearest first: as distance_bands.sql defines them.
DISTANCE_BANDS: tuple[tuple[str, float, float | None], ...] = tuple(
    (label, float(lower), None if upper is None else float(upper)) for label, lower, upper in _BANDS)
UNKNOWN_BAND = next(label for lo, _, label in _LABELS if lo is None)
_SPANS = {(lo, hi): label for lo, hi, label in _LABELS if lo is not None}


def band_label(lo: int, hi: int) -> str:
    """The label of a place whose sub-districts fall in bands lo..hi (0-based positions in DISTANCE_BANDS).

    One band: that band. Several: 'spans 0–25 km' — an area is never silently put in one band.
    """
    return _SPANS[(lo, hi)]


# Every label a place can get, nearest first: the bands, then the spans, then unknown.
BAND_LABELS: tuple[str, ...] = tuple(label for _, _, label in _LABELS)


def band_order(label: str) -> int:
    """Sort key of a band label (nearest first, spans after the bands, unknown last)."""
    return BAND_LABELS.index(label) if label in BAND_LABELS else len(BAND_LABELS)


def bands_nearer_than(km: float) -> tuple[str, ...]:
    """Labels of places wholly nearer the border than `km` (a band edge)."""
    return tuple(label for (lo, hi), label in _SPANS.items()
                 if DISTANCE_BANDS[hi][2] is not None and DISTANCE_BANDS[hi][2] <= km)


FLOW_TYPES = ("newly_displaced", "arrivals", "departures", "returns")
STOCK_TYPES = ("idp_stock", "idps_in_camps", "returnees_stock")


def districts(filters: Filters) -> tuple[str, ...]:
    """District P-codes picked in the sidebar (carried in Filters.extra as ('district', pcode))."""
    return tuple(value for key, value in filters.extra if key == "district")


def area_clause(filters: Filters, governorate_col: str, district_col: str | None = None) -> Clause:
    """Rows in any picked governorate ($governorates) or district ($districts); 'TRUE' when none is picked."""
    parts, params = [], {}
    if filters.governorates:
        parts.append(f"list_contains($governorates, {governorate_col})")
        params["governorates"] = list(filters.governorates)
    picked = districts(filters)
    if picked and district_col:
        parts.append(f"list_contains($districts, {district_col})")
        params["districts"] = list(picked)
    return (" OR ".join(parts) or "TRUE"), params


def counted(column: str = "counted") -> Clause:
    """Rows that may be added: THE comparability rule (warehouse/models/figure_roles.sql) decides,
    per report, which figures are totals, parts of a total, or places that overlap; a query that
    sums displacement figures keeps only the rows it counts."""
    return column, {}


def flow_types(filters: Filters) -> tuple[str, ...]:
    """The flow figure types the filter allows (all of them when none is picked)."""
    picked = [t for t in filters.figure_types if t in FLOW_TYPES]
    return tuple(picked) if filters.figure_types else FLOW_TYPES


def stock_types(filters: Filters) -> tuple[str, ...]:
    picked = [t for t in filters.figure_types if t in STOCK_TYPES]
    return tuple(picked) if filters.figure_types else STOCK_TYPES


def in_list(column: str, values: tuple[str, ...], name: str = "figure_types") -> Clause:
    """`column` is one of `values` ($name), matching nothing for an empty tuple (unlike Filters.in_clause)."""
    if not values:
        return "FALSE", {}
    return f"list_contains(${name}, {column})", {name: list(values)}


def within(filters: Filters, start_col: str = "period_start", end_col: str = "period_end") -> Clause:
    """Rows whose whole reference period lies inside the selected one ($start, $end; for totals):
    the overlap test with the row's ends swapped (its start after $start, its end before $end)."""
    return filters.period_clause(start_col=end_col, end_col=start_col)


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
