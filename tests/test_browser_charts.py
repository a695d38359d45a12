"""The charts as a reader sees them in a browser, on the reference build: the offensive
(Dec 2019 – Mar 2020) and the whole span, every page with charts, screenshots kept under
test-artifacts/screenshots/charts/ to be looked at."""
from __future__ import annotations

import re

import pytest

from test_browser import SETTLE_MS, SHOTS, _settle, browser_page, reference_server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser]

CHART_SHOTS = SHOTS / "charts"
PAGES = ["overview", "casualties", "camps", "refugees", "data"]
OFFENSIVE = "?start=2019-12-01&end=2020-03-31"


@pytest.fixture(scope="module")
def periods(reference_db) -> dict[str, str]:
    """The offensive, and every date the reference build holds figures for."""
    from warehouse.queries import run

    span = run(reference_db, "options.date_span", None).iloc[0]
    first, last = (f"{span[c]:%Y-%m-%d}" for c in span.index[:2])
    return {"offensive": OFFENSIVE, "whole-span": f"?start={first}&end={last}"}


@pytest.mark.parametrize("period", ["offensive", "whole-span"])
def test_pages_read_well_on_the_reference_build(reference_server, browser_page, periods, period):
    CHART_SHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.set_viewport_size({"width": 1400, "height": 3400})  # Streamlit scrolls inside the page: a tall window
    for name in PAGES:
        browser_page.goto(f"{reference_server}/{'' if name == 'overview' else name}{periods[period]}")
        _settle(browser_page)
        if name == "data":
            browser_page.wait_for_selector("[data-testid=stDataFrame]", timeout=SETTLE_MS)
        else:
            # a chart, or the page's message that the period has no such figures (camps on the reference build)
            browser_page.wait_for_selector(".js-plotly-plot .main-svg, [data-testid=stAlert]", timeout=SETTLE_MS)
            browser_page.wait_for_timeout(1500)  # let every chart on the page draw
        assert not browser_page.locator("[data-testid=stException]").count(), name
        assert not browser_page.get_by_text("Deploy", exact=True).count(), "the toolbar offers Deploy"
        assert not browser_page.locator("[data-testid=stSidebar] [data-testid=stAlert]").count(), "a URL value was ignored"
        body = browser_page.locator("[data-testid=stMain]").inner_text()
        assert not re.findall(r"\b(None|nan|NaN|NaT)\b", body), (name, period)
        browser_page.screenshot(path=str(CHART_SHOTS / f"{name}-{period}.png"), full_page=True)
        if browser_page.locator(".js-plotly-plot").count():
            lines = browser_page.locator("[data-testid=stExpander] summary").all_inner_texts()
            assert any(re.search(r"Sources: .+ — \d+ reports?", t) for t in lines), (name, lines)
