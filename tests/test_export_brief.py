"""The briefing pack: title page with filters and headlines, every chart, events,
and a sources page naming every source in the warehouse with its load and sha256."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard import catalog
from dashboard.export import brief
from warehouse.queries import Filters, briefing

EXPORTED_ON = date(2026, 1, 15)
# Two charts keep this module fast; test_export_files exports every chart in every format.
PACK_CHARTS = ["displacement-timeline", "displacement-by-border-band"]


def _squash(text: str) -> str:
    """Text without whitespace: PDF line wrapping may split a title anywhere between words."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pack(reference_db: Path) -> brief.Pack:
    return brief.gather(catalog.direct_query(reference_db), Filters(), exported_on=EXPORTED_ON, charts=PACK_CHARTS)


@pytest.fixture(scope="module")
def pdf_bytes(pack) -> bytes:
    return brief.to_pdf(pack)


@pytest.fixture(scope="module")
def pdf_pages(pdf_bytes) -> list[str]:
    """Each page's text without its running footer (a paragraph may continue past it)."""
    footer = re.compile(r"Northwest Syria displacement dashboard · exported \d{4}-\d{2}-\d{2} · page \d+")
    return [footer.sub(" ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf_bytes)).pages]


def test_pdf_renders_every_page(pdf_bytes, pdf_pages, tmp_path):
    assert pdf_bytes.startswith(b"%PDF")
    (tmp_path / "pack.pdf").write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(tmp_path / "pack.pdf"), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p*.png"))) == len(pdf_pages) >= 3 + len(PACK_CHARTS)


def test_title_page_has_filters_date_and_headlines(pack, pdf_pages):
    first = re.sub(r"\s+", " ", pdf_pages[0])
    assert "briefing pack" in first and "Filters: No filters" in first
    assert "Exported: 2026-01-15" in first
    assert pack.headlines, "the reference warehouse has headline figures"
    for headline in pack.headlines:
        assert f"{headline.label}: {headline.value:,.0f}" in first


def test_every_chart_has_a_page_with_its_image(pack, pdf_bytes, pdf_pages):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    text = _squash(" ".join(pdf_pages))
    for chart, _ in pack.charts:
        assert _squash(chart.title) in text
    pictured = sum(1 for page in reader.pages if page.images)
    assert pictured == sum(1 for chart, _ in pack.charts if not chart.is_empty)


def test_sources_page_lists_every_source_with_its_load(reference_db, pdf_pages):
    text = _squash(" ".join(pdf_pages))
    sources = briefing.sources_with_loads(reference_db)
    assert "Sourcesandmethodology" in text
    assert f"{sources['source_id'].nunique()}sourcesinthewarehouse" in text
    for row in sources.itertuples():
        assert _squash(f"{row.publisher} — {row.title}") in text
        if isinstance(row.file_sha256, str):
            assert row.file_sha256 in text


def test_html_pack_is_self_contained(pack, reference_db):
    page = brief.to_html(pack).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page, re.I)
    drawn = sum(1 for chart, _ in pack.charts if not chart.is_empty)
    assert page.count("Plotly.newPlot(") == drawn
    assert page.count("plotly.js v") == 1  # the library is embedded once, not once per chart
    for row in briefing.sources_with_loads(reference_db).drop_duplicates("source_id").itertuples():
        assert row.title.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;") in page


def test_filtered_pack_file_name_and_period(reference_db):
    filters = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))
    name, data = brief.briefing_pack(catalog.direct_query(reference_db), filters, "html",
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
