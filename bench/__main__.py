"""`make bench` / `python -m bench [--quick]`: every benchmark, one table, results in bench/results/.

Benchmarks are not tests: nothing here asserts a time. Sizes: 100 k, 1 M and
10 M SYNTHETIC movement rows (--quick: 100 k and 1 M, fewer viewers). The
dashboard is measured on a warehouse built from the largest size: per page
(AppTest), in one browser, and with 1-100 viewer sessions over the websocket
protocol against 1 process and 2 processes behind nginx (bench/load_test.py).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import etl_bench, goals, load_test, site_bench
from etl.synthetic.at_scale import build_warehouse, write_tidy

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _etl(rows: int, data: Path) -> dict:
    files = write_tidy(data / f"rows_{rows}", rows)
    places = [files["locations"], files["camps"]]
    out = {"rows": rows, "file_mb": round(files["displacement"].stat().st_size / 2**20, 1)}
    for kind in ("full", "duckdb", "pandas_rows"):
        out[kind] = etl_bench.measure(kind, files["displacement"], RESULTS / f"etl_{kind}.duckdb", places)
        print(f"  {rows:>10,} rows  {kind:12} {out[kind]}", flush=True)
    (RESULTS / f"etl_{kind}.duckdb").unlink(missing_ok=True)
    return out


def _sub(module: str, db: Path, args: list[str], timeout: int) -> dict | list | str:
    env = {**os.environ, "DISPLACEMENT_DB": str(db)}
    try:
        done = subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout} s"
    if done.returncode:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(results: dict) -> str:
    lines = ["", "ETL (displacement file; rows/s, peak MB of the process)",
             f"{'rows':>11} {'MB':>7} | {'full load':>20} | {'DuckDB read_csv':>20} | {'pandas row insert*':>20} | full/duckdb  full/pandas"]
    for e in results["etl"]:
        f, d, p = e["full"], e["duckdb"], e["pandas_rows"]
        lines.append(f"{e['rows']:>11,} {e['file_mb']:>7} | {f['rows_per_s']:>9,}/s {f['peak_mb']:>6}MB | "
                     f"{d['rows_per_s']:>9,}/s {d['peak_mb']:>6}MB | {p['rows_per_s']:>9,}/s {p['peak_mb']:>6}MB | "
                     f"{f['rows_per_s'] / d['rows_per_s']:>10.2f}  {f['rows_per_s'] / p['rows_per_s']:>10.0f}x")
    lines.append(f"* pandas row insert measured on the first {etl_bench.PANDAS_SAMPLE:,} rows, rows/s extrapolated")
    server = results.get("server")
    lines += ["", f"Dashboard server time per page (AppTest, ms), warehouse of {results['dashboard_rows']:,} rows"]
    if isinstance(server, list):
        lines.append(f"{'page':>12} {'first':>9} {'rerun':>9} {'filter change':>14} {'max':>9}")
        for s in server:
            lines.append(f"{s['page']:>12} {s['first_ms']:>9} {s['rerun_ms']:>9} {str(s['filter_change_ms']):>14}"
                         f" {str(s['filter_change_max_ms']):>9}")
    else:
        lines.append(f"  {server}")
    browser = results.get("browser")
    lines += ["", "Browser: time until every chart drew (ms) vs the Streamlit floor"]
    if isinstance(browser, dict):
        for url, b in browser["pages"].items():
            lines.append(f"{url:>12} charts {b['charts']:>2}  page {b['browser_ms']:>7}  floor {b['floor_ms']:>6}"
                         f"  ratio {b['ratio']}")
        for c in browser["concurrency"]:
            lines.append(f"{c['viewers']:>4} viewer(s) picking a governorate on {c['page']}: median {c['median_ms']} ms,"
                         f" p95 {c['p95_ms']} ms ({c['reruns']} reruns in {c.get('wall_s')} s; CPU seconds:"
                         f" Streamlit {c.get('server_cpu_s')}, Chromium {c.get('browser_cpu_s')})")
        lines.append(f"Streamlit peak memory (VmHWM): {browser['streamlit_peak_mb']} MB"
                     f" (floor app {browser['floor_peak_mb']} MB)")
    else:
        lines.append(f"  {browser}")
    site = results.get("site")
    lines += ["", site_bench.table(site) if isinstance(site, dict) else f"Static snapshot: {site}"]
    load = results.get("load")
    lines += ["", "Viewers over the websocket protocol (bench/load_test.py): per-rerun latency, no browsers"]
    lines.append(load_test.table(load) if isinstance(load, dict) else f"  {load}")
    lines += ["", goals.table(results)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 k and 1 M rows, fewer viewers")
    parser.add_argument("--sizes", type=int, nargs="*")
    parser.add_argument("--dashboard-timeout", type=int, default=420, help="seconds for each dashboard benchmark")
    parser.add_argument("--sessions", type=int, nargs="*", help="load-test levels (default 1 10 25 50 100)")
    parser.add_argument("--load-timeout", type=int, default=1800, help="seconds for the whole load test")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([100_000, 1_000_000] if args.quick else [100_000, 1_000_000, 10_000_000])
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = RESULTS / "data"
    started = time.perf_counter()
    results: dict = {"etl": [], "dashboard_rows": sizes[-1]}
    print("ETL", flush=True)
    for rows in sizes:
        results["etl"].append(_etl(rows, data))
    db = RESULTS / f"dashboard_{sizes[-1]}.duckdb"
    db.unlink(missing_ok=True)
    print(f"building the dashboard warehouse ({sizes[-1]:,} rows)", flush=True)
    build_warehouse(db, sizes[-1], work_dir=data / f"rows_{sizes[-1]}", context=True)
    print("dashboard: server", flush=True)
    results["server"] = _sub("bench.server_bench", db, ["--repeat", "3"], args.dashboard_timeout)
    print("dashboard: browser and viewers", flush=True)
    # One browser viewer only: many Chromiums on the server's cores measure the browsers (issue 17);
    # many viewers are the protocol-level load test below.
    results["browser"] = _sub("bench.browser_bench", db, ["--viewers", "1", "--rounds", "3"], args.dashboard_timeout)
    print("dashboard: static snapshot against the live pages", flush=True)
    results["site"] = _sub("bench.site_bench", db, ["--repeat", "3"], args.dashboard_timeout)
    print("dashboard: viewers over the websocket protocol, 1 process and 2 behind nginx", flush=True)
    sessions = args.sessions or ([1, 10, 25] if args.quick else [1, 10, 25, 50, 100])
    duration = "10" if args.quick else "30"
    results["load"] = _sub("bench.load_test", db, ["--db", str(db), "--sessions", *map(str, sessions),
                                                   "--duration", duration, "--setups", "direct:1", "nginx:2"],
                           args.load_timeout)
    results["seconds"] = round(time.perf_counter() - started)
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2))
    table = _table(results)
    (RESULTS / "results.txt").write_text(table + "\n")
    (RESULTS / "goals.md").write_text(goals.markdown(results) + "\n")  # pasted into docs/performance.md
    print(table)
    print(f"\n{results['seconds']} s in all; results in {RESULTS}")


if __name__ == "__main__":
    main()
