"""SYNTHETIC data at scale, shaped like the real files, for benchmarks and their tests only.

Nothing here is a real figure. The *shape* is taken, at generation time, from
the published files in ../shared/data/real (never copied into the repository):
the community and sub-district P-codes of Idleb and Aleppo from the OCHA 2019
HNO workbook (weighted by its IDP estimates), the log-normal spread of monthly
community arrivals from the IDP Task Force workbook, and the distribution of
daily deaths in Idlib and Aleppo from the casualty file. Dates run 2016-2024.

Every file carries the citation publisher "SYNTHETIC benchmark data", a title
saying synthetic and `source_is_synthetic = true`, so the warehouse marks every
row as synthetic (sources.is_synthetic) wherever it shows.

The frames are written to CSV by warehouse/synthetic_files.py (DuckDB as an in-memory CSV
writer: 10 M rows in seconds; SQL stays in warehouse/). The command line is bench/synthetic.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse import synthetic_files

ROOT = Path(__file__).resolve().parents[2]
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
PUBLISHER = "SYNTHETIC benchmark data"
FIRST_DAY, LAST_DAY = date(2016, 1, 1), date(2024, 12, 31)
NORTHWEST = ("Idleb", "Aleppo")
FLOW_TYPES = ("arrivals", "departures", "returns", "newly_displaced")
STOCK_TYPES = ("idp_stock", "idps_in_camps")
DIRTY_SHARE = 0.001  # rows written the way people type them ("1,234") or with an unknown P-code


@dataclass
class Shape:
    """What the synthetic data borrows from the real files (no figures, only distributions and codes)."""

    communities: pd.DataFrame   # pcode, name_en, parent_pcode (sub-district), weight
    places: pd.DataFrame        # governorates, districts, sub-districts: pcode, admin_level, kind, parent, name
    flow_mu: float
    flow_sigma: float
    daily_deaths: np.ndarray    # non-zero daily death counts, Idlib and Aleppo


def real_shape(real_dir: Path = REAL_DATA) -> Shape:
    """Read the codes and distributions from the real files (fails clearly if they are missing)."""
    from openpyxl import load_workbook

    hno = real_dir / "hno_idp_estimates" / "data_2019.xlsx"
    book = load_workbook(hno, read_only=True, data_only=True)
    rows = list(book["Community_level_data"].iter_rows(values_only=True))
    book.close()
    frame = pd.DataFrame(rows[2:], columns=rows[1])
    frame = frame[frame["Admin1Name_En"].isin(NORTHWEST)].copy()
    frame["gov"] = frame["Admin2Pcode"].str[:4]
    communities = pd.DataFrame({
        "pcode": frame["Admin4Pcode"].astype(str), "name_en": frame["Admin4Name_En"].astype(str),
        "parent_pcode": frame["Admin3Pcode"].astype(str),
        "weight": pd.to_numeric(frame["IDPs_estimates_August_2018"], errors="coerce").fillna(0).clip(lower=0) + 50,
    }).drop_duplicates("pcode").reset_index(drop=True)
    levels = [
        frame[["gov", "Admin1Name_En"]].assign(parent="SY", level=1, kind="governorate"),
        frame[["Admin2Pcode", "Admin2Name_En", "gov"]].assign(level=2, kind="district"),
        frame[["Admin3Pcode", "Admin3Name_En", "Admin2Pcode"]].assign(level=3, kind="sub-district"),
    ]
    places = pd.concat([
        pd.DataFrame({"pcode": p.iloc[:, 0], "name_en": p.iloc[:, 1], "parent_pcode": p.iloc[:, 2],
                      "admin_level": p["level"], "kind": p["kind"]}) for p in levels
    ]).drop_duplicates("pcode").reset_index(drop=True)

    book = load_workbook(real_dir / "idp_movements" / "idp_1.xlsx", read_only=True, data_only=True)
    flows = [r[8] for r in list(book["December_IDPflow"].iter_rows(values_only=True))[1:]]
    book.close()
    logs = np.log([float(v) for v in flows if isinstance(v, (int, float)) and v > 0])

    deaths = pd.read_csv(real_dir / "conflict_casualties" / "casualties_by_province_by_day.csv")
    daily = deaths[["Idlib", "Aleppo"]].to_numpy().ravel()
    return Shape(communities, places, float(logs.mean()), float(logs.std()), daily[daily > 0])


def _citation(table: str, rows: int, seed: int) -> dict[str, str]:
    return {
        "source_publisher": PUBLISHER,
        "source_title": f"SYNTHETIC {table} for benchmarks, not real figures (seed {seed}, {rows:,} movement rows)",
        "source_date": "2025-01-01",
        "source_is_synthetic": "true",
    }


def _days() -> np.ndarray:
    return np.arange(np.datetime64(FIRST_DAY), np.datetime64(LAST_DAY) + 1)


def _day_weights(days: np.ndarray) -> np.ndarray:
    """Busier during the 2019-2020 offensive (shape only; the level is synthetic)."""
    weights = np.ones(len(days))
    weights[(days >= np.datetime64("2019-12-01")) & (days <= np.datetime64("2020-03-05"))] = 5.0
    return weights / weights.sum()


def movements(shape: Shape, rows: int, seed: int) -> pd.DataFrame:
    """Integer-coded movement rows (indexes into the day and community lists): fast for 10 M rows."""
    rng = np.random.default_rng(seed)
    days = _days()
    n_comm = len(shape.communities)
    weights = shape.communities["weight"].to_numpy(float)
    kind = rng.choice(6, size=rows, p=[0.45, 0.15, 0.10, 0.10, 0.15, 0.05]).astype(np.int8)
    is_stock = kind >= 4
    day = rng.choice(len(days), size=rows, p=_day_weights(days)).astype(np.int32)
    dest = rng.choice(n_comm, size=rows, p=weights / weights.sum()).astype(np.int32)
    origin = rng.integers(0, n_comm, size=rows, dtype=np.int32)
    origin = np.where(origin == dest, (origin + 1) % n_comm, origin)
    origin = np.where(is_stock, -1, origin)
    people = np.maximum(1, np.rint(rng.lognormal(shape.flow_mu, shape.flow_sigma, rows) / 30)).astype(np.int64)
    people = np.where(is_stock, people * 10, people)
    dirty = (rng.random(rows) < DIRTY_SHARE).astype(np.int8) * rng.integers(1, 3, rows, dtype=np.int8)
    order = np.lexsort((dest, kind, day))  # file in date order, as reports accumulate (sorting SQL-side was slow)
    return pd.DataFrame({"kind": kind, "day": day, "origin": origin, "dest": dest, "people": people,
                         "dirty": dirty}).iloc[order].reset_index(drop=True)


def write_tidy(out_dir: Path, rows: int, seed: int = 7, shape: Shape | None = None) -> dict[str, Path]:
    """Write the tidy CSVs (locations, camps, displacement, casualties, camp_population, events)."""
    shape = shape or real_shape()
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    comm = shape.communities.assign(i=np.arange(len(shape.communities)))
    comm["lat"] = np.round(rng.uniform(35.6, 36.7, len(comm)), 4)
    comm["lon"] = np.round(rng.uniform(36.2, 37.9, len(comm)), 4)
    days = pd.DataFrame({"d": np.arange(len(_days())), "day": _days()})
    kinds = pd.DataFrame({"k": range(6), "figure_type": FLOW_TYPES + STOCK_TYPES})
    subs = shape.places[shape.places["admin_level"] == 3].reset_index(drop=True)
    frames = {"comm": comm, "days": days, "kinds": kinds, "moves": movements(shape, rows, seed),
              "places": shape.places, "camps": _camps(subs, rows, rng), "cas": _casualties(shape, subs, rows, rng)}
    return synthetic_files.write(frames, out_dir, lambda table: _citation(table, rows, seed),
                                 FIRST_DAY, LAST_DAY, f"displacement_{rows}.csv")


def _camps(subs: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    n = int(min(1500, max(50, rows // 1000)))
    return pd.DataFrame({
        "camp_id": [f"SYN-CAMP-{i:05d}" for i in range(n)],
        "name": [f"SYNTHETIC camp {i}" for i in range(n)],
        "location_pcode": subs["pcode"].to_numpy()[rng.integers(0, len(subs), n)],
        "lat": np.round(rng.uniform(35.9, 36.6, n), 4), "lon": np.round(rng.uniform(36.4, 37.2, n), 4),
        "capacity_individuals": np.rint(rng.lognormal(7.5, 0.8, n)),
    })


def _casualties(shape: Shape, subs: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """Casualty records: one sub-district and day each, deaths drawn from the real daily distribution."""
    n = max(1000, rows // 10)
    days = _days()
    best = rng.choice(shape.daily_deaths, n)
    day = days[rng.choice(len(days), n, p=_day_weights(days))]
    return pd.DataFrame({
        "period_start": day, "period_end": day,
        "location_pcode": subs["pcode"].to_numpy()[rng.integers(0, len(subs), n)],
        "deaths_low": np.floor(best * 0.8), "deaths_best": best, "deaths_high": np.ceil(best * 1.3),
        "category": np.array(["civilians", "all", "children"])[rng.choice(3, n, p=[0.6, 0.3, 0.1])],
    })


def load_order(files: dict[str, Path]) -> list[Path]:
    """Places and camps before the facts about them."""
    order = ["locations", "camps", "displacement", "casualties", "camp_population", "events"]
    return [files[k] for k in order if k in files]


# Real files the dashboard bench loads beside the synthetic rows, when ../shared is there, so every
# page draws what it draws in use: sub-district shapes for the map, refugee figures.
CONTEXT_FILES = ("geo/hno_2018.json", "refugees/unhcr-persons-of-concern-origin-syr-csv-1.csv")


def build_warehouse(db_path: Path, rows: int, seed: int = 7, work_dir: Path | None = None,
                    context: bool = False, real_dir: Path = REAL_DATA) -> list:
    """Generate the tidy files and load them through the ETL (the path a data officer uses).

    context: first build the reference data (map layers, events, cited figures) and load the
    real shapes and refugee files (CONTEXT_FILES), as a warehouse in use would hold them.
    """
    from etl.load import build_reference, load_file

    files = write_tidy(work_dir or db_path.parent / f"synthetic_{rows}", rows, seed)
    reports = []
    if context:
        reports += build_reference(db_path)
        reports += [load_file(real_dir / name, db_path, loaded_by="bench") for name in CONTEXT_FILES
                    if (real_dir / name).exists()]
    reports += [load_file(path, db_path, loaded_by="bench") for path in load_order(files)]
    failed = [r.message for r in reports if r.status == "failed"]
    if failed:
        raise RuntimeError("; ".join(failed))
    return reports
