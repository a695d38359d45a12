"""Crash safety: a load killed with SIGKILL in any stage leaves a whole warehouse.

One kill per stage of a real `python -m etl load` (tests/soak_crash.py: a wrapper
the test injects notes the stages and holds the next one, so each kill lands in
its stage); `make soak` kills at random moments many times. After every kill the
warehouse passes the integrity check and equals the state before the load (or
after it, once the new file was swapped in), and the next load succeeds and
removes the temporary files.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import soak_crash

from etl.load import load_file
from etl.synthetic import reliability
from warehouse import integrity, publishing
from warehouse.db import temp_files

ROWS = 10_000  # big enough that reading, validating, writing and publishing each take a while


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> soak_crash.Prepared:
    return soak_crash.prepare(tmp_path_factory.mktemp("crash"), ROWS)


@pytest.mark.parametrize(
    ("stage", "left", "copy_on_disk"),
    [
        ("startup", "before", False),
        ("reading", "before", None),  # the private copy may or may not exist yet
        ("validating", "before", True),
        ("writing", "before", True),
        ("publishing", "before", True),  # commit, checkpoint and fsync of the copy, up to the swap
        ("swapped", "after", None),  # the new file is in place; the folder is not fsynced yet
    ],
)
def test_a_load_killed_in_each_stage_leaves_a_whole_warehouse_and_the_next_load_works(
        prepared, tmp_path, stage, left, copy_on_disk):
    live = tmp_path / "live.duckdb"
    soak_crash.restore(prepared.start, live)
    began, _ = soak_crash.kill_once(live, prepared.source, stage, 0.1, tmp_path / "stages.log")
    assert began == stage, soak_crash.stages_seen(tmp_path / "stages.log")
    if copy_on_disk is not None:  # the half-written copy is there, and the live file is whole
        assert bool(temp_files(live)) is copy_on_disk
    state, problems, rows_lost = soak_crash.check_after_kill(live, prepared, stage)
    assert (state, problems, rows_lost) == (left, [], 0)
    assert soak_crash.rerun(live, prepared) == []


def test_a_warehouse_neither_before_nor_after_is_found(prepared, tmp_path):
    """The check after a kill can fail: a warehouse missing rows is neither state."""
    live = tmp_path / "live.duckdb"
    soak_crash.restore(prepared.start, live)
    _tamper(live, "DELETE FROM displacement WHERE note = 'synthetic row 3'")
    state, problems, _ = soak_crash.check_after_kill(live, prepared, "writing")
    assert state is None and problems


@pytest.fixture(scope="module")
def loaded_once(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("loaded")
    db = folder / "w.duckdb"
    for path in (reliability.locations(folder), reliability.displacement(folder / "a", 20, 10).path):
        assert load_file(path, db).status == "loaded"
    return db


@pytest.fixture
def loaded(loaded_once, tmp_path) -> Path:
    """A warehouse of places and 20 displacement rows, this test's own copy (tests change it)."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(loaded_once, db)
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
    assert not report.ok and "is not a DuckDB warehouse" in report.problems[0], report.problems
    assert any("cannot read the warehouse" in p for p in report.problems)


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
