"""Where a full load's time goes, stage by stage (issue 23): `python -m bench.etl_stages FILE [PLACE_FILES...]`.

Runs one full load (etl.load.load_file) of FILE into a fresh warehouse holding only the place files
(loaded first, not timed), with timing wrappers around the functions each stage calls, and prints
one JSON line: seconds per stage, the time no wrapper saw ("other"), the total, and DuckDB
`read_csv` into a table on the same file in the same process afterwards, for the ratio.
The wrappers only time; they change nothing the load does. Benchmarks are not tests.
"""
from __future__ import annotations

import functools
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

SPENT: dict[str, float] = defaultdict(float)
_STACK: list[str] = []  # the stages running now: a call inside another stage counts for the outer one


def _timed(owner, name: str, stage: str) -> None:
    """Replace owner.name by a wrapper adding its wall time to SPENT[stage] (outermost call only;
    inside "swap (all)" its parts count too, and are subtracted from it)."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        counts = not _STACK or _STACK[-1] == "swap (all)"
        _STACK.append(stage)
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _STACK.pop()
            if counts:
                SPENT[stage] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def _timed_iter(owner, name: str, stage: str) -> None:
    """Like _timed for a generator: the time spent producing its items."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        items = original(*args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                SPENT[stage] += time.perf_counter() - started
                return
            SPENT[stage] += time.perf_counter() - started
            yield item

    setattr(owner, name, wrapper)


def _instrument() -> None:
    from etl import load
    from warehouse import bulk, db, published, rollups, versions, writes

    _timed(load, "read_file", "read: detect, head, citations")
    _timed(db.published, "file_damage", "check live file (sha256 of the live warehouse)")
    _timed(db.shutil, "copyfile", "private copy of the warehouse")
    _timed(db, "migrate", "open copy, migrations")
    _timed(load, "_context", "known codes")
    _timed(bulk, "stage", "staging: parse + plain test into Parquet")
    _timed(bulk, "insert_plain_rows", "fact insert (plain rows)")
    _timed_iter(bulk, "other_rows", "other rows: read back")
    _timed(bulk, "insert_plain_chunk", "other rows: SQL")
    _timed(load, "validate", "other rows: etl.validate")
    _timed(writes, "insert_facts", "other rows: insert")
    _timed(writes, "insert_rejects", "rejects insert")
    _timed(rollups, "rebuild", "rollup/model refresh")
    _timed(published, "file_sha256", "swap: sha256 of the new file")
    _timed(versions, "keep_live", "swap: keep version (link, describe)")
    _timed(db, "_fsync", "swap: fsync")
    _timed(db, "swap_in", "swap (all)")


def _commit_checkpoint() -> None:
    """Time COMMIT, CHECKPOINT and close of the private copy: they run between the body and swap_in."""
    import duckdb

    from warehouse import db

    original = db.duckdb.connect

    class Timed:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args, **kwargs):
            stage = {"COMMIT": "commit", "CHECKPOINT": "checkpoint"}.get(sql.strip().upper() if isinstance(sql, str) else "")
            started = time.perf_counter()
            try:
                return self._con.execute(sql, *args, **kwargs)
            finally:
                if stage:
                    SPENT[stage] += time.perf_counter() - started

        def close(self):
            started = time.perf_counter()
            try:
                return self._con.close()
            finally:
                SPENT["close"] += time.perf_counter() - started

        def __getattr__(self, name):
            return getattr(self._con, name)

    class Module:
        def __getattr__(self, name):
            return getattr(duckdb, name)

        @staticmethod
        def connect(*args, **kwargs):
            return Timed(original(*args, **kwargs))

    db.duckdb = Module()


def run(path: Path, places: list[Path]) -> dict:
    from bench.etl_bench import _maxrss_mb, run_duckdb
    from etl.load import load_file

    with tempfile.TemporaryDirectory(prefix="etl-stages-") as folder:
        warehouse = Path(folder) / "w.duckdb"
        for place in places:
            report = load_file(place, warehouse)
            assert report.status == "loaded", report.message
        _instrument()
        _commit_checkpoint()
        started = time.perf_counter()
        report = load_file(path, warehouse, loaded_by="bench")
        total = time.perf_counter() - started
        if report.status != "loaded":
            raise RuntimeError(report.message)
        peak = _maxrss_mb()
        size = warehouse.stat().st_size
        shutil.rmtree(folder, ignore_errors=True)
    swap_parts = sum(v for k, v in SPENT.items() if k.startswith("swap: "))
    stages = {k: round(v, 3) for k, v in SPENT.items() if k != "swap (all)"}
    stages["swap: os.replace, notes"] = round(SPENT["swap (all)"] - swap_parts, 3)
    stages["other (unwrapped)"] = round(total - sum(v for k, v in SPENT.items() if k != "swap (all)")
                                       - stages["swap: os.replace, notes"], 3)
    with tempfile.TemporaryDirectory(prefix="etl-stages-") as folder:
        duck = run_duckdb(path, Path(folder) / "d.duckdb")
    return {"rows": report.rows_read, "total": round(total, 3), "duckdb": round(duck["seconds"], 3),
            "ratio": round(duck["seconds"] / total, 3), "peak_mb_full": peak, "warehouse_mb": round(size / 2**20, 1),
            "stages": stages}


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m bench.etl_stages FILE [PLACE_FILES...]")
    print(json.dumps(run(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]), indent=1))
