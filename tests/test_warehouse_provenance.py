"""The reprint rule (warehouse/queries/provenance.py) and the deaths headline that relies on it."""
from __future__ import annotations

from datetime import date

import pytest

from etl.load import load_paths
from tests.conftest import CITE_HEADER, write_csv
from warehouse.queries import Filters, headlines
from warehouse.queries.provenance import is_reprint


@pytest.mark.parametrize(("publisher", "reprint"), [
    ("UN OCHA", False),
    ("OHCHR", False),
    ("United Nations Security Council", False),
    ("REACH / CCCM Cluster", False),
    ("Violations Documentation Center", False),
    ("Syrians for Truth and Justice", False),  # 'ians' inside a word is not the news agency IANS
    ("IANS (via The Siasat Daily)", True),
    ("Sputnik (via UrduPoint News)", True),
    ("OHCHR (press release republished by Scoop)", True),
    ("Al Arabiya English (reporting the Turkish Defence Ministry)", True),
    ("Daily News Egypt", True),
    ("Xinhua (Arabic service, on People's Daily Online; citing OHCHR via the UN deputy spokesperson)", True),
    ("", False),
    (None, False),
])
def test_reprints_are_told_from_publishers_own_pages(publisher, reprint):
    assert is_reprint(publisher) is reprint


HEADER = ["period_start", "period_end", "location_pcode", "deaths_best", "category", *CITE_HEADER]
UN = ["OHCHR", "Press briefing note on Syria", "2020-02-07", "https://www.ohchr.org/note"]
WIRE = ["Xinhua", "UN says civilians killed in Idlib", "2020-02-10", "https://example.org/xinhua"]


@pytest.mark.parametrize(("rows", "publisher", "value"), [
    # the reprint's larger figure does not win over the publisher's own page
    ([["2020-01-01", "2020-01-31", "", 186, "civilians", *UN],
      ["2020-01-01", "2020-01-31", "", 300, "civilians", *WIRE]], "OHCHR", 186),
    # with no UN figure of that category, the reprint is still shown (and named)
    ([["2020-01-01", "2020-01-31", "", 300, "civilians", *WIRE],
      ["2020-01-01", "2020-01-31", "", 40, "children", *UN]], "Xinhua", 300),
])
def test_deaths_headline_prefers_the_publishers_own_page(tmp_path, db, rows, publisher, value):
    path = write_csv(tmp_path / "casualties.csv", HEADER, rows)
    reports = load_paths([path], db)
    assert [r.rows_rejected for r in reports] == [0]
    top = headlines.deaths(db, Filters(start=date(2020, 1, 1), end=date(2020, 1, 31))).iloc[0]
    assert (top["source_publisher"], top["value"]) == (publisher, value)
