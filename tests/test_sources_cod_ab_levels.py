"""COD-AB at every level, in every form and naming: the real Iraq and Ukraine files in ../shared/data/variants,
and Syrian admin 1 / admin 2 files dissolved here (into tmp_path) from the shared sub-district shapefile."""
from __future__ import annotations

import json
import zipfile

import pyogrio.raw
import pytest
import shapefile
import shapely
from shapely.geometry import mapping

from etl import sources
from etl.load import load_file
from etl.sources import cod_ab, geopackage, zipped_shapefile
from etl.sources.base import ReadError
from tests.real_loads import load_alone, rows

SHP = "geo/cod_admin3_shp/syr_admin3.shp"

# file, {admin_level: units}, (a unit, its level, its parent, English name, Arabic name)
VARIANT_FILES = [
    ("geo/cod_ab_irq_2019/irq_admbnda_adm1_cso_20190603.shp", {0: 1, 1: 18},
     ("IQG01", 1, "IQ", "Al-Anbar", "الانبار")),
    ("geo/cod_ab_irq_2019/irq_admbnda_adm2_cso_20190603.shp", {0: 1, 1: 18, 2: 101},
     ("IQG02Q01", 2, "IQG02", "Abu Al-Khaseeb", "ابي الخصيب")),
    ("geo/cod_ab_irq_2014/irq_admbnda_adm1_ocha_20140717.shp", {1: 18},
     ("IQ-G01", 1, "IQ", "Anbar", "الانبار")),
    ("geo/cod_ab_irq_2014/irq_admbnda_adm2_ocha_20140717.shp", {1: 18, 2: 109},
     ("IQ-D088", 2, "IQ-G15", "Shikhan", "الشيخان")),
    ("geo/cod_ab_ukr_2017/ukr_admbnda_adm1_q2_sspe_20171221.shp", {0: 1, 1: 27},  # no .cpg: UTF-8 by default
     ("UA01", 1, "UA", "Avtonomna Respublika Krym", None)),
]


@pytest.fixture(scope="module")
def variant_loads(variants, tmp_path_factory):
    out = {}
    for name, _, _ in VARIANT_FILES:
        db = tmp_path_factory.mktemp("variant") / "warehouse.duckdb"
        out[name] = db, load_alone(variants / name, db)
    return out


@pytest.mark.parametrize(("name", "levels", "sample"), VARIANT_FILES, ids=[v[0].split("/")[-1] for v in VARIANT_FILES])
def test_a_real_cod_ab_file_of_any_level_and_naming_loads_without_kind(variants, variant_loads, name, levels, sample):
    assert sources.detect(variants / name) is cod_ab
    db, report = variant_loads[name]
    assert report.kind == "cod-ab-boundaries" and report.rows_rejected == 0
    assert dict(rows(db, "SELECT admin_level, count(*) FROM locations GROUP BY ALL")) == levels
    pcode, level, parent, name_en, name_ar = sample
    assert rows(db, "SELECT admin_level, parent_pcode, name_en, name_ar FROM locations WHERE pcode = ?", [pcode]) == [
        (level, parent, name_en, name_ar)]
    # every unit with a shape has its centroid and its distance to the border, at every level
    assert rows(db, "SELECT count(*) FROM locations WHERE admin_level > 0 AND (lat IS NULL OR border_km IS NULL)") == [(0,)]
    assert rows(db, "SELECT count(*) FROM location_shapes") == [(sum(n for lvl, n in levels.items() if lvl > 0),)]


def test_each_unit_names_its_parent_of_the_level_above(variant_loads):
    db, _ = variant_loads["geo/cod_ab_irq_2019/irq_admbnda_adm2_cso_20190603.shp"]
    assert rows(db, "SELECT count(*) FROM locations c LEFT JOIN locations p ON p.pcode = c.parent_pcode "
                    "WHERE c.admin_level > 0 AND (p.pcode IS NULL OR p.admin_level <> c.admin_level - 1)") == [(0,)]


def test_names_in_other_languages_are_reported_not_dropped_silently(variants):
    result = cod_ab.read(variants / "geo/cod_ab_ukr_2017/ukr_admbnda_adm1_q2_sspe_20171221.shp")
    assert any("RU, UA" in note for note in result.notes)
    assert result.sources[0].published.isoformat() == "2017-12-21" and "Ukraine" in result.sources[0].title


# ------------------------------------------------------------------ Syrian admin 1 and 2, dissolved here
FIELDS = {1: ["ADM1_EN", "ADM1_AR", "ADM1_PCODE", "ADM0_EN", "ADM0_AR", "ADM0_PCODE"],
          2: ["ADM2_EN", "ADM2_AR", "ADM2_PCODE", "ADM1_EN", "ADM1_AR", "ADM1_PCODE", "ADM0_EN", "ADM0_AR",
              "ADM0_PCODE"]}


def _dissolved(shp, level: int) -> list[tuple[dict, object]]:
    """Attributes and shapes of Syria's districts or governorates, dissolved from the sub-districts by P-code."""
    found = cod_ab.subdistricts(shp)
    groups: dict[str, list[dict]] = {}
    for record in found.rows:
        groups.setdefault(record[f"ADM{level}_PCODE"], []).append(record)
    return [({f: members[0][f] for f in FIELDS[level]}, shapely.union_all([m["geometry"] for m in members]))
            for _, members in sorted(groups.items())]


def _write_shapefile(units, level: int, target):
    with shapefile.Writer(str(target), shapeType=shapefile.POLYGON, encoding="utf-8") as writer:
        for name in FIELDS[level]:
            writer.field(name, "C", size=80)
        for attrs, geometry in units:
            writer.shape(mapping(geometry))
            writer.record(*[attrs[f] for f in FIELDS[level]])
    target.with_suffix(".cpg").write_text("UTF-8")
    target.with_suffix(".prj").write_text('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
                                          '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')
    return target


def _write_geojson(units, target):
    target.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": attrs, "geometry": mapping(geometry)} for attrs, geometry in units]},
        ensure_ascii=False), encoding="utf-8")
    return target


def _write_zip(shp, target):
    with zipfile.ZipFile(target, "w") as archive:
        for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            archive.write(shp.with_suffix(suffix), f"bundle/{shp.stem}{suffix}")
    return target


def _write_gpkg(shp, target):
    meta, _fids, wkb, columns = pyogrio.raw.read(shp)
    pyogrio.raw.write(target, wkb, columns, meta["fields"], layer=shp.stem, driver="GPKG", crs="EPSG:4326",
                      geometry_type="MultiPolygon", promote_to_multi=True)
    return target


@pytest.fixture(scope="module")
def syrian_levels(real_data, tmp_path_factory):
    """syr_adm{1,2}.shp, and admin 2 as GeoJSON, zipped shapefile and GeoPackage, all in a temporary folder."""
    folder = tmp_path_factory.mktemp("syr-levels")
    files = {}
    for level in (1, 2):
        units = _dissolved(real_data / SHP, level)
        shp = files[(level, "shp")] = _write_shapefile(units, level, folder / f"syr_adm{level}.shp")
        files[(level, "geojson")] = _write_geojson(units, folder / f"syr_adm{level}.geojson")
        files[(level, "zip")] = _write_zip(shp, folder / f"syr_adm{level}_shp.zip")
        files[(level, "gpkg")] = _write_gpkg(shp, folder / f"syr_adm{level}.gpkg")
    return files


LOCATIONS = "SELECT admin_level, pcode, parent_pcode, name_en, name_ar, lat, lon, border_km FROM locations ORDER BY pcode"
READERS = {"shp": cod_ab, "geojson": cod_ab, "zip": zipped_shapefile, "gpkg": geopackage}


@pytest.mark.parametrize("level", [1, 2])
@pytest.mark.parametrize("form", ["shp", "geojson", "zip", "gpkg"])
def test_syrian_admin_1_and_2_load_in_every_form_to_the_same_rows(syrian_levels, tmp_path, level, form):
    path = syrian_levels[(level, form)]
    assert sources.detect(path) is READERS[form]
    db = tmp_path / "w.duckdb"
    report = load_alone(path, db)
    assert report.rows_rejected == 0
    expected = {0: 1, 1: 14} | ({2: 62} if level == 2 else {})
    assert dict(rows(db, "SELECT admin_level, count(*) FROM locations GROUP BY ALL")) == expected
    assert rows(db, "SELECT admin_level, parent_pcode, name_en, name_ar FROM locations WHERE pcode IN ('SY07', 'SY0703')"
                " ORDER BY pcode") == [(1, "SY", "Idleb", "إدلب")] + ([(2, "SY07", "Harim", "حارم")] if level == 2 else [])
    assert rows(db, "SELECT count(*) FROM locations WHERE admin_level > 0 AND border_km IS NULL") == [(0,)]
    if form != "shp":  # every form gives the shapefile's rows
        reference = tmp_path / "shp.duckdb"
        load_alone(syrian_levels[(level, "shp")], reference)
        assert rows(db, LOCATIONS) == rows(reference, LOCATIONS)


def test_the_sub_district_file_still_loads_as_before(real_data, tmp_path):
    report = load_alone(real_data / SHP, tmp_path / "w.duckdb")
    assert (report.rows_read, report.rows_loaded, report.kind) == (697, 697, "cod-ab-boundaries")


# ------------------------------------------------------------------ refusals name the field
def _shapefile_with(tmp_path, fields: dict[str, str]):
    path = tmp_path / "boundaries.shp"
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON) as writer:
        for name in fields:
            writer.field(name, "C")
        writer.poly([[[36.0, 36.0], [36.0, 36.1], [36.1, 36.1], [36.0, 36.0]]])  # clockwise: an outer ring
        writer.record(*fields.values())
    return path


@pytest.mark.parametrize(("fields", "missed"), [
    ({"ADM2_PCODE": "SY0703", "ADM1_PCODE": "SY07"}, "ADM2_EN"),         # no name of the unit
    ({"ADM2_PCODE": "SY0703", "ADM2_EN": "Harim"}, "ADM1_PCODE"),        # no parent P-code
    ({"PCODE": "SY070301", "NAME_EN": "Dana"}, "ADM{n}_PCODE"),           # Syria's naming without its parents
    ({"NAME": "a road"}, "ADM{n}_PCODE"),
])
def test_a_file_that_misses_a_field_is_refused_naming_it(tmp_path, fields, missed):
    path = _shapefile_with(tmp_path, fields)
    assert not cod_ab.detect(path)
    assert any(missed in m for m in cod_ab.score(path).missing)
    with pytest.raises(ReadError, match=missed.replace("{", r"\{").replace("}", r"\}")):
        cod_ab.read(path)
    report = load_file(path, tmp_path / "w.duckdb")
    assert report.status == "failed" and "cod-ab-boundaries" in report.message and missed in report.message


def test_projected_coordinates_are_refused_with_the_projection_named(real_data, tmp_path):
    units = _dissolved(real_data / SHP, 1)
    shp = _write_shapefile(units, 1, tmp_path / "syr_adm1.shp")
    shp.with_suffix(".prj").write_text('PROJCS["WGS_1984_UTM_Zone_37N",GEOGCS["GCS_WGS_1984"]]')
    with pytest.raises(ReadError, match="WGS_1984_UTM_Zone_37N"):
        cod_ab.read(shp)


# ------------------------------------------------------------------ any naming, any order, extra fields
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NAMINGS = {  # (P-code field, name field of a language) at level n
    "current": (lambda n: f"ADM{n}_PCODE", lambda n, lang: f"ADM{n}_{lang.upper()}"),
    "ocha-2014": (lambda n: f"A{n}Code", lambda n, lang: f"A{n}Name{lang.title()}"),
    "hdx-geojson": (lambda n: f"admin{n}Pcode", lambda n, lang: f"admin{n}Name_{lang}"),
}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(naming=st.sampled_from(sorted(NAMINGS)), level=st.integers(0, 4),
       languages=st.lists(st.sampled_from(["en", "ar", "fr", "ua", "ru", "es"]), min_size=1, max_size=3, unique=True),
       extra=st.lists(st.sampled_from(["Shape_Leng", "Shape_Area", "validOn", "date", "ADM1ALT1EN", "sec_level"]),
                      unique=True),
       seed=st.randoms(use_true_random=False))
def test_any_naming_and_order_of_fields_gives_the_level_and_its_parent(naming, level, languages, extra, seed):
    code, name = NAMINGS[naming]
    fields = [code(n) for n in range(level + 1)] + [name(n, lang) for n in range(level + 1) for lang in languages]
    fields += extra
    seed.shuffle(fields)
    found = cod_ab.layout(fields)
    assert found is not None, fields
    assert (found.unit.level, found.unit.pcode) == (level, code(level))
    assert (found.parent_of(level).pcode if level else None) == (code(level - 1) if level else None)
    assert set(found.unit.names) == set(languages)
    assert [a.level for a in found.ancestors] == list(range(level - 1, 0, -1))
