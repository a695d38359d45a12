"""Viewers at crisis scale without browsers: N sessions over Streamlit's own websocket protocol.

Each simulated viewer (dashboard/deploy/session.py) opens a page as a browser does, then,
at a steady rate (a pause of `--think` seconds ±50 % between actions), picks a
governorate, another, a figure type, clears them, and follows a link to the
next page; each action is a rerun timed from sending it to `script_finished`.
Viewers start spread over a ramp; only reruns that start after the ramp count.
The server's CPU and memory come from /proc. Bounded: each level lasts
`--duration` seconds after its ramp, each rerun times out after `--timeout`,
and it only ever connects to 127.0.0.1.

    python -m bench.load_test --db WAREHOUSE [--sessions 1 10 25 50 100] [--setups direct:1 nginx:2]
    python -m bench.load_test --url http://127.0.0.1:8501 --pid 1234     # a server already running

Prints the table, then one line of JSON (what bench/__main__.py reads).
Benchmarks, not tests: nothing asserts a time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from dashboard import pages
from dashboard.deploy.multi import DeploymentError, nginx_binary, serve
from dashboard.deploy.session import SessionError, ViewerSession

PAGES = tuple("" if p.landing else p.key for p in pages.PAGES)  # every page (dashboard/pages.py); the landing one at /
GOVERNORATES = ("Idleb", "Aleppo")
P95_TARGET_S = 1.0


@dataclass
class Sample:
    kind: str          # open, governorate, figure type, clear, page
    page: str
    started: float     # time.monotonic() when sent
    seconds: float
    ok: bool
    status: str
    kb: float
    backend: str = ""


async def _act(session: ViewerSession, step: int, page: str) -> tuple[str, str, object]:
    """The viewer's next action: (kind, page after it, the Run)."""
    action = step % 6
    if action in (0, 1):
        labels = [g for g in GOVERNORATES if g in session.options("f_gov")][action:action + 1]
        return "governorate", page, await session.set_multiselect("f_gov", labels)
    if action == 2:
        options = session.options("f_type")
        return "figure type", page, await session.set_multiselect("f_type", options[step % len(options):][:1])
    if action == 3:
        return "clear", page, await session.set_multiselect("f_gov", [])
    if action == 4:
        return "clear", page, await session.set_multiselect("f_type", [])
    following = PAGES[(PAGES.index(page) + 1) % len(PAGES)]
    link = following if following in session.pages else ""  # the default page's link is the app's root
    return "page", following, await session.go_to(link)


async def viewer(index: int, url: str, start_at: float, stop_at: float, think: float, timeout: float,
                 samples: list[Sample], rng: random.Random) -> None:
    """One viewer: open a page, then act every `think` seconds until `stop_at` (reopening after a failure)."""
    page = PAGES[index % len(PAGES)]
    step = index
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    while time.monotonic() < stop_at:
        session = ViewerSession(url, timeout=timeout)
        began = time.monotonic()
        try:
            run = await session.open(page)
            samples.append(Sample("open", page, began, run.seconds, run.ok, run.status, run.bytes_received / 1024,
                                  session.backend))
            while run.ok and time.monotonic() < stop_at:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
                if time.monotonic() >= stop_at:
                    break
                began = time.monotonic()
                kind, page, run = await _act(session, step, page)
                step += 1
                samples.append(Sample(kind, page, began, run.seconds, run.ok, run.status if not run.errors
                                      else run.errors[0][:200], run.bytes_received / 1024, session.backend))
            if not run.ok:
                await asyncio.sleep(think)
        except (SessionError, OSError, asyncio.TimeoutError) as error:
            samples.append(Sample("error", page, began, time.monotonic() - began, False,
                                  f"{type(error).__name__}: {error}"[:200], 0.0, session.backend))
            await asyncio.sleep(think)
        finally:
            await session.close()


def _cpu_seconds(pids: list[int]) -> float:
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _machine_busy_s() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _client_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


async def _level(url: str, pids_of, sessions: int, duration: float, think: float, timeout: float,
                 seed: int) -> dict:
    ramp = max(2.0, min(30.0, 0.2 * sessions))
    now = time.monotonic()
    measure_from, stop_at = now + ramp, now + ramp + duration
    rng = random.Random(seed)
    samples: list[Sample] = []
    tasks = [asyncio.create_task(viewer(i, url, now + ramp * i / sessions, stop_at, think, timeout, samples,
                                        random.Random(rng.random()))) for i in range(sessions)]
    await asyncio.sleep(max(0.0, measure_from - time.monotonic()))
    pids = pids_of()
    cpu0, busy0, client0, t0 = _cpu_seconds(pids), _machine_busy_s(), _client_cpu_s(), time.monotonic()
    peak = _rss_mb(pids)
    while time.monotonic() < stop_at:
        await asyncio.sleep(min(1.0, max(0.0, stop_at - time.monotonic())))
        peak = max(peak, _rss_mb(pids_of()))
    cpu1, busy1, client1, t1 = _cpu_seconds(pids), _machine_busy_s(), _client_cpu_s(), time.monotonic()
    done, pending = await asyncio.wait(tasks, timeout=timeout + 5)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    window = t1 - t0
    counted = [s for s in samples if s.kind not in ("open", "error") and measure_from <= s.started <= stop_at]
    good = [s.seconds for s in counted if s.ok]
    errors = [s for s in samples if not s.ok]
    opens = [s.seconds for s in samples if s.kind == "open" and s.ok]
    return {
        "sessions": sessions,
        "reruns": len(counted),
        "median_ms": round(statistics.median(good) * 1000) if good else None,
        "p95_ms": round(_p95(good) * 1000) if good else None,
        "max_ms": round(max(good) * 1000) if good else None,
        "reruns_per_s": round(len(good) / window, 1) if window else None,
        "errors": len(errors),
        "error_examples": sorted(Counter(s.status for s in errors).items(), key=lambda kv: -kv[1])[:3],
        "server_cpu": round((cpu1 - cpu0) / window, 2),            # cores used by the server processes
        "server_peak_mb": round(peak),
        "client_cpu": round((client1 - client0) / window, 2),      # cores used by this load generator
        "machine_busy": round((busy1 - busy0) / window / (os.cpu_count() or 1), 2),  # share of all cores
        "open_median_ms": round(statistics.median(opens) * 1000) if opens else None,
        "kb_per_rerun": round(statistics.median([s.kb for s in counted if s.ok]), 1) if good else None,
        "backends": dict(Counter(s.backend for s in samples if s.kind == "open" and s.backend)),
        "window_s": round(window, 1),
    }


async def warm_up(urls: list[str], timeout: float) -> float:
    """One viewer per process walks every page through the action cycle: the caches a live server has."""
    started = time.monotonic()
    for url in urls:
        session = ViewerSession(url, timeout=timeout)
        try:
            await session.open(PAGES[0])
            page = PAGES[0]
            for step in range(6 * len(PAGES)):
                _, page, _ = await _act(session, step, page)
        finally:
            await session.close()
    return time.monotonic() - started


def run_levels(url: str, pids_of, levels: list[int], duration: float, think: float, timeout: float,
               warm_urls: list[str]) -> dict:
    if urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"the load test only runs against 127.0.0.1, not {url}")

    async def go() -> dict:
        warm = await warm_up(warm_urls, timeout)
        out = []
        for n in levels:
            print(f"  {n} session(s)…", file=sys.stderr, flush=True)
            out.append(await _level(url, pids_of, n, duration, think, timeout, seed=n))
        return {"warm_up_s": round(warm, 1), "levels": out}

    return asyncio.run(go())


def most_sessions_under_target(levels: list[dict]) -> int | None:
    """The largest level whose p95 stayed under 1 s with no errors (levels are measured in rising order)."""
    fine = [lv["sessions"] for lv in levels if lv["p95_ms"] is not None and lv["p95_ms"] < P95_TARGET_S * 1000
            and not lv["errors"]]
    return max(fine) if fine else None


def table(results: dict) -> str:
    lines = []
    for setup in results["setups"]:
        lines.append("")
        if "error" in setup:
            lines.append(f"{setup['name']}: {setup['error']}")
            continue
        lines.append(f"{setup['name']} (warm-up {setup['warm_up_s']} s; think {results['think_s']} s, "
                     f"{results['duration_s']} s per level)")
        lines.append(f"{'sessions':>8} {'reruns':>7} {'median':>8} {'p95':>8} {'max':>8} {'reruns/s':>9} "
                     f"{'errors':>6} {'srv CPU':>8} {'srv MB':>7} {'KB/rerun':>8} {'machine':>8}  backends")
        for lv in setup["levels"]:
            def ms(v):
                return "-" if v is None else f"{v:,}"
            split = " ".join(f"{n}" for n in sorted(lv["backends"].values(), reverse=True)) if \
                len(lv["backends"]) > 1 else ""
            lines.append(f"{lv['sessions']:>8} {lv['reruns']:>7} {ms(lv['median_ms']):>8} {ms(lv['p95_ms']):>8} "
                         f"{ms(lv['max_ms']):>8} {lv['reruns_per_s'] or 0:>9} {lv['errors']:>6} "
                         f"{lv['server_cpu']:>8} {lv['server_peak_mb']:>7} {lv['kb_per_rerun'] or 0:>8} "
                         f"{lv['machine_busy']:>8}  {split}")
        best = most_sessions_under_target(setup["levels"])
        lines.append(f"most sessions with p95 < 1 s and no errors: {best if best is not None else 'none measured'}")
    lines.append("times in ms; srv CPU = cores used by the server processes; machine = share of all cores busy")
    return "\n".join(lines)


def _setups(specs: list[str]) -> list[tuple[str, int]]:
    out = []
    for spec in specs:
        kind, _, count = spec.partition(":")
        if kind not in ("direct", "nginx") or not count.isdigit() or (kind == "direct" and count != "1"):
            raise SystemExit(f"--setups: {spec!r} is not direct:1 or nginx:N")
        out.append((kind, int(count)))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25, 50, 100])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds measured per level, after the ramp")
    parser.add_argument("--think", type=float, default=3.0, help="mean pause between a viewer's actions (s)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a rerun counts as failed")
    parser.add_argument("--db", type=Path, help="warehouse to serve (default: $DISPLACEMENT_DB)")
    parser.add_argument("--setups", nargs="+", default=["direct:1", "nginx:2"],
                        help="direct:1 (one process, no proxy) and/or nginx:N (N processes behind nginx)")
    parser.add_argument("--url", help="measure a server already running here instead (127.0.0.1 only)")
    parser.add_argument("--pid", type=int, nargs="*", default=[], help="with --url: the server's process ids")
    args = parser.parse_args(argv)
    levels = sorted(set(args.sessions))
    results: dict = {"think_s": args.think, "duration_s": args.duration, "setups": []}
    if args.url:
        measured = run_levels(args.url, lambda: args.pid, levels, args.duration, args.think, args.timeout,
                              [args.url])
        results["setups"].append({"name": f"server at {args.url}", **measured})
    for kind, count in ([] if args.url else _setups(args.setups)):
        name = "1 process, no proxy" if kind == "direct" else f"{count} processes behind nginx"
        print(name, file=sys.stderr, flush=True)
        if kind == "nginx" and nginx_binary() is None:
            results["setups"].append({"name": name, "error": "nginx is not installed (apt-get install -y nginx)"})
            continue
        try:
            with serve(count, proxy=kind == "nginx", db=args.db, backend_header=True) as deployment:
                measured = run_levels(deployment.url, deployment.pids, levels, args.duration, args.think,
                                      args.timeout, [b.url for b in deployment.backends])
        except DeploymentError as error:
            results["setups"].append({"name": name, "error": str(error)})
            continue
        results["setups"].append({"name": name, "processes": count, **measured,
                                  "most_sessions_p95_under_1s": most_sessions_under_target(measured["levels"])})
    print(table(results))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
