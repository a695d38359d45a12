"""Crash safety: kill -9 `python -m etl load` in every stage of a real load.

Before the kills, the harness computes the two states a kill may leave: the
warehouse before the load (places + version A of the SYNTHETIC file) and after
it (version B replacing A). After each kill it checks that the warehouse opens,
passes warehouse.integrity.check, and equals the state the stage allows (before
the swap: the state before; after it: the state after); then the same load is
run again and must succeed, leaving the 'after' state and no temporary files.

The load is the real command line, run by a small wrapper (HOOK) that the
harness injects: it wraps etl.load.load_paths to note each stage the load
reaches in a log, and os.replace to note the swap of the new file into place.
Nothing in the product reads a test setting. To make the kill land inside
the target stage however slow the machine, the wrapper holds the load at the
start of the *next* stage: the kill comes after the target stage's work began
and before the next stage's began. The stage log says which it was.

Used by tests/test_reliability_crash.py (one kill per stage) and by
bench/soak.py (many kills at random moments).
"""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from etl.load import load_file
from etl.synthetic import reliability
from warehouse import integrity
from warehouse.db import swap_in, temp_files, writer_lock

ROOT = Path(__file__).resolve().parents[1]
# In load order. "swapping": inside os.replace of the warehouse, before it; "swapped": just after.
STAGES = ("startup", "reading", "validating", "writing", "publishing", "swapped")
_NEXT = {"startup": "reading", "reading": "validating", "validating": "writing", "writing": "publishing",
         "publishing": "swapping", "swapped": "finished"}
HELD = "held before "

# argv: stage log, stage to hold at, live warehouse, then the CLI's own arguments.
HOOK = """
import os, sys, time
log, hold, live = sys.argv[1:4]
sys.argv = ["etl"] + sys.argv[4:]

def note(stage):
    if stage == hold:
        stage = "%s" + stage
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(stage + "\\n")
    if stage.startswith("%s"):
        time.sleep(3600)  # the harness kills the process here at the latest

from etl import cli, load

real_load_paths, real_replace = load.load_paths, os.replace

def load_paths(*args, progress=None, **kwargs):
    def staged(stage):
        note(stage)
        if progress:
            progress(stage)
    return real_load_paths(*args, progress=staged, **kwargs)

def replace(src, dst, **kwargs):
    ours = os.path.abspath(dst) == os.path.abspath(live)
    if ours:
        note("swapping")
    real_replace(src, dst, **kwargs)
    if ours:
        note("swapped")

load.load_paths, os.replace = load_paths, replace
note("startup")
try:
    cli.main(prog_name="etl")
finally:
    note("finished")
""" % (HELD, HELD)


@dataclass(frozen=True)
class Prepared:
    """The warehouse to start from, the file to load, and the fingerprints before and after loading it."""

    start: Path
    source: Path
    before: dict
    after: dict


@dataclass
class CrashResult:
    kills: int = 0
    per_stage: Counter = field(default_factory=Counter)
    held: int = 0  # kills that came at the hold (the stage's work was done), not in the middle of it
    left_before: int = 0
    left_after: int = 0
    finished_before_kill: int = 0
    problems: list[str] = field(default_factory=list)
    rows_lost: int = 0


def prepare(folder: Path, rows: int) -> Prepared:
    """Build the warehouse before the load and the one after it, in-process (no kills)."""
    folder.mkdir(parents=True, exist_ok=True)
    start = folder / "start.duckdb"
    version_a = reliability.displacement(folder / "a", rows, 3, "SYNTHETIC displacement version A")
    version_b = reliability.displacement(folder / "b", rows + 1, 5, "SYNTHETIC displacement version B")
    for path in (reliability.locations(folder), version_a.path):
        report = load_file(path, start)
        if report.status != "loaded":
            raise RuntimeError(report.message)
    after = folder / "after.duckdb"
    shutil.copyfile(start, after)
    if load_file(version_b.path, after).status != "loaded":
        raise RuntimeError("version B does not load")
    return Prepared(start, version_b.path, integrity.fingerprint(start), integrity.fingerprint(after))


def restore(start: Path, live: Path) -> None:
    """Put the starting warehouse back the way a publisher would (copy, then swap in, noted as published)."""
    copy = live.with_name(live.name + ".restore")
    shutil.copyfile(start, copy)
    with writer_lock(live):
        swap_in(copy, live)


def stages_seen(log: Path) -> list[str]:
    try:
        return log.read_text(encoding="utf-8").split("\n")[:-1]
    except FileNotFoundError:
        return []


def kill_once(live: Path, source: Path, target: str, delay: float, log: Path,
              timeout: float = 300.0) -> tuple[str | None, bool]:
    """Load `source` into `live`; kill -9 it `delay` seconds after `target` began (at the next stage's
    start at the latest). Returns the last stage it began (None: it finished first) and whether the
    kill came at the hold rather than in the middle of the stage."""
    log.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", HOOK, str(log), _NEXT[target], str(live), "load", "--db", str(live), str(source)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout  # a safety net, never reached in a working load
        while target not in stages_seen(log) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)
        finished = process.poll() is not None
    finally:
        process.kill()
        process.wait()
    seen = stages_seen(log)
    if finished or "finished" in seen:
        return None, False
    held = bool(seen) and seen[-1].startswith(HELD)
    began = [s for s in seen if not s.startswith(HELD)]
    return (began[-1] if began else "startup"), held


def check_after_kill(live: Path, prepared: Prepared, stage: str) -> tuple[str | None, list[str], int]:
    """Which whole state the killed load left ('before', 'after' or None), what is wrong, rows lost."""
    report = integrity.check(live)
    problems = [f"after a kill in {stage}: {p}" for p in report.problems]
    state = integrity.fingerprint(live) if report.ok else None
    if state == prepared.before:
        return "before", problems, 0
    if state == prepared.after:
        return "after", problems, 0
    problems.append(f"after a kill in {stage}: the warehouse is neither the state before nor after the load")
    return None, problems, abs(_rows_of(state) - _rows_of(prepared.before))


def rerun(live: Path, prepared: Prepared) -> list[str]:
    """The next load after a kill: it must succeed, leave the state after, and clean the temporary files."""
    report = load_file(prepared.source, live)
    problems = []
    if report.status not in ("loaded", "unchanged"):
        problems.append(f"rerun after a kill failed: {report.message}")
    elif integrity.fingerprint(live) != prepared.after:
        problems.append("rerun after a kill did not leave the state after the load")
    if temp_files(live):
        problems.append(f"temporary files left after the rerun: {temp_files(live)}")
    return problems


def _rows_of(state: dict | None) -> int:
    return sum(n for n, _ in (state or {}).values())


def run(folder: Path, *, kills: int = 12, rows: int = 10_000, seed: int = 6, longest_delay: float = 0.3) -> CrashResult:
    """Kill loads until `kills` kills landed, cycling the target stage (publishing twice as often:
    it holds the commit, checkpoint and swap); check and rerun after each."""
    prepared = prepare(folder, rows)
    live, log, rng, result = folder / "live.duckdb", folder / "stages.log", random.Random(seed), CrashResult()
    targets = STAGES + ("publishing",)
    attempts = 0
    while result.kills < kills and attempts < kills * 3:
        target = targets[attempts % len(targets)]
        attempts += 1
        restore(prepared.start, live)
        stage, held = kill_once(live, prepared.source, target, rng.uniform(0.0, longest_delay), log)
        if stage is None:
            result.finished_before_kill += 1
            continue
        result.kills += 1
        result.per_stage[stage] += 1
        result.held += held
        left, problems, lost = check_after_kill(live, prepared, stage)
        result.left_before += left == "before"
        result.left_after += left == "after"
        result.rows_lost += lost
        result.problems += problems + rerun(live, prepared)
    return result
