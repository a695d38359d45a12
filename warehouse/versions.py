"""Numbered versions of the warehouse: every publish is a version, and the files it replaced are kept.

Why hard links: the live file is never written after it is published (writers copy it, readers
open it read-only), so keeping the file a publish replaces costs one directory entry, not a copy:
`os.link(live, kept)` then `os.replace(new, live)` leaves the old inode under the version's name.
Where a link cannot be made (another file system), the file is copied.

The list (`<warehouse>.versions/versions.json`) is written like the published note: a private
file, fsync, os.replace, under the writer lock. Retention keeps the files of the last KEEP
versions and at most MAX_MB of them (flag, then $DISPLACEMENT_VERSIONS_KEEP /
$DISPLACEMENT_VERSIONS_MAX_MB, then the defaults); a version whose file was dropped stays listed,
without a file, so the history reads whole.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

KEEP_ENV, MAX_MB_ENV = "DISPLACEMENT_VERSIONS_KEEP", "DISPLACEMENT_VERSIONS_MAX_MB"
KEEP_DEFAULT = 10
_MIB = 1 << 20


class VersionUnavailable(LookupError):
    """Raised when a version asked for is not listed, or its file is no longer kept."""


@dataclass(frozen=True)
class Version:
    """One published state of the warehouse."""

    number: int
    at: str          # UTC, ISO 8601
    by: str          # who published it (the last load's officer, or who restored)
    what: str        # what the publish did, in one line
    loads: int       # loads live in it
    size: int
    sha256: str
    kept: bool = True  # its file is still in the versions folder (the live version is the live file)
    token: str = ""    # identity() of its file when it went live: how a preview names the version it checked


def identity(path: Path) -> str:
    """A token that changes whenever a new warehouse is published ('' if none): inode, mtime and size.

    Each publish os.replaces the file, so the inode changes even when the bytes do not (a restore);
    a rename keeps inode and mtime, so the token noted for a finished file is the live file's once
    it is swapped in."""
    try:
        return stat_identity(os.stat(path))
    except FileNotFoundError:
        return ""


def stat_identity(st: os.stat_result) -> str:
    """identity() from a stat already taken (of an open file, so the token names the bytes read)."""
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def table(noted: list[Version]) -> pd.DataFrame:
    """The versions as a listing shows them, newest first: the live one marked, sha256 shortened, 'yes'/'no'
    for a kept file (the command line and the officer page print this one table)."""
    frame = pd.DataFrame([asdict(v) for v in noted], columns=list(Version.__dataclass_fields__))
    frame = frame.assign(live=["live" if i == 0 else "" for i in range(len(frame))],
                         at=[_minute(at) for at in frame["at"]], size=[_megabytes(n) for n in frame["size"]],
                         sha256=frame["sha256"].str[:12], kept=["yes" if k else "no" for k in frame["kept"]])
    return frame[["number", "live", "at", "by", "what", "loads", "size", "sha256", "kept"]]


def _minute(at: str) -> str:
    """'2026-12-08 00:46 UTC' from the ISO time noted: short enough for a terminal's column."""
    try:
        return datetime.fromisoformat(at).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        return str(at)


def _megabytes(size: object) -> str:
    return f"{size / 1e6:,.1f} MB" if isinstance(size, (int, float)) and size == size else ""


def folder(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".versions")


def file_of(path: Path, number: int) -> Path:
    return folder(path) / f"v{number:06d}.duckdb"


def listing(path: Path) -> list[Version]:
    """Every version noted, newest first ([] before the first versioned publish)."""
    try:
        data = json.loads((folder(path) / "versions.json").read_text(encoding="utf-8"))
        return [Version(**entry) for entry in data["versions"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def live_number(path: Path) -> int | None:
    noted = listing(path)
    return noted[0].number if noted else None


def limits(keep: int | None = None, max_mb: float | None = None) -> tuple[int, float | None]:
    """(versions kept, MB kept at most): the flag, then the environment, then the default (10, no size limit)."""
    keep = keep if keep is not None else int(os.environ.get(KEEP_ENV) or KEEP_DEFAULT)
    raw = max_mb if max_mb is not None else os.environ.get(MAX_MB_ENV)
    return max(keep, 0), (float(raw) if raw not in (None, "") else None)


def describe(finished: Path) -> tuple[str, str, int]:
    """(who, what, live loads) of a finished warehouse file, read from its loads table."""
    try:
        with duckdb.connect(str(finished), read_only=True) as con:
            last = con.execute("SELECT load_id, file_name, loaded_by, status FROM loads "
                               "ORDER BY coalesce(finished_at, started_at) DESC, load_id DESC LIMIT 1").fetchone()
            live = con.execute("SELECT count(*) FROM loads WHERE status = 'loaded'").fetchone()[0]
    except duckdb.Error:
        return "", "", 0
    if last is None:
        return "", "empty warehouse", 0
    load_id, file_name, by, status = last
    return by or "", f"load {load_id} ({Path(file_name).name}): {status}", int(live)


def keep_live(path: Path, finished: Path, sha256: str, what: str | None = None, by: str | None = None,
              number: int | None = None) -> Version:
    """Before `finished` replaces the live file: keep the live file as its version's file, note the new
    version, apply retention. Call with the writer lock held, before os.replace.

    `number` is the version's number on the host it came from (a follower, warehouse/replicate.py), so both
    hosts name it alike; it is used only when it comes after the last one noted here (numbers only grow)."""
    path = Path(path)
    folder(path).mkdir(parents=True, exist_ok=True)
    noted = listing(path)
    if path.exists():
        if not noted:  # a warehouse from before versions: it becomes version 1
            noted = [Version(1, _mtime(path), "", "published before versions were kept", 0, path.stat().st_size, "",
                             token=identity(path))]
        _keep_file(path, file_of(path, noted[0].number))
    who, did, loads = describe(finished)
    following = (noted[0].number + 1) if noted else 1
    entry = Version(number if number is not None and number >= following else following,
                    datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    by or who or os.environ.get("USER", ""), what or did, loads, finished.stat().st_size, sha256,
                    token=identity(finished))
    _write(path, _retain(path, [entry] + noted))
    return entry


def landed_since(path: Path, seen: str) -> list[Version]:
    """The versions published after the one whose file was `seen` (an identity() token), newest first;
    [] while that file is still live.

    Why: two officers preview against the same version and commit at once; the second commit runs
    after the first under the writer lock and must say that it followed it. Call with the writer
    lock held, when the listing and the live file agree. A `seen` the listing does not name (no
    warehouse at preview time, or a version older than the list) yields the live version alone.
    """
    if identity(path) == seen:
        return []
    noted = listing(path)
    for index, version in enumerate(noted):
        if seen and version.token == seen:
            return noted[:index]
    return noted[:1]


def _mtime(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")


def _keep_file(live: Path, kept: Path) -> None:
    if kept.exists():
        return
    try:
        os.link(live, kept)
    except OSError:
        shutil.copyfile(live, kept)


def _retain(path: Path, noted: list[Version]) -> list[Version]:
    """Drop the files of the oldest versions past the count and size limits (the live one is never dropped)."""
    keep, max_mb = limits()
    out, total, files = [noted[0]], 0, 0
    for version in noted[1:]:
        kept_file = file_of(path, version.number)
        size = kept_file.stat().st_size if kept_file.exists() else 0
        stays = version.kept and kept_file.exists() and files < keep and \
            (max_mb is None or (total + size) / _MIB <= max_mb)
        if stays:
            files, total = files + 1, total + size
        else:
            kept_file.unlink(missing_ok=True)
        out.append(replace(version, kept=stays))
    return out


def _write(path: Path, noted: list[Version]) -> None:
    target = folder(path) / "versions.json"
    scratch = target.with_name(f".versions.{uuid.uuid4().hex}.json")
    with open(scratch, "w", encoding="utf-8") as handle:
        json.dump({"warehouse": Path(path).name, "versions": [asdict(v) for v in noted]}, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(scratch, target)


def kept(path: Path, number: int) -> tuple[Path, Version]:
    """The file of a kept version and its entry; VersionUnavailable names what can be restored instead."""
    noted = listing(path)
    by_number = {v.number: v for v in noted}
    if number not in by_number:
        known = ", ".join(str(n) for n in sorted(by_number)) or "none"
        raise VersionUnavailable(f"no version {number} of {path} (versions: {known})")
    if number == noted[0].number:
        raise VersionUnavailable(f"version {number} is the live warehouse already")
    kept_path = file_of(path, number)
    if not by_number[number].kept or not kept_path.exists():
        raise VersionUnavailable(f"version {number}'s file is no longer kept (retention: the last "
                                 f"{limits()[0]} versions); kept: "
                                 + (", ".join(str(v.number) for v in noted[1:] if v.kept) or "none"))
    return kept_path, by_number[number]
