"""Every page through Streamlit's AppTest: with the synthetic, reference and real
warehouses, with no or an empty warehouse, and with filters set in the URL."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import pages

import synthetic  # tests/synthetic.py: pytest puts the tests' folder on the path

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PAGES = list(pages.KEYS)  # every page of the app (dashboard/pages.py)
OFFENSIVE_LINK = {"start": "2019-12-01", "end": "2020-03-31"}


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


def source_lines(at: AppTest) -> str:
    """The short sources line under each chart (the label of the expander holding the full list)."""
    return " ".join(e.label for e in at.expander if e.label.startswith("Sources:"))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_crisis_page_tells_the_offensive_with_dates_and_sources(reference_db, monkeypatch):
    at = run_page(reference_db, "crisis", monkeypatch, OFFENSIVE_LINK)
    from datetime import date

    from dashboard import catalog, story
    from warehouse.queries import Filters

    got = metrics(at)
    expected = story.headline_figures(catalog.direct_query(reference_db), Filters(date(2019, 12, 1), date(2020, 3, 31)))
    assert got == {h.label: f"{h.value:,.0f}" for h in expected}  # the same figures as the briefing pack's
    assert {"People newly displaced", "Syrian refugees in Turkey"} <= set(got) and len(got) >= 3
    headline_captions = [str(c.value) for c in at.caption][: len(got)]
    for caption in headline_captions:  # each headline: its period or reference date, then its source
        assert "Source:" in caption and re.search(r"\d{1,2} [A-Z][a-z]{2} 20\d\d", caption), caption
    sections = [h.value for h in at.header if h.value != "Filters"]
    assert sections[:2] == ["How many fled", "Where people went"] and "Casualties" in sections
    assert "Syrians in Turkey" in sections
    assert sections.index("Where they sheltered") == sections.index("Where people went") + 1
    titles = [s.value for s in at.subheader]
    assert "Where the displaced were sheltering" in titles
    for title in ("Displacement in Northwest Syria, as reported", "Deaths and displacement on one time axis",
                  "Syrian refugees by host country"):
        assert title in titles
    assert len(at.get("plotly_chart")) >= 4
    assert "Key events" in texts(at.markdown)
    shown = texts(at.caption) + texts(at.markdown) + texts(at.metric) + texts(at.header) + texts(at.subheader)
    assert not re.search(r"\b(None|nan|NaT)\b", shown)


def test_crisis_charts_share_the_period_axis(reference_db, monkeypatch):
    """Displacement and deaths are drawn against the same dates, so a reader can line them up."""
    import json

    at = run_page(reference_db, "crisis", monkeypatch, OFFENSIVE_LINK)
    ranges = set()
    for element in at.get("plotly_chart"):
        layout = json.loads(element.proto.spec)["layout"]
        axis = layout.get("xaxis", {})
        if axis.get("type") == "date" or "range" in axis and str(axis["range"][0]).startswith("2019"):
            ranges.add(tuple(str(v)[:10] for v in axis["range"]))
    assert ranges == {("2019-12-01", "2020-04-01")}


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
    ("data", ["Sources", "Freshness: how old each source's latest figure is",
              "Other figures: people in need, severity, key figures", "Load history"]),
])
def test_pages_show_their_charts_and_sources(synthetic_db, monkeypatch, page, expected):
    at = run_page(synthetic_db, page, monkeypatch)
    assert [s.value for s in at.subheader][: len(expected)] == expected
    if page != "data":
        assert source_lines(at).startswith("Sources:") and "Synthetic test data" in source_lines(at)
        assert not at.info, texts(at.info)


def test_camps_page_counts_overcrowding(synthetic_db, monkeypatch):
    got = metrics(run_page(synthetic_db, "camps", monkeypatch))
    assert {k: got[k] for k in ("Camps reporting", "Over capacity", "People in camps < 10 km from the border")} == {
        "Camps reporting": "2", "Over capacity": "1", "People in camps < 10 km from the border": "1,200"}
    assert got["People in 2 camps"] == "1,600"  # the camps headline: the camp list's own count


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
    assert "Sources: Synthetic test data" in source_lines(at)  # the page still shows everything


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
    at = run_page(reference_db, "camps", monkeypatch, {"period": "all"})  # the reported camp figure is from Oct 2020
    assert "python -m etl template camps" in texts(at.info)
    # without a camp list, the reported camp populations still show (OCHA/REACH figures in the reference data)
    assert "IDPs living in camps and sites, as reported" in [h.value for h in at.subheader]
    assert "Sources: UN OCHA" in source_lines(at)


def test_camps_page_shows_where_the_displaced_sheltered_during_the_offensive(reference_db, monkeypatch):
    at = run_page(reference_db, "camps", monkeypatch, OFFENSIVE_LINK)
    assert at.subheader[0].value == "Where the displaced were sheltering"
    got = metrics(at)
    assert got["IDPs living in tents"] == "135,000"  # OCHA, 23 Feb 2020: the headline is a published figure
    assert "Same report: IDPs in unfinished buildings: 163,000; IDPs living in the open: 17,000" in [
        m.help for m in at.metric]
    assert "As of 23 Feb 2020\\. Source: UN OCHA, Syrian Arab Republic: Cross" in texts(at.caption)


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

    from datetime import date

    january = Filters(start=date(2019, 1, 1), end=date(2019, 1, 31))
    chart = catalog.build("displacement-by-border-band", catalog.direct_query(path), january)
    placed = chart.data[chart.data["destination_band"] != "unknown distance"]
    assert not placed.empty, "no community placed in a distance band"
    assert placed["individuals"].sum() > 0


def test_changing_a_filter_writes_it_to_the_url(synthetic_db, monkeypatch):
    at = run_page(synthetic_db, "casualties", monkeypatch)
    at.sidebar.multiselect(key="f_gov").set_value(["SY02"]).run()
    assert at.query_params["gov"] in ("SY02", ["SY02"])
    assert "Synthetic test data" in source_lines(at)


def test_a_publish_redraws_the_shared_charts(reference_db, tmp_path, monkeypatch):
    """Charts are built once per warehouse version and shared by viewers: a new load must show at the next rerun."""
    import json
    import shutil

    from etl.load import load_file
    from tests.conftest import CITE, CITE_HEADER, write_csv

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(reference_db, db)
    at = run_page(db, "overview", monkeypatch, {"reports": "all"})  # every report: the new one is not on the quoted basis
    before = _chart_spec(at, DISPLACEMENT)
    moves = write_csv(tmp_path / "moves.csv", ["period_start", "period_end", "destination_pcode", "figure_type",
                                               "individuals", *CITE_HEADER],
                      [["2020-02-01", "2020-02-29", "SY07", "newly_displaced", "123456", *CITE]])
    assert load_file(moves, db).status == "loaded"
    at.run()
    after = _chart_spec(at, DISPLACEMENT)
    assert after != before
    points = lambda spec: sum(len(t.get("customdata") or []) for t in spec["data"])  # noqa: E731
    assert points(after) == points(before) + 1  # the new month of the newly displaced series


# The period every page opens on: the offensive (warehouse/queries/periods.py); one click for the whole span.
OFFENSIVE = (date(2019, 12, 1), date(2020, 3, 31))


def period_shown(at: AppTest) -> tuple:
    return tuple(at.sidebar.date_input(key="f_period").value)


def span_choice(at: AppTest):
    return at.sidebar.get("button_group")[0]


@pytest.mark.parametrize("page", ["overview", "border", "map", "casualties", "refugees"])
def test_pages_open_on_the_offensive(reference_db, monkeypatch, page):
    at = run_page(reference_db, page, monkeypatch)
    assert period_shown(at) == OFFENSIVE
    choice = span_choice(at)
    assert choice.value == "offensive"
    assert "Offensive Dec 2019 – Mar 2020" in choice.proto.options[0].content
    assert "Moscow agreement" in choice.proto.help  # why these dates: the timeline's events
    assert not any(key in at.query_params for key in ("start", "end", "period"))  # the default keeps a clean link


def test_one_click_shows_the_whole_span_and_the_link_reproduces_it(reference_db, monkeypatch):
    at = run_page(reference_db, "overview", monkeypatch)
    opened = metrics(at)["Recorded deaths (civilians)"]  # the Overview opens on the whole war
    span_choice(at).set_value("all").run()
    assert at.query_params["period"] in ("all", ["all"])
    span = period_shown(at)
    assert span[0] < OFFENSIVE[0] and span[1] > OFFENSIVE[1]
    whole_deaths = metrics(at)["Recorded deaths (civilians)"]
    assert whole_deaths == opened
    shared = run_page(reference_db, "overview", monkeypatch, {"period": "all"})
    assert period_shown(shared) == span and span_choice(shared).value == "all"
    assert metrics(shared)["Recorded deaths (civilians)"] == whole_deaths
    span_choice(at).set_value("offensive").run()  # and back: a choice in the sidebar, which the Overview follows
    assert period_shown(at) == OFFENSIVE and "period" not in at.query_params
    assert metrics(at)["Recorded deaths (civilians)"] != whole_deaths  # deaths before and after it no longer count


def _chart_spec(at: AppTest, title: str) -> dict:
    """The plotly spec of the chart with this title (a page draws several)."""
    import json

    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"].get("title", {}).get("text") == title:
            return spec
    raise AssertionError(f"no chart titled {title!r}")


def _layout_and_traces(at: AppTest, title: str) -> tuple[dict, list[dict]]:
    spec = _chart_spec(at, title)
    return spec["layout"], spec["data"]


WAR = "The war in Syria, 2011 to the latest figure"
DISPLACEMENT = "Displacement in Northwest Syria, as reported"


def test_overview_opens_on_the_war_with_the_offensive_one_click_away(reference_db, monkeypatch):
    at = run_page(reference_db, "overview", monkeypatch)
    assert [s.value for s in at.subheader][:2] == [WAR, "Displacement in Northwest Syria, as reported"]
    assert "Shown: the whole span of the figures loaded." in texts(at.caption)
    [link] = [m.value for m in at.markdown if "crisis briefing" in m.value]
    assert "Dec 2019 – Mar 2020" in link and "(./?start=2019-12-01&end=2020-03-31)" in link  # the landing page
    layout, traces = _layout_and_traces(at, WAR)
    bands = {(s["x0"][:10], s["x1"][:10]) for s in layout["shapes"] if s["type"] == "rect"}
    assert bands == {("2019-12-01", "2020-04-01")}  # the offensive, shaded across every panel
    labels = {a["text"] for a in layout["annotations"]}
    assert {"Russian air strikes begin", "EU–Turkey statement", "Earthquakes", "Fall of the Assad government",
            "Idleb offensive"} <= labels
    assert "Moscow agreement" not in labels  # the offensive's own events are the briefing's: ticks here
    [deaths] = [t for t in traces if t["type"] == "bar"]  # one report over its whole period, never split
    assert deaths["text"] == ["350,209"] and deaths["x"][0][:10] == "2011-03-01"
    hosts = {t["name"] for t in traces if t.get("legendgroup") == "refugees"}
    assert {"Türkiye", "Lebanon", "Jordan", "Iraq", "Egypt"} == hosts
    idps = [t for t in traces if t.get("legendgroup") == "idps"]
    assert [(t["name"], [x[:10] for x in t["x"]]) for t in idps] == [("IDPs — UNHCR", ["2022-03-31"])]


def test_overview_says_in_the_sidebar_that_it_shows_the_whole_span(reference_db, monkeypatch):
    at = run_page(reference_db, "overview", monkeypatch)
    assert "This page shows the whole span" in texts(at.sidebar.info)
    linked = run_page(reference_db, "overview", monkeypatch, {"start": "2019-12-01", "end": "2020-03-31"})
    assert "This page shows the whole span" not in texts(linked.sidebar.info)


def test_a_hosts_line_joins_one_publishers_reports_of_every_year(reference_db):
    """Türkiye: UNHCR's own figures (Dec 2013 and May 2020) make one series; IOM's, the same registrations
    counted by another publisher, are never joined to them."""
    from warehouse.queries import Filters, run

    rows = run(reference_db, "war.refugees_by_year", Filters())
    assert rows.groupby("asylum_iso3")["source_publisher"].nunique().eq(1).all()
    turkey = rows[rows["asylum_iso3"] == "TUR"]
    assert list(zip(turkey["year"], turkey["persons"])) == [(2013, 557342), (2020, 3600000)]
    assert set(turkey["source_publisher"]) == {"UNHCR"}


def test_overview_follows_a_linked_period(reference_db, monkeypatch):
    at = run_page(reference_db, "overview", monkeypatch, {"start": "2019-12-01", "end": "2020-03-31"})
    assert "Shown: the whole span of the figures loaded." not in texts(at.caption)
    layout, traces = _layout_and_traces(at, WAR)
    [deaths] = [t for t in traces if t["type"] == "bar"]  # a report overlapping the months keeps its whole period
    assert deaths["x"][0][:10] == "2011-03-01" and deaths["text"] == ["350,209"]
    whole = run_page(reference_db, "overview", monkeypatch)
    assert metrics(at)["Recorded deaths (civilians)"] != metrics(whole)["Recorded deaths (civilians)"]


def test_a_shared_link_with_dates_opens_exactly_as_before(reference_db, monkeypatch):
    at = run_page(reference_db, "casualties", monkeypatch, {"start": "2020-01-01", "end": "2020-01-31"})
    assert period_shown(at) == (date(2020, 1, 1), date(2020, 1, 31))
    assert span_choice(at).value is None  # neither one-click period
    assert at.query_params["start"] in ("2020-01-01", ["2020-01-01"])
    assert at.query_params["end"] in ("2020-01-31", ["2020-01-31"])


def test_picking_dates_by_hand_writes_them_to_the_link(reference_db, monkeypatch):
    at = run_page(reference_db, "overview", monkeypatch)
    at.sidebar.date_input(key="f_period").set_value((date(2020, 2, 1), date(2020, 2, 29))).run()
    assert span_choice(at).value is None
    assert at.query_params["start"] in ("2020-02-01", ["2020-02-01"])


def test_a_warehouse_without_the_offensive_opens_on_its_whole_span_and_says_why(tmp_path, monkeypatch):
    from etl.load import load_file
    from tests.conftest import CITE, CITE_HEADER, write_csv

    db = tmp_path / "w.duckdb"
    rows = [[f"{y}-12-31", f"{y}-12-31", "SYR", "TUR", "registered_refugees", str(100_000 * (y - 2010)), "", *CITE]
            for y in range(2011, 2019)]
    refugees = write_csv(tmp_path / "refugees.csv", ["period_start", "period_end", "origin_iso3", "asylum_iso3",
                                                     "population_type", "persons", "note", *CITE_HEADER], rows)
    assert load_file(refugees, db).status == "loaded"
    at = run_page(db, "refugees", monkeypatch)
    assert period_shown(at) == (date(2011, 12, 31), date(2018, 12, 31))
    assert "No displacement figure in the warehouse falls in the offensive (Dec 2019 – Mar 2020)" in texts(at.sidebar.info)
    assert not at.sidebar.get("button_group")  # no "Offensive" button that would show nothing
    assert "Syrian refugees by host country" in [s.value for s in at.subheader]


def test_first_start_builds_the_reference_warehouse_and_shows_it(tmp_path, monkeypatch):
    """`streamlit run dashboard/app.py` with no warehouse at the configured path: built once, in the page."""
    from etl.load import REFERENCE_DIR, expand
    from warehouse.queries import admin

    db = tmp_path / "new" / "warehouse.duckdb"
    monkeypatch.setenv("DISPLACEMENT_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.status[0].label.startswith(f"Reference warehouse built at {db} in ")
    assert db.exists() and not list(db.parent.glob(".*publishing*"))
    displaced = [v for k, v in metrics(at).items() if "newly displaced" in k.lower()]  # the landing page's headline
    assert displaced and displaced[0] != "—"  # the page shows the new warehouse in the same run
    history = admin.load_history(db)
    assert set(history["loaded_by"]) == {"reference"} and set(history["status"]) == {"loaded"}
    assert sorted(history["file_name"]) == sorted(p.name for p in expand([REFERENCE_DIR]))  # each file once
    at.run()
    assert not at.status  # a second run finds the warehouse: nothing to build


OFFENSIVE_URL = {"start": "2019-12-01", "end": "2020-03-31"}


def test_map_page_draws_the_shipped_sub_districts_on_the_reference_build(reference_db, monkeypatch):
    at = run_page(reference_db, "map", monkeypatch, OFFENSIVE_URL)
    assert "No map layers" not in texts(at.info) and "No sub-district boundaries" not in texts(at.info)
    figure = at.get("plotly_chart")[0].proto.spec
    import json

    spec = json.loads(figure)
    choropleth = next(t for t in spec["data"] if t["type"] == "choroplethmap")
    assert len(choropleth["locations"]) == 66  # Idleb and Aleppo sub-districts, nothing else in detail
    names = [t.get("name", "") for t in spec["data"]]
    assert any(n.startswith("northwestern Idleb: 560,000 people (spans 0–25 km)") for n in names)
    assert any("northern Aleppo" in n for n in names)
    layers = spec["layout"]["map"]["layers"]
    assert len(layers) >= 8  # backdrop, outlines, three band lines, area washes and outlines, corridor, border, M4
    assert "UN OCHA" in texts(at.caption)


def test_border_page_splits_the_offensive_by_band_on_the_reference_build(reference_db, monkeypatch):
    at = run_page(reference_db, "border", monkeypatch, OFFENSIVE_URL)
    assert [h.value for h in at.subheader][:1] == ["Displacement by distance to the Turkish border"]
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = {t["y"][0]: t["x"][0] for t in spec["data"] if t["type"] == "bar"}
    assert bars["spans 0–25 km"] == 560000 and bars["spans 0–50 km"] == 400000
    assert bars.get("unknown distance", 0) / sum(bars.values()) < 0.2
    assert at.selectbox(key="border_breakdown").value.startswith("arrivals|")
    sankey = json.loads(at.get("plotly_chart")[-1].proto.spec)["data"][0]
    assert sankey["type"] == "sankey"
    labels = sankey["node"]["label"]
    assert "Unknown origin" not in " ".join(labels)
    assert any("northwestern Idleb" in label for label in labels)


def test_map_page_marks_geocoded_events_with_their_publisher(tmp_path, monkeypatch):
    """Synthetic events with coordinates (as the attacks-on-health-care reader writes them)."""
    from etl.load import build_reference, load_file
    from tests.conftest import write_csv

    db = tmp_path / "warehouse.duckdb"
    build_reference(db)
    header = ["event_date", "title", "description", "category", "lat", "lon", "source_publisher", "source_title",
              "source_date", "source_url", "source_is_synthetic"]
    write_csv(tmp_path / "events.csv", header, [
        ["2020-02-10", "Synthetic hospital incident", "invented for a test", "", "36.21", "36.73",
         "Synthetic test data", "Geocoded events fixture (invented)", "2020-03-01", "", "true"],
    ])
    assert load_file(tmp_path / "events.csv", db).status == "loaded"
    at = run_page(db, "map", monkeypatch, OFFENSIVE_URL)

    import plotly.io

    figure = plotly.io.from_json(at.get("plotly_chart")[0].proto.spec)
    events = [t for t in figure.data if (t.name or "").startswith("Events: Synthetic test data")]
    assert events and "(synthetic)" in events[0].name
    lat = events[0].lat  # plotly ships arrays base64-encoded
    if isinstance(lat, dict):
        import base64

        import numpy as np
        lat = np.frombuffer(base64.b64decode(lat["bdata"]), dtype=lat["dtype"]).tolist()
    assert list(lat) == [36.21]
    assert "Synthetic hospital incident" in events[0].hovertext[0]


def _everything_a_person_reads(at: AppTest) -> str:
    """Titles, text, captions, messages, headline numbers, expander labels and every table cell."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric] + [e.label for e in at.expander]
    for table in at.dataframe:
        frame = table.value
        parts += [str(c) for c in frame.columns] + [str(v) for v in frame.astype(object).to_numpy().ravel()]
    return "\n".join(str(p) for p in parts)


MISSING_WORDS = re.compile(r"\b(None|nan|NaN|NaT|<NA>)\b")


@pytest.mark.parametrize("page", PAGES)
def test_no_none_or_nan_where_a_person_reads(reference_db, monkeypatch, page):
    text = _everything_a_person_reads(run_page(reference_db, page, monkeypatch))
    assert text and not MISSING_WORDS.findall(text), MISSING_WORDS.findall(text)


@pytest.mark.real_data
@pytest.mark.parametrize("page", ["overview", "camps", "casualties", "refugees", "data"])
def test_no_none_or_nan_with_the_real_files(real_db, monkeypatch, page):
    path, _ = real_db
    text = _everything_a_person_reads(run_page(path, page, monkeypatch, {"start": "2019-12-01", "end": "2020-03-31"}))
    assert not MISSING_WORDS.findall(text), [line for line in text.splitlines() if MISSING_WORDS.search(line)][:5]


def test_each_chart_has_a_short_sources_line_opening_the_full_list(reference_db, monkeypatch):
    at = run_page(reference_db, "overview", monkeypatch, {"start": "2019-12-01", "end": "2020-03-31"})
    labels = [e.label for e in at.expander if e.label.startswith("Sources:")]
    assert len(labels) == 2  # one per chart: the war's timeline and the displacement timeline
    for label in labels:
        assert re.search(r"reports, \d{1,2} \w{3} \d{4} – \d{1,2} \w{3} \d{4}$", label.replace("\\", "")), label
    listed = next(t.value for t in at.dataframe if list(t.value.columns) == ["Publisher", "Title", "Published", "Link"])
    assert len(listed) >= 10 and listed["Link"].str.startswith("http").all()
    assert "Sources:" not in texts(at.caption)  # the old paragraph of titles is gone


def test_figures_page_quotes_one_figure_per_question_with_the_others_beside_it(reference_db, monkeypatch):
    at = run_page(reference_db, "figures", monkeypatch, OFFENSIVE_LINK)
    assert at.title[0].value == "Figures side by side"
    questions = [s.value for s in at.subheader]
    assert "How many civilians were killed?" in questions and len(questions) == 5
    quoted = [m.value for m in at.metric]
    assert quoted[0] == "961,300"  # WFP's, as of 3 March: the latest UN figure of people since 1 December
    # 16 with the IDP Task Force's January 2020 movements (464,800), listed as movements, not people
    assert "one of 16 published figures; range 948,000–961,300" in texts(at.caption)
    table = at.dataframe[0].value
    assert "464,800" in set(table["Figure"])
    assert "308,200" in set(table["Figure"]) and "604,600" not in set(table["Figure"])
    assert (table["Role"] == "Quoted").sum() == 1


def test_figures_page_finds_where_a_number_comes_from(reference_db, monkeypatch):
    at = run_page(reference_db, "figures", monkeypatch, OFFENSIVE_LINK)
    at.number_input(key="find_number").set_value(948000).run()
    found = at.dataframe[-1].value
    assert found.iloc[0]["source_publisher"] == "UN OCHA" and found.iloc[0]["value"] == 948000


def test_crisis_headlines_say_how_many_figures_were_published(reference_db, monkeypatch):
    at = run_page(reference_db, "crisis", monkeypatch, OFFENSIVE_LINK)
    assert "one of 16 published figures; range 948,000–961,300" in texts(at.caption)


NO_ORIGIN_SENTENCE = "12,345 people in Idleb were reported arriving with no origin given (Synthetic test data, 1 Mar 2020)."


@pytest.mark.parametrize("page", ["border", "crisis"])
def test_arrivals_with_no_origin_are_said_where_the_flows_chart_would_be(no_origin_db, monkeypatch, page):
    at = run_page(no_origin_db, page, monkeypatch, {"start": "2020-02-01", "end": "2020-02-29"})
    assert "Origin → destination flows" in [s.value for s in at.subheader]
    assert NO_ORIGIN_SENTENCE in texts(at.markdown).replace("\\", "")  # markdown characters escaped
    assert "Unknown origin" not in texts(at.markdown) + texts(at.caption) + texts(at.info)
    assert "Origin → destination flows" not in texts(at.caption)  # not listed under "Not shown"


def test_crisis_page_draws_the_published_origin_of_the_offensive(reference_db, monkeypatch):
    import plotly.io

    at = run_page(reference_db, "crisis", monkeypatch, OFFENSIVE_LINK)
    traces = [plotly.io.from_json(c.proto.spec).data for c in at.get("plotly_chart")]
    sankeys = [t[0] for t in traces if t and t[0].type == "sankey"]
    assert len(sankeys) == 1
    labels = list(sankeys[0].node.label)
    assert any(label.startswith("Northwest Syria") for label in labels)
    assert not any("Unknown" in label for label in labels)
