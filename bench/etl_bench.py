"""ETL throughput, side by side: our full load path vs DuckDB's own read_csv vs a hand-written pandas loop.

Each contender runs in its own subprocess (`python -m bench.etl_bench one KIND FILE DB`)
so its peak memory (ru_maxrss of that process, MB) is its own. They run one
after the other on the same file, so the *ratios* hold on a busy machine even
when absolute times wander.

- full: etl.load.load_file (detect, read, validate, rejects, provenance, publish)
- duckdb: CREATE TABLE AS SELECT * FROM read_csv(file) + CHECKPOINT (the engine limit)
- pandas_rows: pandas.read_csv, then one INSERT per row, as a data officer would write
  it by hand; run on the first PANDAS_SAMPLE rows only and extrapolated (rows/s).
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

PANDAS_SAMPLE = 5_000


def _maxrss_mb() -> float:
    """This process's own peak resident memory (VmHWM).

    Not ru_maxrss: Linux keeps the parent's high-water mark across fork and exec,
    so a contender started by a bench that had just generated 10 M rows would
    report the generator's peak, not its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_full(path: Path, db: Path) -> dict:
    from etl.load import load_file

    started = time.perf_counter()
    report = load_file(path, db, loaded_by="bench")
    if report.status != "loaded":
        raise RuntimeError(report.message)
    return {"rows": report.rows_read, "seconds": time.perf_counter() - started,
            "loaded": report.rows_loaded, "rejected": report.rows_rejected}


def run_duckdb(path: Path, db: Path) -> dict:
    import duckdb

    db.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE displacement AS SELECT * FROM read_csv(?)", [str(path)])
        rows = con.execute("SELECT count(*) FROM displacement").fetchall()[0][0]
        con.execute("CHECKPOINT")
    return {"rows": rows, "seconds": time.perf_counter() - started}


def run_pandas_rows(path: Path, db: Path) -> dict:
    import duckdb
    import pandas as pd

    db.unlink(missing_ok=True)
    started = time.perf_counter()
    frame = pd.read_csv(path, nrows=PANDAS_SAMPLE)
    with duckdb.connect(str(db)) as con:
        columns = ", ".join(f'"{c}" VARCHAR' for c in frame.columns)
        con.execute(f"CREATE TABLE displacement ({columns})")
        marks = ", ".join("?" for _ in frame.columns)
        con.execute("BEGIN")
        for row in frame.itertuples(index=False):
            con.execute(f"INSERT INTO displacement VALUES ({marks})", [None if pd.isna(v) else str(v) for v in row])
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    return {"rows": len(frame), "seconds": time.perf_counter() - started, "sampled": True}


RUNNERS = {"full": run_full, "duckdb": run_duckdb, "pandas_rows": run_pandas_rows}


def measure(kind: str, path: Path, db: Path, prepare: list[Path] = ()) -> dict:
    """Run one contender in a fresh process; returns rows, seconds, rows_per_s, peak_mb."""
    cmd = [sys.executable, "-m", "bench.etl_bench", "one", kind, str(path), str(db), *map(str, prepare)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["rows_per_s"] = round(result["rows"] / result["seconds"]) if result["seconds"] else None
    result["seconds"] = round(result["seconds"], 2)
    return result


def _remove_warehouse(db: Path) -> None:
    """A fresh start: the file, its published note and its kept versions (a note naming a file that is
    gone makes the next publish refuse, rightly, to write over a missing warehouse)."""
    import shutil

    from warehouse import published, versions

    db.unlink(missing_ok=True)
    published.manifest_path(db).unlink(missing_ok=True)
    shutil.rmtree(versions.folder(db), ignore_errors=True)


def _one(kind: str, path: Path, db: Path, prepare: list[Path]) -> None:
    if kind == "full":
        from etl.load import load_file

        _remove_warehouse(db)
        for place_file in prepare:  # places and camps first, not timed: facts need them
            report = load_file(place_file, db)
            if report.status != "loaded":
                raise RuntimeError(report.message)
    result = RUNNERS[kind](path, db)
    result["peak_mb"] = _maxrss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "one":
        _one(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), [Path(p) for p in sys.argv[5:]])
    else:
        sys.exit("usage: python -m bench.etl_bench one {full|duckdb|pandas_rows} FILE DB [PLACE_FILES...]")
