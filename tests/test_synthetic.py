"""The benchmark generator: everything it writes is labelled synthetic, and a seed fixes its output."""
from __future__ import annotations

import hashlib

import duckdb
import pytest

from etl.synthetic.at_scale import PUBLISHER, build_warehouse, real_shape, write_tidy


@pytest.fixture(scope="module")
def shape(real_data):
    return real_shape(real_data)


def _digest(files: dict) -> dict[str, str]:
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()}


def test_same_seed_same_files_other_seed_other_files(tmp_path, shape):
    first = _digest(write_tidy(tmp_path / "a", 3000, seed=3, shape=shape))
    again = _digest(write_tidy(tmp_path / "b", 3000, seed=3, shape=shape))
    other = _digest(write_tidy(tmp_path / "c", 3000, seed=4, shape=shape))
    assert first == again
    assert first["displacement"] != other["displacement"]


def test_every_row_in_the_warehouse_is_marked_synthetic(tmp_path, shape, monkeypatch):
    import etl.synthetic.at_scale as synthetic

    monkeypatch.setattr(synthetic, "real_shape", lambda *a, **k: shape)
    db = tmp_path / "w.duckdb"
    reports = build_warehouse(db, 3000, seed=3, work_dir=tmp_path / "files")
    assert {r.status for r in reports} == {"loaded"}
    with duckdb.connect(str(db), read_only=True) as con:
        sources = con.execute("SELECT publisher, title, is_synthetic FROM sources").fetchall()
        unmarked = con.execute(
            "SELECT count(*) FROM (SELECT source_id FROM displacement UNION ALL SELECT source_id FROM casualties"
            " UNION ALL SELECT source_id FROM camp_population UNION ALL SELECT source_id FROM camps"
            " UNION ALL SELECT source_id FROM events UNION ALL SELECT source_id FROM locations) f"
            " JOIN sources s USING (source_id) WHERE NOT s.is_synthetic").fetchall()[0][0]
        moves = con.execute("SELECT count(*) FROM displacement").fetchall()[0][0]
    assert sources and all(p == PUBLISHER and "SYNTHETIC" in t and flag for p, t, flag in sources)
    assert unmarked == 0
    assert 0.99 * 3000 <= moves <= 3000  # a few deliberately dirty rows are rejected


def test_places_come_from_the_real_workbook(shape):
    """Idleb (SY07) and Aleppo (SY02) communities, with their sub-districts as parents."""
    assert len(shape.communities) > 2000
    assert set(shape.places.loc[shape.places["admin_level"] == 1, "pcode"]) == {"SY07", "SY02"}
    assert set(shape.communities["parent_pcode"]) <= set(shape.places["pcode"])
    assert shape.flow_sigma > 0 and len(shape.daily_deaths) > 100
