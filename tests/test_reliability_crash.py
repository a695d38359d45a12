"""Crash safety: a load killed with SIGKILL in any stage leaves a whole warehouse.

Fast version (12 kills); `make soak` runs 60. After every kill the warehouse
passes the integrity check and equals the state before or after the load, and
rerunning the load succeeds and removes the temporary files.
"""
from __future__ import annotations

import shutil

import duckdb
import pytest

from bench import soak_crash, soak_files
from etl.load import load_file
from warehouse import integrity, publishing
from warehouse.db import temp_files


@pytest.fixture(scope="module")
def crashes(tmp_path_factory):
    return soak_crash.run(tmp_path_factory.mktemp("crash"), kills=12, rows=10_000)


def test_kills_land_in_every_stage(crashes):
    assert crashes.kills == 12
    assert {"reading", "validating", "writing", "publishing"} <= set(crashes.per_stage), crashes.per_stage


def test_every_kill_leaves_a_whole_warehouse_before_or_after_the_load(crashes):
    assert crashes.problems == []
    assert crashes.left_before + crashes.left_after == crashes.kills
    assert crashes.rows_lost == 0


@pytest.fixture
def loaded(tmp_path):
    db = tmp_path / "w.duckdb"
    for path in (soak_files.locations(tmp_path), soak_files.displacement(tmp_path / "a", 20, 10).path):
        assert load_file(path, db).status == "loaded"
    return db


def test_integrity_check_passes_on_a_good_warehouse(loaded):
    report = integrity.check(loaded)
    assert report.ok, report.problems
    assert report.rows["displacement"] == 20 and report.live_loads == 2


def _tamper(db, sql):
    """Change the live file directly, as a bug or a hand edit would (bypassing the loader)."""
    con = duckdb.connect(str(db))
    con.execute(sql)
    con.close()


@pytest.mark.parametrize(
    ("sql", "finding"),
    [
        ("DELETE FROM displacement WHERE note = 'synthetic row 3'", "rows_loaded = 20 but 19 fact rows"),
        ("UPDATE loads SET rows_rejected = 2 WHERE load_id = 2", "rows_rejected = 2 but 0 rejects"),
        ("UPDATE displacement SET load_id = 99 WHERE note = 'synthetic row 1'", "not a live load"),
        ("UPDATE loads SET status = 'rolled_back' WHERE load_id = 2", "not a live load"),
        ("DELETE FROM sources WHERE title = 'SYNTHETIC displacement'", "missing from sources"),
        ("INSERT INTO rejects (load_id, reason) VALUES (77, 'x')", "missing from loads"),
    ],
)
def test_integrity_check_finds_damage(loaded, sql, finding):
    _tamper(loaded, sql)
    report = integrity.check(loaded)
    assert not report.ok
    assert any(finding in p for p in report.problems), report.problems


def test_unreadable_file_is_a_finding_not_a_crash(tmp_path):
    bad = tmp_path / "w.duckdb"
    bad.write_bytes(b"not a database" * 1000)
    report = integrity.check(bad)
    assert not report.ok and "cannot read the warehouse" in report.problems[0]


def test_fingerprint_ignores_clock_times_but_not_figures(loaded, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(loaded, copy)
    _tamper(copy, "UPDATE loads SET started_at = started_at + INTERVAL 1 HOUR")
    assert integrity.fingerprint(copy) == integrity.fingerprint(loaded)
    _tamper(copy, "UPDATE displacement SET individuals = individuals + 1 WHERE note = 'synthetic row 0'")
    assert integrity.fingerprint(copy) != integrity.fingerprint(loaded)


def test_next_load_cleans_a_killed_publishers_copy_wal_and_spill_folder(loaded):
    stem = f".{loaded.name}.0123abcd.publishing"
    (loaded.parent / stem).write_bytes(b"half a copy")
    (loaded.parent / (stem + ".wal")).write_bytes(b"wal")
    spill = loaded.parent / (stem + ".tmp")
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled")
    assert len(temp_files(loaded)) == 3
    with publishing(loaded) as con:
        con.execute("SELECT 1").fetchone()
    assert temp_files(loaded) == []
    assert integrity.check(loaded).ok


def test_check_command_reports_problems_with_exit_code(loaded):
    import subprocess
    import sys

    ok = subprocess.run([sys.executable, "-m", "etl", "check", "--db", str(loaded)], capture_output=True, text=True)
    assert ok.returncode == 0 and "integrity check passed" in ok.stdout
    _tamper(loaded, "DELETE FROM displacement WHERE note = 'synthetic row 3'")
    bad = subprocess.run([sys.executable, "-m", "etl", "check", "--db", str(loaded)], capture_output=True, text=True)
    assert bad.returncode == 1 and "19 fact rows" in bad.stderr
