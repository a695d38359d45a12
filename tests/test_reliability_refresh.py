"""Refresh during use: readers never fail and never see part of a load while loads publish.

Fast version of the soak (tests/soak_refresh.py; bench/soak.py runs it longer): 2 reader threads, 2
reader processes and a Streamlit session loop while `python -m etl load`
publishes 3 times (A to B, back, and again), alternating two SYNTHETIC versions with known totals.
"""
from __future__ import annotations

import pytest
import soak_refresh


@pytest.fixture(scope="module")
def refresh(tmp_path_factory):
    return soak_refresh.run(tmp_path_factory.mktemp("refresh"), threads=2, processes=2, publishes=3)


def test_loads_published_while_readers_read(refresh):
    assert refresh.publish.failures == 0, refresh.publish.messages
    assert refresh.publish.publishes == 3
    assert refresh.queries.reads >= 4 * refresh.publish.publishes
    assert refresh.apps.reads >= 1


def test_no_reader_errors(refresh):
    assert refresh.queries.errors == 0, refresh.queries.messages
    assert refresh.apps.errors == 0, refresh.apps.messages


def test_no_torn_reads(refresh):
    assert refresh.queries.torn == 0, refresh.queries.messages


@pytest.fixture(scope="module")
def version_a(tmp_path_factory):
    """A warehouse holding version A (read only by the detector tests)."""
    db, _ = soak_refresh.prepare(tmp_path_factory.mktemp("version-a"))
    return db


@pytest.mark.parametrize(
    ("kind", "totals", "counts", "torn"),
    [(0, [4000.0], [40], 0), (0, [1.0], [40], 1), (1, [4000.0], [40], 0), (1, [4000.0], [41], 1), (2, [], [], 0)],
)
def test_torn_read_detector_can_fail(version_a, kind, totals, counts, torn):
    """The detector flags a total or row count that matches neither version (version A: 40 rows of 100)."""
    stats = soak_refresh.reader_loop(str(version_a), None, totals, counts, seed=kind)
    assert (stats.reads, stats.errors, stats.torn) == (1, 0, torn)
