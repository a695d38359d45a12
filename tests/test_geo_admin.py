"""The COD-AB boundaries shipped in etl/reference/geo (python -m etl.geo.derive_admin):
re-derivable from OCHA's shapefile, small, topology kept, loaded by the reference build."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from etl.geo import derive_admin
from etl.sources import cod_ab
from tests.conftest import REFERENCE
from tests.real_loads import rows

GEO = REFERENCE / "geo"
SHP = "geo/cod_admin3_shp/syr_admin3.shp"


def _features(level: int) -> list[dict]:
    return json.loads((GEO / derive_admin.FILES[level]).read_text(encoding="utf-8"))["features"]


def _shapes(level: int) -> dict[str, object]:
    return {f["properties"]["pcode"]: shape(f["geometry"]) for f in _features(level)}


def test_rederiving_gives_the_committed_files(real_data, tmp_path):
    derive_admin.write(real_data / SHP, tmp_path)
    for name in derive_admin.FILES.values():
        assert (tmp_path / name).read_bytes() == (GEO / name).read_bytes(), name


def test_the_shipped_files_are_small():
    sizes = {name: (GEO / name).stat().st_size for name in derive_admin.FILES.values()}
    assert sum(sizes.values()) < 700_000, sizes


def test_every_sub_district_is_there_with_both_names():
    features = _features(3)
    assert len(features) == 272
    assert all(f["properties"]["name_en"] and f["properties"]["name_ar"] for f in features)
    by_pcode = {f["properties"]["pcode"]: f["properties"] for f in features}
    assert by_pcode["SY070301"]["name_ar"] == "دانا"
    assert {f["properties"]["pcode"]: f["properties"]["name_ar"] for f in _features(1)}["SY07"] == "إدلب"
    assert sum(p.startswith("SY07") for p in by_pcode) == 26 and sum(p.startswith("SY02") for p in by_pcode) == 40


def test_no_gaps_or_overlaps_between_sub_districts():
    parts = list(_shapes(3).values())
    assert all(shapely.is_valid(parts))
    union = shapely.union_all(parts)
    overlap = sum(p.area for p in parts) - union.area
    assert abs(overlap) < 1e-9 * union.area + 1e-9
    holes = [r for poly in getattr(union, "geoms", [union]) for r in poly.interiors]
    assert holes == []


def test_districts_and_governorates_line_up_with_their_sub_districts():
    subs = _shapes(3)
    for level, width in ((2, 6), (1, 4)):
        for pcode, area in _shapes(level).items():
            members = shapely.union_all([g for p, g in subs.items() if p[:width] == pcode])
            assert area.symmetric_difference(members).area < 1e-9, pcode


def test_neighbours_still_share_a_boundary(real_data):
    records = cod_ab.subdistricts(real_data / SHP).rows
    original = {r["PCODE"]: r["geometry"] for r in records}
    simplified = _shapes(3)
    codes, geometries = list(original), list(original.values())
    tree = shapely.STRtree(geometries)
    neighbours = [(codes[i], codes[j]) for i, geometry in enumerate(geometries)
                  for j in tree.query(geometry, predicate="intersects")
                  if j > i and geometry.intersection(geometries[j]).length > 0.001]
    assert len(neighbours) > 600
    lost = [pair for pair in neighbours if simplified[pair[0]].intersection(simplified[pair[1]]).length == 0]
    assert lost == []
    # the outline moves by at most the simplification tolerance: a thin band, not a different country
    outline = shapely.union_all(geometries)
    assert outline.symmetric_difference(shapely.union_all(list(simplified.values()))).area < 0.001 * outline.area


def test_the_reference_build_has_every_sub_district_banded(reference_db):
    assert rows(reference_db, "SELECT count(*) FROM v_locations WHERE admin_level = 3 AND border_km IS NOT NULL"
                " AND name_ar IS NOT NULL") == [(272,)]
    assert rows(reference_db, "SELECT count(DISTINCT pcode) FROM location_shapes WHERE length(pcode) = 8") == [(272,)]
    # places that matter get their distance by code: towns, crossings, the sub-districts of camps
    assert rows(reference_db, "SELECT count(*) FROM v_locations WHERE kind IN ('town', 'crossing', 'sub-district')"
                " AND lat IS NOT NULL AND border_km IS NULL") == [(0,)]
    (dana_km,) = rows(reference_db, "SELECT border_km FROM v_locations WHERE pcode = 'SY070301'")[0]
    (hawa_km,) = rows(reference_db, "SELECT border_km FROM v_locations WHERE pcode = 'XB-BAB-AL-HAWA'")[0]
    assert 5 < dana_km < 12 and hawa_km < 6


@pytest.mark.parametrize("level", [1, 2, 3])
def test_the_derived_files_read_back_as_cod_ab(level):
    result = cod_ab.read(GEO / derive_admin.FILES[level])
    places = result.tables[0].frame
    assert set(places["admin_level"]) == {level}
    assert places["name_ar"].notna().all() and places["lat"].notna().all()
    assert result.sources[0].publisher == "UN OCHA" and result.sources[0].published.isoformat() == "2016-09-05"


def test_derive_admin_says_when_the_shapefile_is_missing(tmp_path, capsys):
    assert derive_admin.main(["--shp", str(tmp_path / "none.shp"), "--out-dir", str(tmp_path)]) == 1
    assert "no such file" in capsys.readouterr().err
    assert not list(Path(tmp_path).glob("*.geojson"))
