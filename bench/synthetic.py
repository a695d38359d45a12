"""Write the SYNTHETIC benchmark files (etl.synthetic.at_scale) and optionally build a warehouse.

    python -m bench.synthetic --rows 1000000 --out bench/results/data [--db bench/results/w.duckdb]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from etl.synthetic.at_scale import ROOT, build_warehouse, write_tidy


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="movement rows")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "data")
    parser.add_argument("--db", type=Path, help="also build a warehouse here from the files")
    args = parser.parse_args(argv)
    files = write_tidy(args.out / f"rows_{args.rows}", args.rows, args.seed)
    for name, path in files.items():
        print(f"{name:16} {path}  {path.stat().st_size / 2**20:8.1f} MB")
    if args.db:
        for report in build_warehouse(args.db, args.rows, args.seed, args.out / f"rows_{args.rows}"):
            print(report.message)


if __name__ == "__main__":
    main()
