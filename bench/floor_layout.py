"""Record each dashboard page's layout for the Streamlit floor (bench/floor_app.py).

The floor must draw *the same page* as the dashboard, minus the dashboard's own
work: the same sidebar and navigation, titles, captions, metrics, tables with
the same rows, charts with the same figures, expanders and buttons. This
records, with Streamlit's AppTest, what each page drew on a warehouse: a tree
of elements with their data. The floor app replays it with plain Streamlit
calls and no warehouse, queries or chart building.

    DISPLACEMENT_DB=... python -m bench.floor_layout --out layout.json [--pages overview map]
    DISPLACEMENT_DB=... python -m bench.floor_layout --check --out DIR [--pages overview map]

--check replays each recording in the floor app and compares what it drew with the
page (element counts, titles, metric values): exit 1 and the differences if the floor
is not the same page (tests/test_bench_floor.py runs it).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.server_bench import APP, ROOT, discover_pages

FLOOR = ROOT / "bench" / "floor_app.py"

TEXT = {"title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success", "text"}
CONTAINERS = {"flex_container", "column", "expander", "tab_container", "tab", "vertical"}


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _widget(node, kind: str) -> dict:
    out = {"type": kind, "label": getattr(node, "label", "")}
    for name in ("options", "value", "min", "max"):
        if hasattr(node, name) or hasattr(node.proto, name):
            try:
                out[name] = _plain(getattr(node, name))
            except Exception:  # a widget without that attribute (e.g. a button's value before a click)
                continue
    return out


def element(node) -> dict:
    """One recorded element, with its data; the floor app skips types it does not draw."""
    kind = node.type
    if kind in TEXT:
        return {"type": kind, "body": str(node.value)}
    if kind in CONTAINERS or isinstance(getattr(node, "children", None), dict):
        return {"type": kind, "label": getattr(node, "label", ""),  # expanders have one
                "children": [element(c) for c in node.children.values()]}
    if kind == "plotly_chart":
        return {"type": kind, "spec": node.proto.spec, "config": node.proto.config}
    if kind == "dataframe":
        return {"type": kind, "data": node.value.to_json(orient="split", date_format="iso", default_handler=str)}
    if kind == "metric":
        return {"type": kind, "label": node.label, "value": node.value, "delta": node.proto.delta,
                "help": node.proto.help}
    if kind in ("date_input", "multiselect", "selectbox", "select_slider", "slider", "radio", "checkbox",
                "text_input", "button", "download_button", "toggle", "number_input"):
        return _widget(node, kind)
    return {"type": "unknown", "kind": kind}


def _pages(pages: list[str] | None):
    """Run the dashboard and yield (url, AppTest on that page) for every page (or those named)."""
    at = AppTest.from_file(str(APP), default_timeout=900)
    at.run()
    for script, url in discover_pages():
        if pages and url not in pages:
            continue
        at.switch_page(script)
        at.run()
        if at.exception:
            raise RuntimeError(f"{url} raised: {at.exception[0].message}")
        yield url, at


def _recorded(at: AppTest) -> dict:
    return {part: [element(c) for c in getattr(at, part).children.values()] for part in ("sidebar", "main")}


def record(pages: list[str] | None = None) -> dict[str, dict]:
    """{url path: {"sidebar": [...], "main": [...]}} for every page (or those named)."""
    return {url: _recorded(at) for url, at in _pages(pages)}


def _drawn(at: AppTest) -> dict:
    """What a reader sees of a page: how many of each element, the titles, the metric values."""
    counts = {kind: len(at.get(kind)) for kind in ("plotly_chart", "dataframe", "metric", "title", "subheader")}
    return {"counts": counts, "titles": [t.value for t in at.title], "metrics": [m.value for m in at.metric]}


def check(pages: list[str] | None, folder: Path) -> list[str]:
    """Replay each page's recording in the floor app; the differences from the page ([] if none)."""
    problems = []
    folder.mkdir(parents=True, exist_ok=True)
    for url, at in _pages(pages):
        recording = folder / f"{url}.json"
        recording.write_text(json.dumps({url: _recorded(at)}), encoding="utf-8")  # its only page: the default
        os.environ["FLOOR_LAYOUT"] = str(recording)
        floor = AppTest.from_file(str(FLOOR), default_timeout=900)
        floor.run()
        page, replay = _drawn(at), _drawn(floor)
        if floor.exception:
            problems.append(f"{url}: the floor raised {floor.exception[0].message}")
        elif page["counts"]["title"] != 1:
            problems.append(f"{url}: the page drew {page['counts']['title']} titles, not one")
        elif replay != page:
            problems.append(f"{url}: the floor drew {replay}, the page {page}")
        else:
            print(f"{url}: the floor draws the same page", flush=True)
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pages", nargs="*")
    parser.add_argument("--check", action="store_true", help="compare the floor with each page (--out: a folder)")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.pages, args.out)
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1 if problems else 0)
    args.out.write_text(json.dumps(record(args.pages)), encoding="utf-8")


if __name__ == "__main__":
    main()
