"""Refresh during use: readers keep reading while `python -m etl load` publishes.

The publisher alternately loads versions A and B of the same SYNTHETIC file
(etl/synthetic/reliability.py), so every consistent state is known: the displacement
total is A's or B's, the row count is A's or B's, and the load audit agrees
with the fact rows. Readers are the dashboard's own query functions (in
threads and in separate processes) and real Streamlit sessions (AppTest).
A reader that sees anything else saw part of a load: a torn read.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import types
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from etl.synthetic import reliability
from etl.load import load_file

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class ReaderStats:
    """What one reader (or a group of them) saw."""

    reads: int = 0
    errors: int = 0
    torn: int = 0
    longest_wait: float = 0.0
    messages: list[str] = field(default_factory=list)

    def add(self, other: "ReaderStats") -> None:
        self.reads += other.reads
        self.errors += other.errors
        self.torn += other.torn
        self.longest_wait = max(self.longest_wait, other.longest_wait)
        self.messages += other.messages[: max(0, 5 - len(self.messages))]


def _one_read(db: Path, kind: int, totals: set[float], counts: set[int]) -> str | None:
    """One read through the dashboard's query layer; returns why it was torn, or None."""
    from warehouse import integrity
    from warehouse.queries import Filters, admin, timeline

    if kind == 0:
        total = float(timeline.displacement_series(db, Filters())["individuals"].sum())
        return None if total in totals else f"displacement total {total} is neither version's"
    if kind == 1:
        counts_frame = admin.table_counts(db)
        rows = int(counts_frame.set_index("table_name").loc["displacement", "row_count"])
        return None if rows in counts else f"{rows} displacement rows is neither version's"
    report = integrity.check(db)
    return None if report.ok else "; ".join(report.problems)


def reader_loop(db: str, stop_file: str | None, totals: list[float], counts: list[int], seed: int = 0) -> ReaderStats:
    """Read until `stop_file` exists (once if None), cycling through the kinds of read.

    Importable, so reader processes can run it; the stop signal is a file so
    that threads and processes share it.
    """
    stats, kind = ReaderStats(), seed
    while stats.reads == 0 or (stop_file and not os.path.exists(stop_file)):
        started = time.perf_counter()
        try:
            torn = _one_read(Path(db), kind % 3, set(totals), set(counts))
        except Exception as exc:  # any error is a finding: the dashboard would have shown it
            stats.errors += 1
            stats.messages.append(f"{exc.__class__.__name__}: {exc}"[:300])
            torn = None
        stats.longest_wait = max(stats.longest_wait, time.perf_counter() - started)
        stats.reads += 1
        if torn:
            stats.torn += 1
            stats.messages.append(torn[:300])
        kind += 1
    return stats


def app_session_loop(db: Path, stop_file: Path) -> ReaderStats:
    """Real Streamlit sessions: run the app until told to stop; an exception or error element is an error."""
    from streamlit.testing.v1 import AppTest

    os.environ["DISPLACEMENT_DB"] = str(db)
    stats = ReaderStats()
    while stats.reads == 0 or not stop_file.exists():
        started = time.perf_counter()
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
        try:
            at.run()
            problems = [e.value for e in at.exception] + [e.value for e in at.error]
        except Exception as exc:
            problems = [f"{exc.__class__.__name__}: {exc}"]
        stats.longest_wait = max(stats.longest_wait, time.perf_counter() - started)
        stats.reads += 1
        if problems:
            stats.errors += 1
            stats.messages.append(str(problems[0])[:300])
    return stats


@dataclass
class PublishStats:
    publishes: int = 0
    failures: int = 0
    messages: list[str] = field(default_factory=list)


def publisher_loop(db: Path, versions: list[Path], publishes: int, stop_file: Path, stats: PublishStats,
                   time_limit: float) -> None:
    """Alternate `python -m etl load` of the versions `publishes` times, then tell the readers to stop."""
    index, deadline = 1, time.monotonic() + time_limit  # version A is already loaded
    try:
        while stats.publishes + stats.failures < publishes and time.monotonic() < deadline:
            done = subprocess.run(
                [sys.executable, "-m", "etl", "load", "--db", str(db), str(versions[index % 2])],
                cwd=ROOT, capture_output=True, text=True, timeout=300,
            )
            if done.returncode == 0 and "loaded as" in done.stdout:
                stats.publishes += 1
            else:
                stats.failures += 1
                stats.messages.append((done.stderr or done.stdout).strip()[:300])
            index += 1
    finally:
        stop_file.touch()


@dataclass
class RefreshResult:
    threads: int
    processes: int
    app_sessions: int
    seconds: float
    reads_per_publish: float
    publish: PublishStats
    queries: ReaderStats
    apps: ReaderStats


def prepare(folder: Path) -> tuple[Path, tuple[reliability.Version, reliability.Version]]:
    """A warehouse holding the synthetic places and version A."""
    db = folder / "warehouse.duckdb"
    versions = reliability.two_versions(folder)
    for path in (reliability.locations(folder), versions[0].path):
        report = load_file(path, db)
        if report.status != "loaded":
            raise RuntimeError(report.message)
    return db, versions


@contextlib.contextmanager
def _plain_main():
    """Start spawned readers without re-running the caller's __main__ script.

    A spawned child runs the parent's main script again; after a Streamlit
    AppTest.from_function that "script" is a temporary file that only works
    inside AppTest, and every reader died on import. The readers need nothing
    from __main__.
    """
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def run(folder: Path, *, threads: int = 2, processes: int = 2, publishes: int = 4,
        time_limit: float = 600.0) -> RefreshResult:
    """Readers in threads, processes and a Streamlit session loop, while `publishes` loads publish.

    `time_limit` is only a safety net: the run ends when the publishes are done.
    """
    db, versions = prepare(folder)
    totals, counts = [float(v.total) for v in versions], [v.rows for v in versions]
    stop_file, publish, results = folder / "stop", PublishStats(), []
    stop_file.unlink(missing_ok=True)
    started = time.monotonic()
    with _plain_main(), ProcessPoolExecutor(max_workers=max(1, processes), mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(reader_loop, str(db), str(stop_file), totals, counts, i) for i in range(processes)]
        workers = [threading.Thread(target=lambda i=i: results.append(reader_loop(str(db), str(stop_file), totals, counts, i)))
                   for i in range(threads)]
        workers.append(threading.Thread(target=publisher_loop,
                                        args=(db, [v.path for v in versions], publishes, stop_file, publish, time_limit)))
        for worker in workers:
            worker.start()
        try:
            apps = app_session_loop(db, stop_file)
        finally:
            stop_file.touch()
            for worker in workers:
                worker.join()
        queries = ReaderStats()
        for stats in [f.result() for f in futures] + results:
            queries.add(stats)
    seconds = time.monotonic() - started
    return RefreshResult(threads, processes, 1, round(seconds, 1),
                         round((queries.reads + apps.reads) / max(1, publish.publishes), 1), publish, queries, apps)
