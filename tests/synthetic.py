"""A small SYNTHETIC warehouse with known numbers, made by code for query and page tests.

Every figure here is invented for testing and cited as 'Synthetic test data'
(sources.is_synthetic = true where the tidy reader supports it). Place names,
P-codes and coordinates are the gazetteer's, so distances to the border are
computed by the real ETL: Atma 5.6 km, Dana (sub-district) 12.3 km, Idleb city
26.8 km, Khan Shaykhun 62.6 km.
"""
from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

CITE = {
    "source_publisher": "Synthetic test data",
    "source_title": "Dashboard test fixture (invented figures)",
    "source_date": "2020-03-01",
    "source_url": "",
    "source_is_synthetic": "true",
}
REFERENCE_GEO = Path(__file__).resolve().parents[1] / "etl" / "reference" / "geo"

LOCATIONS = [  # pcode, level, kind, parent, name, lat, lon
    ("SY07", 1, "governorate", "", "Idleb", "", ""),
    ("SY02", 1, "governorate", "", "Aleppo", "", ""),
    ("SY0703", 2, "district", "SY07", "Harim", "", ""),
    ("SY0702", 2, "district", "SY07", "Al Ma'ra", "", ""),
    ("SY0700", 2, "district", "SY07", "Idleb", "", ""),
    ("SY070301", 3, "sub-district", "SY0703", "Dana", "36.214", "36.770"),
    ("SY070201", 3, "sub-district", "SY0702", "Khan Shaykun", "", ""),
    ("SY070000", 3, "sub-district", "SY0700", "Idleb", "", ""),
    ("C4130", 4, "town", "SY070301", "Atma", "36.311", "36.686"),
    ("C9001", 4, "community", "SY070301", "Synthetic village", "", ""),
    ("C3987", 4, "town", "SY070201", "Khan Shaykun", "35.442", "36.651"),
    ("C3871", 4, "town", "SY070000", "Idleb", "35.933", "36.633"),
]
DISPLACEMENT = [  # start, end, origin, destination, type, individuals
    ("2020-01-01", "2020-01-31", "C3987", "C4130", "arrivals", 1000),
    ("2020-01-01", "2020-01-31", "C3987", "C9001", "arrivals", 500),
    ("2020-01-01", "2020-01-31", "C4130", "C3871", "arrivals", 200),
    ("2020-01-01", "2020-01-31", "", "C3987", "arrivals", 50),
    ("2020-02-01", "2020-02-29", "C3987", "C4130", "arrivals", 3000),
    ("2020-01-01", "2020-01-31", "", "C4130", "newly_displaced", 700),
    ("2019-12-01", "2020-02-20", "", "C4130", "newly_displaced", 900000),
    ("2020-02-01", "2020-02-29", "", "C4130", "idp_stock", 10000),
    ("2020-02-01", "2020-02-29", "", "C3871", "idp_stock", 4000),
    ("2020-02-01", "2020-02-29", "", "C9001", "idp_stock", 2000),
]
CASUALTIES = [  # start, end, pcode, low, best, high
    ("2020-01-05", "2020-01-05", "SY07", 8, 10, 12),
    ("2020-01-20", "2020-01-20", "SY07", 4, 5, 7),
    ("2020-02-03", "2020-02-03", "SY07", "", 7, ""),
    ("2020-01-10", "2020-01-10", "SY02", 3, 3, 3),
]
REFUGEES = [  # start, end, asylum, type, persons
    ("2019-01-01", "2019-12-31", "TUR", "refugees", 3000000),
    ("2020-01-01", "2020-12-31", "TUR", "refugees", 3100000),
    ("2019-01-01", "2019-12-31", "LBN", "refugees", 900000),
    ("2020-01-01", "2020-01-31", "DEU", "asylum_applications", 1000),
    ("2020-02-01", "2020-02-29", "DEU", "asylum_applications", 1200),
]
CAMPS = [("CAMP-A", "Synthetic camp A", "C4130", 1000), ("CAMP-B", "Synthetic camp B", "C3871", 500)]
CAMP_POPULATION = [
    ("CAMP-A", "2020-01-31", "2020-01-31", 800),
    ("CAMP-A", "2020-02-29", "2020-02-29", 1200),
    ("CAMP-B", "2020-02-29", "2020-02-29", 400),
]
EVENTS = [("2020-03-05", "Moscow ceasefire agreement", "Synthetic description", "agreement")]


def _write(path: Path, header: list[str], rows: list) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + list(CITE))
        for row in rows:
            writer.writerow(list(row) + list(CITE.values()))
    return path


def write_files(folder: Path) -> list[Path]:
    """The tidy CSVs of the synthetic fixture, in load order."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _write(folder / "locations.csv", ["pcode", "admin_level", "kind", "parent_pcode", "name_en", "lat", "lon"], LOCATIONS),
        _write(folder / "displacement.csv",
               ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals"],
               DISPLACEMENT),
        _write(folder / "casualties.csv",
               ["period_start", "period_end", "location_pcode", "deaths_low", "deaths_best", "deaths_high", "category"],
               [r + ("all",) for r in CASUALTIES]),
        _write(folder / "refugees.csv",
               ["period_start", "period_end", "origin_iso3", "asylum_iso3", "population_type", "persons"],
               [(r[0], r[1], "SYR", *r[2:]) for r in REFUGEES]),
        _write(folder / "camps.csv", ["camp_id", "name", "location_pcode", "capacity_individuals"], CAMPS),
        _write(folder / "camp_population.csv", ["camp_id", "period_start", "period_end", "individuals"],
               CAMP_POPULATION),
        _write(folder / "events.csv", ["event_date", "title", "description", "category"], EVENTS),
    ]


def _square(lon: float, lat: float, half: float = 0.05) -> str:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
            [lon - half, lat + half], [lon - half, lat - half]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def add_shapes(db_path: Path, shapes: dict[str, str]) -> None:
    """Write sub-district polygons through the warehouse's own publish path
    (the GeoJSON boundary reader is another module's job)."""
    import pandas as pd

    from warehouse import publishing, writes

    with publishing(db_path) as con:
        writes.upsert_sources(con, pd.DataFrame([{
            "source_id": "synthetic-shapes", "publisher": "Synthetic test data",
            "title": "Square test polygons", "url": None, "licence": None, "published": None,
            "is_synthetic": True, "notes": None,
        }]))
        load_id = writes.start_load(con, file_name="synthetic-shapes", sha256="synthetic-shapes", kind="test",
                                    started_at=datetime(2020, 3, 1), loaded_by="test", replaces=None)
        frame = pd.DataFrame({"pcode": list(shapes), "geojson": list(shapes.values()), "source_id": "synthetic-shapes"})
        writes.insert_facts(con, "location_shapes", frame, load_id)
        writes.finish_load(con, load_id, read=len(frame), loaded=len(frame), rejected=0, finished_at=datetime(2020, 3, 1))


def build(db_path: Path, folder: Path) -> Path:
    """Load the synthetic CSVs, the project's map layers (not its COD-AB boundaries) and two square sub-districts."""
    from etl.load import load_paths

    layers = [f for f in sorted(REFERENCE_GEO.glob("*.geojson")) if not f.name.startswith("admin")]
    files = layers + write_files(folder)
    reports = load_paths(files, db_path)
    failed = [f"{r.file}: {r.message}" for r in reports if r.status == "failed" or r.rows_rejected]
    assert not failed, failed
    add_shapes(db_path, {"SY070301": _square(36.77, 36.214), "SY070000": _square(36.633, 35.933)})
    return db_path
