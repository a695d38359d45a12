"""Record each dashboard page's layout for the Streamlit floor (bench/floor_app.py).

The floor must draw *the same page* as the dashboard, minus the dashboard's own
work: the same sidebar and navigation, titles, captions, metrics, tables with
the same rows, charts with the same figures, expanders and buttons. This
records, with Streamlit's AppTest, what each page drew on a warehouse: a tree
of elements with their data. The floor app replays it with plain Streamlit
calls and no warehouse, queries or chart building.

    DISPLACEMENT_DB=... python -m bench.floor_layout --out layout.json [--pages overview map]
"""
from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.server_bench import APP, discover_pages

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


def record(pages: list[str] | None = None) -> dict[str, dict]:
    """{url path: {"sidebar": [...], "main": [...]}} for every page (or those named)."""
    out = {}
    at = AppTest.from_file(str(APP), default_timeout=900)
    at.run()
    for script, url in discover_pages():
        if pages and url not in pages:
            continue
        at.switch_page(script)
        at.run()
        if at.exception:
            raise RuntimeError(f"{url} raised: {at.exception[0].message}")
        out[url] = {part: [element(c) for c in getattr(at, part).children.values()] for part in ("sidebar", "main")}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pages", nargs="*")
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(record(args.pages)), encoding="utf-8")


if __name__ == "__main__":
    main()
