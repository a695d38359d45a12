"""Connectors fetch sources that live online (HDX, UNHCR API, IOM DTM API) into a cache folder.

Each download is written next to a `<file>.source.json` sidecar (URL, fetch
time, publisher) so the figures loaded from it cite where and when they were
fetched. Only `python -m etl refresh` calls these; nothing runs at dashboard time.
"""
from __future__ import annotations

from pathlib import Path

from etl.connectors import dtm_api, hdx, unhcr_api
from etl.connectors.http import ConnectorError, Http

KINDS = ("hdx", "unhcr_api", "dtm_api")


def fetch(entry: dict, cache_dir: Path, http: Http) -> list[Path]:
    """Download what one manifest entry names; returns the files to load."""
    kind = entry.get("type")
    if kind == "hdx":
        return hdx.fetch(http, cache_dir, entry["dataset"], entry.get("resource"), entry.get("base", hdx.BASE))
    if kind == "unhcr_api":
        return unhcr_api.fetch(http, cache_dir, dict(entry.get("params") or {}), entry.get("name"),
                               entry.get("base", unhcr_api.BASE))
    if kind == "dtm_api":
        return dtm_api.fetch(http, cache_dir, entry.get("level", "admin1"), dict(entry.get("params") or {}),
                             entry.get("key_env", "DTM_SUBSCRIPTION_KEY"), entry.get("name"),
                             entry.get("base", dtm_api.BASE))
    raise ConnectorError(f"unknown source type {kind!r}; use one of: file, {', '.join(KINDS)}")


__all__ = ["ConnectorError", "Http", "KINDS", "fetch"]
