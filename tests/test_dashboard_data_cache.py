"""Query results are shared by every viewer of a process (dashboard/data.py): one viewer's page changing
its frame must never change what the next viewer reads."""
from __future__ import annotations

import pandas as pd

from dashboard.data import query
from warehouse.queries import Filters


def test_a_page_changing_its_frame_never_changes_the_shared_result(reference_db, monkeypatch):
    monkeypatch.setenv("DISPLACEMENT_DB", str(reference_db))
    first = query("timeline.events", Filters())
    assert len(first) > 1
    expected = first.copy(deep=True)
    first.loc[first.index[0], "title"] = "changed by a page"
    first["title"] = first["title"].str.upper()
    first["added"] = 1
    first.iloc[1, 0] = first.iloc[0, 0]
    again = query("timeline.events", Filters())
    assert again is not first
    pd.testing.assert_frame_equal(again, expected)
    del again["title"]
    pd.testing.assert_frame_equal(query("timeline.events", Filters()), expected)


def test_numbers_and_frames_read_the_same_as_the_warehouse_answers(reference_db, monkeypatch):
    from warehouse.queries import run

    monkeypatch.setenv("DISPLACEMENT_DB", str(reference_db))
    assert query("camps.camp_count") == run(reference_db, "camps.camp_count")
    pd.testing.assert_frame_equal(query("options.sources"), run(reference_db, "options.sources"))
