"""Public mode: what the dashboard may show to anyone, applied where every query passes.

Why here: pages, exports and the command line all read through
warehouse.queries, whose single read helper (base.fetch_df) hands every
result to `protect`. So a chart, its CSV/XLSX export and the briefing pack
can never disagree about what is hidden, and a new query is covered without
remembering to call anything.

What public mode does:
- Camp locations: a camp's exact point (and its exact distance to the border)
  is replaced by its sub-district's centroid (and that centroid's distance).
  A camp whose sub-district has no centroid loses its coordinates.
- Small counts: person counts between 1 and threshold-1 are suppressed
  (shown as missing), and ratios computed from them (occupancy) too.
  OCHA's Guidance Note on Statistical Disclosure Control (Centre for
  Humanitarian Data, 2019) leaves the acceptable risk to the context; the
  default of 5 is the common small-cell rule, configurable per deployment.

Configuration, first found wins (one documented mechanism, in this order):
1. environment: DISPLACEMENT_PUBLIC_MODE=1|0, DISPLACEMENT_SUPPRESS_BELOW=N
2. .streamlit/secrets.toml (current folder, then ~/.streamlit/secrets.toml):
       [displacement]
       public_mode = true
       suppress_below = 5
Read here with tomllib, so the warehouse never imports Streamlit.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

ENV_PUBLIC, ENV_THRESHOLD = "DISPLACEMENT_PUBLIC_MODE", "DISPLACEMENT_SUPPRESS_BELOW"
DEFAULT_THRESHOLD = 5
# Columns that count people (or deaths) in query results; headline queries call theirs "value".
COUNT_COLUMNS = frozenset({
    "individuals", "persons", "households", "deaths_low", "deaths_best", "deaths_high", "value",
    "population_with_capacity", "low", "high", "placed", "total",   # headlines
    "toward", "away", "same", "unknown", "net_toward",               # border.net_movement
    "value_before", "value_after",                                   # warehouse.diff: a revised figure
})
# Columns computed from a count that would give a suppressed count back.
DERIVED_COLUMNS = frozenset({"occupancy", "share", "percent", "rate"})
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Disclosure:
    public: bool = False
    threshold: int = DEFAULT_THRESHOLD

    @property
    def token(self) -> str:
        """Part of every cache key: switching mode must never serve figures cached in the other."""
        return f"public<{self.threshold}" if self.public else "internal"


def _secrets_files() -> list[Path]:
    return [Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]


def _from_secrets() -> dict:
    for path in _secrets_files():
        try:
            with open(path, "rb") as handle:
                section = tomllib.load(handle).get("displacement", {})
        except FileNotFoundError:
            continue
        except (tomllib.TOMLDecodeError, OSError) as exc:
            # A broken secrets file must not silently publish internal figures.
            raise RuntimeError(f"{path}: cannot read [displacement] settings ({exc})") from exc
        if isinstance(section, dict) and section:
            return section
    return {}


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{ENV_PUBLIC}={text!r}: use 1 or 0")


def settings() -> Disclosure:
    """The mode in force now: environment first, then secrets.toml, else internal with the default threshold."""
    secrets = None
    if ENV_PUBLIC in os.environ:
        public = _flag(os.environ[ENV_PUBLIC])
    else:
        secrets = _from_secrets()
        public = bool(secrets.get("public_mode", False))
    if ENV_THRESHOLD in os.environ:
        threshold = int(os.environ[ENV_THRESHOLD])
    else:
        secrets = _from_secrets() if secrets is None else secrets
        threshold = int(secrets.get("suppress_below", DEFAULT_THRESHOLD))
    if threshold < 1:
        raise ValueError(f"suppress_below must be 1 or more, not {threshold}")
    return Disclosure(public, threshold)


def suppress_small_counts(frame: pd.DataFrame, threshold: int) -> int:
    """Blank counts in 1..threshold-1 (and the ratios on those rows); returns how many cells were blanked."""
    counts = [c for c in frame.columns if c in COUNT_COLUMNS and pd.api.types.is_numeric_dtype(frame[c])]
    if not counts:
        return 0
    small = pd.DataFrame({c: frame[c].abs().gt(0) & frame[c].abs().lt(threshold) for c in counts}).fillna(False)
    for column in counts:
        frame[column] = frame[column].astype("float64").mask(small[column])
    rows = small.any(axis=1)
    for column in (c for c in frame.columns if c in DERIVED_COLUMNS):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64").mask(rows)
    return int(small.to_numpy().sum())


_CENTROIDS = """
SELECT c.camp_id, any_value(sd.lat) AS lat, any_value(sd.lon) AS lon, any_value(sd.border_km) AS border_km
FROM camps c
LEFT JOIN v_locations l ON l.pcode = c.location_pcode
LEFT JOIN v_locations sd ON sd.pcode = CASE
    WHEN l.admin_level = 3 THEN l.pcode
    WHEN c.location_pcode LIKE 'SY______' AND length(c.location_pcode) = 8 THEN c.location_pcode
    ELSE l.parent_pcode END
  AND sd.admin_level = 3
GROUP BY c.camp_id
"""


def coarsen_camps(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> int:
    """Move each camp to its sub-district's centroid; returns how many rows were moved."""
    if "camp_id" not in frame.columns or not {"lat", "lon"} & set(frame.columns) or frame.empty:
        return 0
    centroids = con.execute(_CENTROIDS).df().set_index("camp_id")
    for column in ("lat", "lon", "border_km"):
        if column in frame.columns:
            frame[column] = frame["camp_id"].map(centroids[column]).astype("float64")
    return len(frame)


def protect(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, mode: Disclosure | None = None) -> pd.DataFrame:
    """Apply public mode to one query result (nothing changes in internal mode)."""
    mode = mode or settings()
    if not mode.public or not isinstance(frame, pd.DataFrame):
        return frame
    moved = coarsen_camps(frame, con)
    hidden = suppress_small_counts(frame, mode.threshold)
    frame.attrs["disclosure"] = {"public_mode": True, "suppress_below": mode.threshold,
                                 "suppressed_cells": hidden, "camps_moved_to_subdistrict": moved}
    return frame
