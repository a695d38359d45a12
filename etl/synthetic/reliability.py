"""SYNTHETIC tidy files for the reliability tests and the soak (bench/soak.py), made by code.

Every row cites the publisher "SYNTHETIC reliability fixture" so that nobody
can mistake these figures for real ones. Two versions of the same file (same
name, so the second replaces the first) have different row counts and
different known totals: a reader seeing any other total saw part of a load.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

PUBLISHER = "SYNTHETIC reliability fixture"
CITE_HEADER = ["source_publisher", "source_title", "source_date", "source_url"]
# P-codes shaped like OCHA's (governorate SY07, district SY0700, sub-districts SY0700nn) so the
# views derive a governorate; names say they are synthetic.
GOVERNORATE, DISTRICT = "SY07", "SY0700"
SUB_DISTRICTS = tuple(f"SY07000{i}" for i in range(1, 6))
FILE_NAME = "synthetic_displacement.csv"


@dataclass(frozen=True)
class Version:
    """One version of the displacement file and what a consistent reader must see."""

    path: Path
    rows: int
    total: int


def _write(path: Path, header: list[str], rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def locations(folder: Path) -> Path:
    """A governorate, a district and five sub-districts with centroids, all synthetic."""
    cite = [PUBLISHER, "SYNTHETIC places", "2020-01-01", ""]
    rows = [[GOVERNORATE, 1, "governorate", "", "SYNTHETIC governorate", 35.9, 36.6, *cite],
            [DISTRICT, 2, "district", GOVERNORATE, "SYNTHETIC district", 35.9, 36.6, *cite]]
    rows += [[p, 3, "sub-district", DISTRICT, f"SYNTHETIC sub-district {i}", 35.9 + i / 10, 36.6 + i / 10, *cite]
             for i, p in enumerate(SUB_DISTRICTS, 1)]
    header = ["pcode", "admin_level", "kind", "parent_pcode", "name_en", "lat", "lon", *CITE_HEADER]
    return _write(folder / "synthetic_locations.csv", header, rows)


def displacement(folder: Path, rows: int, per_row: int, title: str = "SYNTHETIC displacement") -> Version:
    """`rows` newly displaced rows of `per_row` people each, January 2020, spread over the sub-districts."""
    cite = [PUBLISHER, title, "2020-02-01", ""]
    body = ([ "2020-01-01", "2020-01-31", "", SUB_DISTRICTS[i % len(SUB_DISTRICTS)], "newly_displaced",
              per_row, f"synthetic row {i}", *cite] for i in range(rows))
    header = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type",
              "individuals", "note", *CITE_HEADER]
    return Version(_write(folder / FILE_NAME, header, body), rows, rows * per_row)


def two_versions(folder: Path, rows_a: int = 40, rows_b: int = 60) -> tuple[Version, Version]:
    """Versions A and B of the same file (same name, different folders): B replaces A and back."""
    return (displacement(folder / "a", rows_a, 100, "SYNTHETIC displacement version A"),
            displacement(folder / "b", rows_b, 1000, "SYNTHETIC displacement version B"))
