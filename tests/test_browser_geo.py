"""Map and Toward the border in a real browser on the reference build alone (a fresh clone's `make run`):
the shipped sub-districts are drawn by MapLibre with no network, and the border chart splits the
offensive by band. Screenshots land in test-artifacts/screenshots/ for a person to look at."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser import ARGS, CHROMIUM, SETTLE_MS, SHOTS, _settle, reference_server  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser]
OFFENSIVE = "?start=2019-12-01&end=2020-03-31"


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs it")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1500})
        requests: list[str] = []
        tab.on("request", lambda r: requests.append(r.url))
        tab.requests = requests
        try:
            yield tab
        finally:
            browser.close()


def test_map_draws_the_shipped_sub_districts_offline(reference_server, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.requests.clear()
    page.goto(f"{reference_server}/map{OFFENSIVE}")
    _settle(page)
    page.wait_for_selector(".js-plotly-plot .maplibregl-canvas", timeout=SETTLE_MS)
    page.wait_for_timeout(2500)  # MapLibre paints after the canvas exists
    assert page.locator("text=No map layers").count() == 0
    assert page.locator("text=northwestern Idleb: 560,000 people").count() == 1  # the legend names the area
    page.screenshot(path=str(SHOTS / "map-reference-offensive.png"))
    outside = [u for u in page.requests if not u.startswith(reference_server) and not u.startswith("data:")
               and not u.startswith("blob:")]
    assert outside == []


def test_border_chart_splits_the_offensive_by_band(reference_server, page):
    page.goto(f"{reference_server}/border{OFFENSIVE}")
    _settle(page)
    page.wait_for_selector(".js-plotly-plot", timeout=SETTLE_MS)
    assert page.locator("text=spans 0–25 km").count() >= 1
    assert page.locator("text=Destination unknown").count() == 0
    page.screenshot(path=str(SHOTS / "border-reference-offensive.png"), full_page=True)
