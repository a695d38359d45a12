"""Connectors against recorded responses: retries, pagination, cached downloads that cite their URL."""
from __future__ import annotations

import csv
import urllib.error

import duckdb
import pytest

from etl.connectors import dtm_api, hdx, unhcr_api
from etl.connectors.http import ConnectorError, Http, with_query
from etl.load import load_file
from etl.sources import sidecar
from tests.conftest import REFERENCE
from tests.recorded import FakeWeb, http_error

DATASET = "synthetic-nw-syria-idp-stock"


def _http(web: FakeWeb, **kw) -> tuple[Http, list[float]]:
    slept: list[float] = []
    return Http(opener=web, timeout=7, retries=2, backoff=0.5, sleep=slept.append, **kw), slept


def _rows(db, sql, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def places(db):
    assert load_file(REFERENCE / "gazetteer.csv", db).status == "loaded"
    return db


@pytest.mark.parametrize(
    ("answers", "attempts", "slept", "error"),
    [
        ([urllib.error.URLError("connection refused"), b"ok"], 2, [0.5], None),
        ([TimeoutError("timed out"), http_error(503), b"ok"], 3, [0.5, 1.0], None),
        ([http_error(429), b"ok"], 2, [0.5], None),
        ([http_error(404)], 1, [], "HTTP 404"),
        ([http_error(503)], 3, [0.5, 1.0], "HTTP 503"),
        ([urllib.error.URLError("name not known")], 3, [0.5, 1.0], "after 3 attempts"),
    ],
)
def test_retries_transient_failures_only(answers, attempts, slept, error):
    web = FakeWeb({"example.org": answers})
    http, waits = _http(web)
    if error:
        with pytest.raises(ConnectorError, match=error) as caught:
            http.get("https://example.org/data")
        assert "https://example.org/data" in str(caught.value) and "\n" not in str(caught.value)
    else:
        assert http.get("https://example.org/data") == b"ok"
    assert len(web.requests) == attempts and waits == slept
    assert {timeout for _, timeout in web.requests} == {7}


def test_non_json_reply_is_a_clear_error():
    http, _ = _http(FakeWeb({"example.org": b"<html>maintenance</html>"}))
    with pytest.raises(ConnectorError, match="not JSON"):
        http.get_json("https://example.org/api")


def test_query_strings_are_stable():
    assert with_query("https://x/api/", {"b": 2, "a": True, "skip": None}) == "https://x/api/?a=true&b=2"


def test_hdx_downloads_tabular_resources_and_cites_their_url(tmp_path, places):
    web = FakeWeb({"package_show": "hdx_package_show.json", "download/synthetic_idp_stock.csv": "hdx_resource.csv"})
    http, _ = _http(web)
    [path] = hdx.fetch(http, tmp_path / "cache", DATASET)
    assert path == tmp_path / "cache" / "hdx" / DATASET / "synthetic_idp_stock.csv"
    assert web.urls[0] == f"https://data.humdata.org/api/3/action/package_show?id={DATASET}"
    assert not any(url.endswith(".pdf") for url in web.urls)
    record = sidecar.read(path)
    assert record["url"].endswith("/download/synthetic_idp_stock.csv") and record["fetched_at"].endswith("Z")
    report = load_file(path, places)
    assert (report.kind, report.rows_loaded) == ("hxl", 2), report.message
    assert _rows(places, "SELECT DISTINCT s.publisher, s.url, s.licence FROM displacement JOIN sources s USING (source_id)") == [
        ("Synthetic test organisation", record["url"], "Creative Commons Attribution International")]


@pytest.mark.parametrize(
    ("routes", "resource", "message"),
    [
        ({"package_show": "hdx_package_show_not_found.json"}, None, "Not Found Error"),
        ({"package_show": "hdx_package_show.json"}, "xlsx", "no resource matches xlsx (formats: CSV, PDF)"),
    ],
)
def test_hdx_failures_name_the_dataset(tmp_path, routes, resource, message):
    http, _ = _http(FakeWeb(routes))
    with pytest.raises(ConnectorError, match=message.replace("(", r"\(").replace(")", r"\)")):
        hdx.fetch(http, tmp_path, DATASET, resource)
    assert not (tmp_path / "hdx").exists()


def test_unhcr_api_follows_every_page_into_one_tagged_csv(tmp_path, db):
    web = FakeWeb({"page=1": "unhcr_population_page1.json", "page=2": "unhcr_population_page2.json"})
    http, _ = _http(web)
    [path] = unhcr_api.fetch(http, tmp_path, {"coo": "SYR", "yearFrom": 2019, "yearTo": 2020, "coa_all": True})
    assert [u.rsplit("page=", 1)[1].split("&")[0] for u in web.urls] == ["1", "2"]
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:3] == ["#date+year", "#country+code+origin", "#country+code+asylum"]
    assert len(rows) == 2 + 3 and rows[3][3:5] == ["500", ""]  # "-" (not broken down) is written blank
    report = load_file(path, db)
    assert (report.kind, report.rows_rejected) == ("hxl", 0), report.message
    assert _rows(db, "SELECT asylum_iso3, population_type, persons FROM refugees WHERE year(period_end) = 2020 ORDER BY 2") == [
        ("TUR", "asylum_seekers", 20.0), ("TUR", "refugees", 1100.0)]
    assert _rows(db, "SELECT DISTINCT s.url FROM refugees JOIN sources s USING (source_id)") == [(sidecar.read(path)["url"],)]


def test_unhcr_reply_without_items_is_refused(tmp_path):
    http, _ = _http(FakeWeb({"api.unhcr.org": b'{"message": "Too many requests"}'}))
    with pytest.raises(ConnectorError, match="no 'items' list"):
        unhcr_api.fetch(http, tmp_path, {"coo": "SYR"})


def test_dtm_sends_the_subscription_key_and_loads_idp_stocks(tmp_path, places, monkeypatch):
    monkeypatch.setenv("TEST_DTM_KEY", "not-a-real-key")
    web = FakeWeb({"IdpAdmin1Data": "dtm_idp_admin1.json"})
    http, _ = _http(web)
    [path] = dtm_api.fetch(http, tmp_path, "admin1", {"Admin0Pcode": "SYR"}, key_env="TEST_DTM_KEY")
    request, _ = web.requests[0]
    assert request.full_url == "https://dtmapi.iom.int/v2/IdpAdmin1Data?Admin0Pcode=SYR"
    assert request.get_header(dtm_api.KEY_HEADER.capitalize()) == "not-a-real-key"
    report = load_file(path, places)
    assert (report.rows_loaded, report.rows_rejected) == (2, 1), report.message
    assert "unknown P-code SY99" in report.rejects[0]["reason"]
    assert _rows(places, "SELECT destination_pcode, figure_type, individuals, period_end::VARCHAR FROM displacement ORDER BY 1") == [
        ("SY02", "idp_stock", 700.0, "2020-02-29"), ("SY07", "idp_stock", 2000.0, "2020-02-29")]


@pytest.mark.parametrize(("level", "message"), [("admin1", "missing subscription key"), ("admin9", "unknown")])
def test_dtm_refusals_are_clear(tmp_path, level, message):
    http, _ = _http(FakeWeb({"dtmapi": "dtm_refused.json"}))
    with pytest.raises(ConnectorError, match=message):
        dtm_api.fetch(http, tmp_path, level, {"Admin0Pcode": "SYR"})

