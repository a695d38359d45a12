"""Where a downloaded file came from, kept next to it as `<file>.source.json`.

`python -m etl refresh` downloads files from HDX, the UNHCR API and the DTM API
into a cache folder. The file alone does not say which URL it came from or
when it was fetched, so the connector writes this small JSON beside it and the
ETL stamps every source of that file with the URL and fetch time. A file a data
officer copied by hand has no sidecar and keeps the citation its reader found.
"""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from etl.sources.base import ReadResult, SourceInfo

SUFFIX = ".source.json"


def path_for(data_path: Path) -> Path:
    return data_path.with_name(data_path.name + SUFFIX)


def write(data_path: Path, *, url: str, fetched_at: str, publisher: str | None = None,
          title: str | None = None, licence: str | None = None, published: str | None = None) -> Path:
    """Record where `data_path` was downloaded from (called by the connectors)."""
    record = {"url": url, "fetched_at": fetched_at, "publisher": publisher, "title": title,
              "licence": licence, "published": published}
    target = path_for(data_path)
    target.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def read(data_path: Path) -> dict | None:
    """The sidecar's record, or None when there is none or it is unreadable."""
    target = path_for(Path(data_path))
    if not target.is_file():
        return None
    try:
        record = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("url") else None


def _published(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def source_info(data_path: Path, fallback_publisher: str, fallback_title: str) -> SourceInfo | None:
    """A SourceInfo built from the sidecar alone (readers that find no citation in the file)."""
    record = read(data_path)
    if record is None:
        return None
    return SourceInfo(
        publisher=record.get("publisher") or fallback_publisher,
        title=record.get("title") or fallback_title,
        url=record["url"],
        licence=record.get("licence"),
        published=_published(record.get("published")),
        notes=f"downloaded from {record['url']} at {record.get('fetched_at')}",
    )


def apply(data_path: Path, result: ReadResult) -> ReadResult:
    """Stamp every source of a downloaded file with its URL and fetch time.

    The source_id depends on the URL, so the staged rows are re-keyed too.
    """
    record = read(data_path)
    if record is None:
        return result
    note = f"downloaded from {record['url']} at {record.get('fetched_at')}"
    renamed: dict[str, SourceInfo] = {}
    for info in result.sources:
        notes = f"{info.notes}; {note}" if info.notes and note not in info.notes else (info.notes or note)
        renamed[info.source_id] = replace(info, url=info.url or record["url"], notes=notes)
    for staged in result.tables:
        if "source_id" in staged.frame:
            staged.frame["source_id"] = staged.frame["source_id"].map(
                lambda sid: renamed[sid].source_id if sid in renamed else sid)
    result.sources = list({s.source_id: s for s in renamed.values()}.values())
    return result
