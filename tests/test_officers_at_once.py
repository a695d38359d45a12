"""Two officers at once (issue 24, item 3): loads that commit at the same moment, in threads of one
process (two browser sessions of one Streamlit server) or in processes (`python -m etl load`), all
land one after the other; none is lost, none is applied twice, and the one that came second says
which load it followed. Real published files from ../shared/data/real on the reference warehouse.

The moment is made exact, not hoped for: the test holds the warehouse's writer lock while the loads
start, waits until every one of them is blocked on it, then lets go.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from etl.load import LoadReport, load_file
from tests.test_dashboard_officer import officer_page, ok, texts, upload, warehouse  # noqa: F401  (fixture)
from warehouse import integrity, published, versions, warehouse_version
from warehouse.db import temp_files, writer_lock
from warehouse.queries import admin

pytestmark = pytest.mark.real_data

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = 180
IDP = ("idp_movements", "idp_1.xlsx", 2402)                         # folder, file, rows it loads on its own
REFUGEES = ("refugees", "2011-2018_monthly_refugee.csv", 3174)


def _until(condition, what: str, seconds: float = WAIT_S) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _copy(reference_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(reference_db.read_bytes())
    return db


def _commit_at_once(db: Path, commits: dict[str, Path], seen: str) -> dict[str, LoadReport]:
    """Each officer's file loaded in its own thread, all released together once every one waits on the lock."""
    stages: dict[str, list[str]] = {who: [] for who in commits}
    reports: dict[str, LoadReport] = {}

    def commit(who: str, path: Path) -> None:
        reports[who] = load_file(path, db, loaded_by=who, seen=seen, progress=stages[who].append)

    threads = [threading.Thread(target=commit, args=item) for item in commits.items()]
    with writer_lock(db):
        for thread in threads:
            thread.start()
        _until(lambda: all("waiting" in s for s in stages.values()), "every load to wait on the writer lock")
    for thread in threads:
        thread.join(WAIT_S)
    assert set(reports) == set(commits)
    return reports


def _first_and_second(reports: dict[str, LoadReport]) -> tuple[LoadReport, LoadReport]:
    first, second = sorted(reports.values(), key=lambda r: r.version or 10**9)
    return first, second


def test_two_officers_committing_at_once_both_land_and_the_second_says_it_followed(reference_db, real_data, tmp_path):
    db = _copy(reference_db, tmp_path)
    before = admin.load_history(db)
    base = versions.live_number(db) or 1  # a copied file has no list yet: the first publish names it version 1
    seen = warehouse_version(db)  # both previewed this version
    reports = _commit_at_once(db, {"amal": real_data / IDP[0] / IDP[1], "omar": real_data / REFUGEES[0] / REFUGEES[1]},
                              seen)

    assert {r.status for r in reports.values()} == {"loaded"}
    assert {Path(r.file).name: r.rows_loaded for r in reports.values()} == {IDP[1]: IDP[2], REFUGEES[1]: REFUGEES[2]}
    first, second = _first_and_second(reports)
    assert (first.version, second.version) == (base + 1, base + 2)
    assert first.followed == []  # the live file was still the one both previewed
    assert [(v["number"], v["what"]) for v in second.followed] == \
        [(first.version, f"load {first.load_id} ({Path(first.file).name}): loaded")]
    assert second.followed[0]["by"] == ("amal" if Path(first.file).name == IDP[1] else "omar")

    history = admin.load_history(db)
    new = history[~history["load_id"].isin(before["load_id"])]
    assert sorted(new["file_name"]) == sorted([IDP[1], REFUGEES[1]]) and set(new["status"]) == {"loaded"}
    assert [v.number for v in versions.listing(db)][:3] == [second.version, first.version, base]
    assert versions.listing(db)[0].sha256 == published.file_sha256(db)
    # the first load is inside the second's published file: the second started from it, not from the preview
    check = integrity.check(db)
    assert check.ok, check.problems
    assert check.live_loads == len(before[before["status"] == "loaded"]) + 2
    assert not temp_files(db)


def test_the_same_file_committed_by_two_officers_at_once_is_loaded_once(reference_db, real_data, tmp_path):
    db = _copy(reference_db, tmp_path)
    before = admin.load_history(db)
    workbook = real_data / IDP[0] / IDP[1]
    reports = _commit_at_once(db, {"amal": workbook, "omar": workbook}, warehouse_version(db))

    loaded = [r for r in reports.values() if r.status == "loaded"]
    unchanged = [r for r in reports.values() if r.status == "unchanged"]
    assert len(loaded) == len(unchanged) == 1
    assert unchanged[0].load_id == loaded[0].load_id and unchanged[0].version is None
    assert [v["number"] for v in unchanged[0].followed] == [loaded[0].version]
    history = admin.load_history(db)
    assert list(history[~history["load_id"].isin(before["load_id"])]["file_name"]) == [IDP[1]]
    assert integrity.check(db).ok


def _cli_load(db: Path, path: Path, who: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(path), "--db", str(db), "--loaded-by", who],
        cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_command_line_loads_at_once_both_land_and_say_they_wait(reference_db, real_data, tmp_path):
    db = _copy(reference_db, tmp_path)
    before = admin.load_history(db)
    with writer_lock(db):
        runs = [_cli_load(db, real_data / IDP[0] / IDP[1], "amal"),
                _cli_load(db, real_data / REFUGEES[0] / REFUGEES[1], "omar")]
        # each says it waits once it has read its file and found the lock taken
        lock_waiters = lambda: _lock_waiters(db)  # noqa: E731
        _until(lambda: lock_waiters() >= 2, "both processes to wait on the writer lock")
    outputs = [run.communicate(timeout=WAIT_S) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    for out, err in outputs:
        assert "waiting for it to finish, then loading after it" in err and "Traceback" not in err
    assert f"{IDP[1]}: loaded as" in outputs[0][0] and f"{REFUGEES[1]}: loaded as" in outputs[1][0]
    history = admin.load_history(db)
    new = history[~history["load_id"].isin(before["load_id"])]
    assert sorted(zip(new["file_name"], new["loaded_by"])) == [(REFUGEES[1], "omar"), (IDP[1], "amal")]
    assert integrity.check(db).ok


def _lock_waiters(db: Path) -> int:
    """Processes blocked on the warehouse's writer lock, from /proc/locks (a '->' line is a waiter)."""
    inode = os.stat(db.with_name(db.name + ".lock")).st_ino
    lines = Path("/proc/locks").read_text().splitlines()
    return sum(1 for line in lines if "->" in line and f":{inode} " in line)


def test_an_officer_commit_after_a_command_line_load_names_it(warehouse, real_data):  # noqa: F811
    at = upload(officer_page(), (IDP[1], (real_data / IDP[0] / IDP[1]).read_bytes()))
    assert f"{IDP[1]} as ocha-idp-movements: 2,402 rows will load" in texts(at.success)
    cli = _cli_load(warehouse, real_data / REFUGEES[0] / REFUGEES[1], "omar")  # lands between preview and commit
    out, err = cli.communicate(timeout=WAIT_S)
    assert cli.returncode == 0, err
    landed = versions.listing(warehouse)[0]

    ok(at.button(key="officer_commit").click().run())
    assert f"{IDP[1]}: loaded as ocha-idp-movements" in texts(at.success)
    note = texts(at.info)
    assert f"{IDP[1]}: loaded after version {landed.number} (load" in note
    assert f"{REFUGEES[1]}): loaded, by omar), which landed while you were committing" in note
    history = admin.load_history(warehouse)
    assert list(history["file_name"][:2]) == [IDP[1], REFUGEES[1]]
    assert list(history["loaded_by"][:2]) == ["amal", "omar"]


def test_an_officer_commit_racing_a_command_line_load_both_land(warehouse, real_data):  # noqa: F811
    """The commit and the CLI load both wait on the lock, then run in whichever order the lock gives:
    both land once, and the browser names the CLI load when it came second."""
    at = upload(officer_page(), (IDP[1], (real_data / IDP[0] / IDP[1]).read_bytes()))
    before = admin.load_history(warehouse)
    committed = threading.Thread(target=lambda: at.button(key="officer_commit").click().run())
    with writer_lock(warehouse):
        cli = _cli_load(warehouse, real_data / REFUGEES[0] / REFUGEES[1], "omar")
        committed.start()
        _until(lambda: _lock_waiters(warehouse) >= 2, "the commit and the CLI load to wait on the writer lock")
    out, err = cli.communicate(timeout=WAIT_S)
    committed.join(WAIT_S)
    ok(at)
    assert cli.returncode == 0 and "waiting for it to finish" in err, err
    history = admin.load_history(warehouse)
    new = history[~history["load_id"].isin(before["load_id"])].sort_values("load_id")
    assert sorted(zip(new["file_name"], new["loaded_by"])) == [(REFUGEES[1], "omar"), (IDP[1], "amal")]
    assert f"{IDP[1]}: loaded as ocha-idp-movements" in texts(at.success)
    browser_second = new.iloc[-1]["file_name"] == IDP[1]
    assert ("which landed while you were committing" in texts(at.info)) is browser_second
    assert integrity.check(warehouse).ok


def test_the_followed_note_reads_in_arabic_with_the_english_load_kept_whole():
    from dashboard.i18n import FSI, using
    from dashboard.officer_upload import followed_note

    landed = [{"number": 7, "at": "", "by": "omar", "what": "load 12 (camps.csv): loaded", "token": ""}]
    report = LoadReport(file="/tmp/x/idp_1.xlsx", status="loaded", rows_loaded=12, followed=landed)
    previewed = LoadReport(file=report.file, status="loaded", rows_loaded=10)
    english = followed_note(report, previewed)
    assert english.startswith("idp_1.xlsx: loaded after version 7 (load 12 (camps.csv): loaded, by omar), which landed")
    assert "The preview said 10 rows would load and 0 would be rejected; 12 loaded and 0 were rejected." in english
    with using("ar"):
        arabic = followed_note(report, previewed)
        twice = followed_note(LoadReport(file=report.file, status="unchanged", followed=landed * 2), None)
    assert "حُمِّل بعد الإصدار 7" in arabic and f"{FSI}load 12 (camps.csv): loaded" in arabic
    assert "فأُعيد التحقق من الملف على المستودع الجديد" in arabic and "كانت المعاينة" in arabic
    assert "لم يُحمَّل مرة ثانية" in twice and "حُمِّل أصلاً ضمن الإصدار 7" in twice
