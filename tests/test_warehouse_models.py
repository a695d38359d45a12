"""The models of warehouse/models: each runs alone against a warehouse and gives exactly the columns
its contract states; published warehouses hold them as views (plain models) and tables
(materialised ones); the band edges and the citation columns are written in one place each.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from warehouse import models
from warehouse.queries import areas

ROOT = Path(__file__).resolve().parents[1]
MODELS = list(models.models().values())
NOT_IN_REFERENCE = {"camps_placed"}  # the bundled reference data lists no camps


@pytest.mark.parametrize("model", MODELS, ids=[m.name for m in MODELS])
def test_every_model_runs_alone_with_its_contracted_columns(reference_db, model):
    """The file's own text (comments and all), on a published warehouse, as the DuckDB CLI would run it."""
    with duckdb.connect(str(reference_db), read_only=True) as con:
        columns = [d[0] for d in con.execute(f"SELECT * FROM ({models.body(model)}) LIMIT 0").description]
        rows = con.execute(f"SELECT count(*) FROM ({model.sql}\n)").fetchone()[0]
    assert tuple(columns) == model.columns
    assert rows > 0 or model.name in NOT_IN_REFERENCE


@pytest.mark.parametrize("model", MODELS, ids=[m.name for m in MODELS])
def test_a_published_warehouse_holds_each_model(reference_db, model):
    kind = "BASE TABLE" if model.materialised else "VIEW"
    with duckdb.connect(str(reference_db), read_only=True) as con:
        found = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?",
                            [model.name]).fetchall()
        columns = [d[0] for d in con.execute(f"SELECT * FROM {model.name} LIMIT 0").description]
    assert found == [(kind,)]
    assert tuple(columns) == model.columns


def test_inlined_models_answer_on_an_empty_connection():
    """A model reads nothing but what it names: the bands need no warehouse at all."""
    with duckdb.connect() as con:
        labels = con.execute(models.inline("SELECT label FROM band_labels ORDER BY sort_order")).fetchall()
    assert [r[0] for r in labels] == list(areas.BAND_LABELS)


def test_models_are_in_dependency_order():
    seen = set()
    for model in MODELS:
        assert set(model.depends) <= seen, model.name
        seen.add(model.name)


def test_a_circle_of_models_is_refused(monkeypatch):
    texts = {"a": "-- columns: x\nSELECT x FROM b", "b": "-- columns: x\nSELECT x FROM a"}

    class Entry:
        def __init__(self, name):
            self.name = name

        def read_text(self, encoding):
            return texts[self.name[:-4]]

    class Folder:
        def iterdir(self):
            return [Entry("a.sql"), Entry("b.sql")]

    monkeypatch.setattr(models.resources, "files", lambda package: Folder())
    models.models.cache_clear()
    try:
        with pytest.raises(ValueError, match="circle"):
            models.models()
    finally:
        models.models.cache_clear()


def test_a_model_without_a_column_contract_is_refused():
    with pytest.raises(ValueError, match="columns"):
        models._columns("SELECT 1 AS x")


def _python_and_sql_files() -> list[Path]:
    return sorted(p for p in (ROOT / "warehouse").rglob("*") if p.suffix in (".py", ".sql"))


@pytest.mark.parametrize("pattern,home", [
    (r"AS source_publisher", "warehouse/models/citations.sql"),
    (r"'0–10 km'|'10–25 km'|'25–50 km'|'over 50 km'", "warehouse/models/distance_bands.sql"),
])
def test_one_definition_of_the_citation_columns_and_the_band_edges(pattern, home):
    """Outside the migrations of earlier releases (history: never edited), each is written once."""
    found = [str(p.relative_to(ROOT)) for p in _python_and_sql_files()
             if "migrations" not in p.parts and re.search(pattern, p.read_text(encoding="utf-8"))]
    assert found == [home]


def test_every_displacement_row_takes_the_role_figure_roles_gives_its_place(reference_db):
    """displacement_placed takes a row's role from its group (figure_groups) or, in a group whose places
    may meet, from checked_roles: it must be exactly what figure_roles, the rule, says of the row's place."""
    sql = models.inline("""
        SELECT count(*) FILTER (WHERE r.figure_role IS DISTINCT FROM p.figure_role OR r.counted IS DISTINCT FROM p.counted
                                OR r.place_pcode IS DISTINCT FROM p.place_pcode) AS differ,
               count(*) AS placed, (SELECT count(*) FROM displacement) AS facts, list(DISTINCT p.figure_role) AS roles
        FROM displacement_placed p
        LEFT JOIN figure_roles r ON r.source_id = p.source_id AND r.figure_type = p.figure_type
            AND r.period_start = p.period_start AND r.period_end = p.period_end
            AND r.origin_pcode IS NOT DISTINCT FROM p.origin_pcode
            AND r.destination_pcode IS NOT DISTINCT FROM p.destination_pcode""")
    with duckdb.connect(str(reference_db), read_only=True) as con:
        differ, placed, facts, roles = con.execute(sql).fetchone()
    assert (differ, placed) == (0, facts)
    assert {"single", "total", "part"} <= set(roles)  # both ways of finding a role are exercised
