"""The upload → preview → commit/cancel steps of the data-officer page.

Uploaded bytes are written to a private folder (mode 0700, one per browser
session) under names from etl.safety; nothing reaches the warehouse before
Commit, and Cancel deletes the folder. A preview is computed once per set of
files, formats, warehouse version and filters, and kept in the session.

Two officers committing at the same moment: each load takes the writer lock in
turn and is validated against whatever is live then (etl.load.load_file), so
both land, neither overwrites the other. A commit names the warehouse version
its preview saw; when another load landed since, the confirmation says that
this one came after it and was checked again (the preview on screen is not
redone under the officer's hand at the moment of the click).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.column_mapper import column_mapper, mapped_kind
from dashboard.components import plain
from dashboard.filters import current
from dashboard.i18n import _, isolate, separator
from etl import preview as previewing
from etl import sources
from etl.load import MAX_FILE_BYTES
from etl.safety import open_upload
from etl.sources.base import ReadError
from warehouse import warehouse_version

SUFFIXES = ["csv", "xlsx", "json", "geojson", "topojson"]
LIMIT_ENV = "DISPLACEMENT_UPLOAD_MAX_MB"
FOLDER_PREFIX = "displacement-upload-"
STALE_SECONDS = 24 * 3600
HISTORY_PICK = "_history_pick"
STAGES = {"reading": 0.1, "waiting": 0.2, "validating": 0.35, "writing": 0.6, "publishing": 0.9}
COMMIT_KEY = "officer_commit"
_NONCE, _FOLDER, _SAVED, _PREVIEW, _RESULTS = (
    "_upload_nonce", "_upload_folder", "_upload_saved", "_upload_preview", "_upload_results")


@dataclass(frozen=True)
class StagedFile:
    """One uploaded file as saved in the private folder."""

    name: str        # as the browser sent it
    path: Path       # where it is saved (safe name)
    sha256: str
    size: int
    detected: str | None
    problem: str = ""  # why it cannot even be read (recognition failed)


def limit_bytes() -> int:
    """The smaller of Streamlit's server.maxUploadSize, $DISPLACEMENT_UPLOAD_MAX_MB and the ETL's limit."""
    server_mb = int(st.get_option("server.maxUploadSize") or 200)
    app_mb = int(os.environ.get(LIMIT_ENV) or server_mb)
    return min(server_mb * 2**20, app_mb * 2**20, MAX_FILE_BYTES)


def uploader() -> list:
    nonce = st.session_state.setdefault(_NONCE, 0)
    return st.file_uploader(
        "Files to load (CSV, Excel, JSON, GeoJSON)", type=SUFFIXES, accept_multiple_files=True,
        key=f"officer_upload_{nonce}",
        help=f"Up to {limit_bytes() // 2**20} MB a file. Nothing is written before you press Commit.",
    ) or []


def _folder() -> Path:
    """This session's private folder; stale folders of closed sessions are removed on the way."""
    existing = st.session_state.get(_FOLDER)
    if existing and Path(existing).is_dir():
        return Path(existing)
    _remove_stale_folders()
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))  # created 0700
    st.session_state[_FOLDER] = str(folder)
    return folder


def _remove_stale_folders() -> None:
    for old in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            if old.is_dir() and time.time() - old.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue


def _detect(path: Path) -> tuple[str | None, str]:
    try:
        return sources.detect(path).KIND, ""
    except ReadError as exc:
        return None, str(exc)


def staged_files(uploaded: list) -> list[StagedFile]:
    """Save each new upload once (keyed by Streamlit's file id); refuse files over the limit."""
    saved: dict[str, StagedFile] = st.session_state.setdefault(_SAVED, {})
    out, limit = [], limit_bytes()
    for item in uploaded:
        if item.size > limit:
            st.error(f"{plain(item.name)}: {item.size / 2**20:.1f} MB is over the {limit // 2**20} MB limit; not saved.")
            continue
        if item.file_id not in saved:
            data = item.getvalue()
            try:  # refuses names with folders, '..' or control characters, and symbolic links
                path, handle = open_upload(_folder(), item.name)
            except (ValueError, OSError) as exc:
                st.error(f"{plain(item.name[:80])}: not saved ({plain(exc)}).")
                continue
            with handle:
                handle.write(data)
            detected, problem = _detect(path)
            saved[item.file_id] = StagedFile(item.name, path, hashlib.sha256(data).hexdigest(), len(data), detected, problem)
        out.append(saved[item.file_id])
    return out


def choose_kinds(staged: list[StagedFile], db_path: Path) -> list[tuple[StagedFile, str | None]]:
    """Show the recognised format of each file with a select to override it."""
    kinds = list(sources.kinds())
    st.subheader("1. Format")
    chosen = []
    for item in staged:
        cols = st.columns([3, 2])
        cols[0].markdown(f"**{plain(item.name)}** · {item.size / 1024:,.0f} KB · sha256 {item.sha256[:12]}…")
        detected = item.detected or mapped_kind(item.sha256)
        if detected and detected in kinds:
            cols[0].caption(f"Recognised as {detected}: {plain(sources.kinds()[detected])}")
        else:
            cols[0].caption(plain(item.problem) + " Choose its format on the right, or map its columns below.")
        kind = cols[1].selectbox("Read as", kinds, index=kinds.index(detected) if detected in kinds else None,
                                 key=f"kind_{item.sha256}_{st.session_state.get(_NONCE, 0)}_{detected or ''}",
                                 placeholder="Choose a format")
        if not detected and kind is None:
            column_mapper(item.name, item.path, item.sha256, db_path)
        chosen.append((item, kind))
    if "_mapper_saved" in st.session_state:
        st.success(plain(st.session_state.pop("_mapper_saved")))
    return chosen


def current_preview(chosen: list[tuple[StagedFile, str | None]], db_path: Path) -> previewing.Preview:
    """The batch's preview, recomputed only when files, formats, warehouse or filters change."""
    filters = current()
    signature = (tuple((s.sha256, k) for s, k in chosen), warehouse_version(db_path), filters)
    kept = st.session_state.get(_PREVIEW)
    if kept and (kept[0] == signature or _committing_what_was_shown(kept[0], signature)):
        return kept[1]
    with st.spinner("Checking the files against the warehouse (nothing is written)…"):
        result = previewing.preview([(s.path, k) for s, k in chosen], db_path, filters)
    st.session_state[_PREVIEW] = (signature, result)
    return result


def _committing_what_was_shown(kept: tuple, now: tuple) -> bool:
    """The click on Commit reruns the page: keep the preview the officer saw, even when another load
    landed meanwhile, so the commit says it followed that load instead of silently previewing anew."""
    return bool(st.session_state.get(COMMIT_KEY)) and kept[0] == now[0] and kept[2] == now[2]


def _number(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:,.0f}"


def show_preview(result: previewing.Preview) -> None:
    st.subheader("2. Preview: what would happen")
    for item in result.files:
        report = item.report
        name = Path(report.file).name
        if report.status == "failed":
            st.error(plain(report.message))
            continue
        if report.status == "unchanged":
            st.info(plain(f"{name}: already loaded as load {report.load_id} (same file); loading it again changes nothing."))
            continue
        replaced = f", replacing the earlier version of this file (load {report.replaced_load_id})" \
            if report.replaced_load_id else ""
        st.success(plain(f"{name} as {report.kind}: {report.rows_loaded:,} rows will load, "
                         f"{report.rows_rejected:,} will be rejected{replaced}."))
        if not item.rejects.empty:
            st.caption(f"Rows that will be rejected in {plain(name)} (sheet, row, column, reason):")
            st.dataframe(item.rejects, hide_index=True, width="stretch")
    st.markdown("**Headline figures, before and after**")
    shown = result.headlines.assign(**{c: result.headlines[c].map(_number) for c in ("before", "after", "change")})
    st.dataframe(shown, hide_index=True, width="stretch")
    st.markdown("**Rows per table, before and after**")
    st.dataframe(result.tables[result.tables["change"] != 0], hide_index=True, width="stretch")


def commit_or_cancel(result: previewing.Preview, chosen: list[tuple[StagedFile, str | None]], db_path: Path) -> None:
    st.subheader("3. Commit or cancel")
    cols = st.columns(2)
    blocked = not result.ok or not result.changes_anything
    if not result.ok:
        st.warning("A file cannot be read: remove it or choose its format before committing.")
    commit = cols[0].button("Commit: write to the warehouse", type="primary", disabled=blocked, key=COMMIT_KEY)
    if cols[1].button("Cancel: discard these files", key="officer_cancel"):
        reset()
        st.session_state[_RESULTS] = [("success", "Cancelled: the uploaded files were deleted; nothing was written.")]
        st.rerun()
    if commit:
        st.session_state[_RESULTS] = _commit(chosen, db_path, result)
        reset()
        st.rerun()


def _commit(chosen: list[tuple[StagedFile, str | None]], db_path: Path,
            previewed: previewing.Preview) -> list[tuple[str, str]]:
    """Load each file atomically, places first, with a progress bar fed by load_file's stages.

    Each load names the version it expects to follow (the preview's, then this batch's own last
    publish), so a load another officer published in between is named in the confirmation."""
    ordered = previewing.load_order([(s.path, k) for s, k in chosen])
    bar = st.progress(0.0, text="Starting…")
    messages, seen = [], previewed.warehouse_version
    expected = {item.report.file: item.report for item in previewed.files}
    for index, (path, kind) in enumerate(ordered):
        def progress(stage: str, index=index, path=path) -> None:
            share = (index + STAGES.get(stage, 0.0)) / len(ordered)
            text = _("{file}: waiting for another load to finish").format(file=isolate(path.name)) \
                if stage == "waiting" else f"{path.name}: {stage}"
            bar.progress(min(share, 1.0), text=text)
        report = auth.load_as_officer(path, db_path, kind=kind, progress=progress, seen=seen)
        messages.append(("error" if report.status == "failed" else "success", report.message))
        if report.followed:
            messages.append(("info", followed_note(report, expected.get(report.file))))
        seen = report.version_token or (report.followed[0]["token"] if report.followed else seen)
        if report.status == "loaded":
            st.session_state[HISTORY_PICK] = report.load_id  # the history tab opens on the new load
    bar.progress(1.0, text="Done")
    return messages


def _version_phrase(version: dict) -> str:
    if version.get("by"):
        return _("version {number} ({what}, by {by})").format(
            number=version["number"], what=isolate(version["what"]), by=isolate(version["by"]))
    return _("version {number} ({what})").format(number=version["number"], what=isolate(version["what"]))


def followed_note(report, previewed) -> str:
    """One line for a load that ran after other publishes landed since its preview: which, and what
    that changed for this file (checked again; not loaded twice; other counts than the preview said)."""
    versions = separator().join(_version_phrase(v) for v in report.followed)
    name = isolate(Path(report.file).name)
    if report.status == "unchanged":
        return _("{file}: not loaded a second time: it was already loaded in {versions}, which landed while you "
                 "were committing.").format(file=name, versions=versions)
    note = _("{file}: loaded after {versions}, which landed while you were committing; the file was checked again "
             "against the new warehouse.").format(file=name, versions=versions)
    if report.status == "loaded" and previewed is not None and previewed.status == "loaded" \
            and (previewed.rows_loaded, previewed.rows_rejected) != (report.rows_loaded, report.rows_rejected):
        note += " " + _("The preview said {before} rows would load and {before_rejected} would be rejected; "
                        "{after} loaded and {after_rejected} were rejected.").format(
            before=f"{previewed.rows_loaded:,}", before_rejected=f"{previewed.rows_rejected:,}",
            after=f"{report.rows_loaded:,}", after_rejected=f"{report.rows_rejected:,}")
    return note


def reset() -> None:
    """Forget the uploads and delete their folder (commit done, or cancel)."""
    folder = st.session_state.pop(_FOLDER, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    for key in (_SAVED, _PREVIEW):
        st.session_state.pop(key, None)
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1


def results() -> None:
    """What the last commit or cancel did, shown once."""
    shown = {"error": st.error, "info": st.info, "success": st.success}
    for level, message in st.session_state.pop(_RESULTS, []):
        shown[level](plain(("✗ " if level == "error" else "") + message))
