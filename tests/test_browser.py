"""The dashboard in a real browser: Debian chromium through Playwright, a
streamlit server on a free local port, every page, a filter kept in the URL."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import pages
from tests.browser import choose

pytestmark = [pytest.mark.browser, pytest.mark.real_data]

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
PAGES = list(pages.KEYS)  # every page of the app (dashboard/pages.py)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(db: Path):
    """streamlit run dashboard/app.py on `db`, on a free local port; yields the base URL."""
    port = _free_port()
    env = os.environ | {"DISPLACEMENT_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("streamlit did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def reference_server(reference_db):
    """The dashboard on the reference build alone (what a fresh clone's `make run` serves)."""
    with serve(reference_db) as base:
        yield base


@pytest.fixture(scope="module")
def server(real_reference_db):
    """The dashboard on a warehouse built from the reference data and the real files."""
    db, _ = real_reference_db
    with serve(db) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs it")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        try:
            yield page
        finally:
            browser.close()


SETTLE_MS = 120_000  # a page of charts on a CI runner shared with other test workers can take a minute


def _settle(page) -> None:
    page.wait_for_selector("[data-testid=stSidebar] >> text=Filters", timeout=SETTLE_MS)
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=SETTLE_MS)


def test_every_page_renders_its_charts(server, browser_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        browser_page.goto(f"{server}/" + ("" if name == "crisis" else name))  # the default page lives at /
        if name == "crisis":  # the landing page draws the whole story, on a cold server
            browser_page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=SETTLE_MS)
        _settle(browser_page)
        assert browser_page.locator("text=Page not found").count() == 0, name
        if name in ("data", "figures"):  # tables, no chart
            browser_page.wait_for_selector("[data-testid=stDataFrame]", timeout=SETTLE_MS)
        elif name != "camps":  # no camp list is among the real files: the page says so instead
            browser_page.wait_for_selector(".js-plotly-plot", timeout=SETTLE_MS)
        assert not browser_page.locator("[data-testid=stException]").count(), name
        browser_page.screenshot(path=str(SHOTS / f"{name}.png"))
    # The map is drawn by MapLibre on a blank style: a canvas, no tiles.
    browser_page.goto(f"{server}/map?gov=SY07")
    _settle(browser_page)
    browser_page.wait_for_selector(".js-plotly-plot .maplibregl-canvas", timeout=SETTLE_MS)
    browser_page.screenshot(path=str(SHOTS / "map-idleb.png"))


def test_filter_goes_into_the_url_and_back(server, browser_page):
    browser_page.goto(f"{server}/border")
    _settle(browser_page)
    governorate = browser_page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
    choose(browser_page, governorate, "Idleb", timeout_ms=SETTLE_MS)
    browser_page.wait_for_url("**gov=SY07**", timeout=SETTLE_MS)
    shared = browser_page.url
    _settle(browser_page)
    browser_page.goto(shared)  # a fresh load of the shared link
    _settle(browser_page)
    chips = browser_page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first.inner_text()
    assert "Idleb" in chips
    assert "gov=SY07" in browser_page.url
    browser_page.wait_for_selector(".js-plotly-plot .main-svg", timeout=SETTLE_MS)  # the shared view draws its chart
    browser_page.screenshot(path=str(SHOTS / "border-idleb-from-link.png"))


def _dates(sidebar) -> list[str]:
    """The period the sidebar shows (the date input keeps its two days in hidden date inputs)."""
    boxes = sidebar.locator("[data-testid=stDateInput] input[type=date]")
    boxes.nth(1).wait_for(state="attached", timeout=SETTLE_MS)  # a page just opened draws its sidebar after a moment
    return [box.input_value() for box in boxes.all()]


def test_default_view_opens_on_the_offensive_and_one_click_shows_the_whole_span(server, browser_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.goto(f"{server}/border")
    browser_page.wait_for_selector("[data-testid=stSidebar] >> text=Filters", timeout=SETTLE_MS)  # a cold server
    browser_page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=SETTLE_MS)
    sidebar = browser_page.locator("[data-testid=stSidebar]")
    offensive = sidebar.get_by_role("radio", name="Offensive Dec 2019 – Mar 2020")
    assert offensive.get_attribute("aria-checked") == "true"
    assert _dates(sidebar) == ["2019-12-01", "2020-03-31"]
    assert "period=" not in browser_page.url and "start=" not in browser_page.url
    browser_page.wait_for_selector(".js-plotly-plot .main-svg", timeout=SETTLE_MS)
    browser_page.screenshot(path=str(SHOTS / "default-offensive.png"))

    sidebar.get_by_role("radio", name="Whole span").click()
    browser_page.wait_for_url("**period=all**", timeout=SETTLE_MS)
    _settle(browser_page)
    whole = _dates(sidebar)
    assert whole[0] < "2019-12-01" and whole[1] > "2020-03-31", whole
    assert offensive.get_attribute("aria-checked") == "false"
    browser_page.goto(browser_page.url.replace("/border", "/refugees"))  # the link reproduces it, on any page
    _settle(browser_page)
    assert _dates(sidebar) == whole
    assert sidebar.get_by_role("radio", name="Whole span").get_attribute("aria-checked") == "true"
    browser_page.wait_for_selector(".js-plotly-plot .main-svg", timeout=SETTLE_MS)
    browser_page.screenshot(path=str(SHOTS / "whole-span-from-link.png"))


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])  # a laptop, a projector
def test_crisis_page_reads_on_a_laptop_and_a_projector(server, browser_page, width, height):
    """The landing page shows its key figures on the first screen and never scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page.context.browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(f"{server}/?start=2019-12-01&end=2020-03-31")
        page.wait_for_selector("[data-testid=stSidebar] >> text=Filters", timeout=SETTLE_MS)
        page.wait_for_selector(".js-plotly-plot", timeout=SETTLE_MS)
        figures = page.locator("[data-testid=stMetric]")
        figures.nth(2).wait_for(timeout=SETTLE_MS)  # the headlines draw while the charts are still coming
        assert figures.count() >= 3
        for i in range(figures.count()):
            box = figures.nth(i).bounding_box()
            assert box and box["y"] + box["height"] <= height, f"key figure {i} below the first screen"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"crisis-{width}x{height}.png"))
    finally:
        page.close()
