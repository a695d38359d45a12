"""What changed between two versions of the warehouse (warehouse/versions.py): rows added and removed per
table and source, figures revised, reports added and removed.

Why ATTACH: both files are opened read-only in one in-memory DuckDB, so each question is one SQL statement
over the two states (`old.` and `new.`) and no file is ever written or copied. A kept version's file is
never written after it is published, and the live file is replaced, not written, so the read is safe while
a load publishes.

A row is its content without `load_id` (rows are counted, so two equal rows are two): a file loaded again after a restore gets a new load number but
adds nothing. Only the columns both versions have are compared (a migration that adds a column does not
make every row new). A figure is *revised* when a row the new version adds has the same publisher, place,
window and measure as a figure of the old version, and a value the old version never gave for it; the value
before is the one the publisher's latest report in the old version gave (FIGURES defines place, measure and
value of each fact table, once).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pandas as pd

from warehouse import models, versions
from warehouse.db import WarehouseMissing
from warehouse.queries import disclosure

# Fact tables whose rows are figures: (place, measure, value) as SQL over the table's columns. The measure is
# the table's own code (figure_type, population_type, category), which the dashboard labels.
# A place of two codes (from → to) joins them with PLACE_JOIN; a code not given is NOT_GIVEN.
PLACE_JOIN, NOT_GIVEN = " → ", "…"
FIGURES: dict[str, tuple[str, str, str]] = {
    "displacement": (f"concat_ws('{PLACE_JOIN}', coalesce(origin_pcode, '{NOT_GIVEN}'), "
                     f"coalesce(destination_pcode, '{NOT_GIVEN}'))", "figure_type", "individuals"),
    "refugees": (f"origin_iso3 || '{PLACE_JOIN}' || asylum_iso3", "population_type", "persons"),
    "casualties": ("coalesce(location_pcode, '')", "category", "deaths_best"),
    "camp_population": ("camp_id", "'individuals'", "individuals"),
    "indicators": ("coalesce(location_pcode, '')", "indicator || coalesce(' (' || unit || ')', '')", "value"),
}
ROW_COLUMNS = ["table_name", "source_id", "publisher", "title", "added", "removed"]
REVISED_COLUMNS = ["table_name", "publisher", "place", "period_start", "period_end", "measure",
                   "value_before", "value_after", "report_before", "report_after"]
REPORT_COLUMNS = ["change", "source_id", "publisher", "title", "published", "url"]


@dataclass(frozen=True)
class Changes:
    """The difference from version `old` to version `new`."""

    old: versions.Version
    new: versions.Version
    rows: pd.DataFrame      # ROW_COLUMNS: per table and source, rows added and removed
    revised: pd.DataFrame   # REVISED_COLUMNS: one row per figure revised, with both values
    reports: pd.DataFrame   # REPORT_COLUMNS: reports (sources) whose figures came in ('added') or went

    @property
    def empty(self) -> bool:
        return self.rows.empty and self.revised.empty and self.reports.empty

    def reports_added(self) -> pd.DataFrame:
        return self.reports[self.reports["change"] == "added"]

    def as_dict(self) -> dict:
        """For --json: plain types, dates as YYYY-MM-DD."""
        def records(frame: pd.DataFrame) -> list[dict]:
            return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]

        return {"old": asdict(self.old), "new": asdict(self.new), "rows": records(self.rows),
                "revised": records(self.revised), "reports": records(self.reports)}


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value.item() if hasattr(value, "item") else value


def pick(path: Path, old: int | None = None, new: int | None = None) -> tuple[versions.Version, versions.Version]:
    """The two versions to compare: by default the previous version and the live one; `new` defaults to
    the live one. VersionUnavailable (one line) for a version that is not listed or whose file is gone."""
    path = Path(path)
    if not path.exists():
        raise WarehouseMissing(f"No warehouse at {path}. Build it with `python -m etl build-reference`.")
    noted = versions.listing(path)
    if old is None and len(noted) < 2:
        raise versions.VersionUnavailable(f"{path} has {len(noted) or 'no'} version{'s' if len(noted) != 1 else ''}: "
                                          "nothing to compare yet (the next load or rollback adds one)")
    old = noted[1].number if old is None else old
    new = noted[0].number if new is None else new
    return _entry(path, noted, old), _entry(path, noted, new)


def _entry(path: Path, noted: list[versions.Version], number: int) -> versions.Version:
    if noted and number == noted[0].number:
        return noted[0]
    return versions.kept(path, number)[1]


def file_of(path: Path, version: versions.Version) -> Path:
    """The live file for the live version, else the version's kept file."""
    live = versions.live_number(path)
    return Path(path) if version.number == live else versions.file_of(path, version.number)


def compare(path: Path, old: int | None = None, new: int | None = None) -> Changes:
    """What changed from version `old` to version `new` of the warehouse at `path` (see `pick`)."""
    before, after = pick(path, old, new)
    with _attached(file_of(path, before), file_of(path, after)) as con:
        rows, revised, reports = _rows(con), _revised(con), _reports(con)
    mode = disclosure.settings()   # public mode hides small counts here as in every query result
    if mode.public:
        disclosure.suppress_small_counts(revised, mode.threshold)
    return Changes(before, after, rows, revised, reports)


def _attached(old_file: Path, new_file: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"threads": 2})
    try:
        for alias, file in (("old", old_file), ("new", new_file)):
            con.execute(f"ATTACH '{_quoted(file)}' AS {alias} (READ_ONLY)")
        con.execute("SET enable_external_access = false")   # nothing else is read
        con.execute("SET enable_progress_bar = false")      # stdout is the report
    except BaseException:
        con.close()
        raise
    return con


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of `table` both versions have, without load_id ([] if either lacks the table)."""
    found = con.execute(
        "SELECT table_catalog, list(column_name ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? AND table_catalog IN ('old', 'new') GROUP BY 1",
        [table]).fetchall()
    if len(found) < 2:
        return []
    theirs = set(found[1][1])
    return [c for c in found[0][1] if c in theirs and c != "load_id"]


def fact_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables whose rows carry a source and a load (the facts, places and shapes), in either version;
    not the materialised models, which are computed from them (a change there is a change of the facts)."""
    derived = {m.name for m in models.materialised()}
    return [name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.columns c JOIN information_schema.tables t "
        "USING (table_catalog, table_schema, table_name) WHERE table_catalog IN ('old', 'new') "
        "AND table_schema = 'main' AND table_type = 'BASE TABLE' AND column_name IN ('source_id', 'load_id') "
        "GROUP BY table_name HAVING count(DISTINCT column_name) = 2 ORDER BY table_name").fetchall() if name not in derived]


def _rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per table and source, rows added and removed: each distinct row counted on both sides (one hash
    aggregate; several times faster than EXCEPT ALL both ways, measured on 2 M rows), the difference of the counts."""
    parts = []
    for table in fact_tables(con):
        columns = ", ".join(f'"{c}"' for c in _columns(con, table))
        if not columns:
            continue
        parts.append(f"""
            SELECT '{table}' AS table_name, source_id, greatest(now - was, 0) AS added, greatest(was - now, 0) AS removed
            FROM (SELECT {columns}, count(*) FILTER (WHERE is_new) AS now, count(*) FILTER (WHERE NOT is_new) AS was
                  FROM (SELECT {columns}, false AS is_new FROM old.main."{table}"
                        UNION ALL SELECT {columns}, true FROM new.main."{table}")
                  GROUP BY ALL)
            WHERE now <> was""")
    if not parts:
        return pd.DataFrame(columns=ROW_COLUMNS)
    return con.execute(f"""
        WITH changed AS ({' UNION ALL '.join(parts)}),
        cited AS (SELECT source_id, publisher, title FROM new.main.sources
                  UNION ALL SELECT source_id, publisher, title FROM old.main.sources
                  WHERE source_id NOT IN (SELECT source_id FROM new.main.sources))
        SELECT table_name, source_id, any_value(publisher) AS publisher, any_value(title) AS title,
               sum(added)::BIGINT AS added, sum(removed)::BIGINT AS removed
        FROM changed LEFT JOIN cited USING (source_id)
        GROUP BY table_name, source_id ORDER BY table_name, publisher, title, source_id""").df()[ROW_COLUMNS]


def _figures(side: str, table: str) -> str:
    place, measure, value = FIGURES[table]
    return f"""SELECT s.publisher, {place} AS place, t.period_start, t.period_end, {measure} AS measure,
                      {value} AS value, s.title AS report, s.published
               FROM {side}.main."{table}" t JOIN {side}.main.sources s USING (source_id)"""


def _revised(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    present = {t for t in fact_tables(con) if _has(con, "old", t) and _has(con, "new", t)}
    parts = [f"""
        SELECT '{table}' AS table_name, n.publisher, n.place, n.period_start, n.period_end, n.measure,
               o.value AS value_before, n.value AS value_after, o.report AS report_before, n.report AS report_after
        FROM (SELECT publisher, place, period_start, period_end, measure, value,
                     arg_max(report, (published, report)) AS report
              FROM ({_figures('new', table)}) ANTI JOIN ({_figures('old', table)})
                   USING (publisher, place, period_start, period_end, measure, value)
              GROUP BY ALL) n
        JOIN (SELECT publisher, place, period_start, period_end, measure,
                     arg_max(value, (published, report)) AS value, arg_max(report, (published, report)) AS report
              FROM ({_figures('old', table)}) GROUP BY ALL) o
          USING (publisher, place, period_start, period_end, measure)""" for table in FIGURES if table in present]
    if not parts:
        return pd.DataFrame(columns=REVISED_COLUMNS)
    return con.execute(" UNION ALL ".join(parts) + " ORDER BY table_name, publisher, period_start, place, measure"
                       ).df()[REVISED_COLUMNS]


def _reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Reports (sources) with figures in one version and none in the other: 'added' to the new, or 'removed'."""
    cited = "source_id, publisher, title, published, url"
    return con.execute(f"""
        WITH was AS ({_sources_with_rows(con, 'old')}), now AS ({_sources_with_rows(con, 'new')})
        SELECT 'added' AS change, {cited} FROM new.main.sources
        WHERE source_id IN (SELECT * FROM now) AND source_id NOT IN (SELECT * FROM was)
        UNION ALL
        SELECT 'removed', {cited} FROM old.main.sources
        WHERE source_id IN (SELECT * FROM was) AND source_id NOT IN (SELECT * FROM now)
        ORDER BY change, publisher, published, title""").df()[REPORT_COLUMNS]


def _sources_with_rows(con: duckdb.DuckDBPyConnection, side: str) -> str:
    """SQL: the source ids with at least one fact row in `side`."""
    tables = [t for t in fact_tables(con) if _has(con, side, t)]
    return " UNION ".join(f'SELECT source_id FROM {side}.main."{t}"' for t in tables) or \
        "SELECT NULL::VARCHAR WHERE false"


def _has(con: duckdb.DuckDBPyConnection, side: str, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_catalog = ? "
                            "AND table_schema = 'main' AND table_name = ?", [side, table]).fetchone()[0])
