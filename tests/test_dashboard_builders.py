"""The origin → destination chart: known origins drawn, arrivals with no origin given said in words."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard import catalog
from tests.conftest import one_flow_report
from warehouse.queries import Filters

LEVELS = ("governorate", "district", "published")


def flows(db: Path, level: str = "governorate"):
    return catalog.build("flows-origin-destination", catalog.direct_query(db),
                         Filters(start=date(2020, 2, 1), end=date(2020, 2, 29), extra=(("level", level),)))


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory) -> Path:
    """Idleb → Aleppo 5,000 and 12,345 into Idleb with no origin: disjoint places, both counted."""
    return one_flow_report(tmp_path_factory.mktemp("mixed"), [("SY07", "SY02", 5000), ("", "SY07", 12345)])


@pytest.mark.parametrize("level", LEVELS)
def test_arrivals_with_no_origin_are_a_sentence_and_no_chart(no_origin_db, level):
    chart = flows(no_origin_db, level)
    assert chart.figure is None
    assert chart.note == ("12,345 people in Idleb were reported arriving with no origin given "
                          "(Synthetic test data, 1 Mar 2020).")
    assert chart.note in chart.measure and chart.references  # said with its source, in every export


@pytest.mark.parametrize("level", LEVELS)
def test_known_origins_are_drawn_and_the_rest_said_beside_them(mixed_db, level):
    chart = flows(mixed_db, level)
    sankey = chart.figure.data[0]
    assert not any("nknown" in label or "not given" in label for label in sankey.node.label)
    assert list(sankey.link.value) == [5000]
    assert chart.note == ("A further 12,345 people in Idleb were reported arriving with no origin given "
                          "(Synthetic test data, 1 Mar 2020).")


def _published(db: Path) -> set[int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {int(v) for (v,) in con.execute("SELECT DISTINCT individuals FROM displacement").fetchall()}


@pytest.mark.parametrize("start, end", [(date(2019, 12, 1), date(2020, 3, 31)), (date(2020, 4, 1), date(2020, 4, 30)),
                                        (date(2019, 4, 1), date(2020, 12, 31))])
@pytest.mark.parametrize("level", LEVELS)
def test_on_the_reference_build_every_drawn_or_said_number_is_published(reference_db, level, start, end):
    chart = catalog.build("flows-origin-destination", catalog.direct_query(reference_db),
                          Filters(start=start, end=end, extra=(("level", level),)))
    published = _published(reference_db)
    if chart.figure is not None:
        sankey = chart.figure.data[0]
        assert not any("Unknown" in label or "not given" in label for label in sankey.node.label)
        assert {int(v) for v in sankey.link.value} <= published
    said = {int(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+|\b\d{1,3}\b(?= (?:people|movements))",
                                                      chart.note)}
    assert said <= published, chart.note
    assert chart.figure is not None or chart.note or chart.data.empty
