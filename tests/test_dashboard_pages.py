"""Every page through Streamlit's AppTest: with the synthetic, reference and real
warehouses, with no or an empty warehouse, and with filters set in the URL."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).parent))
import synthetic  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["overview", "border", "map", "camps", "casualties", "refugees", "data"]


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic-pages")
    return synthetic.build(folder / "warehouse.duckdb", folder / "csv")


@pytest.fixture(scope="module")
def real_db(real_reference_db) -> tuple[Path, list]:
    """The reference data plus every real file the readers recognise (built once per session)."""
    return real_reference_db


def _harness(page_file: str) -> None:
    """What dashboard/app.py does around a page: draw the shared filters, then run the page.

    (AppTest.switch_page runs the page file alone, without the entry point's sidebar.)
    """
    import runpy

    from dashboard import filters
    from dashboard.data import query

    filters.sidebar(query)
    runpy.run_path(page_file, run_name="__main__")


def run_page(db: Path, page: str, monkeypatch, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("DISPLACEMENT_DB", str(db))
    at = AppTest.from_function(_harness, args=(str(ROOT / "dashboard" / "views" / f"{page}.py"),), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_app_declares_every_page(synthetic_db, monkeypatch):
    monkeypatch.setenv("DISPLACEMENT_DB", str(synthetic_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Displacement in Northwest Syria"
    assert at.sidebar.multiselect(key="f_gov").label == "Governorate"
    for page in PAGES[1:]:
        at.switch_page(f"views/{page}.py")
        at.run()
        assert not at.exception, (page, [e.message for e in at.exception])


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_headlines_name_their_sources(synthetic_db, monkeypatch):
    at = run_page(synthetic_db, "overview", monkeypatch)
    got = metrics(at)
    assert got["Newly displaced (flow)"] == "900,000 people"
    assert got["IDPs < 25 km from the border"] == "12,000 people"
    assert got["Syrian refugees in Turkey"] == "3,100,000 people"
    assert got["Recorded deaths (all)"] == "25"
    assert got["People in camps"] == "1,600 people"
    captions = texts(at.caption)
    assert captions.count("Synthetic test data") >= 5
    assert "29 Feb 2020" in captions  # the stock's reference date


@pytest.mark.parametrize("page, expected", [
    ("border", ["Displacement by distance to the Turkish border", "Net movement toward the border", "Origin → destination flows"]),
    ("map", ["Map of displacement by sub-district"]),
    ("camps", ["Camp population vs capacity", "People living in camps over time"]),
    ("casualties", ["Deaths and displacement on one time axis"]),
    ("refugees", ["Syrian refugees by host country", "Asylum applications by Syrians"]),
    ("data", ["Sources", "Freshness: how old each source's latest figure is", "Load history"]),
])
def test_pages_show_their_charts_and_sources(synthetic_db, monkeypatch, page, expected):
    at = run_page(synthetic_db, page, monkeypatch)
    assert [s.value for s in at.subheader][: len(expected)] == expected
    if page != "data":
        assert "Sources: Synthetic test data" in texts(at.caption)
        assert not at.info, texts(at.info)


def test_camps_page_counts_overcrowding(synthetic_db, monkeypatch):
    got = metrics(run_page(synthetic_db, "camps", monkeypatch))
    assert got == {"Camps reporting": "2", "Over capacity": "1", "People in camps < 10 km from the border": "1,200"}


def test_url_filters_narrow_every_headline(synthetic_db, monkeypatch):
    at = run_page(synthetic_db, "overview", monkeypatch, {"gov": "SY02", "start": "2020-01-01", "end": "2020-01-31"})
    assert metrics(at)["Recorded deaths (all)"] == "3"
    assert at.sidebar.multiselect(key="f_gov").value == ["SY02"]
    assert at.query_params["gov"] in ("SY02", ["SY02"])
    assert "type" not in at.query_params


def test_bad_url_values_are_ignored_with_a_notice(synthetic_db, monkeypatch):
    at = run_page(synthetic_db, "border", monkeypatch, {"gov": "XX'; DROP TABLE displacement; --", "start": "soon"})
    notices = texts(at.sidebar.warning)
    assert "Ignored gov=" in notices and "Ignored start=soon" in notices
    assert "Sources: Synthetic test data" in texts(at.caption)  # the page still shows everything


def test_filter_with_no_figures_says_so(synthetic_db, monkeypatch):
    at = run_page(synthetic_db, "border", monkeypatch, {"type": "returns"})
    assert "No displacement flows" in texts(at.info)


@pytest.mark.parametrize("page", PAGES)
def test_pages_with_the_reference_data(reference_db, monkeypatch, page):
    at = run_page(reference_db, page, monkeypatch)
    assert at.subheader or at.info
    if page == "overview":
        assert metrics(at)["Syrian refugees in Turkey"] != "—"
        assert "Source:" in texts(at.caption)
        # the reference data has region-wide IDP totals only: no figure claims zero people near the border
        assert metrics(at)["IDPs < 25 km from the border"] == "—"
        assert "No IDP figures for places with a known distance" in texts(at.caption)


@pytest.mark.parametrize("page", PAGES)
def test_pages_with_no_warehouse(tmp_path, monkeypatch, page):
    at = run_page(tmp_path / "missing.duckdb", page, monkeypatch)
    assert "No warehouse at" in texts(at.warning)


def test_empty_file_is_reported_not_raised(tmp_path, monkeypatch):
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    at = run_page(empty, "overview", monkeypatch)
    assert "cannot be read" in texts(at.error) or "empty" in texts(at.info)


def test_warehouse_without_figures(tmp_path, monkeypatch):
    from warehouse import publishing

    path = tmp_path / "schema-only.duckdb"
    with publishing(path):
        pass
    at = run_page(path, "border", monkeypatch)
    assert "The warehouse is empty" in texts(at.info)


def test_camps_page_points_to_the_template(reference_db, monkeypatch):
    at = run_page(reference_db, "camps", monkeypatch)
    assert "python -m etl template camps" in texts(at.info)
    # without a camp list, the reported camp populations still show (OCHA/REACH figures in the reference data)
    assert "IDPs living in camps and sites, as reported" in [h.value for h in at.subheader]
    assert "Sources:" in texts(at.caption) or "Source" in texts(at.caption)


@pytest.mark.real_data
@pytest.mark.parametrize("page", PAGES)
def test_pages_with_the_real_files(real_db, monkeypatch, page):
    path, _ = real_db
    at = run_page(path, page, monkeypatch)
    assert at.subheader or at.info


@pytest.mark.real_data
def test_border_page_shows_the_ocha_workbook_month_by_band(real_db, monkeypatch):
    path, reports = real_db
    workbook = next(r for r in reports if r.file.endswith("idp_1.xlsx"))
    if "format not recognised" in workbook.message:
        pytest.skip("no reader for the OCHA IDP movements workbook yet")
    assert workbook.status in ("loaded", "unchanged"), workbook.message
    from dashboard import catalog
    from warehouse.queries import Filters

    chart = catalog.build("displacement-by-border-band", catalog.direct_query(path), Filters())
    january = chart.data[chart.data["period_end"].astype(str).str.startswith("2019-01")]
    assert set(january["destination_band"]) - {"unknown"}, "no community placed in a distance band"
    assert january["individuals"].sum() > 0


def test_changing_a_filter_writes_it_to_the_url(synthetic_db, monkeypatch):
    at = run_page(synthetic_db, "casualties", monkeypatch)
    at.sidebar.multiselect(key="f_gov").set_value(["SY02"]).run()
    assert at.query_params["gov"] in ("SY02", ["SY02"])
    deaths = next(c for c in at.caption if "Sources:" in str(c.value))
    assert "Synthetic test data" in deaths.value


def test_a_publish_redraws_the_shared_charts(reference_db, tmp_path, monkeypatch):
    """Charts are built once per warehouse version and shared by viewers: a new load must show at the next rerun."""
    import json
    import shutil

    from etl.load import load_file
    from tests.conftest import CITE, CITE_HEADER, write_csv

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(reference_db, db)
    at = run_page(db, "overview", monkeypatch)
    before = json.loads(at.get("plotly_chart")[0].proto.spec)
    moves = write_csv(tmp_path / "moves.csv", ["period_start", "period_end", "destination_pcode", "figure_type",
                                               "individuals", *CITE_HEADER],
                      [["2020-02-01", "2020-02-29", "SY07", "newly_displaced", "123456", *CITE]])
    assert load_file(moves, db).status == "loaded"
    at.run()
    after = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert after != before
    points = lambda spec: sum(len(t.get("customdata") or []) for t in spec["data"])  # noqa: E731
    assert points(after) == points(before) + 1  # the new month of the newly displaced series
