"""Empty tidy templates a data officer fills in, as CSV or XLSX bytes.

Built from `etl.specs`, so a template always has exactly the columns the
loader expects: the table's columns, then the citation columns, with the HXL
hashtag row under the header. The CLI writes them to a file
(`python -m etl template displacement --out moves.xlsx`); the dashboard's
upload page offers the same bytes for download.

A filled template is recognised as `hxl` while its hashtag row is there and as
`tidy` if the row was deleted; both give the same rows (tests/test_templates.py).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from etl.sources.hxl import CITATION_TAGS
from etl.specs import CITATION_COLUMNS, TABLES, Column

# Tables loaded from GeoJSON, not typed into a spreadsheet.
NOT_TEMPLATED = ("location_shapes", "map_layers", "area_members")
FORMATS = ("csv", "xlsx")
EXAMPLE_NOTE = "illustrative example, not a published figure"

_TYPE_HELP = {
    "date": "date, written YYYY-MM-DD",
    "count": "number of people, 0 or more (1,234 and 1234 both accepted)",
    "number": "decimal number (latitude/longitude in WGS84 degrees)",
    "int": "whole number",
    "text": "text",
    "pcode": "P-code of a place already in the warehouse (load locations first)",
    "parent": "P-code of the place this one belongs to",
    "iso3": "ISO 3166 alpha-3 country code, e.g. TUR",
    "choice": "one of the allowed values",
    "camp": "camp_id of a camp already in the warehouse (load camps first)",
}
_CITATION_HELP = {
    "source_publisher": ("text", True, "Who published the figure, e.g. UN OCHA"),
    "source_title": ("text", True, "Title of the report, dataset or page the figure is from"),
    "source_date": ("date", False, "Date the source was published (YYYY-MM-DD)"),
    "source_url": ("text", False, "Link to the source"),
    "source_licence": ("text", False, "Licence of the source, e.g. CC BY-IGO"),
    "source_is_synthetic": ("text", False, "true only for generated test or benchmark data; leave empty for real figures"),
}
# One illustrative row per table for the README sheet (clearly not real figures).
EXAMPLES: dict[str, dict[str, object]] = {
    "locations": {"pcode": "SY070000", "admin_level": 3, "kind": "sub-district", "parent_pcode": "SY0700",
                  "name_en": "Example sub-district", "name_ar": "", "lat": 35.93, "lon": 36.63},
    "displacement": {"period_start": "2020-02-01", "period_end": "2020-02-29", "origin_pcode": "SY07",
                     "destination_pcode": "SY02", "figure_type": "arrivals", "individuals": 1000, "note": EXAMPLE_NOTE},
    "refugees": {"period_start": "2020-12-31", "period_end": "2020-12-31", "origin_iso3": "SYR", "asylum_iso3": "TUR",
                 "population_type": "registered_refugees", "persons": 1000, "note": EXAMPLE_NOTE},
    "casualties": {"period_start": "2020-01-01", "period_end": "2020-01-31", "location_pcode": "SY07", "deaths_low": 8,
                   "deaths_best": 10, "deaths_high": 12, "category": "civilians", "note": EXAMPLE_NOTE},
    "camps": {"camp_id": "EX-0001", "name": "Example camp", "location_pcode": "SY070000", "lat": 36.2, "lon": 36.6,
              "capacity_individuals": 1000},
    "camp_population": {"camp_id": "EX-0001", "period_start": "2020-03-01", "period_end": "2020-03-31",
                        "individuals": 1000, "households": 200},
    "events": {"event_date": "2020-03-05", "end_date": "", "title": "Example event", "description": EXAMPLE_NOTE,
               "location_pcode": "SY07", "category": "agreement"},
}
_EXAMPLE_CITATION = {"source_publisher": "Example publisher", "source_title": "Example report title",
                     "source_date": "2020-03-01", "source_url": "https://example.org/report", "source_licence": "",
                     "source_is_synthetic": ""}


@dataclass(frozen=True)
class TemplateColumn:
    """One column of a template, with what the README sheet says about it."""

    name: str
    hashtag: str
    type: str
    required: bool
    allowed: str
    description: str
    example: object


def tables() -> dict[str, str]:
    """Tables a template exists for, with their descriptions."""
    return {name: spec.description for name, spec in TABLES.items() if name not in NOT_TEMPLATED}


def _check(table: str) -> None:
    if table not in tables():
        raise KeyError(f"no template for {table!r}; templates: {', '.join(tables())}")


def _fact_column(table: str, col: Column) -> TemplateColumn:
    return TemplateColumn(col.name, col.hxl, _TYPE_HELP.get(col.type, col.type), col.required,
                          ", ".join(col.choices), col.description, EXAMPLES[table].get(col.name, ""))


def columns(table: str) -> list[TemplateColumn]:
    """The template's columns: the table's own, then the citation."""
    _check(table)
    out = [_fact_column(table, c) for c in TABLES[table].columns]
    for name in CITATION_COLUMNS:
        kind, required, text = _CITATION_HELP.get(name, ("text", False, ""))
        out.append(TemplateColumn(name, CITATION_TAGS.get(name, ""), _TYPE_HELP.get(kind, kind), required, "",
                                  text, _EXAMPLE_CITATION.get(name, "")))
    return out


def header(table: str) -> list[str]:
    return [c.name for c in columns(table)]


def hashtags(table: str) -> list[str]:
    return [c.hashtag for c in columns(table)]


def csv_bytes(table: str) -> bytes:
    """Header and hashtag row, UTF-8 with a BOM so Excel shows Arabic names correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(table))
    writer.writerow(hashtags(table))
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(table: str) -> bytes:
    """A data sheet named after the table (header, hashtag row) and a README sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    data = book.active
    data.title = table
    data.append(header(table))
    data.append(hashtags(table))
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A3"
    readme = book.create_sheet("README")
    _fill_readme(readme, table)
    for sheet in (data, readme):
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            sheet.column_dimensions[letter].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


README_HEADER = ["column", "hashtag", "type", "required", "allowed values", "what it holds", "example"]


def _fill_readme(sheet, table: str) -> None:
    sheet.append([f"Template for the '{table}' table: {TABLES[table].description}."])
    sheet.append(["Fill one row per figure on the first sheet, under the two header rows (keep the hashtag row). "
                  "Every row needs source_publisher and source_title. Load with: python -m etl load FILE.xlsx"])
    sheet.append([f"The example column is an {EXAMPLE_NOTE}."])
    sheet.append([])
    sheet.append(README_HEADER)
    for c in columns(table):
        sheet.append([c.name, c.hashtag, c.type, "yes" if c.required else "no", c.allowed, c.description, c.example])


def template_bytes(table: str, fmt: str) -> bytes:
    """The template as bytes, for a download button or a file."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r}; use csv or xlsx")
    return csv_bytes(table) if fmt == "csv" else xlsx_bytes(table)


def write_template(table: str, out: Path) -> Path:
    """Write the template; the format follows the file's suffix (.csv or .xlsx)."""
    out = Path(out)
    out.write_bytes(template_bytes(table, out.suffix))
    return out
