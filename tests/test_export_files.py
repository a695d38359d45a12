"""Every catalogue chart exported in every format from the reference warehouse.

Charts are built and exported once per module (one Chromium for all images);
the tests then check each file by its magic bytes, its citation and its rows.
"""
from __future__ import annotations

import html
import io
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard import catalog
from dashboard.export import files, tabular
from warehouse.queries import Filters

EXPORTED_ON = date(2026, 1, 15)
CHARTS = list(catalog.CHARTS)
FORMATS = ["png", "svg", "pdf", "html", "csv", "xlsx"]
MAGIC = {
    "png": lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"),
    "pdf": lambda b: b.startswith(b"%PDF"),
    "svg": lambda b: b.lstrip().startswith(b"<svg"),
    "html": lambda b: b.startswith(b"<!DOCTYPE html>"),
    "csv": lambda b: b.startswith(b"\xef\xbb\xbf"),
    "xlsx": lambda b: b.startswith(b"PK") and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(b)).namelist(),
}


@pytest.fixture(scope="module")
def exports(reference_db: Path) -> dict[str, dict]:
    """chart name -> {'chart', 'about', fmt: Exported} for every chart and format."""
    query = catalog.direct_query(reference_db)
    out = {}
    for name in CHARTS:
        chart = catalog.build(name, query, Filters())
        about = files.about_for(chart, Filters(), query=query, exported_on=EXPORTED_ON)
        out[name] = {"chart": chart, "about": about}
        for fmt in FORMATS:
            out[name][fmt] = files.export_chart(chart, Filters(), fmt, about)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", CHARTS)
def test_file_type_and_name(exports, name, fmt):
    exported = exports[name][fmt]
    assert MAGIC[fmt](exported.data), exported.data[:40]
    assert exported.file_name.startswith(name + "_") and exported.file_name.endswith("." + fmt)
    assert re.search(r"_(\d{4}-\d{2}-\d{2}|start)_(\d{4}-\d{2}-\d{2}|latest)\.", exported.file_name)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("name", CHARTS)
def test_pdf_has_one_page_with_the_citation_footer(exports, name, tmp_path):
    data = exports[name]["pdf"].data
    reader = PdfReader(io.BytesIO(data))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    about = exports[name]["about"]
    assert "Exported 2026-01-15" in text
    assert "Reference period:" in text and "Sources:" in text
    first_publisher = about.sources[0].split(",")[0] if about.sources else "no source recorded"
    assert first_publisher.split(" (")[0] in text
    (tmp_path / "c.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page*.png"))) == len(reader.pages) == 1


@pytest.mark.parametrize("name", CHARTS)
def test_svg_carries_title_and_footer(exports, name):
    svg = html.unescape(exports[name]["svg"].data.decode("utf-8"))
    about = exports[name]["about"]
    assert "Exported 2026-01-15" in svg
    first_publisher = about.sources[0].split(",")[0] if about.sources else "no source recorded"
    assert first_publisher.split(" (")[0] in svg
    assert "Reference period:" in svg
    assert about.title[:20] in svg


@pytest.mark.parametrize("name", CHARTS)
def test_html_embeds_plotly_and_loads_nothing_remote(exports, name):
    page = exports[name]["html"].data.decode("utf-8")
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # plotly.js itself is inside
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page, re.I)
    assert "Export date" in page and "2026-01-15" in page


@pytest.mark.parametrize("name", CHARTS)
def test_xlsx_rows_match_the_chart_data_and_about_sheet(exports, name):
    chart, about = exports[name]["chart"], exports[name]["about"]
    book = openpyxl.load_workbook(io.BytesIO(exports[name]["xlsx"].data))
    assert book.sheetnames == ["Data", "About"]
    rows = list(book["Data"].iter_rows(values_only=True))
    assert list(rows[0]) == [tabular.neutralise(str(c)) for c in chart.data.columns]
    assert len(rows) - 1 == len(chart.data)
    expected = tabular.data_rows(chart.data)
    for got, want in zip(rows[1:], expected):
        assert [_comparable(v) for v in got] == [_comparable(v) for v in want]
    about_rows = dict((r[0], r[1]) for r in book["About"].iter_rows(values_only=True))
    assert about_rows["Title"] == chart.title
    assert about_rows["Export date"] == "2026-01-15"
    assert about_rows["Reference period"] == about.period_text
    assert about_rows["Sources"] == tabular.neutralise(about.sources_text)
    assert about_rows["Warehouse version"].startswith("load ")


def _comparable(value):
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "date") and callable(value.date) and getattr(value, "hour", 1) == 0 and getattr(value, "minute", 1) == 0:
        return value.date()
    return value


@pytest.mark.parametrize("name", CHARTS)
def test_csv_reads_back_as_the_chart_data(exports, name):
    chart = exports[name]["chart"]
    back = pd.read_csv(io.BytesIO(exports[name]["csv"].data), encoding="utf-8-sig")
    assert list(back.columns) == [tabular.neutralise(str(c)) for c in chart.data.columns]
    assert len(back) == len(chart.data)
    numeric = [c for c in chart.data.columns if pd.api.types.is_numeric_dtype(chart.data[c])
               and not pd.api.types.is_bool_dtype(chart.data[c])]
    for column in numeric:
        assert back[column].sum() == pytest.approx(chart.data[column].astype(float).sum())


def test_filter_dates_name_the_file_and_the_subtitle(reference_db):
    filters = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31), governorates=("SY07",))
    chart, exported = files.export_named("displacement-timeline", "html", filters, reference_db, exported_on=EXPORTED_ON)
    assert exported.file_name == "displacement-timeline_sy07_2019-12-01_2020-03-31.html"
    assert "Period: 1 Dec 2019 – 31 Mar 2020 · Governorates: Idleb (SY07)" in exported.data.decode("utf-8")


def test_unknown_format_is_refused(exports):
    entry = exports[CHARTS[0]]
    with pytest.raises(ValueError, match="unknown format 'gif'"):
        files.export_chart(entry["chart"], Filters(), "gif", entry["about"])


def test_write_replaces_whole_file(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    files.write(b"one", target)
    files.write(b"two", target)
    assert target.read_bytes() == b"two" and [p.name for p in target.parent.iterdir()] == ["out.csv"]
