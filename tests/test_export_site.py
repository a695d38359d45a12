"""The static snapshot (`python -m dashboard.export --site DIR`): every page from the reference
warehouse, opened from the folder in Chromium: every chart draws the catalogue's figure, and the
browser asks for nothing outside the folder."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard import catalog, i18n
from dashboard import pages as registry
from dashboard.export.__main__ import _default_period, main as export_cli
from dashboard.export.site import PLOTLY_FILE, build_site, pages
from warehouse.queries import Filters

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
DRAWN_JS = "() => [...document.querySelectorAll('.plot')].every(d => d.querySelector('.main-svg'))"


@pytest.fixture(scope="module")
def site(reference_db, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "snapshot"
    result = CliRunner().invoke(export_cli, ["--site", str(folder), "--db", str(reference_db)])
    assert result.exit_code == 0, result.output
    return folder


def test_every_page_and_plotly_once(site):
    html_pages = {p.stem for p in site.glob("*.html")}
    assert {p.url for p in pages()} | {"index", "sources"} == html_pages
    assert (site / PLOTLY_FILE).stat().st_size > 1_000_000
    for name in html_pages - {"index", "sources"}:
        text = (site / f"{name}.html").read_text(encoding="utf-8")
        assert text.count(f'src="{PLOTLY_FILE}"') == 1 and "cdn" not in text.lower()
        assert "Data as of" in text and "Filters:" in text


@pytest.mark.parametrize(("lang", "crisis", "border"), [("en", "Crisis briefing", "Toward the border"),
                                                        ("ar", "إحاطة عن الأزمة", "نحو الحدود")])
def test_pages_are_the_apps_with_its_menu_titles_in_the_sites_language(reference_db, tmp_path, lang, crisis, border):
    """The snapshot opens on the app's landing page, the crisis briefing, and titles every page as the app's menu
    does (dashboard/pages.py), in Arabic on the Arabic site."""
    with i18n.using(lang):
        built = pages()
        build_site(tmp_path, reference_db, Filters(start=_default_period(reference_db)[0],
                                                   end=_default_period(reference_db)[1]), lang)
    assert built[0].url == registry.LANDING.key == "crisis" and built[0].title == crisis
    assert {p.url: p.title for p in built}["border"] == border
    assert f"<h1>{crisis}</h1>" in (tmp_path / "crisis.html").read_text(encoding="utf-8")
    assert "crisis.html" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert {p.url for p in built} == {p.key for p in registry.PAGES if registry.charts_of(p.key)}


@pytest.mark.browser
def test_each_page_draws_every_chart_from_the_folder_with_no_network(site, reference_db):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs it")
    query = catalog.direct_query(reference_db)
    start, end = _default_period(reference_db)  # the CLI's default: the period the dashboard opens on
    filters = Filters(start=start, end=end)
    outside: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})

        def guard(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        drawn_pages = 0
        try:
            for spec_page in pages():
                page.goto((site / f"{spec_page.url}.html").as_uri())
                page.wait_for_function(DRAWN_JS, timeout=60_000)
                page.screenshot(path=str(SHOTS / f"site-{spec_page.url}.png"), full_page=True)
                specs = registry.charts_of(spec_page.url)
                expected = [catalog.build(name, query, filters) for name in specs]
                drawn = page.evaluate("() => [...document.querySelectorAll('.plot')].map("
                                      "d => d.data.map(t => t.name === undefined ? null : t.name))")
                names = [[t.name for t in c.figure.data] for c in expected if not c.is_empty]
                assert drawn == names, spec_page.url
                assert page.locator("section.chart").count() == len(specs)
                drawn_pages += bool(drawn)
            page.goto((site / "sources.html").as_uri())
            assert page.locator("tbody tr").count() > 5
        finally:
            browser.close()
    assert drawn_pages >= 4
    assert outside == []


def test_arabic_pages_read_right_to_left(reference_db, tmp_path):
    written = build_site(tmp_path, reference_db, Filters(), lang="ar")
    overview = next(p for p in written if p.name == "overview.html").read_text(encoding="utf-8")
    assert 'lang="ar" dir="rtl"' in overview and "البيانات حتى" in overview
