"""First start: `streamlit run dashboard/app.py` with no warehouse builds the reference one.

Why: most people (and Streamlit hosting) start the app this way, not with `make run`.
The warehouse path rule is unchanged (--db, then $DISPLACEMENT_DB, then
data/warehouse.duckdb): a path set on purpose that holds no file yet is a place the
user wants a warehouse, so the reference data is built there too, and the page says
where. The build is all or nothing and published with one os.replace; another
process (or another browser tab) starting at the same moment waits for it on the
warehouse's writer lock instead of building twice.

Every later start, and every change of warehouse version, checks the file
itself against what was published (warehouse.integrity.damage: size, sha256,
DuckDB header, a probe query). A damaged or missing warehouse is never
rebuilt from the reference data over the officers' loads, and never a
traceback: the page says what happened and the command that restores, and
shows nothing else. (Until publish keeps earlier versions there is no good
copy to serve instead.)
"""
from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from dashboard import i18n
from dashboard.data import db_path
from dashboard.i18n import N_, _
from etl.load import ReferenceBuildFailed, build_reference_if_missing
from warehouse import integrity, published, warehouse_version

BUILDING = N_("Building the reference warehouse from the bundled, cited data (first start only)…")


def ensure_warehouse() -> None:
    """Build the reference warehouse if there is none at the configured path, showing progress in the page."""
    path = db_path()
    if path.exists() or published.entries(path):  # published once: a missing file is damage, not a first start
        stop_if_damaged(path)
        return
    with st.status(_(BUILDING), expanded=True) as status:
        st.write(_("No warehouse at `{path}` yet: loading the reference data shipped in etl/reference/ there.").format(
            path=path))
        started = time.perf_counter()
        try:
            reports = build_reference_if_missing(
                path, progress=None,
                on_wait=lambda: st.write(_("Another process is building it: waiting for it to finish…")))
        except (ReferenceBuildFailed, OSError) as error:
            status.update(label=_("The reference warehouse could not be built"), state="error", expanded=True)
            st.error(_("{error} Build it by hand with `python -m etl build-reference --db {path}`.").format(
                error=i18n.isolate(error), path=path))
            return
        if reports is None:
            status.update(label=_("The reference warehouse is ready (built by another process)"), state="complete",
                          expanded=False)
            return
        for report in reports:
            st.write(i18n.isolate(report.message))  # the ETL's log line, as `python -m etl` prints it
        status.update(label=_("Reference warehouse built at {path} in {seconds} s").format(
            path=path, seconds=i18n.number(time.perf_counter() - started)), state="complete", expanded=False)


DAMAGED = "The warehouse cannot be shown: {what}."
EMPTY = "No figures are shown until a whole warehouse is back in place. Nothing was changed or lost by this page."


@st.cache_data(show_spinner=False, max_entries=64)
def _damage(path: str, version_token: str) -> str | None:
    """Checked once per warehouse version and process: 0.3 s on the 10 M-row warehouse (docs/reliability.md)."""
    try:
        return integrity.damage(Path(path))
    except OSError as exc:  # a folder in its place, unreadable, removed while we looked
        return f"{path} cannot be read ({exc.__class__.__name__}: {exc})"


def damage(path: Path, version_token: str) -> str | None:
    """What is wrong with the live warehouse (None if it is whole), checked once per version and process
    (the pages and the cache warmer, dashboard/warm.py, share the answer). Only a whole file's answer is
    kept: damage is looked at again at the next run, so a passing failure (another process holding a lock
    on the file for a moment) never outlives itself until the next publish."""
    found = _damage(str(path), version_token)
    if found:
        _damage.clear()
    return found


def stop_if_damaged(path: Path) -> None:
    """A banner naming what happened and how to restore, then an empty page, if the live file is damaged."""
    found = damage(path, warehouse_version(path))
    if not found:
        return
    st.error(DAMAGED.format(what=found) + " " + integrity.restore_hint(path))
    st.info(EMPTY)
    st.stop()
