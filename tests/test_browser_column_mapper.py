"""In Chromium: a data officer uploads a CSV no recipe fits, maps its columns in the browser,
previews the rows, saves the recipe, commits, and finds the figures on the Casualties page.
Screenshots: test-artifacts/screenshots/mapper-*.png."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import choose, idle
from tests.real_loads import rows
from tests.test_browser_officer import PASSWORD, SHOTS, WAIT_MS, page, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def recipes_dir(tmp_path, monkeypatch) -> Path:
    """The officer's recipe folder, given to the server through the environment (before `server` starts)."""
    folder = tmp_path / "officer_recipes"
    monkeypatch.setenv("DISPLACEMENT_RECIPES", str(folder))
    return folder


def _shot(page, name: str) -> None:  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"mapper-{name}.png"), full_page=True)


def _select(page, label: str, option: str) -> None:  # noqa: F811
    """Choose `option` in the select box `label`."""
    choose(page, page.get_by_label(label, exact=True), option, timeout_ms=WAIT_MS)


def _idle(page) -> None:
    idle(page, WAIT_MS)


def _click(page, name: str) -> None:
    """Click a button once the rerun has replaced the old form: on a busy machine Streamlit shows the old
    form and the new one together for a moment, so wait until the button is there once."""
    button = page.get_by_role("button", name=name)
    expect(button).to_have_count(1, timeout=WAIT_MS)
    button.click()


def test_officer_maps_a_file_with_no_recipe_and_sees_its_figures(recipes_dir, server, page, tmp_path):  # noqa: F811
    base, db = server
    upload = tmp_path / "deaths_by_governorate.csv"
    upload.write_text("Deaths reported by the health directorate\n"
                      "Governorate code,Killed,Reported on\nSY07,12,2016-07-15\nSY02,3,2016-07-15\nSY99,1,2016-07-15\n",
                      encoding="utf-8")
    page.goto(f"{base}/officer", timeout=WAIT_MS)
    page.get_by_role("textbox", name="Name").fill("amal")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Data officer", exact=True).wait_for(timeout=WAIT_MS)
    with page.expect_file_chooser(timeout=WAIT_MS) as chooser:
        page.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(upload))
    page.get_by_text("Map the columns of deaths_by_governorate.csv").wait_for(timeout=WAIT_MS)

    _select(page, "What the figures are", "Deaths")
    _select(page, "location pcode", "Governorate code")
    _select(page, "deaths best", "Killed")
    _select(page, "Date column (or leave empty and give the date below)", "Reported on")
    for label, text in (("Publisher", "Idleb Health Directorate"), ("Title of the dataset", "Deaths reported (test)")):
        page.get_by_label(label, exact=True).fill(text)
        page.get_by_label(label, exact=True).press("Tab")
    _idle(page)  # a rerun draws the new form over the old one for a moment
    _click(page, "Preview the mapped rows")
    page.get_by_text("2 rows would load, 1 would be rejected.").wait_for(timeout=WAIT_MS)
    _shot(page, "1-mapped-preview")

    _idle(page)  # a rerun draws the new form over the old one for a moment
    _click(page, "Save the recipe")
    page.get_by_text("2 rows will load, 1 will be rejected").wait_for(timeout=WAIT_MS)
    assert (recipes_dir / "deaths-by-governorate.toml").is_file()
    _shot(page, "2-recognised")
    _idle(page)  # a rerun draws the new form over the old one for a moment
    _click(page, "Commit: write to the warehouse")
    page.get_by_text("deaths_by_governorate.csv: loaded as deaths-by-governorate").wait_for(timeout=WAIT_MS)
    assert rows(db, "SELECT location_pcode, deaths_best FROM casualties WHERE period_start = '2016-07-15'"
                    " ORDER BY 1") == [("SY02", 3.0), ("SY07", 12.0)]

    page.goto(f"{base}/casualties?start=2016-07-01&end=2016-07-31", timeout=WAIT_MS)
    page.get_by_role("heading", name="Casualties and displacement").wait_for(timeout=WAIT_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=WAIT_MS)
    _shot(page, "3-casualties-page")
    page.get_by_text("Export this chart").first.click()
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="CSV").first.click()
    exported = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    text = "\n".join(",".join(r) for r in exported)
    assert "2016-07" in text and "12" in text, text[:500]
