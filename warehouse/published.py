"""What was published: the size and sha256 of each warehouse file a publisher swapped in, noted beside it.

Why a small file beside the warehouse (`warehouse.duckdb.published.json`) and not
a table in it: a file cannot hold its own checksum (writing it changes the
file), and a damaged warehouse cannot be trusted to say what it should hold,
nor be read at all when it is badly damaged; the note beside it survives the
damage it reveals. It is written before the swap, atomically (a private copy,
fsync, os.replace), so a publisher killed between the note and the swap
leaves the previous file live, still listed: every file ever live is listed.
The last KEEP files are kept, newest first, so a backup copy of a recent
publish is recognised as whole.

Cost, measured (docs/reliability.md): sha256 reads 380 MB/s here, 0.2 s for
the 10 M-row warehouse (80 MB), 2.7 s per GB.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

SUFFIX = ".published.json"
KEEP = 10
DUCKDB_MAGIC = (8, b"DUCK")  # a DuckDB file says so at bytes 8-11 of its first block
_MIB = 1 << 20


@dataclass(frozen=True)
class Published:
    """One published warehouse file."""

    sha256: str
    size: int
    at: str  # UTC, ISO 8601


def manifest_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + SUFFIX)


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def entries(path: Path) -> list[Published]:
    """The files published at `path`, newest first ([] if none was noted, or the note cannot be read)."""
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
        return [Published(str(e["sha256"]), int(e["size"]), str(e["at"])) for e in data["published"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def record(path: Path, new_file: Path, scratch: Path) -> Published:
    """Note `new_file` (about to be swapped in at `path`) as published; `scratch` is a private name for the note."""
    entry = Published(file_sha256(new_file), new_file.stat().st_size,
                      datetime.now(timezone.utc).isoformat(timespec="seconds"))
    kept = [entry] + [e for e in entries(path) if e.sha256 != entry.sha256][:KEEP - 1]
    with open(scratch, "w", encoding="utf-8") as handle:
        json.dump({"warehouse": Path(path).name, "published": [asdict(e) for e in kept]}, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(scratch, manifest_path(path))
    return entry


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < _MIB else f"{n / _MIB:,.1f} MB ({n:,} bytes)"


def file_damage(path: Path) -> str | None:
    """What is wrong with the file at `path` as a file, in one sentence; None if it is one that was published.

    A missing file is damage only when one was published there (a first start has none).
    A file never noted (made before the note existed, or copied here by hand) is judged by
    its header only; warehouse.integrity.damage adds a probe query.
    """
    path = Path(path)
    noted = entries(path)
    if not path.exists():
        return f"the warehouse file {path} is missing (last published {noted[0].at})" if noted else None
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(DUCKDB_MAGIC[0] + len(DUCKDB_MAGIC[1]))
    if head[DUCKDB_MAGIC[0]:] != DUCKDB_MAGIC[1]:
        return f"{path} is not a DuckDB warehouse ({_size(size)}; it starts with {head!r})"
    if noted and size not in {e.size for e in noted}:
        return (f"{path} is {_size(size)} but {_size(noted[0].size)} was published on {noted[0].at}:"
                f" it was cut short or overwritten")
    if noted and file_sha256(path) not in {e.sha256 for e in noted}:
        return (f"{path} differs from every published file (sha256 of the last one, {noted[0].at}:"
                f" {noted[0].sha256[:12]}…): a block was damaged or overwritten")
    return None


def restore_hint(path: Path) -> str:
    """The command that puts a whole warehouse back: the newest kept version, else a backup or a rebuild."""
    from warehouse import versions

    kept = [v for v in versions.listing(path)[1:] if v.kept and versions.file_of(path, v.number).exists()]
    if kept:
        return (f"To put the last good version back: `python -m etl restore {kept[0].number} --db {path}`"
                f" (version {kept[0].number}, published {kept[0].at}; `python -m etl versions` lists them all).")
    return (f"To restore it, copy your last backup to {path} and run `python -m etl check --db {path}`"
            f" (`--accept` if that backup is older than the last {KEEP} publishes);"
            f" or move it aside, rebuild with `python -m etl build-reference --db {path}` and load your files again.")
