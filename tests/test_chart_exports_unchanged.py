"""The figures the dashboard shows stay the same when the warehouse's SQL is reorganised.

From two fixed warehouses (the bundled reference build, and the reference build plus every real
file in ../shared/data/real), every chart of the registry (dashboard/catalog.py) is exported as CSV
through the same builder the export buttons use (dashboard/export/files.py), and every query
function taking (db_path, filters) is run, for a few filter sets. Each chart CSV is compared with a
golden CSV under tests/golden/chart_csv/ made from the code before the change; each query result
with its digest (row count, columns, sha256 of its sorted CSV lines) in tests/golden/query_digests.csv
(the query results in full were 6 MB, mostly map shapes: on a mismatch, regenerate into a scratch
checkout of the commit before and diff the CSVs).

Row order among ties is not part of a query's contract (queries order by value or period, and
DuckDB may return equal keys in any order), so rows are compared as sorted lines; headers exactly.
Nor is the last digit of a sum of fractions (HNO estimates of 477,821.33 people): the order rows
are added in changes it, so numbers are compared to 9 significant digits (digests: rounded to 6
decimals).
Nothing time-dependent is in these CSVs (no load times, no export date: the CSV carries only
the chart's data).

To regenerate after an intended change of figures (say why in the commit):
    REGENERATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_chart_exports_unchanged.py
"""
from __future__ import annotations

import csv
import hashlib
import importlib
import inspect
import math
import os
import pkgutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import warehouse.queries as queries_package
from dashboard import catalog
from dashboard.export import files
from dashboard.export.tabular import to_csv
from warehouse.queries import Filters

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("REGENERATE_GOLDEN") == "1"

FILTER_SETS = {
    "offensive": Filters(start=date(2019, 12, 1), end=date(2020, 3, 31)),
    "whole-span": Filters(),
    "mid-month-cut": Filters(start=date(2020, 1, 15), end=date(2020, 3, 10)),
    "idleb-offensive": Filters(start=date(2019, 12, 1), end=date(2020, 3, 31), governorates=("SY07",)),
    "offensive-all-reports": Filters(start=date(2019, 12, 1), end=date(2020, 3, 31), extra=(("reports", "all"),)),
}


def _query_functions() -> dict[str, object]:
    """Every public query function taking (db_path, filters, ...), by 'module.function'."""
    found = {}
    for info in pkgutil.iter_modules(queries_package.__path__):
        module = importlib.import_module(f"warehouse.queries.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ == module.__name__ and list(inspect.signature(func).parameters)[:2] == [
                    "db_path", "filters"]:
                found[f"{info.name}.{name}"] = func
    return found


QUERY_FUNCTIONS = _query_functions()


@pytest.fixture(scope="module", params=["reference", "real"])
def warehouse(request) -> tuple[str, Path]:
    if request.param == "reference":
        return "reference", request.getfixturevalue("reference_db")
    path, _ = request.getfixturevalue("real_reference_db")
    return "real", path


def _compare(path: Path, data: bytes) -> None:
    """Same header, same rows (as sorted lines) as the golden file; writes it when regenerating."""
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"{path} missing: regenerate the golden files (see this module's docstring)"
    want, got = path.read_bytes().decode("utf-8-sig").split("\r\n"), data.decode("utf-8-sig").split("\r\n")
    assert got[0] == want[0], f"{path.name}: columns changed"
    assert len(got) == len(want), f"{path.name}: row count changed"
    for new, old in zip(sorted(got[1:]), sorted(want[1:])):
        assert _same_row(new, old), f"{path.name}: row changed\n  was {old}\n  now {new}"


def _same_row(new: str, old: str) -> bool:
    """Equal text, numbers equal to 9 significant digits."""
    if new == old:
        return True
    a, b = next(csv.reader([new])), next(csv.reader([old]))
    return len(a) == len(b) and all(x == y or _close(x, y) for x, y in zip(a, b))


def _close(x: str, y: str) -> bool:
    try:
        return math.isclose(float(x), float(y), rel_tol=1e-9)
    except ValueError:
        return False


@pytest.mark.parametrize("filter_set", FILTER_SETS)
@pytest.mark.parametrize("chart", list(catalog.CHARTS))
def test_chart_csv_is_unchanged(warehouse, chart, filter_set):
    label, db_path = warehouse
    _, exported = files.export_named(chart, "csv", FILTER_SETS[filter_set], db_path, exported_on=date(2026, 1, 1))
    _compare(GOLDEN / "chart_csv" / label / filter_set / f"{chart}.csv", exported.data)


DIGESTS = GOLDEN / "query_digests.csv"
DIGEST_COLUMNS = ["warehouse", "query", "filter_set", "rows", "columns", "sha256"]


def _digest(frame: pd.DataFrame) -> tuple[int, str, str]:
    floats = frame.select_dtypes("float").columns
    lines = to_csv(frame.assign(**{c: frame[c].round(6) for c in floats})).decode("utf-8-sig").split("\r\n")
    return len(frame), lines[0], hashlib.sha256("\n".join(sorted(lines[1:])).encode()).hexdigest()


@pytest.fixture(scope="module")
def digests() -> dict[tuple[str, str, str], tuple]:
    """The golden digests; when regenerating, a dict the tests fill and that is written at the end."""
    found = {}
    if not REGENERATE:
        golden = pd.read_csv(DIGESTS, dtype=str, keep_default_na=False)
        found = {(r.warehouse, r.query, r.filter_set): (int(r.rows), r.columns, r.sha256)
                 for r in golden.itertuples(index=False)}
    yield found
    if REGENERATE:
        old = pd.read_csv(DIGESTS, dtype=str, keep_default_na=False) if DIGESTS.exists() else None
        rows = [[*key, *value] for key, value in sorted(found.items())]
        new = pd.DataFrame(rows, columns=DIGEST_COLUMNS)
        if old is not None:  # keep the rows of the queries and warehouses not run this time
            keys = DIGEST_COLUMNS[:3]
            kept = old[~old.set_index(keys).index.isin(new.set_index(keys).index)
                       & old["query"].isin(list(QUERY_FUNCTIONS))]  # a query removed takes its rows along
            new = pd.concat([kept.astype({"rows": int}), new]).sort_values(keys)
        new.to_csv(DIGESTS, index=False)


@pytest.mark.parametrize("name", list(QUERY_FUNCTIONS))
def test_query_results_are_unchanged(warehouse, digests, name):
    """Every filtered query (headlines included: they feed the pages, not a chart export)."""
    label, db_path = warehouse
    for filter_set, filters in FILTER_SETS.items():
        frame = QUERY_FUNCTIONS[name](db_path, filters)
        got = _digest(frame if isinstance(frame, pd.DataFrame) else pd.DataFrame({"value": [frame]}))
        if REGENERATE:
            digests[(label, name, filter_set)] = got
            continue
        want = digests.get((label, name, filter_set))
        assert want is not None, f"no golden digest for {label} {name} {filter_set}: regenerate"
        assert got[:2] == want[:2], f"{name} on {filter_set}: row count or columns changed"
        assert got[2] == want[2], f"{name} on {filter_set}: figures changed"
