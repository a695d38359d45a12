"""The one chart registry: each chart declared once, with its query, builder, title and export name."""
from __future__ import annotations

import ast
from pathlib import Path

from dashboard import catalog
from warehouse.queries import Filters

ROOT = Path(__file__).resolve().parents[1]


def test_every_chart_is_declared_once_with_title_builder_queries_and_export_name():
    names = [spec.name for spec in catalog.SPECS]
    assert len(names) == len(set(names)) == len(catalog.CHARTS)
    for spec in catalog.SPECS:
        assert spec.title and spec.queries and callable(spec.build) and spec.file_stem
        assert (ROOT / "dashboard" / "views" / f"{spec.page}.py").exists()


def test_chart_names_and_titles_are_written_nowhere_else_in_the_dashboard():
    """A builder or page that spelled a title itself could drift from the registry."""
    titles = {spec.title for spec in catalog.SPECS}
    for path in (ROOT / "dashboard").rglob("*.py"):
        if path.name == "catalog.py":
            continue
        strings = {node.value for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Constant)}
        assert not titles & strings, f"{path} repeats a chart title: {titles & strings}"


def test_a_built_chart_carries_its_declared_name_title_and_linked_sources(reference_db):
    chart = catalog.build("displacement-timeline", catalog.direct_query(reference_db), Filters())
    spec = catalog.CHARTS["displacement-timeline"]
    assert (chart.name, chart.title, chart.export_name) == (spec.name, spec.title, spec.file_stem)
    assert chart.references and all(s.url.startswith("http") for s in chart.references)
    assert chart.sources == [str(s) for s in chart.references]


def test_every_page_chart_is_shown_by_its_page():
    for spec in catalog.SPECS:
        page = (ROOT / "dashboard" / "views" / f"{spec.page}.py").read_text()
        assert f'"{spec.name}"' in page, f"{spec.page}.py does not show {spec.name}"
