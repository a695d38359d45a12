"""The charts as a reader sees them in a browser, on the reference build: the offensive
(Dec 2019 – Mar 2020) and the whole span, every page with charts, screenshots kept under
test-artifacts/screenshots/charts/ to be looked at."""
from __future__ import annotations

import re

import pytest

from test_browser import SHOTS, _settle, browser_page, serve  # noqa: F401  (browser_page is a fixture)

pytestmark = [pytest.mark.browser]

CHART_SHOTS = SHOTS / "charts"
PAGES = ["overview", "casualties", "camps", "refugees", "data"]
PERIODS = {"offensive": "?start=2019-12-01&end=2020-03-31", "whole-span": "?start=2011-03-01&end=2025-12-31"}


@pytest.fixture(scope="module")
def reference_server(reference_db):
    with serve(reference_db) as base:
        yield base


@pytest.mark.parametrize("period", PERIODS)
def test_pages_read_well_on_the_reference_build(reference_server, browser_page, period):
    CHART_SHOTS.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        browser_page.goto(f"{reference_server}/{'' if name == 'overview' else name}{PERIODS[period]}")
        _settle(browser_page)
        if name == "data":
            browser_page.wait_for_selector("[data-testid=stDataFrame]", timeout=30000)
        else:
            browser_page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
        assert not browser_page.locator("[data-testid=stException]").count(), name
        assert not browser_page.get_by_text("Deploy", exact=True).count(), "the toolbar offers Deploy"
        body = browser_page.locator("[data-testid=stMain]").inner_text()
        assert not re.findall(r"\b(None|nan|NaN|NaT)\b", body), (name, period)
        if name != "data":
            lines = browser_page.locator("[data-testid=stExpander] summary").all_inner_texts()
            assert any(re.search(r"Sources: .+ — \d+ reports?", t) for t in lines), (name, lines)
        browser_page.screenshot(path=str(CHART_SHOTS / f"{name}-{period}.png"), full_page=True)
