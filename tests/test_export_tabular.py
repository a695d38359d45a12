"""CSV/XLSX exports: formula injection neutralised, numbers left numeric, Arabic readable."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard.export import tabular
from dashboard.export.about import About

ABOUT = About(title="Test export", filters="No filters", sources=("=cmd|' /C calc'!A0, evil title",),
              period=(date(2020, 1, 1), date(2020, 3, 31)), exported_on=date(2026, 1, 15), warehouse_version="load 1")

INJECTIONS = [
    ('=HYPERLINK("http://example.invalid","click")', "'=HYPERLINK(\"http://example.invalid\",\"click\")"),
    ("+1", "'+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\tTabbed", "'\tTabbed"),
    ("\rReturn", "'\rReturn"),
    ("UN OCHA", "UN OCHA"),
    ("", ""),
]


@pytest.mark.parametrize("raw, safe", INJECTIONS)
def test_neutralise(raw, safe):
    assert tabular.neutralise(raw) == safe


def _frame(text: str) -> pd.DataFrame:
    return pd.DataFrame({"source_title": [text, "plain"], "individuals": [-2.0, 5.0], "count": [-7, 3]})


@pytest.mark.parametrize("raw, safe", INJECTIONS[:6])
def test_xlsx_cells_are_text_and_numbers_stay_numbers(raw, safe):
    book = openpyxl.load_workbook(io.BytesIO(tabular.to_xlsx(_frame(raw), ABOUT)))
    sheet = book["Data"]
    # XML reading turns a carriage return into a line feed; the leading quote is what matters
    assert sheet["A2"].value == safe.replace("\r", "\n") and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -2 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == -7 and sheet["C2"].data_type == "n"
    formulas = [c.coordinate for row in book.worksheets for r in row.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []


@pytest.mark.parametrize("raw, safe", INJECTIONS[:6])
def test_csv_cells_are_prefixed_and_numbers_kept(raw, safe):
    back = pd.read_csv(io.BytesIO(tabular.to_csv(_frame(raw))), encoding="utf-8-sig", keep_default_na=False)
    assert back.loc[0, "source_title"] == safe
    assert back.loc[0, "individuals"] == -2.0 and back.loc[0, "count"] == -7


def test_formula_like_column_names_and_about_values_are_neutralised():
    frame = pd.DataFrame({"=1+1": ["x"]})
    assert pd.read_csv(io.BytesIO(tabular.to_csv(frame)), encoding="utf-8-sig").columns[0] == "'=1+1"
    about = dict(openpyxl.load_workbook(io.BytesIO(tabular.to_xlsx(frame, ABOUT)))["About"].iter_rows(values_only=True))
    assert about["Sources"].startswith("'=cmd")


def test_arabic_survives_a_csv_round_trip_with_bom():
    frame = pd.DataFrame({"name_en": ["Idleb", "Aleppo"], "name_ar": ["إدلب", "حلب"], "individuals": [1, 2]})
    data = tabular.to_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").split("\r\n")[1] == "Idleb,إدلب,1"
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["name_ar"].tolist() == ["إدلب", "حلب"]


def test_dates_and_missing_values_in_xlsx():
    frame = pd.DataFrame({"period_end": pd.to_datetime(["2020-03-05", None]), "note": ["a", None]})
    sheet = openpyxl.load_workbook(io.BytesIO(tabular.to_xlsx(frame, ABOUT)))["Data"]
    assert sheet["A2"].value.date() == date(2020, 3, 5) and sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["A3"].value is None and sheet["B3"].value is None


def test_csv_dates_are_iso():
    frame = pd.DataFrame({"period_end": pd.to_datetime(["2020-03-05"])})
    assert tabular.to_csv(frame).decode("utf-8-sig").splitlines()[1] == "2020-03-05"
