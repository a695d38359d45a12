"""First start (dashboard/startup.py): two dashboards started at once on a missing warehouse build it
once, and both show it. Real processes, each running the app's entry point through AppTest."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from etl.load import REFERENCE_DIR, expand
from warehouse.db import temp_files, writer_lock
from warehouse.queries import admin

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
START = f"""
import json
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(APP)!r}, default_timeout=600)
at.run()
print(json.dumps({{
    "exceptions": [e.message for e in at.exception],
    "status": [s.label for s in at.status],
    "said": [str(m.value) for s in at.status for m in s.markdown],
    "metrics": {{m.label: m.value for m in at.metric}},
}}))
"""


def _waiting_on(lock: Path) -> int:
    """Processes blocked on the flock of this file (Linux /proc/locks lists waiters with '->')."""
    inode = f":{os.stat(lock).st_ino} "
    return sum(1 for line in Path("/proc/locks").read_text().splitlines() if "->" in line and inode in line + " ")


def test_two_dashboards_starting_at_once_build_the_warehouse_once(tmp_path):
    db = tmp_path / "data" / "warehouse.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISPLACEMENT_DB": str(db)}
    # Hold the writer lock while both start, so both reach it with no warehouse there: a real race, every run.
    with writer_lock(db):
        procs = [subprocess.Popen([sys.executable, "-c", START], cwd=ROOT, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        lock = db.with_name(db.name + ".lock")
        for _ in range(1200):
            if _waiting_on(lock) == 2 or any(p.poll() is not None for p in procs):
                break
            time.sleep(0.1)
        assert _waiting_on(lock) == 2, "both processes should be waiting for the lock"
        assert not db.exists()
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outs]
    runs = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]

    assert all(not r["exceptions"] for r in runs), runs
    labels = sorted(r["status"][0] for r in runs)
    assert labels[0].startswith(f"Reference warehouse built at {db} in ")
    assert labels[1] == "The reference warehouse is ready (built by another process)"
    assert all("Another process is building it: waiting for it to finish…" in r["said"] for r in runs)
    # both pages show the figures, the same ones
    displaced = [v for k, v in runs[0]["metrics"].items() if "newly displaced" in k.lower()]  # the landing page's
    assert runs[0]["metrics"] == runs[1]["metrics"] and displaced and displaced[0] != "—"  # headline is drawn
    # one build: each reference file loaded once, and no half-built copy left behind
    history = admin.load_history(db)
    assert sorted(history["file_name"]) == sorted(p.name for p in expand([REFERENCE_DIR]))
    assert set(history["loaded_by"]) == {"reference"}
    assert temp_files(db) == []
