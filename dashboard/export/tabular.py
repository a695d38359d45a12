"""The data behind a chart as CSV and XLSX, safe to open in a spreadsheet.

Decisions (see docs/exporting.md):
- CSV is data only, UTF-8 with a byte-order mark so Excel shows Arabic names
  correctly. Comment lines would break Excel, pandas and HXL tools, so the
  citation travels in the rows' own source columns and in a sidecar
  `<name>.about.txt` (the CLI writes it next to the CSV; the dashboard offers it).
- XLSX has the data on sheet "Data" and the citation on sheet "About" (named in the
  language of the export: «البيانات», «حول البيانات»).
- Text cells that a spreadsheet would run as a formula (starting with =, +, -,
  @, tab or carriage return) get a leading single quote. Numbers are never
  touched, so a genuine -2 stays a number.
"""
from __future__ import annotations

import io
import math
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dashboard.export.about import About
from dashboard.i18n import N_, _

# NOTE: Excel sheet names (31 characters at most, none of []:*?/\), in the language of the export.
SHEET_DATA, SHEET_ABOUT = N_("Data"), N_("About")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"  # BOM: Excel otherwise reads UTF-8 as Windows-1252 and garbles Arabic


def neutralise(value: object) -> object:
    """Prefix text a spreadsheet would evaluate; leave everything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with formula-like text neutralised in text columns and headers."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(neutralise, na_action="ignore")
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes with a UTF-8 BOM and CRLF rows (RFC 4180); dates as YYYY-MM-DD.

    CRLF also makes the writer quote a field holding a bare carriage return,
    which with '\n' rows it left unquoted (measured), splitting the row in Excel.
    """
    text = safe_frame(frame).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\r\n")
    return text.encode(CSV_ENCODING)


def cell(value: object) -> object:
    """A pandas/numpy value as something openpyxl writes natively (None for missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.tz_localize(None) if value.tzinfo else value
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return cell(value.item())
    if isinstance(value, (list, dict, tuple, set)):
        return str(value)
    return value


def data_rows(frame: pd.DataFrame) -> list[list[object]]:
    """The rows as written to the Data sheet (after neutralising)."""
    safe = safe_frame(frame)
    return [[cell(v) for v in row] for row in safe.itertuples(index=False, name=None)]


def to_xlsx(frame: pd.DataFrame, about: About) -> bytes:
    """A workbook with sheets "Data" and "About"."""
    book = Workbook()
    sheet = book.active
    sheet.title = _(SHEET_DATA)
    header = [str(c) for c in safe_frame(frame).columns]
    sheet.append(header)
    for cell_ in sheet[1]:
        cell_.font = Font(bold=True)
    for row in data_rows(frame):
        sheet.append(row)
    _format_dates(sheet)
    _fit_widths(sheet, header)
    sheet.freeze_panes = "A2"
    _about_sheet(book, about)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _about_sheet(book: Workbook, about: About) -> None:
    sheet = book.create_sheet(_(SHEET_ABOUT))
    for label, value in about.rows():
        sheet.append([label, neutralise(value)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 110


def _format_dates(sheet) -> None:
    for row in sheet.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, datetime):
                c.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(c.value, date):
                c.number_format = "yyyy-mm-dd"


def _fit_widths(sheet, header: list[str]) -> None:
    from openpyxl.utils import get_column_letter

    for index, name in enumerate(header, start=1):
        longest = max([len(name)] + [len(str(c.value)) for c in sheet[get_column_letter(index)][1:200] if c.value is not None])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, longest + 2))
