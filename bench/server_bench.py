"""Server time of a full page rerun, per page (Streamlit AppTest, no browser).

For each page: a warm-up run, then reruns with the same filters (what a
viewer gets when anything on the page changes: cached queries) and reruns
after changing a filter (governorate, then figure type: queries run again
unless an earlier viewer asked the same). Prints JSON on stdout.

    DISPLACEMENT_DB=... python -m bench.server_bench [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import pages

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"


def discover_pages() -> list[tuple[str, str]]:
    """(script path relative to app.py, url path) of every page of the registry (dashboard/pages.py), in menu order."""
    return [(str(page.file.relative_to(APP.parent)), page.key) for page in pages.PAGES]


FILTER_STEPS = (("f_gov", ["SY07"]), ("f_gov", ["SY02"]), ("f_gov", []), ("f_type", ["arrivals"]), ("f_type", []))


def _timed(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"page raised: {at.exception[0].message}")
    return elapsed * 1000


def _set_filter(at: AppTest, key: str, value: list[str]) -> bool:
    widgets = [w for w in at.sidebar.multiselect if w.key == key]
    if not widgets:
        return False
    options = set(widgets[0].options)
    widgets[0].set_value([v for v in value if v in options] or [])
    return True


def page_times(script: str, url: str, repeat: int) -> dict:
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()
    at.switch_page(script)
    first = _timed(at)
    same = [_timed(at) for _ in range(repeat)]
    changed = []
    for key, value in FILTER_STEPS:
        if _set_filter(at, key, value):
            changed.append(_timed(at))
    return {
        "page": url,
        "first_ms": round(first, 1),
        "rerun_ms": round(statistics.median(same), 1),
        "filter_change_ms": round(statistics.median(changed), 1) if changed else None,
        "filter_change_max_ms": round(max(changed), 1) if changed else None,
        "charts": len(at.get("plotly_chart")),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", nargs="*", help="url paths (default: every page)")
    args = parser.parse_args(argv)
    pages = [(s, u) for s, u in discover_pages() if not args.pages or u in args.pages]
    print(json.dumps([page_times(s, u, args.repeat) for s, u in pages]))


if __name__ == "__main__":
    main()
