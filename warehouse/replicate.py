"""More than one host: the primary ships each published version to a folder or object storage, followers swap it in.

Why files and not a database cluster: a published warehouse is one immutable file with a sha256
(warehouse/published.py) and a number (warehouse/versions.py). Shipping it is a copy; following
it is a download, a checksum and the same swap a local publish does (warehouse.db.swap_in: fsync,
note, keep the replaced file as a version, os.replace). Readers on the follower see the old file,
then the whole new one, and the app notices the new inode at its next rerun: no restart.

Where to ship (`TARGET`, `SOURCE`): a folder (plain path or `file://`), or `s3://bucket/prefix` on any
S3-compatible store through fsspec/s3fs (credentials from the usual AWS variables or files; another
store's address with --endpoint-url / $DISPLACEMENT_S3_ENDPOINT). Layout at the target:

    v000012.duckdb ...   one file per version, written whole before it is listed
    manifest.json        {"warehouse", "versions": [{version, sha256, size, at, file, what, by}, ...]}, newest first

The manifest is written last and atomically (a folder: private file, fsync, os.replace; S3: one PUT,
which readers see whole or not at all), so a follower never reads a version that is not all there.
A follower downloads into a private `.part` file beside its warehouse and resumes it after a cut
link; a file whose sha256 differs from the manifest's is thrown away and never served.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from warehouse import published, versions
from warehouse.db import swap_in, writer_lock

MANIFEST = "manifest.json"
ENDPOINT_ENV = "DISPLACEMENT_S3_ENDPOINT"
INTERVAL_ENV, INTERVAL_DEFAULT = "DISPLACEMENT_FOLLOW_INTERVAL", 60.0
_CHUNK = 4 << 20


class SourceUnavailable(OSError):
    """The target or source could not be read or written (offline, no manifest, refused): one line says why."""


class VersionMismatch(ValueError):
    """A file's sha256 or size is not what its manifest or version list says: it is not shipped or served."""


class NothingPublished(LookupError):
    """The warehouse has no versions yet: there is nothing to ship."""


@dataclass(frozen=True)
class Shipped:
    """One version as the manifest lists it."""

    version: int
    sha256: str
    size: int
    at: str           # when it was published on the primary (UTC, ISO 8601)
    file: str         # its file's name beside the manifest
    what: str = ""
    by: str = ""


@dataclass
class PublishReport:
    """What one `publish-to` did."""

    target: str
    copied: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # versions not copied, and why (their file is no longer kept)
    newest: int | None = None                          # newest version at the target afterwards

    @property
    def message(self) -> str:
        done = (f"copied version{'s' if len(self.copied) > 1 else ''} {', '.join(map(str, self.copied))} to {self.target}"
                if self.copied else f"{self.target} is up to date")
        return f"{done} (newest there: {self.newest})" + "".join(f"; {s}" for s in self.skipped)


@dataclass(frozen=True)
class FollowResult:
    """What one look at the source did: 'updated', 'current' or 'behind' (the source has an older version)."""

    status: str
    serving: int | None   # the version this host serves afterwards
    source_newest: int
    message: str


def storage(url: str, endpoint_url: str | None = None) -> tuple[Any, str]:
    """(fsspec file system, root path) for a folder, `file://` URL or `s3://bucket/prefix`.

    The endpoint: the argument, then $DISPLACEMENT_S3_ENDPOINT, then the store's own default (AWS).
    """
    import fsspec

    endpoint = endpoint_url or os.environ.get(ENDPOINT_ENV) or None
    options: dict[str, Any] = {"skip_instance_cache": True}  # a follower looks again: never an old listing
    if str(url).startswith(("s3://", "s3a://")):
        options["use_listings_cache"] = False
        if endpoint:
            options["endpoint_url"] = endpoint
    fs, root = fsspec.core.url_to_fs(str(url), **options)
    return fs, root.rstrip("/")


def _is_local(fs: Any) -> bool:
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)


def _unreachable(what: str, url: str, error: BaseException) -> SourceUnavailable:
    first = (str(error).strip().splitlines() or [""])[0][:160]
    return SourceUnavailable(f"cannot {what} {url} ({type(error).__name__}: {first})")


def read_manifest(fs: Any, root: str) -> list[Shipped]:
    """The versions at a target, newest first ([] when it has no manifest yet)."""
    try:
        text = fs.cat_file(f"{root}/{MANIFEST}")
    except FileNotFoundError:
        return []
    data = json.loads(text)
    return [Shipped(**entry) for entry in data["versions"]]


def _write_whole(fs: Any, dest: str, source: IO[bytes]) -> None:
    """Write `source` to `dest` so that readers see no file or the whole file, never part of one."""
    if _is_local(fs):
        fs.makedirs(os.path.dirname(dest), exist_ok=True)
        scratch = os.path.join(os.path.dirname(dest), f".{os.path.basename(dest)}.{uuid.uuid4().hex}.part")
        try:
            with open(scratch, "wb") as out:
                while chunk := source.read(_CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(scratch, dest)
        finally:
            if os.path.exists(scratch):
                os.unlink(scratch)
        fd = os.open(os.path.dirname(dest), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return
    with fs.open(dest, "wb") as out:  # an object store makes the object visible only when the upload completes
        while chunk := source.read(_CHUNK):
            out.write(chunk)


def _sha256(handle: IO[bytes]) -> str:
    handle.seek(0)
    digest = hashlib.file_digest(handle, "sha256").hexdigest()
    handle.seek(0)
    return digest


def _open_version(db: Path, version: versions.Version, live: int) -> IO[bytes] | None:
    """An open handle on a version's file whose bytes are that version's (None when no such file is kept).

    The live version's file may be replaced by a publish while we look; the file it was is then kept
    under its number (a hard link), so a mismatch on the live path is retried there once.
    """
    candidates = [versions.file_of(db, version.number)]
    if version.number == live:
        candidates.insert(0, db)
    for candidate in candidates:
        try:
            handle = open(candidate, "rb")
        except FileNotFoundError:
            continue
        if not version.sha256 or _sha256(handle) == version.sha256:
            return handle
        handle.close()
    return None


def publish_to(db: Path, target: str, endpoint_url: str | None = None) -> PublishReport:
    """Copy every published version newer than the target's newest (whose file is still kept) to `target`,
    oldest first, then write the manifest. Running it again copies nothing."""
    db = Path(db)
    noted = versions.listing(db)
    if not noted:
        raise NothingPublished(f"{db} has no published versions yet: load or build it first")
    fs, root = storage(target, endpoint_url)
    try:
        shipped = read_manifest(fs, root)
    except Exception as error:  # any failure to reach the store is "unavailable", with its reason
        raise _unreachable("read the manifest at", target, error) from error
    newest_there = max((s.version for s in shipped), default=0)
    report = PublishReport(target, newest=newest_there or None)
    new: list[Shipped] = []
    for version in reversed([v for v in noted if v.number > newest_there]):
        handle = _open_version(db, version, noted[0].number)
        if handle is None:
            report.skipped.append(f"version {version.number}: its file is no longer kept")
            continue
        with handle:
            sha = version.sha256 or _sha256(handle)
            name = f"v{version.number:06d}.duckdb"
            try:
                _write_whole(fs, f"{root}/{name}", handle)
            except Exception as error:
                raise _unreachable(f"write version {version.number} to", target, error) from error
            size = os.fstat(handle.fileno()).st_size
        new.append(Shipped(version.number, sha, size, version.at, name, version.what, version.by))
        report.copied.append(version.number)
    if new:
        listed = sorted(new + shipped, key=lambda s: s.version, reverse=True)
        body = json.dumps({"warehouse": db.name, "written": _now(), "versions": [asdict(s) for s in listed]},
                          indent=1).encode("utf-8")
        try:
            _write_manifest(fs, root, body)
        except Exception as error:
            raise _unreachable("write the manifest at", target, error) from error
        report.newest = listed[0].version
    return report


def _write_manifest(fs: Any, root: str, body: bytes) -> None:
    _write_whole(fs, f"{root}/{MANIFEST}", io.BytesIO(body))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _part_name(db: Path, shipped: Shipped) -> Path:
    return db.with_name(f".{db.name}.follow-v{shipped.version:06d}-{shipped.sha256[:12]}.part")


def _download(fs: Any, root: str, shipped: Shipped, part: Path) -> None:
    """Fetch a version's file into `part`, resuming what an earlier, cut download left there."""
    have = part.stat().st_size if part.exists() else 0
    if have > shipped.size:
        part.unlink()
        have = 0
    if have < shipped.size:
        with fs.open(f"{root}/{shipped.file}", "rb") as source, open(part, "ab") as out:
            source.seek(have)
            while chunk := source.read(_CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())


def follow_once(db: Path, source: str, endpoint_url: str | None = None) -> FollowResult:
    """Look at the source once: if its newest version is not the one served here, fetch it, check its
    size and sha256, and swap it in as a local publish does. Raises SourceUnavailable when the source
    cannot be read and VersionMismatch when what arrived is not what the manifest lists; in both cases
    the live file is untouched."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    fs, root = storage(source, endpoint_url)
    try:
        shipped = read_manifest(fs, root)
    except Exception as error:
        raise _unreachable("read", source, error) from error
    if not shipped:
        raise SourceUnavailable(f"cannot read {source}: no {MANIFEST} there yet (run publish-to on the primary)")
    newest, here = shipped[0], versions.listing(db)
    serving = here[0].number if here else None
    live = published.entries(db)
    if db.exists() and live and live[0].sha256 == newest.sha256:
        return FollowResult("current", serving, newest.version, f"serving version {serving}, the newest at {source}")
    if serving is not None and serving > newest.version:
        return FollowResult("behind", serving, newest.version,
                            f"{source} has version {newest.version}, older than version {serving} served here: "
                            f"keeping {serving}")
    part = _part_name(db, newest)
    for stale in db.parent.glob(f".{db.name}.follow-*.part"):
        if stale != part:
            stale.unlink(missing_ok=True)  # a version superseded before it had all arrived
    try:
        _download(fs, root, newest, part)
    except Exception as error:
        raise _unreachable(f"fetch version {newest.version} from", source, error) from error
    _verify(part, newest, source, serving)
    with writer_lock(db):
        made = swap_in(part, db, what=f"version {newest.version} from {source}: {newest.what}".rstrip(": "),
                       by=newest.by or None, number=newest.version)
    return FollowResult("updated", made.number, newest.version,
                        f"now serving version {made.number} from {source} (was {serving if serving else 'none'})")


def _verify(part: Path, shipped: Shipped, source: str, serving: int | None) -> None:
    size = part.stat().st_size
    sha = published.file_sha256(part) if size == shipped.size else ""
    if sha != shipped.sha256:
        part.unlink(missing_ok=True)
        got = f"sha256 {sha[:12]}…" if sha else f"{size:,} bytes"
        raise VersionMismatch(f"version {shipped.version} from {source} arrived as {got}, the manifest says "
                              f"{shipped.size:,} bytes, sha256 {shipped.sha256[:12]}…: thrown away, still serving "
                              f"version {serving if serving else 'none'}")


def interval(flag: float | None = None) -> float:
    """Seconds between looks at the source: the flag, then $DISPLACEMENT_FOLLOW_INTERVAL, then 60."""
    if flag is not None:
        return flag
    return float(os.environ.get(INTERVAL_ENV) or INTERVAL_DEFAULT)


def follow(db: Path, source: str, *, every: float, once: bool = False, endpoint_url: str | None = None,
           say: Callable[[str, bool], None] = lambda line, error: None,
           sleep: Callable[[float], None] = time.sleep) -> int:
    """Follow the source: look, swap in what is new, wait `every` seconds, again; `once` looks once.

    A source that is offline, or a file that arrives damaged, is one line (`say(line, True)`) and the
    next look retries; the live file keeps being served meanwhile. Returns the exit code of the last
    look (0 fine, 1 the source could not be followed), which only `once` returns to its caller.
    """
    last = None
    while True:
        try:
            result = follow_once(db, source, endpoint_url)
            if result.status != "current" or last in (None, "failed"):  # "still current" is not repeated
                say(result.message, False)
            last, code = result.status, 0
        except (SourceUnavailable, VersionMismatch) as error:
            serving = versions.live_number(Path(db))
            retry = "" if once else f"; retrying in {every:g} s"
            say(f"{error}; still serving version {serving if serving else 'none'}{retry}"
                if isinstance(error, SourceUnavailable) else f"{error}{retry}", True)
            last, code = "failed", 1
        if once:
            return code
        sleep(every)
