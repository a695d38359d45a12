"""The briefing pack for the offensive on the reference build: a few printed pages
in the style of a flash update, a map on the first page, no page for a chart
without data, every chart traceable to a numbered source; the HTML pack has
the same sections."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard import catalog, story
from dashboard.export import brief
from dashboard.export.references import References, label
from warehouse.queries import Filters, briefing

EXPORTED_ON = date(2026, 1, 15)
OFFENSIVE = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))


def _squash(text: str) -> str:
    """Text without whitespace: PDF line wrapping may split a title anywhere between words."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pack(reference_db: Path) -> brief.Pack:
    return brief.gather(catalog.direct_query(reference_db), OFFENSIVE, exported_on=EXPORTED_ON, pictures=True)


@pytest.fixture(scope="module")
def pdf_file(pack, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pack") / "pack.pdf"
    path.write_bytes(brief.to_pdf(pack))
    return path


@pytest.fixture(scope="module")
def pdf_text(pdf_file) -> list[str]:
    """Each page's text as pdftotext gives it (the tool a reader would use)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], check=True, capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def test_offensive_pack_has_two_to_six_pages_that_render(pdf_file, pdf_text, tmp_path):
    assert pdf_file.read_bytes().startswith(b"%PDF")
    assert 2 <= len(pdf_text) <= brief.MAX_PAGES
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf_file), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p*.png"))) == len(pdf_text)


def _body(page: str) -> str:
    """A page's text without its footer (export line, filters, page number)."""
    lines = [line for line in page.splitlines() if line.strip()]
    return "\n".join(line for line in lines if not re.search(r"^\s*(Exported|Filters:|Page \d+ of)", line.strip())
                     and "Page " not in line)


def test_no_page_is_near_blank_and_no_reference_is_parted_from_its_text(pdf_text):
    for number, page in enumerate(pdf_text, 1):
        assert len(_body(page)) > 300, f"page {number} is near blank: {_body(page)!r}"
        for line in _body(page).splitlines():  # a reference number alone on a line has lost its text
            assert not re.fullmatch(r"\s*(\[\d+\]\s*)+", line), f"page {number}: {line!r}"


def test_the_sources_take_one_page(pack, pdf_text):
    first, last = f"[1]", f"[{len(pack.references)}]"
    holding = [n for n, page in enumerate(pdf_text) if "SOURCES" in page]
    assert len(holding) == 1
    sources = pdf_text[holding[0]][pdf_text[holding[0]].index("SOURCES"):]
    assert first in sources and last in sources and holding[0] == len(pdf_text) - 1


def test_one_report_is_one_reference(pack):
    cited = [(r.publisher, r.title) for r in pack.references]
    assert len(cited) == len(set(cited)), [c for c in cited if cited.count(c) > 1]


def test_first_page_has_title_period_key_figures_and_the_map(pack, pdf_file, pdf_text):
    first = re.sub(r"\s+", " ", pdf_text[0])
    assert "Displacement in Northwest Syria" in first and "1 Dec 2019 – 31 Mar 2020" in first
    assert "KEY FIGURES" in first and "KEY EVENTS" in first
    assert pack.headlines, "the reference warehouse has headline figures"
    for headline, ref in pack.headlines:
        assert f"{headline.value:,.0f}" in first and f"[{ref}]" in first
        assert all(word in first for word in headline.label.split())  # a label may wrap inside its box
    assert pack.map is not None and _squash(pack.map.chart.title) in _squash(pdf_text[0])
    assert PdfReader(pdf_file).pages[0].images, "the map is drawn on the first page"


def test_no_page_says_a_chart_has_no_data(pack, pdf_text, reference_db):
    text = _squash(" ".join(pdf_text))
    query = catalog.direct_query(reference_db)
    for name in story.pack_charts():
        message = catalog.build(name, query, OFFENSIVE).empty_message
        assert _squash(message) not in text, name
    assert "Chartimage" not in text and "nofiguresforthisselection):" in text.lower() or not pack.not_shown
    assert sum(page.count("Not shown") for page in pdf_text) <= 1  # one line names the charts left out
    for title in pack.not_shown:
        assert _squash(title) in text


def test_each_drawn_chart_has_its_picture_title_and_references(pack, pdf_file, pdf_text):
    text = _squash(" ".join(pdf_text))
    for item in pack.charts:
        assert _squash(item.chart.title) in text
        assert item.refs, f"{item.chart.name} cites no source"
        assert _squash(f"Sources: {label(item.refs)}") in text
    pictured = sum(len(page.images) for page in PdfReader(pdf_file).pages)
    assert pictured == len(pack.charts) + 1  # every chart and the map


def _expand(refs: str) -> set[int]:
    numbers = set()
    for first, last in re.findall(r"\[(\d+)\](?:–\[(\d+)\])?", refs):
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


def test_every_reference_is_in_the_numbered_sources_list(pdf_text):
    text = "\n".join(pdf_text)
    body, _, sources = text.rpartition("SOURCES")
    # two columns: a reference starts a line or follows the other column's text after a wide gap
    listed = sorted(int(n) for n in re.findall(r"(?:^|\s{3,})\[(\d+)\]\s+\S", sources, re.M))
    assert listed == list(range(1, len(listed) + 1)), "sources are numbered 1..n"
    cited = set()
    for refs in re.findall(r"Sources:\s*((?:\[\d+\](?:–\[\d+\])?(?:,\s*)?)+)", re.sub(r"\s+", " ", body)):
        cited |= _expand(refs)
    cited |= _expand(" ".join(re.findall(r"\[\d+\]", body)))
    assert cited and cited <= set(listed)
    assert set(listed) <= cited, "no source is listed that nothing cites"


def test_sources_give_publisher_title_date_and_link(pack, reference_db):
    known = briefing.sources_with_loads(reference_db)
    with_url = {(r.publisher, r.title) for r in known.itertuples() if isinstance(r.url, str)}
    for ref in pack.references:
        assert ref.publisher and ref.title
        if (ref.publisher, ref.title) in with_url:
            assert ref.url


def test_footer_names_export_date_filters_and_warehouse_version(pdf_text):
    for page in pdf_text:
        flat = re.sub(r"\s+", " ", page)
        assert "Exported 15 Jan 2026" in flat and "warehouse: load" in flat
        assert "Filters: Period: 1 Dec 2019 – 31 Mar 2020" in flat
        assert re.search(r"Page \d of \d", flat)


def test_html_pack_has_the_same_sections(pack, pdf_text):
    page = brief.to_html(pack).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page, re.I)
    assert page.count("plotly.js v") == 1  # the library is embedded once, not once per chart
    assert page.count("Plotly.newPlot(") == len(pack.charts) + 1
    pdf = re.sub(r"\s+", " ", " ".join(pdf_text)).upper()
    for section in ["Key figures", "Key events", *{item.section for item in pack.charts}, "Sources"]:
        assert f">{section}</h2>" in page and section.upper() in pdf
    for item in pack.charts:
        assert item.chart.title.replace("&", "&amp;") in page and label(item.refs) in page
    if pack.not_shown:
        assert "Not shown" in page
    assert page.count("<li id='ref-") == len(pack.references)


def test_references_number_in_order_and_join_ranges():
    import pandas as pd

    sources = pd.DataFrame({"publisher": ["UN OCHA"], "title": ["Flash Update No. 1"],
                            "published": [pd.Timestamp("2019-12-20")], "url": ["https://example.org/1"]})
    refs = References(sources)
    assert refs.number("UN OCHA, Flash Update No. 1 (2019-12-20)") == 1
    assert refs.number("UN OCHA, Flash Update No. 1") == 1  # the same source, cited without its date
    assert refs.cite(["B, x", "C, y", "D, z"]) == [2, 3, 4]
    assert refs.entries[0].text == "UN OCHA. Flash Update No. 1. 20 Dec 2019." and refs.entries[0].url
    assert label([1, 2, 3, 5, 7, 8]) == "[1]–[3], [5], [7], [8]"


def test_story_pack_charts_are_catalogue_charts():
    assert set(story.pack_charts()) <= set(catalog.CHARTS)
    assert story.MAP_CHART in story.pack_charts()


def test_filtered_pack_file_name_and_period(reference_db):
    name, data = brief.briefing_pack(catalog.direct_query(reference_db), OFFENSIVE, "html",
                                     exported_on=EXPORTED_ON, charts=["displacement-timeline"])
    assert name == "briefing-pack_2019-12-01_2020-03-31.html"
    assert "Period: 1 Dec 2019 – 31 Mar 2020" in data.decode("utf-8")


def test_pack_refuses_other_formats(reference_db):
    with pytest.raises(ValueError, match="PDF or HTML"):
        brief.briefing_pack(catalog.direct_query(reference_db), Filters(), "docx")


def test_pdf_font_draws_arabic_and_dashes():
    from dashboard.export.pdf import BriefPDF

    pdf = BriefPDF("footer")
    assert pdf.font_note == ""
    pdf.add_page()
    pdf.paragraph("Idleb – إدلب")
    text = PdfReader(io.BytesIO(pdf.bytes())).pages[0].extract_text()
    assert "Idleb –" in text
    assert re.search("[\u0600-\u06ff\ufb50-\ufeff]", text)


def test_pdf_without_the_unicode_font_still_builds_and_says_so(monkeypatch, tmp_path):
    from dashboard.export import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "FONT_DIR", tmp_path)
    pdf = pdf_module.BriefPDF("footer – page")
    assert "sudo apt-get install fonts-dejavu-core" in pdf.font_note
    pdf.add_page()
    pdf.paragraph("Idleb – إدلب")
    assert "Idleb ? ????" in PdfReader(io.BytesIO(pdf.bytes())).pages[0].extract_text()


def test_the_pack_says_arrivals_with_no_origin_under_the_flows_chart(no_origin_db):
    pack = brief.gather(catalog.direct_query(no_origin_db), Filters(start=date(2020, 2, 1), end=date(2020, 2, 29)),
                        charts=["flows-origin-destination"], exported_on=EXPORTED_ON)
    assert not pack.not_shown
    (item,) = pack.charts
    assert ("12,345 people in Idleb were reported arriving with no origin given (Synthetic test data, 1 Mar 2020)."
            in item.caption) and item.refs
