"""Cached access to warehouse queries for the pages.

Results are cached on (warehouse version, filters): a publish changes the
version, so the next rerun reads the new figures at once. No connection is
cached; each query opens and closes its own read-only connection.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd
import streamlit as st

from warehouse import resolve_db_path, warehouse_version
from warehouse.queries import Filters, disclosure


def db_path() -> Path:
    return resolve_db_path()


def version() -> str:
    return warehouse_version(db_path())


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(query_name: str, path: str, version_token: str, filters: Filters | None, kwargs: tuple,
            disclosure_token: str = "") -> pd.DataFrame:
    module_name, func_name = query_name.rsplit(".", 1)
    module = __import__(f"warehouse.queries.{module_name}", fromlist=[func_name])
    func: Callable = getattr(module, func_name)
    args = (Path(path),) if filters is None else (Path(path), filters)
    return func(*args, **dict(kwargs))


def query(name: str, filters: Filters | None = None, **kwargs) -> pd.DataFrame:
    """Run `warehouse.queries.<module>.<function>` through the cache, e.g. query('timeline.events', f)."""
    path = db_path()
    return _cached(name, str(path), warehouse_version(path), filters, tuple(sorted(kwargs.items())),
                   disclosure.settings().token)  # public and internal figures never share a cache entry
