"""The protocol-level viewer (dashboard/deploy/session.py) against one real dashboard process:
a widget inside an st.fragment reruns that fragment only, as it does in a browser."""
from __future__ import annotations

import asyncio
import pytest

from dashboard import catalog
from dashboard.deploy.multi import serve
from dashboard.deploy.session import ViewerSession
from dashboard.export.__main__ import _default_period
from warehouse.queries import Filters


def _nodes(chart: dict) -> list[str]:
    return chart["data"][0]["node"]["label"]


@pytest.fixture(scope="module")
def server(reference_db):
    with serve(1, proxy=False, db=reference_db) as deployment:
        yield deployment.url


def test_the_flow_level_switch_reruns_only_its_fragment(server, reference_db):
    start, end = _default_period(reference_db)
    by_district = catalog.build("flows-origin-destination", catalog.direct_query(reference_db),
                                Filters(start=start, end=end, extra=(("level", "district"),)))

    async def view():
        async with ViewerSession(server, timeout=120) as session:
            whole = await session.open("border")
            level = await session.set_radio("flow_level_by", "by district")
            after = await session.set_multiselect("f_gov", ["Idleb"])  # a filter: the whole page again
            return session, whole, level, after

    session, whole, level, after = asyncio.run(view())
    assert whole.ok and level.ok and after.ok, (whole.status, level.status, after.status)
    assert whole.fragment == "" and session.widgets["flow_level_by"].fragment_id
    assert level.fragment == session.widgets["flow_level_by"].fragment_id
    assert len(whole.charts) >= 2 and len(level.charts) == 1  # the page's other charts were not redrawn
    assert _nodes(level.charts[0]) == list(by_district.figure.data[0].node.label)
    assert _nodes(level.charts[0]) != _nodes(whole.charts[-1])  # districts, not governorates
    assert len(after.charts) == len(whole.charts) and after.fragment == ""
    assert "f_gov" in session.widgets  # a fragment run keeps the page's other widgets
