"""One reader per source format. Each module defines KIND, DESCRIPTION,
SUFFIXES, detect(path) -> bool, read(path) -> ReadResult and optionally
priority(path) -> int (lower loads first: places before the facts about them).

Order matters for detection: specific publishers' formats come before the
generic ones (HXL, tidy template) so that a file is read by the reader that
knows its quirks.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

from etl.sources import hxl, map_layer, tidy
from etl.sources import (  # publishers' own formats, recognised by their contents
    cod_ab, geojson_admin, health_attacks, hno_idp_estimates, named_areas, ocha_idp_movements, topojson_countries,
    unhcr_asylum_monthly, unhcr_population, unhcr_population_table, vdc_casualties,
)
from etl.sources.base import ReadError

READERS: list[ModuleType] = [
    ocha_idp_movements, hno_idp_estimates, unhcr_population, unhcr_population_table, unhcr_asylum_monthly,
    vdc_casualties, health_attacks,  # health_attacks before hxl: its hashtags alone would read it as all deaths
    cod_ab, geojson_admin, topojson_countries,  # before map_layer: they take P-coded GeoJSON
    named_areas, hxl, tidy, map_layer,
]


def register(module: ModuleType, *, before: ModuleType | None = None) -> None:
    """Add a reader (specific readers go before the generic ones)."""
    if module in READERS:
        return
    READERS.insert(READERS.index(before) if before in READERS else len(READERS), module)


def kinds() -> dict[str, str]:
    return {m.KIND: m.DESCRIPTION for m in READERS}


def reader_for(kind: str) -> ModuleType:
    for module in READERS:
        if module.KIND == kind:
            return module
    raise KeyError(f"unknown kind {kind!r}; known kinds: {', '.join(kinds())}")


def detect(path: Path) -> ModuleType:
    """The reader that recognises this file, by its contents, not just its name."""
    candidates = [m for m in READERS if path.suffix.lower() in m.SUFFIXES]
    if not candidates:
        raise ReadError(path, f"unsupported file type '{path.suffix}' (supported: "
                              f"{', '.join(sorted({s for m in READERS for s in m.SUFFIXES}))})")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from etl.sources.tabular import check_zip_sizes

        check_zip_sizes(path)  # before any reader's detect() opens the workbook (zip bombs)
    for module in candidates:
        try:
            if module.detect(path):
                return module
        except ReadError:
            raise
        except Exception:  # a reader that cannot parse the file just does not claim it
            continue
    raise ReadError(path, "format not recognised; name it with --kind (see `python -m etl kinds`)")


def priority(module: ModuleType, path: Path) -> int:
    fn = getattr(module, "priority", None)
    return fn(path) if fn else 50
