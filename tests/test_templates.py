"""Tidy templates: columns from etl.specs, README sheet, and filled templates load the same via hxl and tidy."""
from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from etl import sources, templates
from etl.load import load_file, load_paths
from etl.sources import tidy
from etl.sources.tabular import csv_rows
from etl.specs import CITATION_COLUMNS, TABLES
from tests.conftest import REFERENCE

SYNTHETIC = {"source_publisher": "Synthetic test publisher", "source_title": "Filled template (synthetic)",
             "source_date": "2020-03-01", "source_url": "https://example.org/synthetic"}
# Load order: places, then camps, then the facts that name them.
ORDER = ["locations", "camps", "camp_population", "displacement", "refugees", "casualties", "events"]


def _filled_row(table: str) -> list[object]:
    example = dict(templates.EXAMPLES[table])
    if table == "locations":
        example["pcode"] = "SY-EX-1"  # a new place, not one of the gazetteer's
    values = example | SYNTHETIC
    return [values.get(name, "") for name in templates.header(table)]


def _fill(table: str, folder: Path, fmt: str, *, keep_hashtags: bool = True) -> Path:
    path = folder / f"{ORDER.index(table)}_{table}.{fmt}"
    data = templates.template_bytes(table, fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        rows = (rows if keep_hashtags else rows[:1]) + [_filled_row(table)]
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    else:
        book = load_workbook(io.BytesIO(data))
        sheet = book[table]
        if not keep_hashtags:
            sheet.delete_rows(2)
        sheet.append(_filled_row(table))
        book.save(path)
    return path


def _dump(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        out = {t: con.execute(f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL").fetchall()
               for t in TABLES if t not in ("location_shapes", "map_layers")}
        out["sources"] = con.execute("SELECT * FROM sources ORDER BY ALL").fetchall()
    return out


def _load_all(paths: list[Path], db: Path, kind: str | None = None) -> list:
    assert load_file(REFERENCE / "gazetteer.csv", db).status == "loaded"
    return [load_file(p, db, kind=kind) for p in paths]


def test_list_has_every_typed_table_and_no_geometry_tables():
    # area_members are written as etl/reference/areas.csv (the named-areas reader), not as a template
    assert set(templates.tables()) == set(TABLES) - {"location_shapes", "map_layers", "area_members"}


@pytest.mark.parametrize("table", ORDER)
def test_csv_template_is_header_then_hashtags_from_specs(table):
    rows = list(csv.reader(io.StringIO(templates.csv_bytes(table).decode("utf-8-sig"))))
    assert rows[0] == [*TABLES[table].names, *CITATION_COLUMNS]
    assert rows[1][: len(TABLES[table].columns)] == [c.hxl for c in TABLES[table].columns]
    assert all(tag.startswith("#") for tag in rows[1]) and len(rows) == 2


def test_xlsx_readme_explains_every_column(tmp_path):
    path = templates.write_template("displacement", tmp_path / "moves.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["displacement", "README"]
    rows = [r for r in book["README"].iter_rows(values_only=True)]
    at = rows.index(tuple(templates.README_HEADER))
    described = {r[0]: r for r in rows[at + 1:]}
    assert list(described) == templates.header("displacement")
    assert "arrivals" in described["figure_type"][4] and described["individuals"][3] == "yes"
    assert described["period_start"][6] == "2020-02-01"


def test_unknown_table_or_format_is_refused():
    with pytest.raises(KeyError, match="templates: locations"):
        templates.header("loads")
    with pytest.raises(ValueError, match="csv or xlsx"):
        templates.template_bytes("events", "ods")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_filled_templates_load_identically_through_hxl_and_tidy(tmp_path, fmt):
    """With its hashtag row a template is read as hxl; forced to tidy, or without the row, the rows are the same."""
    tagged = [_fill(t, tmp_path, fmt) for t in ORDER]
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    plain = [_fill(t, plain_dir, fmt, keep_hashtags=False) for t in ORDER]
    assert {sources.detect(p).KIND for p in tagged} == {"hxl"}
    assert {sources.detect(p).KIND for p in plain} == {"tidy"}
    runs = {}
    for name, paths, kind in (("hxl", tagged, None), ("tidy", tagged, "tidy"), ("plain", plain, None)):
        reports = _load_all(paths, tmp_path / f"{name}.duckdb", kind)
        assert [(r.status, r.rows_loaded, r.rows_rejected) for r in reports] == [("loaded", 1, 0)] * len(ORDER), \
            [r.message for r in reports]
        runs[name] = _dump(tmp_path / f"{name}.duckdb")
    assert runs["hxl"] == runs["tidy"] == runs["plain"]
    assert runs["hxl"]["displacement"][0][:6] == (
        date(2020, 2, 1), date(2020, 2, 29), "SY07", "SY02", "arrivals", 1000.0)


def test_reference_data_with_hashtag_rows_builds_the_same_warehouse(tmp_path, reference_db):
    """Every bundled reference CSV, given its template hashtag row, loads through hxl to identical rows."""
    shutil.copytree(REFERENCE / "geo", tmp_path / "geo")
    for path in sorted(REFERENCE.glob("*.csv")):
        rows = csv_rows(path)
        if tidy.table_for(rows[0]) is None:  # areas.csv: read by the named-areas reader, copied as it is
            shutil.copy(path, tmp_path / path.name)
            continue
        tags = {c.name: c.hashtag for c in templates.columns(tidy.table_for(rows[0]))}
        rows.insert(1, [tags.get(h, "") for h in rows[0]])
        with open(tmp_path / path.name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    reports = load_paths([tmp_path], tmp_path / "tagged.duckdb")
    assert {r.kind for r in reports if r.file.endswith(".csv")} == {"hxl", "named-areas"}
    assert _dump(tmp_path / "tagged.duckdb") == _dump(reference_db)
