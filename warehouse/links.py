"""Which links the warehouse keeps and the dashboard draws: http:// and https:// only.

Why: a tidy file whose source_url was `javascript:window.x=5` loaded, and the
static snapshot's sources page drew it as a clickable link; a field office
opening the snapshot from disk would run it on click. A link is only ever a
web address. The load rejects any other value (the validator's `link` rule,
warehouse/validation.py), and every renderer draws a link only through
`web_link` as a second guard, for a value that got in some other way.

One pattern, read alike by DuckDB (RE2, the load's validation) and by Python
(`re`, every renderer): the scheme, then no space or control character.
`JaVaScRiPt:`, `java\tscript:`, `&#106;avascript:`, `data:`, `vbscript:` and
relative addresses (`/x`, `//host/x`, `x.html`) all fail it.
"""
from __future__ import annotations

import re

LINK_PATTERN = r"(?i)https?://[^\x00-\x20\x7f]+"
LINK_REASON = "not a web link (only http:// and https:// addresses are accepted)"
_LINK = re.compile(LINK_PATTERN)


def web_link(url: object) -> str | None:
    """The address, edge spaces trimmed, if it is an http(s) link; else None (draw it as no link at all)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if _LINK.fullmatch(url) else None
