"""The officer page's column mapper: map a file no recipe fits, preview it, save the recipe.

Shown under a file the ETL did not recognise. The officer picks the sheet and the
header row, says which column holds which field, what the figures count and
when, previews the rows that would load and those rejected, and saves the
recipe into the recipe folder; the file is then recognised like any other, and
the next load or refresh of the same family needs no mapping. The recipe logic
is etl.recipes.mapper; this module only renders.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.components import plain
from etl import recipes
from etl.recipes import mapper
from etl.recipes.draft import _header
from etl.recipes.model import RecipeError
from etl.sources.base import ReadError
from etl.specs import TABLES
from warehouse.queries import admin

MAPPED = "_mapped_kind_"
LABELS = {"displacement": "Displaced people (IDPs, arrivals, returns)", "refugees": "Refugees and asylum",
          "casualties": "Deaths", "indicators": "Other figures (people in need, severity, key figures)"}


def mapped_kind(sha256: str) -> str | None:
    """The kind of the recipe saved for this upload, if the officer mapped it."""
    return st.session_state.get(MAPPED + sha256)


def _choices(table: str) -> list[str]:
    what = mapper.MAPPABLE[table][1]
    if not what:
        return []
    spec = TABLES[table]
    return list(spec.columns[spec.names.index(what)].choices)


def column_mapper(name: str, path: Path, sha256: str, db_path: Path) -> None:
    """The mapper for one uploaded file (inside an expander)."""
    key = f"map_{sha256[:12]}"
    if path.suffix.lower() not in (".csv", ".xlsx"):
        return  # tables only: a JSON or GeoJSON file needs a recipe or a reader
    try:
        sheets = mapper.sheets(path)
    except ReadError:
        return  # the file cannot be read at all: the message above says why
    with st.expander(f"Map the columns of {plain(name)} (no recipe fits it)", expanded=True):
        sheet = st.selectbox("Sheet", sheets, key=f"{key}_sheet") if sheets != [None] else None
        try:
            rows = mapper.head(path, sheet)
        except ReadError as exc:
            st.error(plain(str(exc)))
            return
        if not rows:
            st.warning("This sheet is empty.")
            return
        width = max(len(r) for r in rows)
        shown = pd.DataFrame([r + [""] * (width - len(r)) for r in rows[:12]], index=range(1, min(len(rows), 12) + 1))
        st.caption("The first rows of the file, numbered as in a spreadsheet:")
        st.dataframe(shown, width="stretch")
        header_row = int(st.number_input("Header row (the row with the column names)", 1, len(rows),
                                         value=_header(rows) + 1, key=f"{key}_header"))
        columns = [c.strip() for c in rows[header_row - 1] if c and c.strip()]
        table = st.selectbox("What the figures are", list(mapper.MAPPABLE), format_func=LABELS.get, key=f"{key}_table")
        fields, what_name = mapper.MAPPABLE[table]
        chosen = {}
        cols = st.columns(2)
        for i, field in enumerate(fields):
            chosen[field] = cols[i % 2].selectbox(field.replace("_", " "), [""] + columns, key=f"{key}_{table}_{field}")
        what = st.selectbox(what_name.replace("_", " "), _choices(table), key=f"{key}_{table}_what") if what_name else ""
        date_column = st.selectbox("Date column (or leave empty and give the date below)", [""] + columns,
                                   key=f"{key}_date")
        as_of = None if date_column else st.date_input("The figures are as of", value=None, key=f"{key}_asof")
        cols = st.columns(3)
        publisher = cols[0].text_input("Publisher", key=f"{key}_publisher")
        title = cols[1].text_input("Title of the dataset", key=f"{key}_title")
        url = cols[2].text_input("Link (optional)", key=f"{key}_url")
        kind = st.text_input("Recipe name", value=Path(name).stem.lower().replace("_", "-").replace(" ", "-"),
                             key=f"{key}_kind")
        mapping = mapper.Mapping(kind, table, publisher.strip(), title.strip(), url.strip(), sheet, header_row,
                                 {k: v for k, v in chosen.items() if v}, what or "", date_column,
                                 as_of if isinstance(as_of, date) else None)
        cols = st.columns(2)
        if cols[0].button("Preview the mapped rows", key=f"{key}_preview"):
            _preview(mapping, path, db_path)
        if cols[1].button("Save the recipe", key=f"{key}_save", type="primary"):
            try:
                saved = mapper.save(mapping, recipes.officer_dir())
            except (RecipeError, ValueError) as exc:
                st.error(plain(f"Not saved: {exc}"))
                return
            st.session_state[MAPPED + sha256] = mapping.kind
            st.session_state["_mapper_saved"] = f"Recipe {mapping.kind} saved to {saved}; the file is now recognised."
            st.rerun()


def _preview(mapping: mapper.Mapping, path: Path, db_path: Path) -> None:
    try:
        good, bad = mapper.preview(mapping, path, admin.known_pcodes(db_path))
    except (RecipeError, ReadError, ValueError) as exc:
        st.error(plain(str(exc)))
        return
    st.success(f"{len(good):,} rows would load, {len(bad):,} would be rejected.")
    if not good.empty:
        st.dataframe(good.drop(columns=["source_id"]).head(50), hide_index=True, width="stretch")
    if not bad.empty:
        st.caption("Rows that would be rejected (sheet, row, column, reason):")
        st.dataframe(bad.drop(columns=["raw"]).head(50), hide_index=True, width="stretch")
