"""Cache warming (dashboard/warm.py) on a real dashboard process: after the process starts, and again after a
publish, every page's default view is in its caches before any viewer opens it.

How the test knows what the caches hold, without reaching inside the process: once the warmer says the
version is warmed, the test opens the live warehouse read-write, which stops every reader in another process
from opening it (DuckDB's file lock; the file itself, its inode, mtime and size, is untouched, so the
warehouse version the caches are keyed on is the same). A page run that asked the warehouse anything would
then fail or show less; every page's default view, in English and Arabic, shows exactly what it shows with
the file free.
"""
from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from dashboard import startup, warm
from dashboard.deploy.multi import serve
from dashboard.deploy.session import ViewerSession
from etl.load import load_file
from tests.conftest import FLOW_HEADER, write_csv
from warehouse import published, warehouse_version

WAIT_S = 300
DAMAGED = startup.DAMAGED.split("{")[0]  # "The warehouse cannot be shown: "


def _copy(source: Path, folder: Path) -> Path:
    target = folder / "warehouse.duckdb"
    shutil.copyfile(source, target)
    shutil.copyfile(published.manifest_path(source), published.manifest_path(target))
    return target


def _wait_for_log(log: Path, text: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if text in log.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {log} within {WAIT_S} s:\n{log.read_text()[-3000:]}")


def _warmed(log: Path, path: Path) -> None:
    _wait_for_log(log, f"cache warmed for warehouse version {warehouse_version(path)}:")


@contextlib.contextmanager
def _held(path: Path):
    """No other process can open the warehouse meanwhile (and its version token does not change)."""
    version = warehouse_version(path)
    con = duckdb.connect(str(path))
    try:
        yield
    finally:
        con.close()
    assert warehouse_version(path) == version


def _views(url: str) -> dict[tuple[str, str], tuple]:
    """Every page's default view as a first viewer gets it: (texts, charts) by (page, query)."""
    async def visit() -> dict:
        seen = {}
        for query in warm.QUERIES:
            async with ViewerSession(url, timeout=WAIT_S) as first:
                run = await first.open("", query)
                pages = [p for p in first.pages if p and not p.startswith(warm.SKIPPED_PAGES)]
            seen[("", query)] = run
            for page in pages:
                async with ViewerSession(url, timeout=WAIT_S) as session:
                    seen[(page, query)] = await session.open(page, query)
        return seen

    runs = asyncio.run(visit())
    bad = {key: (run.status, run.errors[:1]) for key, run in runs.items() if not run.ok}
    assert not bad, bad
    banners = {key: text[:200] for key, run in runs.items() for text in run.texts if text.startswith(DAMAGED)}
    assert not banners, banners  # (the damage check reads the file too, and is cached per version)
    return {key: (tuple(run.texts), tuple(run.chart_specs)) for key, run in runs.items()}


@pytest.fixture(scope="module")
def deployment(reference_db, tmp_path_factory):
    path = _copy(reference_db, tmp_path_factory.mktemp("warm"))
    with serve(1, proxy=False, db=path) as running:
        yield running, path


def test_every_page_default_view_is_cached_after_start_and_after_a_publish(deployment, tmp_path):
    running, path = deployment
    log = running.backends[0].log
    _warmed(log, path)
    with _held(path):
        cached = _views(running.url)
    assert len(cached) >= 2 * 9 and sum(len(charts) for _texts, charts in cached.values()) >= 2 * 9
    assert _views(running.url) == cached  # the same pages with the warehouse free to read

    flows = write_csv(tmp_path / "arrivals.csv", FLOW_HEADER, [
        ["2020-02-01", "2020-02-29", "", "SY07", "arrivals", 54321, "", "Synthetic test data",
         "Warm-up fixture (invented)", "2020-03-01", "", "true"]])
    assert load_file(flows, path).status == "loaded"  # a publish: a new warehouse version
    _warmed(log, path)
    with _held(path):
        after = _views(running.url)
    assert after.keys() == cached.keys()
    assert any(after[key][1] != cached[key][1] for key in cached)  # the new report is drawn, from the caches
    assert _views(running.url) == after


def test_a_damaged_warehouse_is_skipped_and_the_pages_still_answer(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(b"not a warehouse" * 100)
    with serve(1, proxy=False, db=path) as running:
        _wait_for_log(running.backends[0].log, "cache warming skipped for warehouse version")

        async def first_view():
            async with ViewerSession(running.url, timeout=WAIT_S) as session:
                return await session.open()

        run = asyncio.run(first_view())
        log = running.backends[0].log.read_text()
    assert run.status == "ok" and any("cannot be shown" in text for text in run.texts)
    assert "cache warmed" not in log


def test_no_warehouse_is_skipped_without_connecting(tmp_path, monkeypatch):
    monkeypatch.setenv("DISPLACEMENT_DB", str(tmp_path / "none.duckdb"))
    assert warm.warm_if_changed("http://127.0.0.1:9", None) == ""  # nothing listens there: never asked
