"""IOM DTM API v2: IDPs present by admin 1 or admin 2 area and reporting date.

Endpoints https://dtmapi.iom.int/v2/IdpAdmin1Data and .../IdpAdmin2Data take
CountryName or Admin0Pcode, FromReportingDate, ToReportingDate, FromRoundNumber,
ToRoundNumber, and need a subscription key in the `Ocp-Apim-Subscription-Key`
header (read from the environment variable the manifest names). The reply is
{"isSuccess": true, "message": null, "result": [{"admin0Pcode", "admin1Name",
"admin1Pcode", "admin2Name", "admin2Pcode", "numPresentIdpInd", "reportingDate",
"roundNumber", "operation", ...}]}. Records are written as an HXL-tagged CSV
(an idp_stock per area and date) for the generic `hxl` reader.
"""
from __future__ import annotations

import os
from pathlib import Path

from etl.connectors.cache import now_iso, safe_name, save_tagged_csv
from etl.connectors.http import ConnectorError, Http, with_query

BASE = "https://dtmapi.iom.int/v2"
ENDPOINTS = {"admin1": "IdpAdmin1Data", "admin2": "IdpAdmin2Data"}
KEY_HEADER = "Ocp-Apim-Subscription-Key"


def _columns(level: str) -> list[tuple[str, str, str]]:
    cols = [("reportingDate", "Reporting date", "#date"), ("admin1Pcode", "Admin 1 P-code", "#adm1+code"),
            ("admin1Name", "Admin 1", "#adm1+name")]
    if level == "admin2":
        cols += [("admin2Pcode", "Admin 2 P-code", "#adm2+code"), ("admin2Name", "Admin 2", "#adm2+name")]
    return cols + [("numPresentIdpInd", "IDPs present", "#affected+idps"), ("roundNumber", "Round", "#round+code"),
                   ("operation", "Operation", "#operation+name")]


def records(http: Http, level: str, params: dict, key: str | None, base: str = BASE) -> tuple[list[dict], str]:
    if level not in ENDPOINTS:
        raise ConnectorError(f"DTM level {level!r} unknown; use one of {', '.join(ENDPOINTS)}")
    url = with_query(f"{base}/{ENDPOINTS[level]}", params)
    reply = http.get_json(url, {KEY_HEADER: key} if key else None)
    if not isinstance(reply, dict) or not reply.get("isSuccess") or not isinstance(reply.get("result"), list):
        message = reply.get("message") if isinstance(reply, dict) else None
        raise ConnectorError(f"{url}: DTM API refused the request ({message or 'no result'})")
    return [r for r in reply["result"] if isinstance(r, dict)], url


def fetch(http: Http, cache_dir: Path, level: str, params: dict, key_env: str = "DTM_SUBSCRIPTION_KEY",
          name: str | None = None, base: str = BASE) -> list[Path]:
    items, url = records(http, level, params, os.environ.get(key_env), base)
    columns = _columns(level)
    rows = [[str(item.get(k) or "")[:10] if k == "reportingDate" else item.get(k, "") for k, _, _ in columns]
            for item in items]
    label = name or f"dtm-{level}-" + "-".join(f"{v}" for _, v in sorted(params.items()))
    return [save_tagged_csv(
        cache_dir / "dtm", f"{safe_name(label)}.csv", [h for _, h, _ in columns], [t for _, _, t in columns], rows,
        url=url, fetched_at=now_iso(), publisher="IOM Displacement Tracking Matrix",
        title=f"DTM API v2 {ENDPOINTS[level]}",
    )]
