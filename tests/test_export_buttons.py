"""Download buttons under a chart and for the briefing pack (AppTest, real warehouse)."""
from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import catalog
from dashboard.export import buttons
from warehouse.queries import Filters


def _chart_page():
    from dashboard import catalog
    from dashboard.data import query
    from dashboard.export.buttons import briefing_buttons, export_buttons
    from warehouse.queries import Filters

    chart = catalog.build("displacement-timeline", query, Filters())
    export_buttons(chart, Filters())
    briefing_buttons(Filters())


@pytest.fixture
def warehouse_env(reference_db, monkeypatch):
    monkeypatch.setenv("DISPLACEMENT_DB", str(reference_db))
    return reference_db


def _labels(app: AppTest) -> list[str]:
    return [button.label for button in app.get("download_button")]


def test_one_button_per_format_and_the_briefing_pack(warehouse_env):
    app = AppTest.from_function(_chart_page, default_timeout=60).run()
    assert not app.exception
    assert _labels(app) == ["PNG", "SVG", "PDF", "HTML", "CSV", "Excel", "Citation", "PDF", "HTML"]


def test_without_chromium_image_buttons_say_what_to_install(warehouse_env, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    app = AppTest.from_function(_chart_page, default_timeout=60).run()
    assert not app.exception
    assert _labels(app) == ["HTML", "CSV", "Excel", "Citation", "PDF", "HTML"]
    captions = " ".join(c.value for c in app.caption)
    assert "PNG, SVG and PDF: Image export needs Chromium" in captions
    assert "sudo apt-get install chromium" in captions


def test_button_callables_make_the_files(warehouse_env):
    chart = catalog.build("displacement-timeline", catalog.direct_query(warehouse_env), Filters())
    csv = buttons._maker(chart, Filters(), "csv")()
    assert csv.startswith(b"\xef\xbb\xbf")
    book = openpyxl.load_workbook(io.BytesIO(buttons._maker(chart, Filters(), "xlsx")()))
    assert book.sheetnames == ["Data", "About"] and book["Data"].max_row == len(chart.data) + 1
