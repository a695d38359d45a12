"""The static snapshot against the live dashboard: each page's weight, and its time to draw in Chromium.

One measurement per page (median of `--repeat` loads), no assertion. The
snapshot page is opened from the folder (file://), in a fresh browser context
for the first (cold) load, so plotly.js is read and parsed as a first visitor's
browser would; the live page is opened warm (its queries cached), as in
bench/browser_bench.py.

    DISPLACEMENT_DB=... python -m bench.site_bench [--repeat 3]
"""
from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.browser_bench import ARGS, CHROMIUM, _open, streamlit_server
from dashboard import catalog
from dashboard.export.__main__ import _default_period
from dashboard import pages as registry
from dashboard.export.site import PLOTLY_FILE, build_site, pages
from warehouse import resolve_db_path
from warehouse.queries import Filters

ROOT = Path(__file__).resolve().parents[1]
DRAWN_JS = "() => [...document.querySelectorAll('.plot')].every(d => d.querySelector('.main-svg'))"


async def _static_ms(browser, path: Path, repeat: int) -> tuple[float, float]:
    """(cold ms: new context, warm ms: median of repeat reloads) until every chart drew."""
    times = []
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    for _ in range(repeat + 1):
        started = time.perf_counter()
        await page.goto(path.as_uri())
        await page.wait_for_function(DRAWN_JS, timeout=120_000, polling=20)
        times.append((time.perf_counter() - started) * 1000)
    await context.close()
    return times[0], statistics.median(times[1:])


async def measure(db: Path, repeat: int) -> dict:
    from playwright.async_api import async_playwright

    query = catalog.direct_query(db)
    start, end = _default_period(db)  # what the live pages open on, and the CLI's default
    filters = Filters(start=start, end=end)
    charts = {p.url: sum(not catalog.build(name, query, filters).is_empty for name in registry.charts_of(p.url))
              for p in pages()}
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        started = time.perf_counter()
        build_site(site, db, filters)
        build_s = time.perf_counter() - started
        plotly = (site / PLOTLY_FILE).read_bytes()
        out = {"build_s": round(build_s, 1), "plotly_kb": round(len(plotly) / 1024),
               "plotly_gzip_kb": round(len(gzip.compress(plotly)) / 1024), "pages": {}}
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for url, expected in charts.items():
                html = (site / f"{url}.html").read_bytes()
                cold, warm = await _static_ms(browser, site / f"{url}.html", repeat)
                out["pages"][url] = {"charts": expected, "html_kb": round(len(html) / 1024, 1),
                                     "html_gzip_kb": round(len(gzip.compress(html)) / 1024, 1),
                                     "static_cold_ms": round(cold), "static_ms": round(warm)}
            with streamlit_server(ROOT / "dashboard" / "app.py", {"DISPLACEMENT_DB": str(db)}) as (base, _pid):
                context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                page = await context.new_page()
                for url, expected in charts.items():
                    await _open(page, f"{base}/{url}", expected=expected)  # warm its caches
                    out["pages"][url]["live_ms"] = round(statistics.median(
                        [await _open(page, f"{base}/{url}", expected=expected) for _ in range(repeat)]))
                await context.close()
            await browser.close()
    return out


def table(result: dict) -> str:
    lines = [f"Static snapshot: plotly.js {result['plotly_kb']:,} KB once ({result['plotly_gzip_kb']:,} KB gzipped), "
             f"built in {result['build_s']} s",
             f"{'page':>12} {'charts':>6} {'HTML KB':>8} {'gzip KB':>8} {'static cold':>12} {'static':>8} {'live':>8}"]
    for url, p in result["pages"].items():
        lines.append(f"{url:>12} {p['charts']:>6} {p['html_kb']:>8} {p['html_gzip_kb']:>8} {p['static_cold_ms']:>12,}"
                     f" {p['static_ms']:>8,} {p.get('live_ms', 0):>8,}")
    lines.append("times in ms until every chart drew; live = the Streamlit page, warm")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(resolve_db_path(), args.repeat))
    print(table(result))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
