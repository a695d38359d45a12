"""Exports in Arabic (issue 16): the briefing pack for Dec 2019 – Mar 2020 as PDF (shaped,
in reading order, laid out right to left) and HTML (dir=rtl), a chart image with its
Arabic title and source footer, and CSV/Excel with Arabic column headers as an option."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from dashboard import catalog, i18n
from dashboard.export import brief, files, images, tabular

EXPORTED_ON = date(2026, 1, 15)
OFFENSIVE_START, OFFENSIVE_END = date(2019, 12, 1), date(2020, 3, 31)
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "arabic-export"


def _filters():
    from warehouse.queries import Filters

    return Filters(start=OFFENSIVE_START, end=OFFENSIVE_END)


@pytest.fixture(scope="module")
def arabic_pack(reference_db: Path) -> brief.Pack:
    with i18n.using("ar"):
        return brief.gather(catalog.direct_query(reference_db), _filters(), exported_on=EXPORTED_ON, pictures=True)


@pytest.fixture(scope="module")
def pdf_file(arabic_pack) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "briefing-pack-ar_2019-12-01_2020-03-31.pdf"
    with i18n.using("ar"):
        path.write_bytes(brief.to_pdf(arabic_pack))
    return path


def _text(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_arabic_pack_renders(pdf_file):
    pages = _text(pdf_file).split("\f")[:-1]
    assert 2 <= len(pages) <= brief.MAX_PAGES
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf_file), str(ARTIFACTS / "briefing-ar-page")], check=True)
    assert len(list(ARTIFACTS.glob("briefing-ar-page*.png"))) == len(pages)


def test_arabic_title_is_shaped_and_in_reading_order(pdf_file):
    """pdftotext finds the title's words in order: shaped glyphs mapped back to letters, laid right to left."""
    first = re.sub(r"\s+", " ", _text(pdf_file).split("\f")[0])
    assert re.search(r"النزوح\s+في\s+شمال\s+غرب\s+سوريا", first), first[:400]
    assert "الأرقام الرئيسية" in first.replace("األ", "الأ") or "الرئيسية" in first
    assert "كانون الأول 2019" in first.replace("األ", "الأ") or "كانون" in first


def test_arabic_pack_is_laid_out_right_to_left(pdf_file):
    """The title and the section labels sit at the right margin of the page (pdftotext -bbox)."""
    boxes = _text(pdf_file, "-f", "1", "-l", "1", "-bbox")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', boxes)
    title = [float(x_max) for x_min, x_max, word in words if word in ("النزوح", "النزوح"[::-1])]  # -bbox: visual order
    assert title and max(title) > 595 * 0.8, title  # A4 is 595 pt wide: the title ends near the right margin


def test_arabic_pack_names_its_sources_in_arabic_and_keeps_english_titles(pdf_file, arabic_pack):
    text = _text(pdf_file)
    assert "المصادر" in text
    assert arabic_pack.references and any(ref.text.split(",")[0] in text for ref in arabic_pack.references)


def test_arabic_html_pack_runs_right_to_left(arabic_pack):
    with i18n.using("ar"):
        page = brief.to_html(arabic_pack).decode("utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    assert "النزوح في شمال غرب سوريا" in page and "الأرقام الرئيسية" in page and "Key figures" not in page
    (ARTIFACTS / "briefing-pack-ar.html").write_text(page, encoding="utf-8")


def test_english_pack_is_unchanged_by_the_arabic_one(reference_db):
    pack = brief.gather(catalog.direct_query(reference_db), _filters(), exported_on=EXPORTED_ON)
    assert pack.language == "en" and pack.footer_lines[0].startswith("Exported 15 Jan 2026")


def test_chart_image_in_arabic_has_arabic_title_legend_and_source_footer(reference_db):
    if not images.images_available():
        pytest.skip("no Chromium for kaleido")
    with i18n.using("ar"):
        chart, exported = files.export_named("displacement-timeline", "svg", _filters(), reference_db,
                                             exported_on=EXPORTED_ON)
    svg = exported.data.decode("utf-8")
    assert "النزوح في شمال غرب سوريا، كما أُبلغ عنه" in svg
    assert "المصادر:" in svg and "الفترة المرجعية" in svg and "صُدِّر في" in svg
    assert "النازحون حديثاً (تدفق)" in svg  # a legend entry
    with i18n.using("ar"):
        _, png = files.export_named("map-displacement", "png", _filters(), reference_db, exported_on=EXPORTED_ON)
    (ARTIFACTS / "map-ar.png").write_bytes(png.data)


def test_csv_and_excel_take_arabic_column_headers_as_an_option(reference_db):
    from openpyxl import load_workbook

    query = catalog.direct_query(reference_db)
    with i18n.using("ar"):
        chart = catalog.build("displacement-timeline", query, _filters())
        about = files.about_for(chart, _filters(), query=query, exported_on=EXPORTED_ON)
        plain = files.export_chart(chart, _filters(), "csv", about)
        arabic = files.export_chart(chart, _filters(), "csv", about, arabic_headers=True)
        book = files.export_chart(chart, _filters(), "xlsx", about, arabic_headers=True)
    assert plain.data.decode("utf-8-sig").splitlines()[0].startswith(tabular.to_csv(chart.data).decode("utf-8-sig")[:20])
    header = arabic.data.decode("utf-8-sig").splitlines()[0]
    assert "بداية الفترة" in header and "period_start" not in header
    # the readable export shows the page's labels for codes; the default one keeps the codes for scripts
    assert "newly_displaced" not in arabic.data.decode("utf-8-sig") and "النازحون حديثاً (تدفق)" in arabic.data.decode("utf-8-sig")
    assert ",flow," not in arabic.data.decode("utf-8-sig") and "newly_displaced" in plain.data.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(book.data))
    assert workbook.sheetnames == ["البيانات", "حول البيانات"]  # sheet names in the language of the export
    sheet = workbook["البيانات"]
    about_rows = dict(workbook["حول البيانات"].iter_rows(values_only=True))
    assert about_rows["إصدار مستودع البيانات"].startswith("التحميل رقم "), about_rows["إصدار مستودع البيانات"]
    assert "نهاية الفترة" in [cell.value for cell in sheet[1]]
