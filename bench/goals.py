"""The speed goals in one table, from one `make bench` run's results (bench/results/results.json): the rows
issue 23 tracks, each with its goal beside the figure measured, so docs/performance.md and
docs/deployment.md quote one table from one run. Nothing here asserts: it reports."""
from __future__ import annotations

from bench.load_test import most_sessions_under_target

GOALS = {  # measure -> goal, as written in docs/performance.md
    "etl": "≥ 0.8, peak memory ≤ DuckDB's own",
    "one": "50 sessions at p95 < 1 s, < 1 GB",
    "two": "100 sessions at p95 < 1 s",
    "cpu": "(what limits one process)",
    "open": "< 300 ms at every level",
}


def _level(setup: dict, sessions: int) -> dict | None:
    return next((lv for lv in setup.get("levels", []) if lv["sessions"] == sessions), None)


def _setup(load: dict, prefix: str) -> dict:
    return next((s for s in load.get("setups", []) if s.get("name", "").startswith(prefix) and "error" not in s), {})


def _ms(value: object) -> str:
    return "-" if value is None else f"{value:,} ms"


def rows(results: dict) -> list[tuple[str, str, str]]:
    """(measure, figure measured, goal), one row per goal; '-' where the run did not measure it."""
    out = []
    etl = results.get("etl") or []
    if etl:
        big = etl[-1]
        full, duck = big["full"], big["duckdb"]
        out.append((f"full load / DuckDB read_csv, {big['rows']:,} rows",
                    f"{full['rows_per_s'] / duck['rows_per_s']:.2f} (peak {full['peak_mb']} MB vs {duck['peak_mb']} MB)",
                    GOALS["etl"]))
    load = results.get("load") if isinstance(results.get("load"), dict) else {}
    one, two = _setup(load, "direct"), _setup(load, "nginx")
    if one:
        at50 = _level(one, 50) or {}
        out.append(("one process: most sessions at p95 < 1 s; at 50",
                    f"{most_sessions_under_target(one['levels'])}; median {_ms(at50.get('median_ms'))}, "
                    f"p95 {_ms(at50.get('p95_ms'))}, {at50.get('server_peak_mb', '-')} MB", GOALS["one"]))
        out.append(("one process at 50 sessions: cores used", f"{at50.get('server_cpu', '-')}", GOALS["cpu"]))
    if two:
        at100 = _level(two, 100) or {}
        out.append((f"{two['name']}: most sessions at p95 < 1 s; at 100",
                    f"{most_sessions_under_target(two['levels'])}; p95 {_ms(at100.get('p95_ms'))}, "
                    f"{at100.get('server_peak_mb', '-')} MB", GOALS["two"]))
    for name, setup in (("1 process", one), ("2 processes", two)):
        at10 = _level(setup, 10) if setup else None
        if at10:
            worst = max((lv.get("open_median_ms") or 0) for lv in setup["levels"])
            out.append((f"first open of a session, {name}: at 10 sessions; worst level",
                        f"{_ms(at10.get('open_median_ms'))}; {_ms(worst)}", GOALS["open"]))
    return out


def table(results: dict) -> str:
    lines = ["Goals (issue 23), this run:", f"{'measure':<66} | {'measured':<48} | goal"]
    lines += [f"{m:<66} | {v:<48} | {g}" for m, v, g in rows(results)]
    return "\n".join(lines)


def markdown(results: dict) -> str:
    """The same table for docs/performance.md."""
    lines = ["| measure | measured | goal |", "|---|---|---|"]
    lines += [f"| {m} | {v} | {g} |" for m, v, g in rows(results)]
    return "\n".join(lines)
