"""Downloads land in a cache folder, each with a sidecar naming its URL and fetch time."""
from __future__ import annotations

import csv
import re
from datetime import datetime, timezone
from pathlib import Path

from etl.sources import sidecar


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def safe_name(text: str) -> str:
    """A file name from a dataset or resource name (no folders, no odd characters)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:120] or "download"


def save_bytes(folder: Path, name: str, data: bytes, **citation) -> Path:
    """Write a download atomically and record where it came from (url, fetched_at, publisher, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe_name(name)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    sidecar.write(target, **citation)
    return target


def save_tagged_csv(folder: Path, name: str, header: list[str], hashtags: list[str], rows: list[list[object]],
                    **citation) -> Path:
    """Write API records as an HXL-tagged CSV, which the generic `hxl` reader loads."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe_name(name)
    partial = target.with_name(target.name + ".part")
    with open(partial, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows([header, hashtags, *rows])
    partial.replace(target)
    sidecar.write(target, **citation)
    return target
