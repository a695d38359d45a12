"""Security of the app: bound parameters everywhere, data shown as text, exports
formula-safe, and read-only connections that cannot touch other files.

The corpus of hostile strings goes through every Filters field into every
warehouse.queries function, and through every URL key into every page. An
injection string must behave exactly like any unknown value, and the
warehouse file must not change (sha256).
"""
from __future__ import annotations

import ast
import csv
import hashlib
import importlib
import inspect
import pkgutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import warehouse.queries as queries_package
from dashboard import catalog, pages
from dashboard import filters as url_filters
from dashboard.export import brief, files
from dashboard.export.site import build_site
from etl.load import load_file
from warehouse import connect_read, publishing, writes
from warehouse.links import web_link
from warehouse.queries import Filters

import soak_hostile  # tests/soak_hostile.py: the hostile inputs, HOSTILE_LINKS among them
import synthetic  # tests/synthetic.py: pytest puts the tests' folder on the path

ROOT = Path(__file__).resolve().parents[1]
PAGES = list(pages.KEYS)  # every page of the app (dashboard/pages.py)
CORPUS = [
    "'; DROP TABLE displacement; --",
    "' OR 1=1 --",
    '") UNION SELECT source_id, publisher, title FROM sources --',
    "SY07' OR '1'='1",
    "SY07\u2019 OR \u20181\u2019=\u20181",          # unicode quotes
    "SY07\u02bc; DELETE FROM loads; --",
    "a\x00b",                                      # NUL byte
    "x" * 100_000,                                 # very long
    "read_csv('/etc/passwd')",
    "1; ATTACH '/tmp/evil.duckdb' AS evil",
    "%' AND 1=0 UNION ALL SELECT 1 --",
    "\\'; COPY displacement TO '/tmp/out.csv'; --",
]
UNKNOWN = "ZZ-no-such-value"
SCRIPT, IMG = "<script>alert(1)</script>", '<img src=x onerror="alert(2)">'


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """The synthetic warehouse plus one row cited by a source whose name is HTML and a formula."""
    folder = tmp_path_factory.mktemp("security")
    path = synthetic.build(folder / "warehouse.duckdb", folder / "csv")
    hostile = folder / "hostile_citation.csv"
    with open(hostile, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["period_start", "period_end", "destination_pcode", "figure_type", "individuals", "note",
                         "source_publisher", "source_title", "source_date", "source_url", "source_is_synthetic"])
        writer.writerow(["2020-02-01", "2020-02-29", "C4130", "arrivals", 5, "<b>note</b>",
                         SCRIPT, f'=HYPERLINK("http://example.invalid","x") {IMG}', "2020-03-01", "", "true"])
    assert load_file(hostile, path).status == "loaded"
    return path


def _query_functions():
    """Every public function of warehouse.queries.* taking (db_path, filters, ...)."""
    found = []
    for module_info in pkgutil.iter_modules(queries_package.__path__):
        module = importlib.import_module(f"warehouse.queries.{module_info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(func).parameters)
            if func.__module__ == module.__name__ and params[:2] == ["db_path", "filters"]:
                found.append(pytest.param(func, id=f"{module_info.name}.{name}"))
    return found


QUERY_FUNCTIONS = _query_functions()
TUPLE_FIELDS = ["governorates", "sources", "figure_types"]


def _outcome(func, *args, **kwargs):
    """A query's result, or the class of error it raised (compared, never hidden)."""
    try:
        result = func(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the comparison below decides
        return type(exc)
    if not isinstance(result, pd.DataFrame):
        return result
    # Row order among ties (same period and type) is not part of a query's contract: compare as sets.
    keys = ["|".join(map(str, row)) for row in result.itertuples(index=False)]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return result.iloc[order].reset_index(drop=True)


def _same(a, b) -> None:
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        assert not isinstance(a, pd.DataFrame) and not isinstance(b, pd.DataFrame), (a, b)
        assert a == b


def test_every_query_module_is_covered():
    assert len(QUERY_FUNCTIONS) >= 20


@pytest.mark.parametrize("func", QUERY_FUNCTIONS)
@pytest.mark.parametrize("field", TUPLE_FIELDS + ["extra-values", "extra-keys"])
def test_injection_in_a_filter_behaves_like_any_unknown_value(db, func, field):
    before = _sha256(db)
    if field == "extra-values":
        hostile, harmless = Filters(extra=tuple(("district", s) for s in CORPUS)), Filters(extra=(("district", UNKNOWN),))
    elif field == "extra-keys":
        hostile, harmless = Filters(extra=tuple((s, "SY0703") for s in CORPUS)), Filters(extra=((UNKNOWN, "SY0703"),))
    else:
        hostile, harmless = Filters(**{field: tuple(CORPUS)}), Filters(**{field: (UNKNOWN,)})
    _same(_outcome(func, db, hostile), _outcome(func, db, harmless))
    assert _sha256(db) == before


@pytest.mark.parametrize("func", QUERY_FUNCTIONS)
def test_injection_in_a_date_field_fails_or_matches_nothing_like_any_bad_date(db, func):
    """Pages only ever put real dates here (dashboard/filters.py parses the URL); a string is bound, never spliced."""
    before = _sha256(db)
    for value in (CORPUS[0], CORPUS[1], CORPUS[6]):
        _same(_outcome(func, db, Filters(start=value)), _outcome(func, db, Filters(start=UNKNOWN)))
        _same(_outcome(func, db, Filters(end=value)), _outcome(func, db, Filters(end=UNKNOWN)))
    assert _sha256(db) == before


def _text_keyword_calls():
    """Query functions with a text keyword (level, month, codes...) and the value to send in it."""
    calls = []
    for module_info in pkgutil.iter_modules(queries_package.__path__):
        module = importlib.import_module(f"warehouse.queries.{module_info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != module.__name__ or name.startswith("_"):
                continue
            for param in inspect.signature(func).parameters.values():
                annotation = str(param.annotation)
                if param.name in ("db_path", "filters", "sql", "params") or param.default is inspect.Parameter.empty:
                    continue
                if annotation.startswith("str") or annotation.startswith("tuple[str"):
                    calls.append(pytest.param(func, param.name, annotation.startswith("tuple"),
                                              id=f"{module_info.name}.{name}.{param.name}"))
    return calls


@pytest.mark.parametrize(("func", "keyword", "as_tuple"), _text_keyword_calls())
def test_injection_in_text_keywords_behaves_like_any_unknown_value(db, func, keyword, as_tuple):
    before = _sha256(db)
    args = (db, Filters()) if "filters" in inspect.signature(func).parameters else (db,)
    for value in CORPUS:
        hostile, harmless = ((value,), (UNKNOWN,)) if as_tuple else (value, UNKNOWN)
        _same(_outcome(func, *args, **{keyword: hostile}), _outcome(func, *args, **{keyword: harmless}))
    assert _sha256(db) == before


def _harness(page_file: str) -> None:
    """The entry point's work around a page: the shared URL filters, then the page."""
    import runpy

    from dashboard import filters
    from dashboard.data import query

    filters.sidebar(query)
    runpy.run_path(page_file, run_name="__main__")


def _run_page(db: Path, page: str, monkeypatch, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("DISPLACEMENT_DB", str(db))
    at = AppTest.from_function(_harness, args=(str(ROOT / "dashboard" / "views" / f"{page}.py"),), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_hostile_url_parameters_give_a_clean_notice_on_every_page(db, page, monkeypatch):
    """Each URL key carries the whole corpus (values are comma lists, so every string is tried)."""
    before = _sha256(db)
    joined = ",".join(s for s in CORPUS if len(s) < 1000 and "\x00" not in s)
    at = _run_page(db, page, monkeypatch, {key: joined for key in url_filters.KEYS})
    assert not at.exception, [e.message for e in at.exception]
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "Ignored gov=" in notices and "Ignored start=" in notices
    assert "DROP TABLE" in notices.replace("\\", "")  # quoted back as text, not run
    assert _sha256(db) == before


@pytest.mark.parametrize("value", ["x" * 100_000, "SY07\x00' OR 1=1 --"])
def test_very_long_and_nul_url_values_on_the_overview(db, value, monkeypatch):
    before = _sha256(db)
    at = _run_page(db, "overview", monkeypatch, {"gov": value, "source": value})
    assert not at.exception, [e.message for e in at.exception]
    assert all(len(w.value) < 300 for w in at.sidebar.warning)  # the notice quotes a bounded excerpt
    assert _sha256(db) == before


def _all_text(at: AppTest) -> str:
    parts = []
    for node in at.main:
        for attr in ("value", "body"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                parts.append(value)
    return " ".join(parts)


def test_html_in_source_names_is_shown_as_text(db, monkeypatch):
    at = _run_page(db, "data", monkeypatch, {})
    assert not at.exception, [e.message for e in at.exception]
    frames = [df.value for df in at.dataframe]
    shown = " ".join(frame.astype(str).to_csv() for frame in frames) + _all_text(at)
    unescaped = shown.replace("\\", "")
    assert SCRIPT in unescaped  # the literal text is there for the reader to see ...
    assert not at.get("html")    # ... and no element renders HTML


UNSAFE_CALLS = {"html", "components.v1.html", "iframe"}
# Markup the code builds from a closed set (no data): the right-to-left style sheet and the script
# that sets the document's direction from a language of i18n.LANGUAGES (tested below).
FIXED_MARKUP = {"i18n.RTL_CSS", "i18n.page_direction_script(i18n.language())"}


def _unsafe_uses(tree: ast.AST) -> list[str]:
    """unsafe_allow_html=True or st.html/components.html with anything but a literal string."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        literal = bool(node.args) and (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                                       or ast.unparse(node.args[0]) in FIXED_MARKUP)
        for keyword in node.keywords:
            if keyword.arg == "unsafe_allow_html" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                if not literal:
                    found.append(f"line {node.lineno}: unsafe_allow_html with data")
        name = ast.unparse(node.func)
        if name.endswith((".html", ".iframe")) and name.split(".")[0] in ("st", "components", "streamlit") and not literal:
            found.append(f"line {node.lineno}: {name}() with data")
    return found


def test_no_dashboard_code_renders_data_as_html():
    problems = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        problems += [f"{path.relative_to(ROOT)} {p}" for p in _unsafe_uses(ast.parse(path.read_text(encoding="utf-8")))]
    assert problems == []


@pytest.mark.parametrize(
    ("source", "flagged"),
    [("st.markdown(name, unsafe_allow_html=True)", True), ("st.markdown('<br>', unsafe_allow_html=True)", False),
     ("st.html(f'<b>{x}</b>')", True), ("st.markdown(text)", False), ("components.html(page)", True)],
)
def test_html_scanner_can_fail(source, flagged):
    assert bool(_unsafe_uses(ast.parse(source))) is flagged


@pytest.mark.parametrize(
    "sql",
    [
        "COPY displacement TO '{tmp}/out.csv'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "CREATE TABLE x AS SELECT 1",
        "DELETE FROM displacement",
        "DROP TABLE displacement",
        "EXPORT DATABASE '{tmp}/dump'",
    ],
)
def test_dashboard_connections_are_read_only_and_cannot_reach_other_files(db, tmp_path, sql):
    before = _sha256(db)
    with connect_read(db) as con:
        with pytest.raises(duckdb.Error):
            con.execute(sql.format(tmp=tmp_path)).fetchall()
    assert list(tmp_path.iterdir()) == []
    assert _sha256(db) == before


def test_exported_csv_and_xlsx_neutralise_formulas_from_the_data(db):
    """Cross-check with the export engineer's tests: a formula in a source title, end to end."""
    export = pytest.importorskip("dashboard.export.files")
    from openpyxl import load_workbook
    import io

    _, csv_file = export.export_named("displacement-timeline", "csv", Filters(extra=(("reports", "all"),)), db)
    text = csv_file.data.decode("utf-8-sig")
    assert '=HYPERLINK' in text
    assert all(not cell.startswith(("=", "+", "@")) for row in csv.reader(io.StringIO(text)) for cell in row)
    _, xlsx_file = export.export_named("displacement-timeline", "xlsx", Filters(extra=(("reports", "all"),)), db)
    book = load_workbook(io.BytesIO(xlsx_file.data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert all(not (isinstance(v, str) and v.startswith(("=", "+", "@"))) for v in row)


def test_injection_check_can_fail_on_a_spliced_query(db):
    """A query that pastes a value into its SQL is caught by the comparison above."""
    from warehouse.queries.base import fetch_df

    def spliced(db_path, filters):
        values = ", ".join(f"'{v}'" for v in filters.governorates)
        return fetch_df(db_path, f"SELECT count(*) AS n FROM v_displacement WHERE destination_governorate IN ({values})")

    with pytest.raises(AssertionError):
        _same(_outcome(spliced, db, Filters(governorates=("' OR 1=1 OR '' = '",))),
              _outcome(spliced, db, Filters(governorates=(UNKNOWN,))))


@pytest.mark.parametrize("lang", ["ar", "en", "ar');alert(1);('", "<script>", ""])
def test_the_page_direction_script_carries_only_a_known_language(lang):
    from dashboard import i18n

    script = i18n.page_direction_script(lang)
    assert "alert" not in script and script.count("<script>") == 1
    assert f"'lang','{lang if lang in i18n.LANGUAGES else i18n.DEFAULT}'" in script


# --- a hostile link that got into the warehouse is never drawn as a link ----------------------------

class _Links(HTMLParser):
    """Every address an element would follow or load (script bodies are not parsed as markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("href", "src", "action", "formaction") and value]


def _unsafe_links(page: str) -> list[str]:
    """Addresses with a scheme other than http(s), and any address of the hostile corpus (relative ones too)."""
    parser = _Links()
    parser.feed(page)
    corpus = {link.strip() for link in soak_hostile.HOSTILE_LINKS}
    return [href for href in parser.found
            if urlsplit(href.strip()).scheme.lower() not in ("", "http", "https") or href.strip() in corpus]


@pytest.fixture(scope="module")
def linked_db(tmp_path_factory) -> Path:
    """The synthetic warehouse with every source's link replaced by one of the hostile corpus, written through
    the warehouse's own write API (as a bug or a hand edit could), past the load's rule."""
    folder = tmp_path_factory.mktemp("hostile-links")
    path = synthetic.build(folder / "warehouse.duckdb", folder / "csv")
    with publishing(path) as con:
        known = con.execute("SELECT * FROM sources ORDER BY source_id").df()
        links = [soak_hostile.HOSTILE_LINKS[i % len(soak_hostile.HOSTILE_LINKS)] for i in range(len(known))]
        writes.upsert_sources(con, known.assign(url=links))
    with connect_read(path) as con:
        assert con.execute("SELECT count(*) FROM sources WHERE url LIKE 'javascript:%'").fetchone()[0]
    return path


def test_the_link_scanner_can_fail():
    assert _unsafe_links('<a href="javascript:window.x=5">x</a><a href="sitrep.html">y</a>'
                         '<a href="&#106;avascript:window.x=5">z</a>') == [
        "javascript:window.x=5", "sitrep.html", "javascript:window.x=5"]  # entities decoded, as a browser does
    assert _unsafe_links('<a href="https://example.org">x</a><a href="data/x.csv">y</a>') == []


def test_static_site_draws_no_hostile_link(linked_db, tmp_path):
    written = build_site(tmp_path / "site", linked_db, Filters())
    pages = [p for p in written if p.suffix == ".html"]
    sources_page = (tmp_path / "site" / "sources.html").read_text(encoding="utf-8")
    with connect_read(linked_db) as con:
        listed = con.execute("SELECT count(*) FROM sources").fetchone()[0]
    assert sources_page.count("<tr><td>") == listed  # every source is still listed, without its link
    assert {p.name: _unsafe_links(p.read_text(encoding="utf-8")) for p in pages} == {p.name: [] for p in pages}


def test_briefing_pack_draws_no_hostile_link(linked_db):
    _, page = brief.briefing_pack(catalog.direct_query(linked_db), Filters(), "html")
    page = page.decode("utf-8")
    assert "<li id='ref-" in page  # the pack cites sources
    assert _unsafe_links(page) == []


def test_chart_html_exports_draw_no_hostile_link(linked_db):
    query = catalog.direct_query(linked_db)
    exported = 0
    for name in catalog.CHARTS:
        chart = catalog.build(name, query, Filters())
        if chart.is_empty:
            continue
        data = files.export_chart(chart, Filters(), "html", files.about_for(chart, Filters(), query=query)).data
        assert _unsafe_links(data.decode("utf-8")) == [], name
        exported += 1
    assert exported


@pytest.mark.parametrize("page", ["data", "overview"])
def test_pages_offer_no_hostile_link(linked_db, page, monkeypatch):
    at = _run_page(linked_db, page, monkeypatch, {})
    assert not at.exception, [e.message for e in at.exception]
    links = [value for df in at.dataframe for column in ("url", "Link") if column in df.value
             for value in df.value[column] if isinstance(value, str) and value]
    assert all(web_link(value) == value for value in links), links
    if page == "overview":  # a chart's sources list is there, with its link column
        assert any("Link" in df.value for df in at.dataframe)
