"""HDX (CKAN): `package_show` gives a dataset's resources; we download the ones asked for.

Response shape (CKAN action API): {"success": true, "result": {"name", "title",
"organization": {"title"}, "license_title", "metadata_modified",
"resources": [{"id", "name", "format", "url", "last_modified"}]}}.
"""
from __future__ import annotations

from pathlib import Path

from etl.connectors.cache import now_iso, safe_name, save_bytes
from etl.connectors.http import ConnectorError, Http, with_query

BASE = "https://data.humdata.org"
FORMATS = ("CSV", "XLSX", "XLS", "JSON", "GEOJSON")


def package(http: Http, dataset: str, base: str = BASE) -> dict:
    url = with_query(f"{base}/api/3/action/package_show", {"id": dataset})
    reply = http.get_json(url)
    if not isinstance(reply, dict) or not reply.get("success") or not isinstance(reply.get("result"), dict):
        error = reply.get("error") if isinstance(reply, dict) else None
        raise ConnectorError(f"{url}: HDX did not return dataset {dataset!r} ({error or 'no result'})")
    return reply["result"]


def choose(resources: list[dict], wanted: str | None) -> list[dict]:
    """Resources matching a name, id or format (case-insensitive); all tabular ones when none is given."""
    if wanted:
        key = wanted.lower()
        found = [r for r in resources if key in {str(r.get("name", "")).lower(), str(r.get("id", "")).lower(),
                                                   str(r.get("format", "")).lower()}]
    else:
        found = [r for r in resources if str(r.get("format", "")).upper() in FORMATS]
    return [r for r in found if r.get("url")]


def _file_name(resource: dict) -> str:
    name = resource["url"].rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    if "." not in name:
        name = f"{resource.get('name') or resource.get('id')}.{str(resource.get('format', 'csv')).lower()}"
    return safe_name(name)


def fetch(http: Http, cache_dir: Path, dataset: str, resource: str | None = None, base: str = BASE) -> list[Path]:
    """Download a dataset's resources into cache_dir/hdx/<dataset>/ with their citation."""
    meta = package(http, dataset, base)
    chosen = choose(meta.get("resources") or [], resource)
    if not chosen:
        formats = sorted({str(r.get("format")) for r in meta.get("resources") or []})
        raise ConnectorError(f"HDX dataset {dataset!r}: no resource matches {resource or 'a tabular format'} "
                             f"(formats: {', '.join(formats) or 'none'})")
    publisher = (meta.get("organization") or {}).get("title") or meta.get("dataset_source") or "HDX"
    paths = []
    for item in chosen:
        data = http.get(item["url"])
        paths.append(save_bytes(
            cache_dir / "hdx" / safe_name(dataset), _file_name(item), data,
            url=item["url"], fetched_at=now_iso(), publisher=publisher,
            title=f"{meta.get('title') or dataset}: {item.get('name') or _file_name(item)}",
            licence=meta.get("license_title"), published=item.get("last_modified") or meta.get("metadata_modified"),
        ))
    return paths
