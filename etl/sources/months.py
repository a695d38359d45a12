"""Month names, years and months as the periods they stand for (one rule for every reader).

A figure "for March 2020" covers 2020-03-01 to 2020-03-31; a stock "for 2019"
stands at 2019-12-31. Readers widen years and months to such days here, and
leave anything that is not plainly a year or a month as it is, so that the
validator rejects it naming the file, row and column (readers do not judge).

Why not python-dateutil (measured with 4.0.0): `parser.parse` answers 2019-01-01
for both "2019" and "2019-01", so it cannot tell a year from a month from a
day, which is the whole question here; it fills a missing year from its
default ("March" -> March of the default year), reads "3/4/2019" as 4 March
without a word, and refuses Excel's float years ("2019.0"). The rules below
are four short patterns and a table of month names.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

# English month names and abbreviations (as publishers write them: "Sept" too), lower case -> number.
MONTHS: dict[str, int] = {
    **{calendar.month_name[n].lower(): n for n in range(1, 13)},
    **{calendar.month_abbr[n].lower(): n for n in range(1, 13)},
    "sept": 9,
}
_YEAR = re.compile(r"(\d{4})(?:\.0+)?")            # 2019, or 2019.0 as Excel stores a year typed as a number
_MONTH_NUMBER = re.compile(r"(\d{1,2})(?:\.0+)?")
_YEAR_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")   # 2020-03, 2020/3


def month_number(text: object) -> int | None:
    """1-12 for an English month name or abbreviation ('March', 'mar.', 'Sept'), else None."""
    return MONTHS.get(str(text or "").strip().lower().rstrip("."))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def year_of(text: object) -> int | None:
    """The year a cell holds ('2019', 2019, 2019.0), else None."""
    found = _YEAR.fullmatch(str(text if text is not None else "").strip())
    return int(found[1]) if found else None


def month_of(text: object) -> int | None:
    """The month a cell holds, by name or number ('Mar', 3, '03', 3.0), else None."""
    named = month_number(text)
    found = _MONTH_NUMBER.fullmatch(str(text if text is not None else "").strip())
    number = named or (int(found[1]) if found else None)
    return number if number is not None and 1 <= number <= 12 else None


def month_span(year: object, month: object) -> tuple[str, str] | None:
    """First and last day of a year's month as ISO dates; None when either is not plainly one."""
    y, m = year_of(year), month_of(month)
    if y is None or m is None:
        return None
    return f"{y}-{m:02d}-01", month_end(y, m).isoformat()


def year_month(text: object) -> tuple[int, int] | None:
    """(year, month) of a 'YYYY-MM' or 'YYYY/MM' text, else None."""
    found = _YEAR_MONTH.fullmatch(str(text if text is not None else "").strip())
    return (int(found[1]), int(found[2])) if found and 1 <= int(found[2]) <= 12 else None


def span(value: object) -> tuple[object, object]:
    """A year or a 'YYYY-MM' month widened to its first and last day; anything else unchanged."""
    year = year_of(value)
    if year is not None:
        return f"{year}-01-01", f"{year}-12-31"
    found = year_month(value)
    if found is not None:
        return month_span(*found)
    return value, value


def year_end(raw: object) -> object:
    """End-of-year stock date: '2019' or 2019.0 -> '2019-12-31' (anything else left for the validator)."""
    return span(raw)[1] if year_of(raw) is not None else _text(raw)


def year_start(raw: object) -> object:
    """First day of a year (a flow over the whole year starts there)."""
    return span(raw)[0] if year_of(raw) is not None else _text(raw)


def _text(raw: object) -> str:
    return str(raw or "").strip()
