"""A small HTTP client for the connectors: timeouts, retries with back-off, one-line errors.

The transport (`opener`) is injectable so tests replay recorded responses and
never touch the network; the default uses urllib from the standard library.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

USER_AGENT = "displacement-dashboard-etl/0.1 (+https://github.com/)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
Opener = Callable[[urllib.request.Request, float], bytes]


class ConnectorError(Exception):
    """A download failed for good; the message names the URL and why, on one line."""


def urllib_opener(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https URLs from the manifest)
        return response.read()


def with_query(url: str, params: dict | None) -> str:
    """The URL with its query parameters, in a stable order (the cache key and the cited URL)."""
    if not params:
        return url
    clean = {k: ("true" if v is True else "false" if v is False else v) for k, v in params.items() if v is not None}
    return f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(sorted(clean.items()))}"


@dataclass
class Http:
    opener: Opener = urllib_opener
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, url: str, headers: dict[str, str] | None = None) -> bytes:
        """GET with up to `retries` retries on timeouts, connection errors, 429 and 5xx."""
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **self.headers, **(headers or {})})
        for attempt in range(self.retries + 1):
            try:
                return self.opener(request, self.timeout)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUS or attempt == self.retries:
                    raise ConnectorError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                if attempt == self.retries:
                    reason = getattr(exc, "reason", exc)
                    raise ConnectorError(f"{url}: {reason} (after {self.retries + 1} attempts)") from exc
            self.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    def get_json(self, url: str, headers: dict[str, str] | None = None) -> object:
        data = self.get(url, headers)
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ConnectorError(f"{url}: the response is not JSON ({exc})") from exc
