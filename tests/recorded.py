"""Replay recorded API responses (tests/fixtures/recorded) through an injected opener: no network."""
from __future__ import annotations

import io
import urllib.error
import urllib.request
from pathlib import Path

RECORDED = Path(__file__).parent / "fixtures" / "recorded"


class FakeWeb:
    """An opener for etl.connectors.http.Http: the first route whose text is in the URL answers.

    A route's answer is a recorded file name, bytes, an exception instance, or a list of those
    (one per call, the last repeating). Every request is kept for assertions.
    """

    def __init__(self, routes: dict[str, object]) -> None:
        self.routes = {key: (list(value) if isinstance(value, list) else [value]) for key, value in routes.items()}
        self.requests: list[tuple[urllib.request.Request, float]] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> bytes:
        self.requests.append((request, timeout))
        for fragment, answers in self.routes.items():
            if fragment in request.full_url:
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if isinstance(answer, BaseException):
                    raise answer
                return answer if isinstance(answer, bytes) else (RECORDED / str(answer)).read_bytes()
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found (no recorded response)", {}, io.BytesIO())

    @property
    def urls(self) -> list[str]:
        return [r.full_url for r, _ in self.requests]


def http_error(code: int) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://example.org", code, f"status {code}", {}, io.BytesIO())
