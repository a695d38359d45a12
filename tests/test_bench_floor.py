"""The browser bench's floor draws the same page as the dashboard, from a recording (bench/floor_layout.py)."""
from __future__ import annotations

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from bench.floor_layout import record
from bench.server_bench import APP, ROOT, discover_pages

FLOOR = ROOT / "bench" / "floor_app.py"


@pytest.fixture(scope="module")
def layouts(reference_db, tmp_path_factory):
    copy = tmp_path_factory.mktemp("floor") / "warehouse.duckdb"
    shutil.copy(reference_db, copy)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISPLACEMENT_DB", str(copy))
        return record(["overview", "data", "refugees"])


def _counts(at: AppTest) -> dict[str, int]:
    return {kind: len(at.get(kind)) for kind in ("plotly_chart", "dataframe", "metric", "title", "subheader")}


@pytest.mark.parametrize("url", ["overview", "data", "refugees"])
def test_floor_page_draws_what_the_dashboard_page_drew(layouts, reference_db, tmp_path, monkeypatch, url):
    monkeypatch.setenv("DISPLACEMENT_DB", str(reference_db))
    page = AppTest.from_file(str(APP), default_timeout=120)
    page.run()
    page.switch_page(dict((u, s) for s, u in discover_pages())[url])
    page.run()

    recording = tmp_path / "layout.json"
    recording.write_text(json.dumps({url: layouts[url]}), encoding="utf-8")  # its only page, so the default
    monkeypatch.setenv("FLOOR_LAYOUT", str(recording))
    floor = AppTest.from_file(str(FLOOR), default_timeout=120)
    floor.run()
    assert not floor.exception
    assert _counts(floor) == _counts(page)
    assert _counts(page)["title"] == 1
    assert [t.value for t in floor.title] == [t.value for t in page.title]
    assert [m.value for m in floor.metric] == [m.value for m in page.metric]
