"""The data-officer page through AppTest with the real published files: upload →
preview → commit → history → rejects CSV → rollback; a broken file and a
cancelled upload leave the warehouse byte-for-byte unchanged and no files behind;
templates and freshness; etl.preview on its own."""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import passwords
from etl.preview import preview
from warehouse.queries import Filters, admin, border

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "officer password for tests"
JAN_2019 = Filters(start=date(2019, 1, 1), end=date(2019, 1, 31))


@pytest.fixture
def warehouse(reference_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the reference warehouse, an enabled upload page and one officer, 'amal'."""
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(reference_db.read_bytes())
    monkeypatch.setenv("DISPLACEMENT_DB", str(path))
    monkeypatch.setenv("DISPLACEMENT_ENABLE_UPLOAD", "1")
    monkeypatch.setenv("DISPLACEMENT_OFFICER_PASSWORD_HASH", passwords.hash_password(PASSWORD, 1_000))
    monkeypatch.setenv("DISPLACEMENT_OFFICER_NAME", "amal")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def officer_page() -> AppTest:
    at = ok(AppTest.from_file(APP, default_timeout=120).run())
    ok(at.switch_page("views/officer_sign_in.py").run())
    at.text_input(key="officer_name").input("amal")
    at.text_input(key="officer_password").input(PASSWORD)
    ok(at.button(key="FormSubmitter:officer_sign_in-Sign in").click().run())
    assert at.title[0].value == "Data officer"
    return at


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(name, data, "application/octet-stream") for name, data in files])
    return ok(at.run())


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements).replace("\\", "")


def frame_with(at: AppTest, *columns: str):
    """The first table on the page with these columns (AppTest does not expose dataframe keys)."""
    for element in at.dataframe:
        if set(columns) <= set(element.value.columns):
            return element.value
    raise AssertionError(f"no table with columns {columns}")


def staging_folder(at: AppTest) -> Path:
    return Path(at.session_state["_upload_folder"])


def test_upload_preview_commit_history_rollback(warehouse, real_data):
    before = sha256(warehouse)
    at = upload(officer_page(), ("idp_1.xlsx", (real_data / "idp_movements" / "idp_1.xlsx").read_bytes()))
    folder = staging_folder(at)
    assert (folder / "idp_1.xlsx").is_file() and oct(folder.stat().st_mode)[-3:] == "700"
    assert at.selectbox[0].value == "ocha-idp-movements"  # recognised
    assert "idp_1.xlsx as ocha-idp-movements: 2,402 rows will load, 0 will be rejected" in texts(at.success)
    tables = frame_with(at, "table_name", "change").set_index("table_name")
    assert tables.loc["displacement", "change"] == 1368
    assert sha256(warehouse) == before  # the preview wrote nothing

    ok(at.button(key="officer_commit").click().run())
    assert "idp_1.xlsx: loaded as ocha-idp-movements" in texts(at.success)
    assert not folder.exists() and "_upload_folder" not in at.session_state
    assert sha256(warehouse) != before
    history = admin.load_history(warehouse)
    newest = history.iloc[0]
    assert (newest["file_name"], newest["loaded_by"], newest["rows_loaded"]) == ("idp_1.xlsx", "amal", 2402)
    assert newest["file_sha256"] == hashlib.sha256((real_data / "idp_movements" / "idp_1.xlsx").read_bytes()).hexdigest()
    # SOURCES.md: Idleb (SY07) received 32,057 IDP arrivals in January 2019
    idleb = border.by_band(warehouse, Filters(start=JAN_2019.start, end=JAN_2019.end, governorates=("SY07",)))
    assert idleb.loc[idleb["figure_type"] == "arrivals", "individuals"].sum() == pytest.approx(32057)
    shown = frame_with(at, "Loaded by", "File")
    assert shown.iloc[0]["Loaded by"] == "amal" and shown.iloc[0]["File"] == "idp_1.xlsx"

    load_id = int(newest["load_id"])
    assert at.selectbox(key="officer_history_load").value == load_id  # the history opens on the new load
    ok(at.button(key="officer_rollback").click().run())
    assert f"Roll back load {load_id}" in texts(at.warning)
    assert sha256(warehouse) != before and admin.load_history(warehouse).iloc[0]["status"] == "loaded"  # not yet
    ok(at.button(key="officer_rollback_confirm").click().run())
    assert f"load {load_id} rolled back: 2402 rows removed (by amal)" in texts(at.success)
    assert admin.load_history(warehouse).iloc[0]["status"] == "rolled_back"
    assert border.by_band(warehouse, JAN_2019).empty


def test_rejected_rows_are_previewed_and_downloadable(warehouse, real_data):
    from dashboard.officer_history import rejects_csv

    data = (real_data / "refugees" / "2011-2018_monthly_refugee.csv").read_bytes()
    at = upload(officer_page(), ("2011-2018_monthly_refugee.csv", data))
    rejects = frame_with(at, "sheet", "row_number", "column_name", "reason")
    assert list(rejects.columns[:4]) == ["sheet", "row_number", "column_name", "reason"]
    assert len(rejects) == 135 and rejects["reason"].str.contains("suppressed by publisher").all()
    ok(at.button(key="officer_commit").click().run())
    load_id = int(admin.load_history(warehouse).iloc[0]["load_id"])
    stored = admin.load_rejects(warehouse, load_id, limit=10_000)
    assert len(stored) == 135
    body = rejects_csv(stored.drop(columns=["load_id"]))
    assert body.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 135 and rows[0]["column_name"] == "Value"


def test_rejects_csv_neutralises_formulas():
    import pandas as pd

    from dashboard.officer_history import rejects_csv

    body = rejects_csv(pd.DataFrame({"reason": ["=HYPERLINK(\"x\")"], "row_number": [-3]})).decode("utf-8-sig")
    assert "'=HYPERLINK" in body and ",-3" in body


@pytest.mark.parametrize("name, data, message", [
    ("broken.csv", b"nothing,we,know\n1,2,3\n", "broken.csv: format not recognised"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "broken.xlsx"),
])
def test_broken_file_clear_message_nothing_written(warehouse, name, data, message):
    before = sha256(warehouse)
    at = upload(officer_page(), (name, data))
    assert message in texts(at.error) + texts(at.caption)
    assert at.button(key="officer_commit").disabled
    assert sha256(warehouse) == before


def test_hostile_upload_name_is_refused_not_saved(warehouse):
    before = sha256(warehouse)
    at = upload(officer_page(), ("../../warehouse.duckdb.csv", b"a,b\n1,2\n"))
    assert "not saved" in texts(at.error) and "folder in the file name" in texts(at.error)
    assert not at.session_state["_upload_saved"] and "1. Format" not in texts(at.subheader)
    assert sha256(warehouse) == before


def test_wrong_format_chosen_is_refused(warehouse, real_data):
    before = sha256(warehouse)
    at = upload(officer_page(), ("idp_1.xlsx", (real_data / "idp_movements" / "idp_1.xlsx").read_bytes()))
    at.selectbox[0].set_value("unhcr-asylum-monthly")
    ok(at.run())
    assert "idp_1.xlsx" in texts(at.error) and at.button(key="officer_commit").disabled
    assert sha256(warehouse) == before


def test_cancel_leaves_nothing_behind(warehouse, real_data):
    before = sha256(warehouse)
    at = upload(officer_page(), ("hno_2018.json", (real_data / "geo" / "hno_2018.json").read_bytes()))
    folder = staging_folder(at)
    assert folder.is_dir()
    ok(at.button(key="officer_cancel").click().run())
    assert not folder.exists()
    assert "nothing was written" in texts(at.success)
    assert at.file_uploader[0].value == []  # a fresh, empty uploader
    assert sha256(warehouse) == before


def test_templates_and_freshness_tabs(warehouse):
    at = officer_page()
    buttons = " ".join(str(b.proto) for b in at.get("download_button"))
    assert "template (CSV)" in buttons and "template (XLSX)" in buttons
    fresh = frame_with(at, "status", "expected_update")
    assert {"status", "expected_update", "max_age_days"} <= set(fresh.columns)
    assert "overdue" in texts(at.warning)  # the reference figures are from 2019-2020


def test_preview_of_a_batch_orders_places_first_and_changes_headlines(reference_db, real_data, tmp_path):
    db = tmp_path / "w.duckdb"
    db.write_bytes(reference_db.read_bytes())
    before = sha256(db)
    result = preview([(real_data / "idp_movements" / "idp_1.xlsx", None)], db, JAN_2019)
    assert sha256(db) == before and result.ok and result.changes_anything
    jan = result.headlines[result.headlines["selection"] == "current selection"].set_index("figure")
    arrivals = jan.loc["Newly displaced / arrivals (flow)"]
    assert arrivals["before"] is None or arrivals["before"] != arrivals["after"]
    assert arrivals["after"] > 0 and "IDP Task Force" in arrivals["source_after"]
    assert len(result.selections) == 2  # the current selection and the file's own period


def test_versions_tab_lists_versions_and_restores_one_after_a_confirmation(warehouse, real_data):
    at = upload(officer_page(), ("idp_1.xlsx", (real_data / "idp_movements" / "idp_1.xlsx").read_bytes()))
    ok(at.button(key="officer_commit").click().run())
    from warehouse import versions

    noted = versions.listing(warehouse)
    assert [v.number for v in noted] == [2, 1] and noted[0].by == "amal"  # the copied file became version 1
    shown = frame_with(at, "Version", "What changed")
    assert list(shown["Version"]) == [2, 1] and shown.iloc[0]["Live"] == "live"
    assert at.selectbox(key="officer_version").value == 1
    ok(at.button(key="officer_restore").click().run())
    assert "Make version 1 live again?" in texts(at.warning)
    assert versions.live_number(warehouse) == 2  # not yet
    ok(at.button(key="officer_restore_confirm").click().run())
    assert "Version 1 is live again as version 3 (by amal)" in texts(at.success)
    assert admin.load_history(warehouse).iloc[0]["file_name"] != "idp_1.xlsx"  # the upload is gone again
    assert versions.listing(warehouse)[0].what == "restore of version 1"
