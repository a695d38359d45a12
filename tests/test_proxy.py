"""Two dashboard processes behind nginx (dashboard/deploy/multi.py): a viewer session through the proxy
changes a filter and gets the new chart; killing one process leaves the other's viewers working,
and a viewer of the dead one gets a working session again through the proxy.

The viewer speaks Streamlit's websocket protocol (dashboard/deploy/session.py), as a browser does.
"""
from __future__ import annotations

import asyncio
import os
import urllib.request

import pytest

from dashboard import catalog
from dashboard.deploy.multi import nginx_binary, render_config, serve
from dashboard.deploy.session import ViewerSession
from warehouse.queries import Filters

CHART = "displacement-timeline"  # the Overview's chart


@pytest.fixture(scope="module")
def needs_nginx():
    if nginx_binary() is None:
        message = "nginx is not installed: `make system-deps` installs the Debian package (apt-get install -y nginx)"
        if os.environ.get("REQUIRE_NGINX") == "1":  # CI (.ci/run)
            pytest.fail(message)
        pytest.skip(message)


def _trace_names(figure_json: dict) -> list[str]:
    return [trace.get("name") for trace in figure_json.get("data", [])]


def test_config_keeps_sessions_on_a_cookie_and_upgrades_websockets(tmp_path):
    text = render_config(["127.0.0.1:9001", "127.0.0.1:9002"], "127.0.0.1:9000", tmp_path)
    directives = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    assert "hash $sticky_key consistent;" in directives and not any(d.startswith("ip_hash") for d in directives)
    assert "server 127.0.0.1:9001" in text and "server 127.0.0.1:9002" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "X-Backend" not in text
    assert not [d for d in directives if "@" in d]  # every placeholder filled


def test_a_filter_change_through_the_proxy_draws_the_new_chart(needs_nginx, reference_db):
    # the Overview opens on the whole span (the war from 2011) and draws the war first, then CHART
    expected = catalog.build(CHART, catalog.direct_query(reference_db), Filters(governorates=("SY07",)))

    async def view(url: str):
        async with ViewerSession(url, timeout=120) as session:
            first = await session.open("overview")
            changed = await session.set_multiselect("f_gov", ["Idleb"])
            return session, first, changed

    with serve(2, db=reference_db, backend_header=True) as deployment:
        with urllib.request.urlopen(deployment.url + "/overview") as response:
            assert "dashboard_backend=" in response.headers.get("Set-Cookie", "")
        session, first, changed = asyncio.run(view(deployment.url))
    assert first.ok and changed.ok, (first.status, first.errors, changed.status, changed.errors)
    assert session.backend in {b.address for b in deployment.backends}
    assert "gov=SY07" in session.query_string
    before, after = first.charts, changed.charts
    assert len(before) == len(after) == 2
    assert _trace_names(after[-1]) != _trace_names(before[-1])
    assert _trace_names(after[-1]) == [trace.name for trace in expected.figure.data]


def test_a_killed_process_leaves_the_other_processes_viewers_working(needs_nginx, reference_db):
    async def scenario(deployment) -> dict:
        by_backend: dict[str, ViewerSession] = {}
        for _ in range(24):  # a random cookie per viewer: both processes get viewers
            session = ViewerSession(deployment.url, timeout=120)
            run = await session.open("overview")
            assert run.ok, (run.status, run.errors)
            if session.backend in by_backend:
                await session.close()
            else:
                by_backend[session.backend] = session
            if len(by_backend) == 2:
                break
        assert len(by_backend) == 2, f"24 viewers all went to {list(by_backend)}"
        doomed = next(b for b in deployment.backends if b.address in by_backend)
        survivor_address = next(a for a in by_backend if a != doomed.address)
        doomed.kill()
        survivor, orphan = by_backend[survivor_address], by_backend[doomed.address]
        out = {"survivor": await survivor.set_multiselect("f_gov", ["Aleppo"]),
               "survivor_again": await survivor.set_multiselect("f_gov", []),
               "orphan": await orphan.set_multiselect("f_gov", ["Aleppo"])}
        # the orphan's browser reconnects with the same cookie: nginx sends it to a live process
        out["reopened"] = await orphan.open("overview")
        out["reopened_backend"] = orphan.backend
        out["survivor_address"] = survivor_address
        out["reopened_change"] = await orphan.set_multiselect("f_gov", ["Idleb"])
        await survivor.close()
        await orphan.close()
        return out

    with serve(2, db=reference_db, backend_header=True) as deployment:
        out = asyncio.run(scenario(deployment))
    assert out["survivor"].ok and out["survivor_again"].ok
    assert len(out["survivor"].charts) == 2  # the war, then the displacement timeline
    assert not out["orphan"].ok and "closed" in out["orphan"].status
    assert out["reopened"].ok and out["reopened_change"].ok
    assert out["reopened_backend"] == out["survivor_address"]
