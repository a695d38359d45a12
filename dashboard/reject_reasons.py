"""Why a row was rejected, in the language of the page (issue 21).

The warehouse keeps each reason as the ETL wrote it, in English (`rejects.reason`, what
`python -m etl rejects` prints and a data officer searches for); the Data page shows it
translated. A reason is one or more parts joined by "; " (warehouse/validation.py), each
made from a fixed sentence and the offending value. The table below matches each sentence
and keeps the value as read, isolated so it keeps its order in Arabic. A reason no pattern
knows is shown as written (tests/test_reject_reasons.py fails when an ETL check or a
validation rule has no pattern here)."""
from __future__ import annotations

import re

from dashboard import i18n
from dashboard.i18n import N_, _

# (what the ETL writes, as a pattern with the values it fills in; the sentence to show)
REASONS: tuple[tuple[str, str], ...] = (
    (r"missing value", N_("missing value")),
    (r"not a number: \* \(suppressed by publisher\)", N_("not a number: * (suppressed by publisher)")),
    (r"not a number: (?P<value>.*)", N_("not a number: {value}")),
    (r"negative count", N_("negative count")),
    (r"not a whole number", N_("not a whole number")),
    (r"not a date \(use YYYY-MM-DD\): (?P<value>.*)", N_("not a date (use YYYY-MM-DD): {value}")),
    (r"not an ISO 3166 alpha-3 country code: (?P<value>.*)", N_("not an ISO 3166 alpha-3 country code: {value}")),
    (r"unknown P-code (?P<value>.*) \(load its location first\)", N_("unknown P-code {value} (load its location first)")),
    (r"unknown camp_id (?P<value>.*) \(load the camp list first\)",
     N_("unknown camp_id {value} (load the camp list first)")),
    (r"not one of (?P<choices>.*): (?P<value>[^:]*)", N_("not one of {choices}: {value}")),
    (r"no source cited \(source_publisher and source_title are required\)",
     N_("no source cited (source_publisher and source_title are required)")),
    (r"period ends before it starts", N_("period ends before it starts")),
    (r"latitude out of range", N_("latitude out of range")),
    (r"longitude out of range", N_("longitude out of range")),
    (r"origin and destination are the same place", N_("origin and destination are the same place")),
    (r"neither origin nor destination given", N_("neither origin nor destination given")),
    (r"low estimate above best estimate", N_("low estimate above best estimate")),
    (r"high estimate below best estimate", N_("high estimate below best estimate")),
    (r"outside Syria \((?P<where>.*)\): this warehouse holds Syrian figures only",
     N_("outside Syria ({where}): this warehouse holds Syrian figures only")),
)
_COMPILED = tuple((re.compile(pattern), sentence) for pattern, sentence in REASONS)


def _part(text: str) -> str:
    for pattern, sentence in _COMPILED:
        found = pattern.fullmatch(text)
        if found:
            return _(sentence).format(**{k: i18n.isolate(v) for k, v in found.groupdict().items()})
    return i18n.isolate(text)


def translated(reason: object) -> object:
    """A reject's reason on the page: unchanged in English, translated part by part otherwise."""
    if i18n.language() == i18n.DEFAULT or not isinstance(reason, str) or not reason:
        return reason
    return i18n.separator().join(_part(part) for part in reason.split("; "))
