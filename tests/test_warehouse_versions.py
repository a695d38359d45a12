"""Warehouse versions (warehouse/versions.py, warehouse/db.py): every publish is a numbered version,
the files it replaced are kept within the retention limits, a kept version can be made live again
(itself a publish, so it can be undone), and a publish that runs out of disk changes nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.load import load_file, rollback
from etl.synthetic import reliability
from warehouse import published, versions
from warehouse.db import WarehouseDamaged, restore_version, temp_files

ROOT = Path(__file__).resolve().parents[1]


def _three_publishes(tmp_path: Path) -> Path:
    """Locations, one displacement file, then a rollback of it: three versions."""
    db = tmp_path / "w.duckdb"
    assert load_file(reliability.locations(tmp_path), db, loaded_by="amal").status == "loaded"
    assert load_file(reliability.displacement(tmp_path, 5, 100).path, db, loaded_by="omar").status == "loaded"
    rollback(db, 2, by="amal")
    return db


def test_every_publish_is_a_version_and_the_replaced_files_are_kept(tmp_path):
    db = _three_publishes(tmp_path)
    noted = versions.listing(db)
    assert [v.number for v in noted] == [3, 2, 1]
    assert [(v.by, v.what) for v in noted] == [("amal", "rollback of load 2"),
                                               ("omar", "load 2 (synthetic_displacement.csv): loaded"),
                                               ("amal", "load 1 (synthetic_locations.csv): loaded")]
    assert [v.loads for v in noted] == [1, 2, 1]
    assert noted[0].sha256 == published.file_sha256(db) and noted[0].size == db.stat().st_size
    for older in noted[1:]:  # each kept file is the file that was live, byte for byte
        assert published.file_sha256(versions.file_of(db, older.number)) == older.sha256


def test_restore_makes_a_version_live_as_a_new_publish_that_can_be_undone(tmp_path):
    db = _three_publishes(tmp_path)
    before = versions.listing(db)
    made = restore_version(db, 2, by="leila")
    assert made.number == 4 and made.what == "restore of version 2" and made.by == "leila"
    assert published.file_sha256(db) == before[1].sha256 and made.loads == 2
    undo = restore_version(db, 3)
    assert published.file_sha256(db) == before[0].sha256 and undo.number == 5
    assert not temp_files(db)


def test_the_live_version_and_unknown_versions_are_refused_by_name(tmp_path):
    db = _three_publishes(tmp_path)
    with pytest.raises(versions.VersionUnavailable, match="version 3 is the live warehouse already"):
        restore_version(db, 3)
    with pytest.raises(versions.VersionUnavailable, match=r"no version 9 .*versions: 1, 2, 3"):
        restore_version(db, 9)


def test_retention_by_count_keeps_the_newest_files_and_lists_every_version(tmp_path, monkeypatch):
    monkeypatch.setenv(versions.KEEP_ENV, "1")
    db = _three_publishes(tmp_path)
    noted = versions.listing(db)
    assert [v.kept for v in noted] == [True, True, False]
    assert not versions.file_of(db, 1).exists() and versions.file_of(db, 2).exists()
    with pytest.raises(versions.VersionUnavailable, match="no longer kept"):
        restore_version(db, 1)


def test_retention_by_size_drops_files_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv(versions.MAX_MB_ENV, "0.001")  # smaller than any warehouse file
    db = _three_publishes(tmp_path)
    assert [v.kept for v in versions.listing(db)][1:] == [False, False]
    assert sorted(p.name for p in versions.folder(db).iterdir()) == ["versions.json"]


def test_a_damaged_kept_file_is_never_restored(tmp_path):
    db = _three_publishes(tmp_path)
    kept = versions.file_of(db, 1)
    os.chmod(kept, 0o644)
    with open(kept, "r+b") as handle:
        handle.seek(kept.stat().st_size // 2)
        handle.write(os.urandom(4096))
    live = published.file_sha256(db)
    with pytest.raises(WarehouseDamaged, match="version 1's kept file differs"):
        restore_version(db, 1)
    assert published.file_sha256(db) == live


def test_the_command_line_lists_and_restores(tmp_path):
    db = _three_publishes(tmp_path)
    runner = CliRunner()
    listed = json.loads(runner.invoke(main, ["versions", "--db", str(db), "--json"]).output)
    assert [v["number"] for v in listed] == [3, 2, 1] and listed[0]["what"] == "rollback of load 2"
    result = runner.invoke(main, ["restore", "2", "--db", str(db), "--by", "leila"])
    assert result.exit_code == 0 and "Version 2 is live again as version 4" in result.output
    assert "python -m etl restore 3" in result.output
    refused = runner.invoke(main, ["restore", "4", "--db", str(db)])
    assert refused.exit_code == 1 and "live warehouse already" in refused.output


@pytest.mark.parametrize(("columns", "tabled"), [(80, False), (200, True)])
def test_the_listing_is_a_table_on_a_wide_terminal_and_one_block_per_version_on_a_narrow_one(tmp_path, columns, tabled):
    """An 80-column terminal gets every field of a version readable (no column one letter wide)."""
    db = _three_publishes(tmp_path)
    shown = CliRunner().invoke(main, ["versions", "--db", str(db)], env={"COLUMNS": str(columns)}).output
    assert ("┃ number" in shown) == tabled
    assert "rollback of load 2" in shown and all(len(line) <= columns for line in shown.splitlines() if "┃" in line)
    if not tabled:
        assert any(line.startswith("number 3 · live · at ") for line in shown.splitlines())


FULL_DISK = """
import resource, signal, sys
from etl.load import load_file
from etl.synthetic import reliability
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a write past the limit fails with EFBIG instead of killing
db = Path(sys.argv[1])
big = reliability.displacement(db.parent / "big", 200_000, 10).path   # written before the limit is set
resource.setrlimit(resource.RLIMIT_FSIZE, (db.stat().st_size + 64 * 1024,) * 2)
report = load_file(big, db, loaded_by="omar")
print(report.status)
print(report.message)
"""


def test_a_publish_that_runs_out_of_disk_changes_nothing_and_says_so(tmp_path):
    db = tmp_path / "w.duckdb"
    assert load_file(reliability.locations(tmp_path), db).status == "loaded"
    (tmp_path / "big").mkdir()
    live, noted = published.file_sha256(db), versions.listing(db)
    done = subprocess.run([sys.executable, "-c", FULL_DISK, str(db)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    status, message = done.stdout.strip().splitlines()[:2]
    assert status == "failed" and "Out of disk space while publishing" in message, done.stdout
    assert "the live warehouse and its kept versions are unchanged" in message
    assert published.file_sha256(db) == live and versions.listing(db) == noted
    assert not temp_files(db)


def test_a_damaged_live_file_names_the_version_that_puts_it_right(tmp_path):
    db = _three_publishes(tmp_path)
    with open(db, "r+b") as handle:
        handle.seek(db.stat().st_size // 2)
        handle.write(os.urandom(4096))
    hint = published.restore_hint(db)
    assert f"python -m etl restore 2 --db {db}" in hint
    restore_version(db, 2)
    assert published.file_damage(db) is None
