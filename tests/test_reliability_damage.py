"""A damaged warehouse file is found, named in one line, and nothing crashes (issue 24, item 2).

Copies of the reference warehouse (with the note of what was published beside
them, warehouse/published.py) are damaged the ways a disk, a copy or a restore
damages them; `python -m etl check` must exit 1 with one line naming what is
wrong and how to restore, and the app's entry point must show a banner and no
exception, never rebuilding over a file that was published.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import startup
from warehouse import integrity, published, publishing

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
BLOCK = 256 * 1024  # DuckDB's block size


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _zero_middle_block(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.seek((path.stat().st_size // 2) // BLOCK * BLOCK)
        handle.write(bytes(BLOCK))


def _random_header(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.write(random.Random(24).randbytes(4096))


def _random_after_magic(path: Path) -> None:
    """The magic bytes kept, the database headers behind them (bytes 4096-12287) scrambled."""
    with open(path, "r+b") as handle:
        handle.seek(4096)
        handle.write(random.Random(25).randbytes(8192))


def _deleted(path: Path) -> None:
    path.unlink()


def _sqlite(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE loads (load_id INTEGER)")


def _text(path: Path) -> None:
    path.write_text("load_id,file_name\n1,idp.csv\n", encoding="utf-8")


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (_truncate, "was published on"),
    "zeroed block": (_zero_middle_block, "differs from every published file"),
    "random header": (_random_header, "is not a DuckDB warehouse"),
    "random database headers": (_random_after_magic, "differs from every published file"),
    "deleted": (_deleted, "is missing (last published"),
    "sqlite file": (_sqlite, "is not a DuckDB warehouse"),
    "text file": (_text, "is not a DuckDB warehouse"),
}


@pytest.fixture
def copy(reference_db, tmp_path) -> Path:
    """A copy of the reference warehouse with its note of what was published."""
    target = tmp_path / "warehouse.duckdb"
    shutil.copyfile(reference_db, target)
    shutil.copyfile(published.manifest_path(reference_db), published.manifest_path(target))
    return target


def _check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "check", "--db", str(path)], cwd=ROOT, text=True,
                          capture_output=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_every_publish_notes_the_size_and_sha256_of_the_live_file(copy):
    before = published.entries(copy)
    assert before[0].sha256 == published.file_sha256(copy)
    with publishing(copy) as con:
        con.execute("CREATE TABLE note_test AS SELECT 1 AS x")
    noted = published.entries(copy)
    assert noted[0].size == copy.stat().st_size and noted[0].sha256 == published.file_sha256(copy)
    assert noted[1] == before[0]  # the previous file is still listed: a backup of it is whole
    assert integrity.damage(copy) is None


def test_the_note_keeps_the_last_files_only(copy):
    for _ in range(published.KEEP + 2):
        with publishing(copy) as con:
            con.execute("CREATE OR REPLACE TABLE note_test AS SELECT random() AS x")
    assert len(published.entries(copy)) == published.KEEP
    assert json.loads(published.manifest_path(copy).read_text())["warehouse"] == copy.name


def test_a_whole_copy_passes(copy):
    done = _check(copy)
    assert done.returncode == 0, done.stderr
    assert "integrity check passed" in done.stdout


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_check_names_the_damage_in_one_line_and_exits_1(copy, kind):
    damage, words = DAMAGE[kind]
    damage(copy)
    done = _check(copy)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("damaged warehouse: ") and words in lines[0]
    assert f"python -m etl build-reference --db {copy}" in lines[0]  # the command that restores


def test_a_copy_that_was_never_noted_is_judged_by_its_header_and_a_probe(copy):
    published.manifest_path(copy).unlink()
    assert integrity.damage(copy) is None
    _sqlite(copy)
    assert "is not a DuckDB warehouse" in integrity.damage(copy)


def test_a_backup_of_an_earlier_publish_is_whole(copy, tmp_path):
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(copy, backup)
    with publishing(copy) as con:
        con.execute("CREATE TABLE later AS SELECT 1 AS x")
    shutil.copyfile(backup, copy)  # the officer restores last week's backup
    assert integrity.damage(copy) is None


def _start_app(db: Path, monkeypatch) -> AppTest:
    """The app's entry point, run once on this warehouse (the environment stays set for later reruns)."""
    monkeypatch.setenv("DISPLACEMENT_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    return at.run()


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_the_app_shows_a_banner_and_no_exception(copy, kind, monkeypatch):
    damage, words = DAMAGE[kind]
    damage(copy)
    at = _start_app(copy, monkeypatch)
    assert not at.exception, [e.message for e in at.exception]
    banners = [e.value for e in at.error]
    assert len(banners) == 1 and words in banners[0] and "python -m etl build-reference" in banners[0], banners
    assert [i.value for i in at.info] == [startup.EMPTY]
    assert not at.status  # never a reference build over a warehouse that was published
    assert not at.metric  # an empty page: no figure drawn from a damaged file
    if kind == "deleted":
        assert not copy.exists()


def test_the_app_draws_the_page_on_a_whole_copy(copy, monkeypatch):
    at = _start_app(copy, monkeypatch)
    assert not at.exception and not at.error, [e.message for e in at.exception] + [e.value for e in at.error]
    assert at.metric


def _etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, text=True, capture_output=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("kind", ["zeroed block", "truncated", "deleted", "text file"])
def test_a_load_is_refused_over_a_damaged_warehouse_and_changes_nothing(copy, kind, tmp_path):
    """Publishing a copy of a damaged file would note it as whole and hide the damage."""
    DAMAGE[kind][0](copy)
    before = copy.read_bytes() if copy.exists() else None
    notes = published.manifest_path(copy).read_bytes()
    tidy = ROOT / "etl" / "reference" / "events.csv"
    done = _etl("load", str(tidy), "--db", str(copy))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{tidy.name}: not loaded: ") and DAMAGE[kind][1] in lines[0]
    assert (copy.read_bytes() if copy.exists() else None) == before
    assert published.manifest_path(copy).read_bytes() == notes


def test_other_commands_name_the_damage_in_one_line(copy):
    _text(copy)
    done = _etl("history", "--db", str(copy))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "is not a DuckDB warehouse" in done.stderr


def test_accept_notes_a_whole_backup_restored_on_purpose(copy, tmp_path):
    backup = tmp_path / "old_backup.duckdb"
    shutil.copyfile(copy, backup)
    for _ in range(published.KEEP):  # the backup is now older than every file noted
        with publishing(copy) as con:
            con.execute("CREATE OR REPLACE TABLE note_test AS SELECT random() AS x")
    shutil.copyfile(backup, copy)
    assert "differs from every published file" in _check(copy).stderr
    done = _etl("check", "--accept", "--db", str(copy))
    assert done.returncode == 0 and "integrity check passed" in done.stdout, done.stderr
    assert integrity.damage(copy) is None


def test_accept_refuses_a_file_that_is_not_a_warehouse(copy):
    _sqlite(copy)
    assert _etl("check", "--accept", "--db", str(copy)).returncode == 1
    assert "is not a DuckDB warehouse" in integrity.damage(copy)


def test_damage_after_the_app_started_is_found_on_the_next_run(copy, monkeypatch):
    """The check is cached per warehouse version: damage changes the version, so the next rerun finds it."""
    at = _start_app(copy, monkeypatch)
    assert not at.error and at.metric
    _zero_middle_block(copy)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error if "differs from every published file" in e.value]


def test_a_passing_failure_is_not_remembered_for_the_version(copy, tmp_path):
    """Damage is looked at again at the next run: a file away for a moment (another process's lock, a slow
    mount) shows the banner that once, and the page again as soon as the file is back, same version."""
    aside = tmp_path / "aside.duckdb"
    copy.rename(aside)
    assert "is missing" in startup.damage(copy, "version-1")
    aside.rename(copy)
    assert startup.damage(copy, "version-1") is None
