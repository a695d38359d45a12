"""A small HTTP client for the connectors: timeouts, retries with back-off, one-line errors.

The transport (`opener`) is injectable so tests replay recorded responses and
never touch the network; the default uses urllib from the standard library.
Retrying is tenacity's (exponential back-off, a stop after so many attempts,
an injectable sleep), not a hand-written loop; urllib3.Retry was the other
candidate, but it only retries inside urllib3's own pool and the opener here
is any callable (urllib by default, a recorded reply in tests).
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from etl.sources.text import JSON_ENCODING

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


def _transient(exc: BaseException) -> bool:
    """Worth another try: a timeout, a connection failure, 429 Too Many Requests or a 5xx."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in RETRY_STATUS
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError, OSError))


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
        attempts = Retrying(stop=stop_after_attempt(self.retries + 1), wait=wait_exponential(self.backoff),
                            retry=retry_if_exception(_transient), sleep=self.sleep)
        try:
            return attempts(self.opener, request, self.timeout)
        except RetryError as failed:  # every attempt failed on a transient error
            raise self._failure(url, failed.last_attempt.exception()) from failed.last_attempt.exception()
        except urllib.error.HTTPError as exc:  # a refusal that retrying will not change (404, 401, ...)
            raise self._failure(url, exc) from exc

    def _failure(self, url: str, exc: BaseException | None) -> ConnectorError:
        if isinstance(exc, urllib.error.HTTPError):
            return ConnectorError(f"{url}: HTTP {exc.code} {exc.reason}")
        return ConnectorError(f"{url}: {getattr(exc, 'reason', exc)} (after {self.retries + 1} attempts)")

    def get_json(self, url: str, headers: dict[str, str] | None = None) -> object:
        data = self.get(url, headers)
        try:
            return json.loads(data.decode(JSON_ENCODING))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ConnectorError(f"{url}: the response is not JSON ({exc})") from exc
