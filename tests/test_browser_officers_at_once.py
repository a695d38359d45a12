"""In Chromium, two officers at once (issue 24, item 3): two browser contexts (two officers, two
sessions of one Streamlit server) upload different real files, preview them against the same
warehouse version and press Commit at the same moment; and a `python -m etl load` races an officer's
Commit. Both land, one after the other, each once, and the one that came second says which load it
followed.

"The same moment" is made exact: the test holds the warehouse's writer lock while the Commits (and
the CLI load) start, waits until the server's loads are all blocked on it (/proc/locks), then lets go.
Screenshots: test-artifacts/screenshots/officers-at-once-*.png.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl import passwords
from tests.test_browser_officer import CHROMIUM_ARGS, PASSWORD, SHOTS, WAIT_MS, run_app
from tests.test_officers_at_once import IDP, REFUGEES, _cli_load, _lock_waiters, _until
from warehouse import integrity, versions
from warehouse.db import writer_lock
from warehouse.queries import admin

pytestmark = [pytest.mark.browser, pytest.mark.real_data]

ROOT = Path(__file__).resolve().parents[1]
FOLLOWED = "which landed while you were committing"


@pytest.fixture
def server(reference_db, tmp_path):
    """streamlit run dashboard/app.py with upload on and two officers, 'amal' and 'omar', whose password
    hashes are in a secrets file of the test's own folder (never a committed one)."""
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(reference_db.read_bytes())
    secrets = tmp_path / "secrets.toml"
    hashed = passwords.hash_password(PASSWORD, 1_000)
    secrets.write_text(f'[officers]\nusers = {{ amal = "{hashed}", omar = "{hashed}" }}\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISPLACEMENT_OFFICER_")}
    env |= {"DISPLACEMENT_DB": str(db), "DISPLACEMENT_ENABLE_UPLOAD": "1"}
    with run_app(env, "--secrets.files", str(secrets)) as base:
        yield base, db


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"officers-at-once-{name}.png"), full_page=True)


def signed_in_with_preview(browser, base: str, officer: str, upload: Path, preview_text: str):
    """A new browser context (its own session), signed in as `officer`, with `upload` previewed."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{base}/officer", timeout=WAIT_MS)
    page.get_by_role("heading", name="Data officer sign-in").wait_for(timeout=WAIT_MS)
    page.get_by_role("textbox", name="Name").fill(officer)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Data officer", exact=True).wait_for(timeout=WAIT_MS)
    with page.expect_file_chooser(timeout=WAIT_MS) as chooser:
        page.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(upload))
    page.get_by_text(preview_text).wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Commit: write to the warehouse").wait_for(timeout=WAIT_MS)
    return page


def confirmed(page, name: str) -> None:
    """Wait for the commit's confirmation and for the rerun that shows it to finish."""
    page.get_by_text(f"{name}: loaded as").wait_for(timeout=WAIT_MS)
    page.get_by_text("2. Preview: what would happen").wait_for(state="detached", timeout=WAIT_MS)


def new_loads(db: Path, before) -> list[tuple[str, str]]:
    history = admin.load_history(db)
    new = history[~history["load_id"].isin(before["load_id"])].sort_values("load_id")
    return list(zip(new["file_name"], new["loaded_by"]))


def test_two_officers_commit_at_the_same_moment_and_both_land(server, browser, real_data):
    base, db = server
    amal = signed_in_with_preview(browser, base, "amal", real_data / IDP[0] / IDP[1], "2,402 rows will load")
    omar = signed_in_with_preview(browser, base, "omar", real_data / REFUGEES[0] / REFUGEES[1], "3,174 rows will load")
    before = admin.load_history(db)
    with writer_lock(db):
        amal.get_by_role("button", name="Commit: write to the warehouse").click()
        omar.get_by_role("button", name="Commit: write to the warehouse").click()
        _until(lambda: _lock_waiters(db) >= 2, "both officers' loads to wait on the writer lock")
        shot(amal, "1-amal-waiting")
    confirmed(amal, IDP[1])
    confirmed(omar, REFUGEES[1])
    shot(amal, "2-amal-confirmed")
    shot(omar, "3-omar-confirmed")

    landed = new_loads(db, before)
    assert sorted(landed) == [(REFUGEES[1], "omar"), (IDP[1], "amal")]  # both, once each
    first_file, first_by = landed[0]
    first, second = (amal, omar) if first_by == "amal" else (omar, amal)
    assert first.get_by_text(FOLLOWED).count() == 0
    note = second.get_by_text(FOLLOWED)
    note.wait_for(timeout=WAIT_MS)
    number = versions.listing(db)[1].number  # the first load's version, just under the live one
    assert f"loaded after version {number} (load" in note.inner_text()
    assert f"({first_file}): loaded, by {first_by})" in note.inner_text()
    assert integrity.check(db).ok


def test_a_command_line_load_racing_an_officer_commit_both_land(server, browser, real_data):
    base, db = server
    amal = signed_in_with_preview(browser, base, "amal", real_data / IDP[0] / IDP[1], "2,402 rows will load")
    before = admin.load_history(db)
    with writer_lock(db):
        amal.get_by_role("button", name="Commit: write to the warehouse").click()
        cli = _cli_load(db, real_data / REFUGEES[0] / REFUGEES[1], "omar")
        _until(lambda: _lock_waiters(db) >= 2, "the commit and the CLI load to wait on the writer lock")
    out, err = cli.communicate(timeout=WAIT_MS / 1000)
    assert cli.returncode == 0 and f"{REFUGEES[1]}: loaded as" in out, err
    assert "waiting for it to finish, then loading after it" in err
    confirmed(amal, IDP[1])
    shot(amal, "4-cli-race")

    landed = new_loads(db, before)
    assert sorted(landed) == [(REFUGEES[1], "omar"), (IDP[1], "amal")]
    if landed[0][1] == "omar":  # the CLI load came first: the officer is told the commit followed it
        assert f"({REFUGEES[1]}): loaded, by omar), {FOLLOWED}" in amal.get_by_text(FOLLOWED).inner_text()
    else:
        assert amal.get_by_text(FOLLOWED).count() == 0
    assert integrity.check(db).ok
