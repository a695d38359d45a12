"""Cached access to warehouse queries and catalogue charts for the pages.

Results are cached on (warehouse version, filters): a publish changes the
version, so the next rerun reads the new figures at once. No connection is
cached; each query opens and closes its own read-only connection.

Query results are kept once per process and shared by every viewer, not pickled
(`st.cache_data` stores a pickle and unpickles it on every read: a quarter of a busy
server's Python time at 50 sessions, 108 ms a read for the deaths ledger of the
1 M-row warehouse; docs/performance.md, "Many viewers on one process"). Each
caller gets its own shallow copy: with pandas' copy-on-write, a page that changes
its frame changes its copy only, never the shared one.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import i18n
from warehouse import diff, resolve_db_path, warehouse_version
from warehouse.queries import Filters, disclosure, run

if TYPE_CHECKING:
    from dashboard.catalog import ChartData


def db_path() -> Path:
    return resolve_db_path()


@st.cache_resource(show_spinner=False, max_entries=512)
def _cached(query_name: str, path: str, version_token: str, filters: Filters | None, kwargs: tuple,
            disclosure_token: str = "") -> pd.DataFrame:
    return run(Path(path), query_name, filters, **dict(kwargs))


def query(name: str, filters: Filters | None = None, **kwargs) -> pd.DataFrame:
    """Run `warehouse.queries.<module>.<function>` through the cache, e.g. query('timeline.events', f)."""
    path = db_path()
    return own_copy(_cached(name, str(path), warehouse_version(path), filters, tuple(sorted(kwargs.items())),
                            disclosure.settings().token))  # public and internal figures never share a cache entry


def own_copy(result):
    """The caller's own handle on a shared result, for the cost of a pointer per column.

    A frame or series is copied shallowly: under pandas' copy-on-write (always on in pandas 3)
    setting a value or a column on the copy copies that column first, so the shared result
    never changes. Anything else a query returns (a number, a small dict) is copied whole.
    """
    if isinstance(result, (pd.DataFrame, pd.Series)):
        return result.copy(deep=False)
    return copy.deepcopy(result)


def chart(name: str, filters: Filters) -> ChartData:
    """A catalogue chart (dashboard.catalog) for these filters, built once and shared by every viewer.

    Why: with the queries cached, building the plotly figure (plotly validates
    every property it is given) was most of a rerun: ~100 ms on the Overview,
    paid by each viewer on each rerun, all on the one core Python gets. The
    figure and its rows are only read after they are built (exports copy them).
    """
    path = db_path()
    return _cached_chart(name, str(path), warehouse_version(path), filters, disclosure.settings().token,
                         i18n.language(), i18n.digits())  # an Arabic chart is another chart


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_chart(name: str, path: str, version_token: str, filters: Filters, disclosure_token: str,
                  language: str = i18n.DEFAULT, digits: str = "latn") -> ChartData:
    from dashboard import catalog

    with i18n.using(language, digits):
        return catalog.build(name, query, filters)


def changes_since(number: int) -> diff.Changes:
    """What changed from kept version `number` to the live warehouse (warehouse/diff.py), computed once per
    live version and shared by every viewer."""
    path = db_path()
    return _cached_changes(str(path), warehouse_version(path), number, disclosure.settings().token)


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_changes(path: str, version_token: str, number: int, disclosure_token: str) -> diff.Changes:
    return diff.compare(Path(path), number)
