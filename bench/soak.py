"""`make soak` / `python -m bench.soak`: the long reliability run, written to docs/reliability.md.

Three parts, the harnesses the tests run in short versions (tests/test_reliability_*.py,
tests/test_hostile_input.py) and this runs long; the tests never import bench/:
- tests/soak_refresh.py: readers (threads, processes, Streamlit sessions) while loads publish;
- tests/soak_crash.py: kill -9 of `python -m etl load` in every stage, integrity after each;
- tests/soak_hostile.py: hostile files, peak memory of the loading process, nothing written.
All data is SYNTHETIC (etl/synthetic/), made by code in a temporary folder that is removed afterwards.
"""
from __future__ import annotations

import argparse
import logging
import os
import platform
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from etl.synthetic import reliability
from tests import soak_crash, soak_hostile, soak_refresh
from etl.load import load_file

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- soak:begin -->", "<!-- soak:end -->"


def _refresh_rows(result: soak_refresh.RefreshResult) -> list[str]:
    q, a, p = result.queries, result.apps, result.publish
    return [
        "| Part | Figure | Value |",
        "|---|---|---|",
        f"| Refresh during use | readers | {result.threads} threads + {result.processes} processes (query functions), "
        f"{result.app_sessions} Streamlit session loop (AppTest) |",
        f"| | publishes (`python -m etl load`, versions A/B alternating) | {p.publishes} (failed: {p.failures}) |",
        f"| | reads done (query functions / app runs) | {q.reads:,} / {a.reads:,} |",
        f"| | reader errors | {q.errors + a.errors} |",
        f"| | torn reads (total or row count of neither version, audit ≠ facts) | {q.torn} |",
        f"| | longest wait of one read (query function / app run) | {q.longest_wait:.2f} s / {a.longest_wait:.2f} s |",
        f"| | run length | {result.seconds:.0f} s |",
    ]


def _crash_rows(result: soak_crash.CrashResult) -> list[str]:
    stages = ", ".join(f"{stage} {result.per_stage.get(stage, 0)}" for stage in soak_crash.STAGES)
    return [
        f"| Crash safety (kill -9) | kills | {result.kills} |",
        f"| | kills per stage | {stages} |",
        f"| | kills in the middle of a stage / at its end (held before the next) | "
        f"{result.kills - result.held} / {result.held} |",
        f"| | warehouse left as before / as after the load | {result.left_before} / {result.left_after} |",
        f"| | integrity problems, states neither before nor after, failed reruns | {len(result.problems)} |",
        f"| | rows lost | {result.rows_lost} |",
    ]


def _hostile_rows(outcomes: list[soak_hostile.Outcome]) -> list[str]:
    rows = [f"| Hostile input | inputs tried | {len(outcomes)} |",
            f"| | largest peak memory of a loading process | {max(o.peak_rss_mb for o in outcomes):,.0f} MB |",
            f"| | warehouse changed by a refused file | {sum(not o.warehouse_unchanged for o in outcomes if o.status == 'failed')} |",
            "", "| Input | Outcome | Peak memory | Message |", "|---|---|---|---|"]
    for o in outcomes:
        outcome = o.status if o.status != "loaded" else f"loaded {o.rows_loaded}, rejected {o.rows_rejected}"
        message = o.message.replace("|", "\\|")[:160]
        rows.append(f"| {o.case} | {outcome} | {o.peak_rss_mb:,.0f} MB | {message} |")
    return rows


def run_hostile(folder: Path) -> list[soak_hostile.Outcome]:
    start = folder / "start.duckdb"
    if load_file(reliability.locations(folder), start).status != "loaded":
        raise RuntimeError("could not build the hostile-input warehouse")
    outcomes = []
    for index, case in enumerate(soak_hostile.CASES):
        case_folder = folder / f"case{index}"
        case_folder.mkdir()
        db = case_folder / "w.duckdb"
        db.write_bytes(start.read_bytes())
        outcomes.append(soak_hostile.run_case(case, case_folder / "files", db))
        print(f"  {case.name}: {outcomes[-1].status} ({outcomes[-1].peak_rss_mb:.0f} MB)", flush=True)
    return outcomes


def write_report(lines: list[str], path: Path = REPORT) -> None:
    """Replace the generated block of docs/reliability.md, keeping the prose around it."""
    block = "\n".join([BEGIN, *lines, END])
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Reliability\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(head + block + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--publishes", type=int, default=30)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--crash-rows", type=int, default=50_000)
    parser.add_argument("--print-only", action="store_true", help="print the table, leave docs/ alone")
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="displacement-soak-") as tmp:
        tmp = Path(tmp)
        print(f"refresh: {args.threads} threads, {args.processes} processes, {args.publishes} publishes", flush=True)
        refresh = soak_refresh.run(tmp / "refresh", threads=args.threads, processes=args.processes,
                                   publishes=args.publishes)
        print(f"crash: {args.kills} kills over a {args.crash_rows:,}-row file", flush=True)
        crash = soak_crash.run(tmp / "crash", kills=args.kills, rows=args.crash_rows)
        print("hostile input:", flush=True)
        (tmp / "hostile").mkdir()
        hostile = run_hostile(tmp / "hostile")
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Last run: {when} on {platform.machine()} Linux ({os.cpu_count()} cores, load average "
             f"{os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}, "
             f"{time.monotonic() - started:.0f} s (`make soak`).", ""]
    lines += _refresh_rows(refresh) + _crash_rows(crash) + _hostile_rows(hostile)  # one summary table
    problems = refresh.queries.messages + refresh.apps.messages + refresh.publish.messages + crash.problems
    if problems:
        lines += ["", "Problems seen:", *[f"- {p}" for p in problems[:20]]]
    print("\n".join(lines))
    if not args.print_only:
        write_report(lines)
        print(f"written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
