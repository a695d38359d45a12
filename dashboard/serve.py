"""Serve the dashboard as `streamlit run dashboard/app.py` does, with its caches warmed as the process starts.

    python -m dashboard.serve [streamlit options]     # e.g. --server.port 8502 (make run, make serve-multi)

Why a launcher: Streamlit runs the app's script only when a viewer connects, so a
plain `streamlit run` could warm its caches (dashboard/warm.py) only once the first
viewer had already paid for their page. Here the warming thread starts in the same
process before the server does, waits for it to answer, and opens every page.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    from dashboard import warm

    warm.start(launcher=True)
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
