"""Safe handling of files that people hand in (browser uploads).

A browser sends a file name the user's machine chose: it may hold folders
(`../../etc/x.csv`), a leading dot, control characters or be very long. The
upload page stores each file under a name made here, always inside its own
private folder, keeping a readable stem and the suffix the readers go by.

Names no browser sends (folders, '..', control characters) are refused
outright rather than cleaned: they only come from a crafted request. Symbolic
links are refused too: a link planted in the upload folder, or a dangling one
(which `exists()` reports as absent), would make the write land elsewhere,
e.g. on the warehouse. The command line is different: it loads whatever path
a data officer names.
"""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_NAME = 120
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


class UnsafePath(ValueError):
    """An upload name or folder that is refused; the message says why in one line."""


def refuse_hostile_name(name: str) -> None:
    """Refuse what only a crafted request sends: folders, '..', control characters, overlong names."""
    if not isinstance(name, str) or not name.strip():
        raise UnsafePath("empty file name")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UnsafePath("control characters (NUL, line breaks) in the file name")
    if "/" in name or "\\" in name or os.path.isabs(name):
        raise UnsafePath(f"{name[:80]!r}: a folder in the file name; send the file name only")
    if name.strip() in (".", ".."):
        raise UnsafePath(f"{name!r} is not a file name")
    if len(name.encode("utf-8")) > 1024:
        raise UnsafePath("file name longer than 1024 bytes")


def check_no_symlinks(base_dir: Path, path: Path) -> None:
    """Refuse if the upload folder, or `path` inside it, is a symbolic link (dangling ones included)."""
    base = Path(os.path.abspath(base_dir))
    if base.is_symlink():
        raise UnsafePath(f"{base} is a symbolic link; the upload folder must be a real folder")
    current = base
    for part in Path(os.path.abspath(path)).relative_to(base).parts:
        current = current / part
        if current.is_symlink():
            raise UnsafePath(f"{current.name} is a symbolic link; uploads never follow links")


def safe_name(name: str) -> str:
    """A file name with no folders, no control or shell characters and no leading dot."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" .") or "upload"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = suffix[:10].lower()
    stem = stem[: MAX_NAME - len(suffix) - 1].strip(" .") or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def safe_upload_path(base_dir: Path, name: str) -> Path:
    """Where to store an upload named `name`: inside base_dir, never over an existing file."""
    refuse_hostile_name(name)
    check_no_symlinks(Path(base_dir), Path(base_dir))
    base = Path(base_dir).resolve()
    clean = safe_name(name)
    candidate = base / clean
    stem, suffix = Path(clean).stem, Path(clean).suffix
    number = 1
    while os.path.lexists(candidate):  # lexists: a dangling link counts as taken
        number += 1
        candidate = base / f"{stem}-{number}{suffix}"
    if candidate.resolve().parent != base:  # belt and braces: never outside the folder
        raise UnsafePath(f"unsafe upload name {name!r}")
    return candidate


def open_upload(base_dir: Path, name: str):
    """Create the upload's file for writing; never follows a link, never overwrites.

    O_EXCL | O_NOFOLLOW closes the gap between choosing the name and writing:
    a link planted in between makes the open fail instead of writing through it.
    """
    target = safe_upload_path(base_dir, name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return target, os.fdopen(os.open(target, flags, 0o600), "wb")
