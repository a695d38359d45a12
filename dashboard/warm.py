"""Warm this process's caches for every page's default view: when it starts, and after each publish.

Why: queries and charts are cached per process on (warehouse version, filters, ...)
(dashboard/data.py), so the first viewer of each page after a start or a publish paid
for every query and chart of it: 750 ms for a first open at 10 sessions on the 10 M-row
warehouse, against a goal of 300 ms (issue 23).

How: a daemon thread in the Streamlit process opens each page of the navigation as a
fresh viewer would, over the server's own websocket on 127.0.0.1
(dashboard/deploy/session.py: the protocol a browser speaks), in English and in Arabic,
one page at a time. The page scripts themselves fill the caches, so what is warmed is
exactly what a first viewer's run asks for (no second list of a page's queries to keep
in step with the page). Then it checks the warehouse version every `POLL_S` seconds and
warms again when a publish changed it.

It never blocks serving (the warm sessions are served like any viewer's, one at a
time), never raises (every failure is logged, and it tries again at the next version),
and skips a missing or damaged warehouse (its pages show the banner anyway).

Started by `python -m dashboard.serve` as the process starts (make run, make
serve-multi), else by the first script run of a plain `streamlit run dashboard/app.py`.
DISPLACEMENT_WARM=0 turns it off.
"""
from __future__ import annotations

import asyncio
import os
import threading
import time
import urllib.request
from pathlib import Path

from streamlit.logger import get_logger

from warehouse import warehouse_version

ENV_VAR = "DISPLACEMENT_WARM"
POLL_S = 2.0                      # how often the thread looks for a new warehouse version
QUERIES = ("", "lang=ar")         # the default view in English, then in Arabic (charts are cached per language)
SKIPPED_PAGES = ("officer",)      # the officer's pages are not a viewer's default view
TIMEOUT_S = 300.0                 # one page's run, at most (a first run on a cold 10 M-row warehouse takes ~1 s)
READY_TIMEOUT_S = 600.0           # how long to wait for the server to answer after the process starts

LOG = get_logger(__name__)
_LOCK = threading.Lock()
_THREAD: threading.Thread | None = None


def enabled() -> bool:
    return os.environ.get(ENV_VAR, "1").strip().lower() not in ("0", "false", "no", "off")


def start(*, launcher: bool = False) -> bool:
    """Start the warming thread of this process, once; False when it is off or there is no server to warm.

    Cheap enough to call on every script run (app.py does, for a plain `streamlit run`). The launcher
    (dashboard/serve.py) calls it before Streamlit has read its configuration.
    """
    global _THREAD
    if _THREAD is not None or not enabled() or (not launcher and _in_app_test()):
        return False
    with _LOCK:
        if _THREAD is not None:
            return False
        _THREAD = threading.Thread(target=_run_forever, name="dashboard-warm", daemon=True)
        _THREAD.start()
    return True


def _in_app_test() -> bool:
    """AppTest runs scripts with a stand-in runtime and no server: nothing to connect to."""
    from streamlit import config

    return bool(config.get_option("global.appTest"))


def server_url() -> str:
    """This process's own address, as a viewer on the same machine reaches it."""
    from streamlit import config

    address = config.get_option("server.address") or "127.0.0.1"
    if address in ("0.0.0.0", "::", "localhost"):
        address = "127.0.0.1"
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{address}:{config.get_option('server.port')}" + (f"/{base}" if base else "")


def _wait_for_server() -> str | None:
    """The server's URL once it answers its health check; None if it never does (nothing is warmed)."""
    from streamlit import runtime

    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if runtime.exists():
            url = server_url()
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return url
            except OSError:
                pass
        time.sleep(0.2)
    return None


def _run_forever() -> None:
    try:
        url = _wait_for_server()
    except Exception as error:  # noqa: BLE001 - a warmer must never take the app down
        LOG.warning("cache warming off: %s: %s", type(error).__name__, error)
        return
    if url is None:
        LOG.warning("cache warming off: the server did not answer within %.0f s", READY_TIMEOUT_S)
        return
    warmed = None
    while True:
        try:
            warmed = warm_if_changed(url, warmed)
        except Exception as error:  # noqa: BLE001 - logged; tried again at the next version
            LOG.warning("cache warming failed: %s: %s", type(error).__name__, error)
        time.sleep(POLL_S)


def warm_if_changed(url: str, warmed: str | None) -> str | None:
    """Warm every page if the warehouse version is not `warmed`; returns the version now warmed (or tried)."""
    from dashboard.data import db_path

    path = db_path()
    version = warehouse_version(path)
    if version == warmed:
        return warmed
    problem = skip_reason(path, version)
    if problem:
        LOG.info("cache warming skipped for warehouse version %s: %s", version or "none", problem)
        return version
    started = time.perf_counter()
    pages = asyncio.run(warm_pages(url))
    LOG.info("cache warmed for warehouse version %s: %d page views in %.1f s", version, pages,
             time.perf_counter() - started)
    return version


def skip_reason(path: Path, version: str) -> str | None:
    """Why not to warm this warehouse: none there, or damaged (the same check, and cache, as the pages')."""
    if not version:
        return f"no warehouse at {path}"
    from dashboard.startup import damage

    return damage(path, version)


async def warm_pages(url: str) -> int:
    """Open every page of the navigation in a fresh session, as a first viewer does; returns the page views."""
    from dashboard.deploy.session import ViewerSession

    views = 0
    pages: list[str] = []
    for query in QUERIES:
        async with ViewerSession(url, timeout=TIMEOUT_S) as first:
            run = await first.open("", query)  # the default page, whose run lists the others
            views += 1
            _report(run, "", query)
            pages = pages or [p for p in first.pages if p and not p.startswith(SKIPPED_PAGES)]
        for page in pages:
            async with ViewerSession(url, timeout=TIMEOUT_S) as session:
                _report(await session.open(page, query), page, query)
                views += 1
    return views


def _report(run, page: str, query: str) -> None:
    if not run.ok:
        LOG.warning("cache warming: /%s?%s did not finish cleanly: %s", page, query,
                    run.errors[0][:200] if run.errors else run.status)
