"""In the browser: time until every chart of a page has drawn, against the Streamlit floor;
Streamlit's peak memory; and viewers changing a filter at once (1, 10, 25 by default): from
picking a governorate in the sidebar until every chart redrew with its new data.

Debian chromium through Playwright (never `playwright install`). Each page's
layout and data are first recorded (bench/floor_layout.py: the same sidebar,
titles, metrics, tables and plotly figures); the floor app (bench/floor_app.py)
replays that with plain Streamlit calls. Each dashboard page is opened once to
warm its caches, then timed, and so is the same page of the floor app.

    DISPLACEMENT_DB=... python -m bench.browser_bench [--viewers 1 10 25]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.server_bench import discover_pages

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
# Done = the script finished, the page has its title, every plotly chart on it has drawn its
# SVG (and at least `expected` charts exist), and all of that held for STABLE_MS. Without the
# expected count and the stability window, the state of the page *before* the new run starts
# (script not running, no charts yet) reads as finished.
STABLE_MS = 250
DONE_JS = """(expected) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
  const drawn = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg').length;
  const ready = app && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('h1') && drawn >= charts && charts >= expected;
  if (!ready) { window.__benchDoneSince = null; return false; }
  const now = performance.now();
  if (!window.__benchDoneSince) { window.__benchDoneSince = now; return false; }
  return now - window.__benchDoneSince >= %d;
}""" % STABLE_MS
# A viewer changing the governorate filter in the sidebar: the chart must redraw with new data.
CHANGED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  const before = window.__benchBefore || [];
  const ready = app && app.getAttribute('data-test-script-state') === 'notRunning' && plots.length >= before.length
    && plots.every((gd, i) => gd.data && gd.data !== before[i] && gd.querySelector('.main-svg'));
  if (!ready) { window.__benchDoneSince = null; return false; }
  const now = performance.now();
  if (!window.__benchDoneSince) { window.__benchDoneSince = now; return false; }
  return now - window.__benchDoneSince >= %d;
}""" % STABLE_MS
MARK_JS = """() => { window.__benchBefore = Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g.data);
  window.__benchDoneSince = null; }"""
GOVERNORATES = ("Idleb", "Aleppo")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(script: Path, env: dict[str, str]):
    """A Streamlit server on a free port; yields (base url, pid)."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"streamlit did not start: {script}")
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def cpu_seconds(match) -> float:
    """User + system CPU seconds so far of every process whose command line satisfies `match`."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if match(int(proc.name), cmdline):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _machine_busy() -> float:
    """CPU seconds all cores spent not idle since boot (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


async def _open(page, url: str, timeout_s: float = 300, expected: int = 0) -> float:
    """Milliseconds from navigation until the script finished and every chart drew (stability window excluded)."""
    started = time.perf_counter()
    await page.goto(url, wait_until="commit")
    await page.wait_for_function(DONE_JS, arg=expected, timeout=timeout_s * 1000, polling=20)
    return (time.perf_counter() - started) * 1000 - STABLE_MS


def _charts(layout: dict) -> int:
    """Plotly charts in a recorded page (bench/floor_layout.py)."""
    def count(elements: list[dict]) -> int:
        return sum((e["type"] == "plotly_chart") + count(e.get("children", [])) for e in elements)
    return count(layout["main"]) + count(layout["sidebar"])


async def _times(browser, base: str, charts: dict[str, int], repeat: int) -> dict[str, float]:
    """Warm each page once, then the median of `repeat` timed loads."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    times = {}
    for url, expected in charts.items():
        await _open(page, f"{base}/{_path(url)}", expected=expected)
        await page.wait_for_timeout(500)
        times[url] = statistics.median([await _open(page, f"{base}/{_path(url)}", expected=expected)
                                        for _ in range(repeat)])
    await context.close()
    return times


def record_layouts(db: Path, pages: list[str]) -> dict[str, dict]:
    """Each page's layout and data, recorded in a separate process (AppTest)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "layout.json"
        subprocess.run([sys.executable, "-m", "bench.floor_layout", "--out", str(out), "--pages", *pages],
                       cwd=ROOT, env={**os.environ, "DISPLACEMENT_DB": str(db)}, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.loads(out.read_text(encoding="utf-8"))


def _path(url: str) -> str:
    """Where a page is served: the default page (the first in the menu) lives at / (/overview says "Page not found")."""
    return "" if url == discover_pages()[0][1] else url


async def _viewer(browser, base: str, url: str, rounds: int, offset: int) -> list[float]:
    """One viewer: open the page, then pick a governorate in the sidebar `rounds` times.

    Each time is from the pick until the script finished and every chart redrew
    with its new data (plus nothing for STABLE_MS), as the viewer sees it.
    """
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(600_000)  # 25 viewers on 2 cores: a click may wait a long time for its turn
    page = await context.new_page()
    await _open(page, f"{base}/{_path(url)}", timeout_s=600)
    governorate = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
    times = []
    for i in range(rounds):
        clear = governorate.locator("[aria-label='Clear all']")
        if await clear.count():  # one governorate at a time: clear the last pick first (not timed)
            await page.evaluate(MARK_JS)
            await clear.first.click()
            await page.wait_for_function(CHANGED_JS, timeout=600_000, polling=20)
        await governorate.click()
        option = page.get_by_role("option", name=GOVERNORATES[(i + offset) % len(GOVERNORATES)])
        await page.evaluate(MARK_JS)
        started = time.perf_counter()
        await option.click()
        await page.wait_for_function(CHANGED_JS, timeout=600_000, polling=20)
        times.append((time.perf_counter() - started) * 1000 - STABLE_MS)
        await page.keyboard.press("Escape")  # close the options list
    await context.close()
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


async def run(db: Path, viewers: list[int], repeat: int, rounds: int, only: list[str] | None) -> dict:
    from playwright.async_api import async_playwright

    pages = [u for _, u in discover_pages() if not only or u in only]
    layouts = record_layouts(db, pages)
    charts = {url: _charts(layouts[url]) for url in pages}
    out: dict = {"pages": {}, "concurrency": []}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        with streamlit_server(ROOT / "dashboard" / "app.py", {"DISPLACEMENT_DB": str(db)}) as (base, pid):
            times = await _times(browser, base, charts, repeat)
            for n in viewers:
                busy_url = pages[0]
                # where the CPU goes while viewers wait: the Streamlit server, or the browsers drawing
                server = lambda p, cmd, pid=pid: p == pid  # noqa: E731
                browsers = lambda p, cmd: "chromium" in cmd  # noqa: E731
                driver = lambda p, cmd: "playwright" in cmd and "chromium" not in cmd  # noqa: E731
                before = (cpu_seconds(server), cpu_seconds(browsers), time.perf_counter(), cpu_seconds(driver),
                          _machine_busy())
                results = await asyncio.gather(*[_viewer(browser, base, busy_url, rounds, i) for i in range(n)])
                wall = time.perf_counter() - before[2]
                flat = [t for r in results for t in r]
                out["concurrency"].append({"viewers": n, "page": busy_url, "reruns": len(flat),
                                           "median_ms": round(statistics.median(flat)),
                                           "p95_ms": round(_p95(flat)), "wall_s": round(wall, 1),
                                           "server_cpu_s": round(cpu_seconds(server) - before[0], 1),
                                           "browser_cpu_s": round(cpu_seconds(browsers) - before[1], 1),
                                           "driver_cpu_s": round(cpu_seconds(driver) - before[3], 1),
                                           "machine_busy": round((_machine_busy() - before[4]) / (wall * os.cpu_count()), 2)})
            out["streamlit_peak_mb"] = peak_memory_mb(pid)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(layouts, handle)
        try:
            with streamlit_server(ROOT / "bench" / "floor_app.py", {"FLOOR_LAYOUT": handle.name}) as (base, pid):
                floor = await _times(browser, base, charts, repeat)
                out["floor_peak_mb"] = peak_memory_mb(pid)
        finally:
            os.unlink(handle.name)
        await browser.close()
    for url in pages:
        out["pages"][url] = {"charts": charts[url], "browser_ms": round(times[url]),
                             "floor_ms": round(floor[url]),
                             "ratio": round(times[url] / floor[url], 2) if floor[url] else None}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, nargs="*", default=[1, 10, 25])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="filter changes per viewer")
    parser.add_argument("--pages", nargs="*")
    args = parser.parse_args(argv)
    db = Path(os.environ["DISPLACEMENT_DB"])
    print(json.dumps(asyncio.run(run(db, args.viewers, args.repeat, args.rounds, args.pages))))


if __name__ == "__main__":
    main()
