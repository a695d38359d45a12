"""Warm export times per format, and for a briefing pack.

    python -m bench.export_bench [--db PATH] [--chart NAME] [--runs 5] [--pack-runs 3]

Without --db a warehouse is built from etl/reference in a temporary folder.
Each figure is the median of N runs after one warm-up (the first image also
starts Chromium, which is reported on its own). Targets: an image under 1 s,
a briefing pack under 10 s. Nothing here is asserted: the numbers are printed.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

from dashboard import catalog, story
from dashboard.export import brief, files, images
from warehouse.queries import Filters

FORMATS = ("png", "svg", "pdf", "html", "csv", "xlsx")
IMAGE_TARGET_S, PACK_TARGET_S = 1.0, 10.0


def timed(action: Callable[[], object], runs: int) -> tuple[list[float], object]:
    """Seconds for each of `runs` calls after one warm-up call, and the last result."""
    result = action()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def _size(result: object) -> int:
    data = getattr(result, "data", None)
    if data is None and isinstance(result, tuple):
        data = result[1]
    return len(data or b"")


def row(label: str, seconds: list[float], size: int, target: float | None) -> str:
    median = statistics.median(seconds)
    verdict = "" if target is None else ("ok" if median < target else f"OVER {target:g} s")
    return f"{label:<22} {median:>9.3f} {min(seconds):>9.3f} {max(seconds):>9.3f} {size:>12,}  {verdict}"


def bench(db: Path, chart_name: str, runs: int, pack_runs: int) -> list[str]:
    query = catalog.direct_query(db)
    filters = Filters()
    lines = [f"{'export':<22} {'median s':>9} {'min s':>9} {'max s':>9} {'bytes':>12}"]
    seconds, chart = timed(lambda: catalog.build(chart_name, query, filters), runs)
    lines.append(row(f"build {chart_name[:16]}", seconds, 0, None))
    about = files.about_for(chart, filters, query=query)
    if images.images_available():
        start = time.perf_counter()
        images.render(images.decorate(chart, about), "svg")
        lines.append(f"{'chromium start':<22} {time.perf_counter() - start:>9.3f}  (once per process)")
    for fmt in FORMATS:
        if fmt in images.IMAGE_FORMATS and not images.images_available():
            lines.append(f"{fmt:<22} skipped: {images.INSTALL_HINT}")
            continue
        seconds, result = timed(lambda: files.export_chart(chart, filters, fmt, about), runs)
        lines.append(row(fmt, seconds, _size(result), IMAGE_TARGET_S if fmt in images.IMAGE_FORMATS else None))
    for fmt in ("pdf", "html"):
        seconds, result = timed(lambda: brief.briefing_pack(query, filters, fmt), pack_runs)
        lines.append(row(f"briefing pack {fmt}", seconds, _size(result), PACK_TARGET_S))
    return lines


@click.command()
@click.option("--db", type=click.Path(path_type=Path), help="Warehouse (default: built from etl/reference).")
@click.option("--chart", "chart_name", default="displacement-timeline", show_default=True)
@click.option("--runs", default=5, show_default=True, help="Timed runs per format after one warm-up.")
@click.option("--pack-runs", default=3, show_default=True, help="Timed briefing packs after one warm-up.")
def main(db: Path | None, chart_name: str, runs: int, pack_runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        if db is None:
            from etl.load import build_reference

            db = Path(folder) / "warehouse.duckdb"
            build_reference(db)
        for line in bench(db, chart_name, runs, pack_runs):
            click.echo(line)
        click.echo(f"charts in a pack: {len(story.pack_charts())}; targets: image < {IMAGE_TARGET_S:g} s, "
                   f"pack < {PACK_TARGET_S:g} s")


if __name__ == "__main__":
    main()
