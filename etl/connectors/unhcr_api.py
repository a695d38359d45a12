"""UNHCR Population Statistics API (api.unhcr.org/population/v1/population/).

Each page is {"page": n, "maxPages": m, "total": [...], "items": [{"year",
"coo_name", "coo_iso", "coa_name", "coa_iso", "refugees", "asylum_seekers",
"returned_refugees", "idps", "returned_idps", "stateless", "ooc", "oip",
"hst"}]}; "-" marks a figure not broken down. All pages are fetched and
written as one HXL-tagged CSV (end-year stocks by year, origin and asylum),
which the generic `hxl` reader loads into `refugees`.
"""
from __future__ import annotations

from pathlib import Path

from etl.connectors.cache import now_iso, safe_name, save_tagged_csv
from etl.connectors.http import ConnectorError, Http, with_query
from etl.sources.cells import is_dash

BASE = "https://api.unhcr.org/population/v1/population/"
MAX_PAGES = 500
# API field -> (header, hashtag); the hashtags are what the hxl reader maps.
FIELDS = (
    ("year", "Year", "#date+year"),
    ("coo_iso", "Origin (ISO3)", "#country+code+origin"),
    ("coa_iso", "Asylum (ISO3)", "#country+code+asylum"),
    ("refugees", "Refugees", "#affected+refugees"),
    ("asylum_seekers", "Asylum-seekers", "#affected+asylum_seekers"),
    ("returned_refugees", "Returned refugees", "#affected+returned_refugees"),
    ("idps", "IDPs", "#affected+idps"),
    ("returned_idps", "Returned IDPs", "#affected+returned_idps"),
    ("stateless", "Stateless", "#affected+stateless"),
    ("ooc", "Others of concern", "#affected+others_of_concern"),
)


def _value(item: dict, key: str) -> object:
    value = item.get(key)
    return "" if value is None or is_dash(value) else value


def pages(http: Http, params: dict, base: str = BASE) -> tuple[list[dict], str]:
    """Every item of every page, and the URL of the first page (cited as the source)."""
    items: list[dict] = []
    first_url, page = with_query(base, {**params, "page": 1}), 1
    while page <= MAX_PAGES:
        url = with_query(base, {**params, "page": page})
        reply = http.get_json(url)
        if not isinstance(reply, dict) or not isinstance(reply.get("items"), list):
            raise ConnectorError(f"{url}: not a UNHCR population response (no 'items' list)")
        items += [i for i in reply["items"] if isinstance(i, dict)]
        if page >= int(reply.get("maxPages") or 1):
            return items, first_url
        page += 1
    raise ConnectorError(f"{base}: more than {MAX_PAGES} pages; narrow the query")


def fetch(http: Http, cache_dir: Path, params: dict, name: str | None = None, base: str = BASE) -> list[Path]:
    items, url = pages(http, params, base)
    rows = [[_value(item, key) for key, _, _ in FIELDS] for item in items]
    label = name or "unhcr-population-" + "-".join(f"{k}{v}" for k, v in sorted(params.items()))
    return [save_tagged_csv(
        cache_dir / "unhcr", f"{safe_name(label)}.csv", [h for _, h, _ in FIELDS], [t for _, _, t in FIELDS], rows,
        url=url, fetched_at=now_iso(), publisher="UNHCR", title="UNHCR Refugee Population Statistics Database (API)",
        licence="CC BY 4.0",
    )]
