"""A primary and two followers on one machine (docs/deployment.md, "More than one host"): the primary ships to a
folder (`publish-to`), two `follow` processes keep two warehouses (two hosts' folders), one dashboard process
serves each behind nginx with sticky sessions. A load on the primary reaches both followers, and a viewer
session on each process sees the new figures at its next rerun, with no restart and no error.

The viewers speak Streamlit's websocket protocol (dashboard/deploy/session.py), as a browser does.
"""
from __future__ import annotations

import asyncio
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import plotly.io as pio
import pytest

from dashboard import catalog
from dashboard.deploy.multi import nginx_binary, serve
from dashboard.deploy.session import ViewerSession
from etl.load import REFERENCE_DIR, load_file
from warehouse import published, replicate, versions
from warehouse.queries import Filters

ROOT = Path(__file__).resolve().parents[1]
CHART = "displacement-timeline"  # the Overview's second chart


@pytest.fixture(scope="module")
def needs_nginx():
    if nginx_binary() is None:
        message = "nginx is not installed: `make system-deps` installs the Debian package (apt-get install -y nginx)"
        if os.environ.get("REQUIRE_NGINX") == "1":  # CI (.ci/run)
            pytest.fail(message)
        pytest.skip(message)


def _copy_warehouse(source: Path, dest: Path) -> Path:
    """A warehouse with its published note and its versions, as a primary host holds it."""
    dest.parent.mkdir(parents=True)
    shutil.copyfile(source, dest)
    shutil.copyfile(published.manifest_path(source), published.manifest_path(dest))
    shutil.copytree(versions.folder(source), versions.folder(dest))
    return dest


def _corrected_displacement(folder: Path) -> Path:
    """The bundled displacement file, corrected: UN OCHA's figures doubled (same name, so it replaces the load)."""
    out = folder / "displacement.csv"
    folder.mkdir(parents=True, exist_ok=True)
    with open(REFERENCE_DIR / "displacement.csv", newline="", encoding="utf-8") as src, \
            open(out, "w", newline="", encoding="utf-8") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
        writer.writeheader()
        for row in reader:
            if row["source_publisher"] == "UN OCHA" and row["individuals"]:
                row["individuals"] = str(int(row["individuals"]) * 2)
            writer.writerow(row)
    return out


def _follower(target: Path, db: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "etl", "follow", str(target), "--db", str(db),
                                 "--interval", "0.5"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_for(number: int, dbs: list[Path], logs: list[Path], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(versions.live_number(db) == number for db in dbs):
            return
        time.sleep(0.2)
    raise AssertionError(f"followers not at version {number}: " + "; ".join(log.read_text() for log in logs))


def _data(figure: dict) -> list:
    """The traces' data as drawn (names, x, y), without the layout a theme may change."""
    return [{k: trace.get(k) for k in ("name", "x", "y")} for trace in figure.get("data", [])]


def test_a_load_on_the_primary_reaches_both_followers_and_their_viewers(needs_nginx, reference_db, tmp_path):
    primary = _copy_warehouse(reference_db, tmp_path / "primary" / "warehouse.duckdb")
    target = tmp_path / "shipped"
    hosts = [tmp_path / "host-a" / "warehouse.duckdb", tmp_path / "host-b" / "warehouse.duckdb"]
    logs = [tmp_path / "follow-a.log", tmp_path / "follow-b.log"]
    replicate.publish_to(primary, str(target))
    followers = [_follower(target, db, log) for db, log in zip(hosts, logs)]
    try:
        _wait_for(versions.live_number(primary), hosts, logs)
        with serve(2, dbs=hosts, backend_header=True) as deployment:
            out = asyncio.run(_scenario(deployment, primary, target, hosts, logs))
    finally:
        for process in followers:
            process.terminate()
            process.wait(timeout=30)
    expected = json.loads(pio.to_json(catalog.build(CHART, catalog.direct_query(primary), Filters()).figure))
    assert set(out["before"]) == set(out["after"]) == {b.address for b in deployment.backends}
    for backend, run in out["after"].items():
        assert run.ok, (backend, run.status, run.errors)
        assert len(run.charts) == 2
        assert _data(run.charts[-1]) == _data(expected)                       # the new figures
        assert _data(run.charts[-1]) != _data(out["before"][backend].charts[-1])  # not the old ones
    for db in hosts:
        assert published.file_sha256(db) == published.file_sha256(primary)
    assert all(process.returncode is not None for process in followers)


async def _scenario(deployment, primary: Path, target: Path, hosts: list[Path], logs: list[Path]) -> dict:
    """A viewer on each process; a load and publish-to on the primary; each viewer reruns once both followed."""
    by_backend: dict[str, ViewerSession] = {}
    before = {}
    for _ in range(24):  # a random cookie per viewer: both processes get viewers
        session = ViewerSession(deployment.url, timeout=120)
        run = await session.open("overview")
        assert run.ok, (run.status, run.errors)
        if session.backend in by_backend:
            await session.close()
        else:
            by_backend[session.backend], before[session.backend] = session, run
        if len(by_backend) == 2:
            break
    assert len(by_backend) == 2, f"24 viewers all went to {list(by_backend)}"
    report = await asyncio.to_thread(load_file, _corrected_displacement(primary.parent / "incoming"), primary)
    assert report.status == "loaded", report.message
    shipped = await asyncio.to_thread(replicate.publish_to, primary, str(target))
    assert shipped.copied == [versions.live_number(primary)]
    await asyncio.to_thread(_wait_for, shipped.newest, hosts, logs)
    after = {backend: await session.set_multiselect("f_gov", []) for backend, session in by_backend.items()}
    for session in by_backend.values():
        await session.close()
    return {"before": before, "after": after}
