"""What changed, as readers see it: the Data page's changes since a version they pick (AppTest), and the briefing
pack's "Changed since the last pack" (dashboard/export/brief.changed_since), on the `versioned_db` fixture
(conftest.py: 1 reference, 2 revision to 152,000, 3 real UNHCR refugees, 4 revision corrected to 153,000)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import catalog, i18n
from dashboard.export import brief
from warehouse import diff
from warehouse.queries import Filters

ROOT = Path(__file__).resolve().parents[1]
OFFENSIVE = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))
REVISION_WINDOW = Filters(start=date(2019, 4, 1), end=date(2019, 5, 31))


def _data_page(db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("DISPLACEMENT_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "views" / "data.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_data_page_shows_the_changes_since_the_version_picked(versioned_db, monkeypatch):
    at = _data_page(versioned_db, monkeypatch)
    picker = at.selectbox(key="data_changes_since")
    assert picker.options[0].startswith("Version 3 — ") and len(picker.options) == 3
    assert picker.value is None   # nothing compared until the reader picks
    assert not any({"Before", "Rows added"} & set(d.value.columns) for d in at.dataframe)
    picker.set_value(3).run()
    assert not at.exception
    revised = _table(at, "Before")
    assert revised[["What", "Place", "Period", "Before", "After"]].values.tolist() == [
        ["Displacement: Newly displaced (flow)", "from Northwest Syria (Idleb governorate and northern Aleppo)",
         "29 Apr 2019 – 5 May 2019", 152000.0, 153000.0]]
    assert _table(at, "Rows added")[["Table", "Rows added", "Rows removed"]].values.tolist() == [["Displacement", 1, 1]]

    picker.set_value(1).run()
    assert not at.exception
    assert _table(at, "Before")[["Before", "After"]].values.tolist() == [[150000.0, 153000.0]]
    rows = _table(at, "Rows added")
    assert set(rows["Table"]) == {"Displacement", "Refugees"} and rows["Rows removed"].sum() == 0
    assert "1 figure revised: same publisher, place, period and measure, another value." in [c.value for c in at.caption]


def test_the_data_page_says_when_no_earlier_version_is_kept(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from etl.cli import main

    db = tmp_path / "w.duckdb"
    assert CliRunner().invoke(main, ["build-reference", "--db", str(db)]).exit_code == 0
    at = _data_page(db, monkeypatch)
    assert not at.selectbox
    assert any("No earlier version of the warehouse is kept yet" in i.value for i in at.info)


# --- the briefing pack ----------------------------------------------------------------------------

def test_the_pack_section_lists_revisions_in_its_period_and_reports_added(versioned_db):
    query = catalog.direct_query(versioned_db)
    changed = brief.changed_since(diff.compare(versioned_db, 1), query, REVISION_WINDOW)
    assert changed.since.startswith("Since warehouse version 1 (")
    assert changed.revised == ["Newly displaced (flow), from Northwest Syria (Idleb governorate and northern Aleppo), "
                               "29 Apr 2019 – 5 May 2019 (UN OCHA): 150,000 → 153,000."]
    assert sorted(line.split(",")[0] for line in changed.reports) == ["UN OCHA", "UNHCR"]
    assert [heading for heading, _ in changed.lines()] == ["Figures revised", "Reports added"]


def test_the_pack_section_leaves_out_revisions_outside_its_period(versioned_db):
    changed = brief.changed_since(diff.compare(versioned_db, 1), catalog.direct_query(versioned_db), OFFENSIVE)
    assert changed.revised == [] and len(changed.reports) == 2
    assert [heading for heading, _ in changed.lines()] == ["Reports added"]


def test_the_pack_section_is_left_out_when_there_is_nothing_to_say(versioned_db):
    query = catalog.direct_query(versioned_db)
    assert brief.changed_since(None, query, OFFENSIVE) is None
    assert brief.changed_since(diff.compare(versioned_db, 3), query, OFFENSIVE) is None  # a revision of April 2019 only
    assert brief.changed_since(diff.compare(versioned_db, 4, 4), query, Filters()) is None


def test_the_pack_section_in_arabic(versioned_db):
    with i18n.using("ar"):
        changed = brief.changed_since(diff.compare(versioned_db, 3), catalog.direct_query(versioned_db), Filters())
        heading = i18n._(brief.CHANGED)
    assert heading == "ما تغيّر منذ ملف الإحاطة السابق"
    assert changed.since.startswith("منذ النسخة 3 من مستودع البيانات")
    assert changed.revised[0].startswith("النازحون حديثاً (تدفق)، من ") and "152,000 ← 153,000." in changed.revised[0]


@pytest.mark.parametrize("since, said", [(1, True), (4, False)])
def test_the_html_pack_has_the_section_only_when_something_changed(versioned_db, since, said):
    changes = diff.compare(versioned_db, since, 4)
    _, data = brief.briefing_pack(catalog.direct_query(versioned_db), REVISION_WINDOW, "html",
                                  charts=["displacement-timeline"], changes=changes)
    text = data.decode("utf-8")
    assert ("Changed since the last pack" in text) is said
    assert ("150,000 → 153,000" in text) is said


def test_the_export_command_line_takes_since_with_the_brief_only(versioned_db):
    from click.testing import CliRunner

    from dashboard.export.__main__ import main

    unknown = CliRunner().invoke(main, ["--brief", "--since", "9", "--db", str(versioned_db)])
    assert unknown.exit_code == 1 and f"no version 9 of {versioned_db} (versions: 1, 2, 3, 4)" in unknown.output
    alone = CliRunner().invoke(main, ["--chart", "displacement-timeline", "--since", "1", "--db", str(versioned_db)])
    assert alone.exit_code == 2 and "--since goes with --brief" in alone.output
