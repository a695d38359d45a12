"""Safe handling of files that people hand in (browser uploads).

A browser sends a file name the user's machine chose: it may hold folders
(`../../etc/x.csv`), a leading dot, control characters or be very long. The
upload page stores each file under a name made here, always inside its own
private folder, keeping a readable stem and the suffix the readers go by.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_NAME = 120
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


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
    base = Path(base_dir).resolve()
    clean = safe_name(name)
    candidate = base / clean
    stem, suffix = Path(clean).stem, Path(clean).suffix
    number = 1
    while candidate.exists():
        number += 1
        candidate = base / f"{stem}-{number}{suffix}"
    if candidate.resolve().parent != base:  # belt and braces: never outside the folder
        raise ValueError(f"unsafe upload name {name!r}")
    return candidate
