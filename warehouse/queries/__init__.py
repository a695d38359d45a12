"""Read queries, one module per theme. Every function opens its own short-lived
read-only connection, binds its parameters and returns a small, aggregated frame.
"""
from warehouse.queries.base import Filters, fetch_df

__all__ = ["Filters", "fetch_df"]
