"""One set of validation rules, run by DuckDB for every file: each kind of value gets its reason,
the first column to blame is named as the file names it, and cross-column checks come from etl.specs."""
from __future__ import annotations

import pandas as pd
import pytest

from etl.sources.base import Staged
from etl.specs import TABLES
from etl.validate import Context, validate


def _casualty(**values) -> pd.DataFrame:
    row = {"_sheet": "Deaths", "_row": 7, "period_start": "2020-02-01", "period_end": "2020-02-29",
           "location_pcode": "SY07", "deaths_best": "5", "category": "all", "source_id": "vdc"}
    row.update(values)
    return pd.DataFrame([row])


@pytest.mark.parametrize(("values", "column", "reason"), [
    ({"deaths_best": "many"}, "Deaths", "not a number: many"),
    ({"deaths_best": "-2"}, "Deaths", "negative count"),
    ({"deaths_best": "inf"}, "Deaths", "not a number: inf"),
    ({"deaths_best": "1_000"}, "Deaths", "not a number: 1_000"),
    ({"deaths_best": "n/a"}, "Deaths", "missing value"),
    ({"period_start": "2020-02-30"}, "period_start", "not a date (use YYYY-MM-DD): 2020-02-30"),
    ({"period_start": "infinity"}, "period_start", "not a date (use YYYY-MM-DD): infinity"),
    ({"period_start": "2020-03-01"}, "period_end", "period ends before it starts"),
    ({"location_pcode": "SY99"}, "Province", "unknown P-code SY99 (load its location first)"),
    ({"category": "Killed"}, "category", "not one of " + ", ".join(TABLES["casualties"].columns[6].choices) + ": killed"),
    ({"deaths_low": "9"}, "deaths_low", "low estimate above best estimate"),
    ({"source_id": " "}, "source_publisher", "no source cited (source_publisher and source_title are required)"),
    ({"deaths_best": "x", "location_pcode": "SY99"}, "Province",
     "unknown P-code SY99 (load its location first); missing value"),
])
def test_each_rule_rejects_with_its_reason(values, column, reason):
    staged = Staged("casualties", _casualty(**values), {"deaths_best": "Deaths", "location_pcode": "Province"})
    checked = validate(staged, Context(pcodes={"SY07"}))
    assert checked.good.empty
    assert checked.rejects[["sheet", "row_number", "column_name", "reason"]].values.tolist() == [
        ["Deaths", 7, column, reason]]


@pytest.mark.parametrize(("raw", "day"), [
    ("2020-02-01", "2020-02-01"), (" 2020-02-01 ", "2020-02-01"), ("2020-02-01 10:30:00", "2020-02-01"),
    ("01/02/2020", "2020-02-01"), ("1.2.2020", "2020-02-01"), ("1 Feb 2020", "2020-02-01"),
    ("February 1, 2020", "2020-02-01"), ("2020-02", "2020-02-01"),
])
def test_dates_people_write_are_read_day_first(raw, day):
    checked = validate(Staged("casualties", _casualty(period_start=raw)), Context(pcodes={"SY07"}))
    assert [d.isoformat() for d in checked.good["period_start"]] == [day]


@pytest.mark.parametrize(("raw", "number"), [("1,234", 1234.0), (" 1 234 ", 1234.0), ("1\u00a0234", 1234.0),
                                             ("12.5", 12.5), ("1e3", 1000.0), (7, 7.0), (7.5, 7.5)])
def test_numbers_with_separators_and_numbers_from_spreadsheets(raw, number):
    checked = validate(Staged("casualties", _casualty(deaths_best=raw)), Context(pcodes={"SY07"}))
    assert checked.good["deaths_best"].tolist() == [number]


def test_every_cross_column_rule_is_declared_in_the_table_spec():
    reasons = {t: [c.reason for c in spec.checks] for t, spec in TABLES.items()}
    assert reasons["displacement"] == ["period ends before it starts", "origin and destination are the same place",
                                       "neither origin nor destination given"]
    assert reasons["locations"] == ["latitude out of range", "longitude out of range"]
    assert reasons["location_shapes"] == []
