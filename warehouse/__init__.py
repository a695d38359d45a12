"""The warehouse: the DuckDB schema, its migrations and every SQL query.

Nothing outside this package writes SQL. Readers open short-lived read-only
connections; writers build a new file and swap it into place (see db.py).
"""
from warehouse.db import (
    WarehouseDamaged,
    WarehouseMissing,
    connect_read,
    publishing,
    resolve_db_path,
    warehouse_version,
)
from warehouse.schema import current_version, migrate

__all__ = [
    "WarehouseDamaged",
    "WarehouseMissing",
    "connect_read",
    "current_version",
    "migrate",
    "publishing",
    "resolve_db_path",
    "warehouse_version",
]
