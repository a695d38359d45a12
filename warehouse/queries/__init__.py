"""Read queries, one module per theme. Every function opens its own short-lived
read-only connection, binds its parameters and returns a small, aggregated frame.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from warehouse.queries.base import Filters, fetch_df

__all__ = ["Filters", "fetch_df", "run"]


def run(db_path: Path, name: str, filters: Filters | None = None, **kwargs) -> pd.DataFrame:
    """Call `warehouse.queries.<module>.<function>` by name, e.g. run(db, "timeline.events", filters).

    Pages (through their cache) and the command line name queries the same way.
    """
    module_name, func_name = name.rsplit(".", 1)
    func = getattr(importlib.import_module(f"warehouse.queries.{module_name}"), func_name)
    return func(db_path, filters, **kwargs) if filters is not None else func(db_path, **kwargs)
