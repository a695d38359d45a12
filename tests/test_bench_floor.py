"""The browser bench's floor draws the same page as the dashboard, from a recording.

The check belongs to the bench (bench/floor_layout.py --check); this runs it as a
command, so the tests import nothing from bench/.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(["overview", "data", "refugees"])


def test_floor_pages_draw_what_the_dashboard_pages_drew(reference_db, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(reference_db, copy)
    done = subprocess.run(
        [sys.executable, "-m", "bench.floor_layout", "--check", "--out", str(tmp_path / "layouts"), "--pages", *PAGES],
        cwd=ROOT, env={**os.environ, "DISPLACEMENT_DB": str(copy)}, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(line.split(":")[0] for line in done.stdout.splitlines() if "draws the same page" in line) == PAGES
