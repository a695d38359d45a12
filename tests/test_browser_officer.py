"""In Chromium: a data officer signs in with a password, uploads the real IDP
movements workbook through the browser's file chooser, previews, commits, and
finds its January 2019 arrivals by distance band on the Toward-the-border page.

The server gets its officer password hash through the environment (never a
committed secrets file) and a private copy of the reference warehouse.
Screenshots: test-artifacts/screenshots/officer-*.png.
"""
from __future__ import annotations

import contextlib

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from etl import passwords
from warehouse.queries import Filters, admin, border

pytestmark = [pytest.mark.browser, pytest.mark.real_data]

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "browser test password"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
WAIT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited: {server.stdout.read() if server.stdout else ''}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy")


@pytest.fixture
def server(reference_db, tmp_path):
    """streamlit run dashboard/app.py with upload on and one officer ('amal'), on a free port."""
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(reference_db.read_bytes())
    env = os.environ | {
        "DISPLACEMENT_DB": str(db), "DISPLACEMENT_ENABLE_UPLOAD": "1", "DISPLACEMENT_OFFICER_NAME": "amal",
        "DISPLACEMENT_OFFICER_PASSWORD_HASH": passwords.hash_password(PASSWORD, 1_000),
    }
    with run_app(env) as base:
        yield base, db


@contextlib.contextmanager
def run_app(env: dict, *args: str):
    """streamlit run dashboard/app.py with `env` (and extra command-line `args`) on a free local port, until
    healthy; yields the base URL and stops the server afterwards."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        yield context.new_page()
        browser.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"officer-{name}.png"), full_page=True)


def test_officer_uploads_commits_and_sees_the_figures(server, page, real_data):
    base, db = server
    workbook = real_data / "idp_movements" / "idp_1.xlsx"
    jan = Filters(start=date(2019, 1, 1), end=date(2019, 1, 31))
    assert border.by_band(db, jan).empty  # the reference data has no January 2019 flows

    page.goto(f"{base}/officer", timeout=WAIT_MS)
    page.get_by_role("heading", name="Data officer sign-in").wait_for(timeout=WAIT_MS)
    page.get_by_role("textbox", name="Name").fill("amal")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Data officer", exact=True).wait_for(timeout=WAIT_MS)
    shot(page, "1-signed-in")

    with page.expect_file_chooser(timeout=WAIT_MS) as chooser:
        page.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(workbook))
    page.get_by_text("2,402 rows will load, 0 will be rejected").wait_for(timeout=WAIT_MS)
    page.get_by_text("Headline figures, before and after").scroll_into_view_if_needed()
    shot(page, "2-preview")

    page.get_by_role("button", name="Commit: write to the warehouse").click()
    done = page.get_by_text("idp_1.xlsx: loaded as ocha-idp-movements")
    done.wait_for(timeout=WAIT_MS)
    page.get_by_text("2. Preview: what would happen").wait_for(state="detached", timeout=WAIT_MS)  # rerun finished
    shot(page, "3-committed")
    page.get_by_role("tab", name="History and rollback").click()
    newest = admin.load_history(db).iloc[0]
    assert (newest["file_name"], newest["loaded_by"]) == ("idp_1.xlsx", "amal")
    page.get_by_role("button", name=f"Roll back load {newest['load_id']}…").wait_for(timeout=WAIT_MS)
    shot(page, "4-history")

    page.goto(f"{base}/border?start=2019-01-01&end=2019-01-31", timeout=WAIT_MS)
    page.get_by_role("heading", name="Toward the border").wait_for(timeout=WAIT_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=WAIT_MS)
    shot(page, "5-border-jan-2019")
    page.get_by_text("Export this chart").first.click()
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    shown = {r["destination_band"]: float(r["individuals"]) for r in rows if r["figure_type"] == "arrivals"}
    expected = border.by_band(db, jan)
    expected = expected[expected["figure_type"] == "arrivals"].set_index("destination_band")["individuals"]
    assert shown == pytest.approx(expected.to_dict())
    assert shown["0–10 km"] > 0 and set(shown) >= {"0–10 km", "10–25 km", "25–50 km", "over 50 km"}
