"""Crash safety: kill -9 `python -m etl load` at random moments in every stage.

Before the kills, the harness computes the two states a kill may leave: the
warehouse before the load (places + version A of the SYNTHETIC file) and after
it (version B replacing A). After each kill it checks that the warehouse opens,
passes warehouse.integrity.check, and equals one of the two states; then the
same load is run again and must succeed, leaving the 'after' state and no
temporary files. The stage each kill landed in is read from the stage log the
CLI writes ($DISPLACEMENT_PROGRESS_FILE).
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import soak_files
from etl.load import load_file
from warehouse import integrity
from warehouse.db import temp_files

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("startup", "reading", "validating", "writing", "publishing")
# Publishing is aimed at twice as often: it holds the commit, checkpoint and swap, the riskiest moments.
TARGETS = STAGES + ("publishing",)
PAUSE_SECONDS = 0.15


@dataclass
class CrashResult:
    kills: int = 0
    per_stage: Counter = field(default_factory=Counter)
    left_before: int = 0
    left_after: int = 0
    finished_before_kill: int = 0
    problems: list[str] = field(default_factory=list)
    rows_lost: int = 0


def prepare(folder: Path, rows: int) -> tuple[Path, Path, dict, dict]:
    """The starting warehouse, the file to load, and the fingerprints before and after loading it."""
    start = folder / "start.duckdb"
    version_a = soak_files.displacement(folder / "a", rows, 3, "SYNTHETIC displacement version A")
    version_b = soak_files.displacement(folder / "b", rows + 1, 5, "SYNTHETIC displacement version B")
    for path in (soak_files.locations(folder), version_a.path):
        report = load_file(path, start)
        if report.status != "loaded":
            raise RuntimeError(report.message)
    after = folder / "after.duckdb"
    shutil.copyfile(start, after)
    if load_file(version_b.path, after).status != "loaded":
        raise RuntimeError("version B does not load")
    return start, version_b.path, integrity.fingerprint(start), integrity.fingerprint(after)


def _restore(start: Path, live: Path) -> None:
    """Put the starting warehouse back the way a publisher would (copy, then swap)."""
    copy = live.with_name(live.name + ".restore")
    shutil.copyfile(start, copy)
    os.replace(copy, live)


def _stages_seen(log: Path) -> list[str]:
    try:
        return log.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return []


def kill_once(live: Path, source: Path, target: str, rng: random.Random, log: Path) -> str | None:
    """Start a load, kill -9 it at a random moment of `target`; return the stage it died in (None: it finished)."""
    log.unlink(missing_ok=True)
    env = {**os.environ, "DISPLACEMENT_PROGRESS_FILE": str(log), "DISPLACEMENT_TEST_PAUSE_SECONDS": str(PAUSE_SECONDS)}
    if target != "startup":
        env["DISPLACEMENT_TEST_PAUSE_AT"] = target
    process = subprocess.Popen([sys.executable, "-m", "etl", "load", "--db", str(live), str(source)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if target == "startup":
        time.sleep(rng.uniform(0.0, 0.45))
    else:
        while target not in _stages_seen(log) and process.poll() is None:
            time.sleep(0.001)
        # Publishing: also aim past the pause, at the commit, checkpoint and swap.
        late = 0.2 if target == "publishing" else PAUSE_SECONDS * 0.5
        time.sleep(rng.uniform(0.0, PAUSE_SECONDS + late))
    finished = process.poll() is not None
    process.send_signal(signal.SIGKILL)
    process.wait()
    if finished:
        return None
    seen = _stages_seen(log)
    return seen[-1] if seen else "startup"


def _check_after_kill(live: Path, before: dict, after: dict, result: CrashResult, stage: str) -> None:
    report = integrity.check(live)
    result.problems += [f"after a kill in {stage}: {p}" for p in report.problems]
    state = integrity.fingerprint(live) if report.ok else None
    if state == before:
        result.left_before += 1
    elif state == after:
        result.left_after += 1
    else:
        result.problems.append(f"after a kill in {stage}: the warehouse is neither the state before nor after the load")
        result.rows_lost += abs(sum(n for n, _ in (state or {}).values()) - sum(n for n, _ in before.values()))


def _rerun(live: Path, source: Path, after: dict, result: CrashResult) -> None:
    report = load_file(source, live)
    if report.status not in ("loaded", "unchanged"):
        result.problems.append(f"rerun after a kill failed: {report.message}")
    elif integrity.fingerprint(live) != after:
        result.problems.append("rerun after a kill did not leave the state after the load")
    if temp_files(live):
        result.problems.append(f"temporary files left after the rerun: {temp_files(live)}")


def run(folder: Path, *, kills: int = 12, rows: int = 10_000, seed: int = 6) -> CrashResult:
    """Kill loads until `kills` kills landed, cycling the target stage; check and rerun after each."""
    folder.mkdir(parents=True, exist_ok=True)
    start, source, before, after = prepare(folder, rows)
    live, log, rng, result = folder / "live.duckdb", folder / "stages.log", random.Random(seed), CrashResult()
    attempts = 0
    while result.kills < kills and attempts < kills * 3:
        target = TARGETS[attempts % len(TARGETS)]
        attempts += 1
        _restore(start, live)
        stage = kill_once(live, source, target, rng, log)
        if stage is None:
            result.finished_before_kill += 1
            continue
        result.kills += 1
        result.per_stage[stage] += 1
        _check_after_kill(live, before, after, result, stage)
        _rerun(live, source, after, result)
    return result
