"""Where the warehouse lives, how readers open it and how writers publish it.

Measured on this machine (DuckDB 2.0): a file open read-only in one process
blocks a writer in another, and the reverse. So a writer never opens the live
file: it copies it, writes the copy inside one transaction, CHECKPOINTs,
closes, and `os.replace`s the copy into place. Readers open short-lived
read-only connections; one that holds the old file keeps reading the old
inode until it closes. Writers take an exclusive lock so two loads cannot
race to publish.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse import published, versions
from warehouse.parquet import parquet_directories
from warehouse.schema import migrate

ENV_VAR = "DISPLACEMENT_DB"
DEFAULT_PATH = Path("data/warehouse.duckdb")
_TEMP_SUFFIX = ".publishing"
# DuckDB's buffer for a publish (the facts insert, the rollups): beyond it DuckDB spills to the private
# copy's .tmp folder, so a big load's memory stays at or below DuckDB's own read_csv (issue 23).
WRITER_MEMORY = os.environ.get("DISPLACEMENT_WRITER_MEMORY", "512MB")


class WarehouseMissing(FileNotFoundError):
    """Raised when a reader asks for a warehouse that has not been built yet."""


class WarehouseDamaged(RuntimeError):
    """Raised when a writer finds the live file is not one that was published: nothing is written over it."""


class WarehouseDiskFull(OSError):
    """Raised when a publish runs out of disk: the live file and every kept version are untouched, the
    private copy is removed, and the message says so in one line."""


_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
_FULL_WORDS = ("No space left", "File too large", "Disk quota exceeded")


def _is_full(error: BaseException) -> bool:
    return (isinstance(error, OSError) and error.errno in _FULL) or \
        (isinstance(error, duckdb.Error) and any(w in str(error) for w in _FULL_WORDS))


def _disk_full(path: Path, error: BaseException) -> WarehouseDiskFull:
    free = shutil.disk_usage(path.parent).free / (1 << 20)
    return WarehouseDiskFull(
        f"Out of disk space while publishing {path} ({free:,.0f} MB free; {type(error).__name__}: "
        f"{str(error).splitlines()[0][:120]}): the live warehouse and its kept versions are unchanged and "
        f"the private copy was removed. Free some space (or lower {versions.KEEP_ENV}) and run it again.")


def resolve_db_path(flag: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse path: the --db flag, then $DISPLACEMENT_DB, then data/warehouse.duckdb."""
    if flag:
        return Path(flag)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return DEFAULT_PATH


def warehouse_version(path: Path) -> str:
    """A token that changes whenever a new warehouse is published ('' if none).

    Each publish replaces the file, so inode and mtime change; caches key on this
    (one definition: warehouse.versions.identity, which the versions list notes too).
    """
    return versions.identity(path)


def copy_live(path: Path, destination: Path) -> str:
    """Copy the live warehouse to `destination` and return the warehouse_version of the bytes copied.

    The file is opened once and its token taken from that open file, so a publish that swaps in
    another file meanwhile cannot make the token name a version other than the one copied (a
    preview checks a copy and later commits naming this token as the version it saw).
    """
    with open(path, "rb") as source, open(destination, "wb") as target:
        token = versions.stat_identity(os.fstat(source.fileno()))
        shutil.copyfileobj(source, target, 1 << 20)
    return token


def connect_read(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with file access outside the warehouse disabled.

    Close it soon (use it in a `with` block): an open reader holds the file.
    """
    if not Path(path).exists():
        raise WarehouseMissing(f"No warehouse at {path}. Build it with `python -m etl build-reference`.")
    con = duckdb.connect(str(path), read_only=True, config={"threads": 2})
    try:
        # A view database over Parquet files (warehouse.parquet) may read its own directory, nothing else.
        allowed = parquet_directories(con)
        if allowed:
            con.execute("SET allowed_directories = ?", [allowed])
        con.execute("SET enable_external_access = false")
        _tables_of_later_releases(con)
    except BaseException:
        con.close()
        raise
    return con


def _tables_of_later_releases(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse published before migration 0006 has no area_members: readers see an empty one
    (a temporary table of this connection), so the queries run unchanged until it is next published."""
    have = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'area_members'").fetchone()[0]
    if not have:
        con.execute("CREATE TEMP TABLE area_members (area_pcode VARCHAR, member_pcode VARCHAR, note VARCHAR,"
                    " source_id VARCHAR, load_id INTEGER)")


@contextlib.contextmanager
def writer_lock(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Serialise publishers of one warehouse (across processes, and across threads of one process).

    `on_wait` is called once if another publisher holds the lock, before waiting for it
    (the dashboard says "another process is building the warehouse").
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def temp_files(path: Path) -> list[Path]:
    """Half-written copies left by a publisher that was killed."""
    return sorted(path.parent.glob(f".{path.name}.*{_TEMP_SUFFIX}*"))


def clean_stale_temp_files(path: Path) -> list[Path]:
    """Remove copies left by a killed publisher. Call with the writer lock held.

    A publisher killed with SIGKILL leaves its copy, the copy's `.wal` and, if
    DuckDB spilled to disk, the copy's `.tmp` folder: the glob catches all three,
    and folders are removed too (a bare unlink would fail on one and block
    every later load). The live file is never matched: its name has no
    leading dot.
    """
    removed = temp_files(path)
    for leftover in removed:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    return removed


@contextlib.contextmanager
def building_new(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[Path | None]:
    """Build a whole warehouse where none exists: yield a private path to build it in, publish it at once.

    Yields None when a warehouse is already there, which is what a process finds
    after waiting for another that was building it (two dashboards started at the
    same time build once). The body may publish to the private path many times
    (one load per file); only when it returns is the finished file moved onto
    `path` with os.replace, so readers see no warehouse, then the whole one.
    On any exception nothing is published and the private files are removed.
    """
    path = Path(path)
    with writer_lock(path, on_wait):
        if path.exists():
            yield None
            return
        clean_stale_temp_files(path)
        temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}{_TEMP_SUFFIX}")
        try:
            yield temp
            swap_in(temp, path)
        finally:
            clean_stale_temp_files(path)  # the private copy's own lock file, or all of it after a failure


@dataclass
class Receipt:
    """What a publish found and made, for a caller that previewed against an earlier version.

    `seen` is the warehouse_version the caller last checked against (its preview); `landed` is
    filled under the writer lock, before the body runs: the versions other publishers made since
    (newest first), which the body's work was therefore checked against. `version` is the version
    this publish made (None when it failed or published nothing).
    """

    seen: str | None = None
    landed: list[versions.Version] = field(default_factory=list)
    version: versions.Version | None = None


@contextlib.contextmanager
def publishing(path: Path, what: str | None = None, by: str | None = None, *, receipt: Receipt | None = None,
               on_wait: Callable[[], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to a private copy; publish it on success.

    The body runs inside one transaction, under the writer lock, on a copy of the
    file live when the lock was taken: two publishers run one after the other and
    the second starts from the first's result, so neither is lost. On any
    exception the copy is thrown away and the live warehouse is untouched. A live
    file that is not the one published (warehouse/published.py) is refused: a copy
    of a damaged file, published, would be noted as whole and the damage hidden.
    `receipt` (optional) says which versions landed since the caller's preview and
    which version this publish made; `on_wait` is called once if another publisher
    holds the lock.
    """
    path = Path(path)
    with writer_lock(path, on_wait):
        damaged = published.file_damage(path)
        if damaged:
            raise WarehouseDamaged(f"{damaged}. Nothing was written. {published.restore_hint(path)}")
        if receipt is not None and receipt.seen is not None:
            receipt.landed = versions.landed_since(path, receipt.seen)
        clean_stale_temp_files(path)
        temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}{_TEMP_SUFFIX}")
        con = None
        try:
            if path.exists():
                shutil.copyfile(path, temp)
            con = duckdb.connect(str(temp), config={"memory_limit": WRITER_MEMORY})
            migrate(con)
            con.execute("BEGIN")
            yield con
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
            made = swap_in(temp, path, what, by)
            if receipt is not None:
                receipt.version = made
        except BaseException as error:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            clean_stale_temp_files(path)
            if _is_full(error):
                raise _disk_full(path, error) from error
            raise


def swap_in(finished: Path, path: Path, what: str | None = None, by: str | None = None,
            number: int | None = None) -> versions.Version:
    """Publish a finished private file at `path`: note its size and sha256 beside it (warehouse/published.py),
    keep the file it replaces as a numbered version (warehouse/versions.py), then os.replace it in.
    Call with the writer lock held. `number`: the version's number on the primary, for a follower."""
    _fsync(finished)
    entry = published.record(path, finished, _note_name(path))
    version = versions.keep_live(path, finished, entry.sha256, what, by, number)
    os.replace(finished, path)
    _fsync(path.parent)
    return version


def restore_version(path: Path, number: int, by: str | None = None) -> versions.Version:
    """Make a kept version live again, itself as a publish (atomic, under the writer lock, listed as a new
    version, so the restore can be undone by restoring the version before it)."""
    path = Path(path)
    with writer_lock(path):
        source, version = versions.kept(path, number)
        if version.sha256 and published.file_sha256(source) != version.sha256:
            raise WarehouseDamaged(f"version {number}'s kept file differs from what was published: not restored")
        clean_stale_temp_files(path)
        temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}{_TEMP_SUFFIX}")
        try:
            shutil.copyfile(source, temp)
            return swap_in(temp, path, what=f"restore of version {number}", by=by)
        except OSError as error:
            if _is_full(error):
                raise _disk_full(path, error) from error
            raise
        finally:
            clean_stale_temp_files(path)


def note_as_published(path: Path) -> None:
    """Note the live file as published, as it is (a backup an officer restored on purpose)."""
    with writer_lock(path):
        published.record(path, path, _note_name(path))


def _note_name(path: Path) -> Path:
    """A private name for the note being written (a killed writer's is removed like its copy)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}{_TEMP_SUFFIX}.json")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
