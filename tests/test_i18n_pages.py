"""Every page in Arabic through AppTest (issue 16): the visible text of the page (titles,
captions, notices, metrics, widget labels and options, chart titles, axes, legends and
hovers) walked against the catalogue, so an interface string left in English fails."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n, pages
from dashboard.translations import read

ROOT = Path(__file__).resolve().parents[1]
PAGES = list(pages.KEYS)  # every page of the app (dashboard/pages.py)
ARABIC = re.compile(r"[\u0600-\u06FF]")
_FIELD = re.compile(r"\{[^{}]*\}|%\{\{?[^}]*\}\}?|<[^>]+>|`[^`]*`")


def _harness(page_file: str) -> None:
    """What dashboard/app.py does around a page: the language, the switch, the filters, the page."""
    import runpy

    from dashboard import filters, language
    from dashboard.data import query

    language.choose()
    language.switch()
    filters.sidebar(query)
    runpy.run_path(page_file, run_name="__main__")


def english_phrases() -> list[str]:
    """The English interface phrases of the catalogue: the literal parts of every msgid whose
    Arabic differs, long enough (two words or more) that data cannot contain them by chance."""
    phrases = set()
    for message in read("ar"):
        if not message.id or isinstance(message.id, (list, tuple)) or message.string == message.id:
            continue
        for part in _FIELD.split(message.id):
            part = part.strip(" .,;:()—–-·*'\"")
            if len(part) >= 12 and len(part.split()) >= 2:
                phrases.add(part)
    return sorted(phrases, key=len, reverse=True)


def _figure_text(spec: str) -> list[str]:
    figure = json.loads(spec)
    layout = figure.get("layout", {})
    texts = [str((layout.get("title") or {}).get("text", ""))]
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            texts.append(str((value.get("title") or {}).get("text", "")))
    texts += [str(note.get("text", "")) for note in layout.get("annotations", [])]
    texts.append(str(((layout.get("coloraxis") or {}).get("colorbar") or {}).get("title", "")))
    for trace in figure.get("data", []):
        texts += [str(trace.get("name") or ""), str(trace.get("hovertemplate") or "")]
        hover = trace.get("hovertext")
        texts += [str(h) for h in hover] if isinstance(hover, list) else [str(hover or "")]
        node = trace.get("node") or {}
        texts += [str(label) for label in node.get("label", [])]
    return [t for t in texts if t]


def visible_text(at: AppTest) -> dict[str, list[str]]:
    """The page's text by kind: interface elements apart from what the data fills in."""
    interface = [e.value for kind in ("title", "header", "subheader") for e in at.get(kind)]
    interface += [e.label for e in at.get("metric")] + [e.label for e in at.get("expandable")]
    for kind in ("selectbox", "multiselect", "radio", "date_input", "checkbox", "toggle", "segmented_control"):
        interface += [w.label for w in at.get(kind)]
    prose = [e.value for kind in ("caption", "markdown", "info", "warning", "error", "success") for e in at.get(kind)]
    charts = [t for e in at.get("plotly_chart") for t in _figure_text(e.proto.spec)]
    return {"interface": interface, "prose": prose, "charts": charts}


def data_values(db: Path) -> list[str]:
    """Text the publishers wrote (event titles and descriptions, report titles, publisher names):
    it keeps its language on an Arabic page, so it is taken out before the walk."""
    from warehouse.queries import Filters, run

    events = run(db, "timeline.events", Filters())
    sources = run(db, "admin.sources")
    values = [*events["title"].dropna(), *events.get("description", events["title"]).dropna(),
              *sources["title"].dropna(), *sources["publisher"].dropna()]
    return sorted({str(v) for v in values if str(v).strip()}, key=len, reverse=True)


@pytest.fixture(scope="module")
def reference_db(tmp_path_factory) -> Path:
    from etl.load import build_reference

    path = tmp_path_factory.mktemp("arabic-pages") / "warehouse.duckdb"
    build_reference(path)
    return path


def run_arabic(db: Path, page: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DISPLACEMENT_DB", str(db))
    at = AppTest.from_function(_harness, args=(str(ROOT / "dashboard" / "views" / f"{page}.py"),), default_timeout=90)
    at.query_params["lang"] = "ar"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_in_arabic_has_no_english_interface_string(reference_db, monkeypatch, page):
    at = run_arabic(reference_db, page, monkeypatch)
    text = visible_text(at)
    everything = "\n".join(t for part in text.values() for t in part)
    for value in data_values(reference_db):
        everything = everything.replace(value, "")
    left = [phrase for phrase in english_phrases() if phrase in everything]
    assert not left, f"{page}: English interface text on the Arabic page: {left[:10]}"
    # every heading, label and chart title is Arabic (data may fill in English titles, never a label alone)
    bare = [t for t in text["interface"] if t and not ARABIC.search(t) and t != "Language · اللغة"]
    assert not bare, f"{page}: labels without Arabic: {bare}"
    assert at.session_state["ui_lang"] == "ar"


def test_english_stays_the_default(reference_db, monkeypatch):
    monkeypatch.setenv("DISPLACEMENT_DB", str(reference_db))
    at = AppTest.from_function(_harness, args=(str(ROOT / "dashboard" / "views" / "overview.py"),), default_timeout=90)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Displacement in Northwest Syria"
    assert "lang" not in at.query_params


def test_filters_show_arabic_place_names(reference_db, monkeypatch):
    at = run_arabic(reference_db, "overview", monkeypatch)
    governorates = next(w for w in at.multiselect if w.key == "f_gov")
    shown = [governorates.format_func(option) for option in governorates.options]
    assert "إدلب" in " ".join(shown) and "حلب" in " ".join(shown), shown


def test_switch_keeps_the_language_in_the_url(reference_db, monkeypatch):
    at = run_arabic(reference_db, "overview", monkeypatch)
    assert at.query_params.get("lang") in ("ar", ["ar"])
    with i18n.using("en"):
        pass
    at.session_state["ui_lang"] = "en"
    at.run()
    assert at.title[0].value == "Displacement in Northwest Syria"


def test_data_page_shows_statuses_and_reject_reasons_in_arabic(tmp_path, monkeypatch):
    """Codes the warehouse keeps (rolled_back, loaded, 'up to date') and the ETL's reasons are shown as labels."""
    from etl.load import load_file, rollback
    from tests.conftest import CITE, CITE_HEADER, write_csv

    db = tmp_path / "warehouse.duckdb"
    places = write_csv(tmp_path / "places.csv", ["pcode", "admin_level", "kind", "parent_pcode", "name_en", "name_ar",
                                                 "lat", "lon", *CITE_HEADER],
                       [["SY07", 1, "governorate", "SY", "Idleb", "إدلب", "", "", *CITE],
                        ["SY02", 1, "governorate", "SY", "Aleppo", "حلب", "", "", *CITE]])
    assert load_file(places, db).status == "loaded"
    header = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals", "note",
              *CITE_HEADER]
    moves = load_file(write_csv(tmp_path / "moves.csv", header, [
        ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "10", "", *CITE],
        ["2020-01-01", "2020-01-31", "SY07", "SY02", "fled", "-5", "", *CITE]]), db)
    later = load_file(write_csv(tmp_path / "later.csv", header, [
        ["2020-02-01", "2020-02-29", "SY07", "SY02", "arrivals", "20", "", *CITE]]), db)
    assert moves.rows_rejected == 1 and later.status == "loaded"
    rollback(db, later.load_id)
    at = run_arabic(db, "data", monkeypatch)
    tables = [frame.value for frame in at.dataframe]
    freshness = next(t for t in tables if "expected_update" in t.columns)  # headers come from column_config
    assert freshness["status"].tolist() == ["متأخر"] and freshness["expected_update"].tolist() == [
        "شهرياً (\u2068OCHA situation reports\u2069)"]
    history = next(t for t in tables if "بصمة الملف SHA-256" in t.columns)
    assert set(history["الحالة"]) == {"محمّل", "تم التراجع عنه"}, history["الحالة"].tolist()
    rejects = next(t for t in tables if "السبب" in t.columns)
    [reason] = rejects["السبب"].tolist()
    assert reason.startswith("ليست من القيم المسموح بها") and "عدد سالب" in reason and "fled" in reason, reason
    assert "\u2068" in reason and "not one of" not in reason


def test_first_start_speaks_arabic_on_an_arabic_link(tmp_path, monkeypatch):
    """The first-start build (dashboard/startup.py) is told in the language of the link."""
    db = tmp_path / "new" / "warehouse.duckdb"
    monkeypatch.setenv("DISPLACEMENT_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
    at.query_params["lang"] = "ar"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    label = at.status[0].label
    assert label.startswith("أُنشئ مستودع البيانات المرجعي في ") and str(db) in label, label
    said = [str(m.value) for m in at.status[0].markdown]
    assert said[0].startswith("لا يوجد مستودع بيانات في"), said[:2]


def test_figures_page_names_a_single_place_in_arabic(reference_db, monkeypatch):
    monkeypatch.setenv("DISPLACEMENT_DB", str(reference_db))
    at = AppTest.from_function(_harness, args=(str(ROOT / "dashboard" / "views" / "figures.py"),), default_timeout=90)
    at.query_params["lang"] = "ar"
    at.query_params["start"], at.query_params["end"] = "2019-12-01", "2020-03-31"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = {p for frame in at.dataframe if "المكان" in frame.value.columns for p in frame.value["المكان"]}
    assert "شمال غرب سوريا" in shown and "Northwest Syria (Idleb governorate and northern Aleppo)" not in shown, shown


def test_key_events_are_in_arabic_on_the_arabic_crisis_page(reference_db, monkeypatch):
    """The key-event list beside the chart and the timeline's event labels use each event's Arabic title."""
    at = run_arabic(reference_db, "crisis", monkeypatch)
    listed = " ".join(str(m.value) for m in at.markdown)
    assert "اتفاق موسكو بين روسيا وتركيا بشأن إدلب" in listed
    assert "Moscow agreement between Russia and Turkey on Idlib" not in listed
    drawn = " ".join(json.dumps(json.loads(chart.proto.spec), ensure_ascii=False) for chart in at.get("plotly_chart"))
    assert "اتفاق موسكو" in drawn and "Moscow agreement" not in drawn
