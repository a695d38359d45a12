"""What changed between two warehouse versions (warehouse/diff.py, `python -m etl diff`), on the reference build
plus a real UNHCR file and a tidy file revising a reference figure (the `versioned_db` fixture, conftest.py:
1 reference, 2 revision to 152,000, 3 real refugees, 4 revision corrected to 153,000)."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from click.testing import CliRunner

from etl.cli import main
from warehouse import diff, published, versions

OCHA_FIRST = "Syrian Arab Republic Flash Update: Recent Developments in North-western Syria As of 07 May 2019"
REVISION_TITLE = "Flash Update 2 (test revision)"


def _loaded_rows(db, name: str) -> int:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT rows_loaded FROM loads WHERE file_name LIKE ?", [f"%{name}"]).fetchone()[0]


def test_the_default_is_the_previous_version_against_the_live_one(versioned_db):
    changes = diff.compare(versioned_db)
    assert (changes.old.number, changes.new.number) == (3, 4)
    # the corrected file replaced its earlier load: one row out, one row in, the same report
    assert changes.rows[["table_name", "publisher", "title", "added", "removed"]].values.tolist() == [
        ["displacement", "UN OCHA", REVISION_TITLE, 1, 1]]
    assert changes.revised[["value_before", "value_after", "report_before", "report_after"]].values.tolist() == [
        [152000.0, 153000.0, REVISION_TITLE, REVISION_TITLE]]
    assert changes.reports.empty


def test_a_revised_figure_keeps_its_publisher_place_window_and_measure_with_both_values(versioned_db):
    revised = diff.compare(versioned_db, 1, 2).revised
    assert len(revised) == 1
    row = revised.iloc[0]
    assert (row["table_name"], row["publisher"], row["place"], row["measure"]) == (
        "displacement", "UN OCHA", "SY-NW → …", "newly_displaced")
    assert (pd.Timestamp(row["period_start"]).date(), pd.Timestamp(row["period_end"]).date()) == (
        date(2019, 4, 29), date(2019, 5, 5))
    assert (row["value_before"], row["value_after"]) == (150000.0, 152000.0)
    assert (row["report_before"], row["report_after"]) == (OCHA_FIRST, REVISION_TITLE)


def test_a_real_file_adds_its_rows_and_its_report(versioned_db):
    changes = diff.compare(versioned_db, 2, 3)
    assert changes.rows[["table_name", "publisher", "added", "removed"]].values.tolist() == [
        ["refugees", "UNHCR", _loaded_rows(versioned_db, "unhcr-persons-of-concern-origin-syr-csv-1.csv"), 0]]
    assert changes.revised.empty   # new figures, none of them a figure the warehouse had
    assert changes.reports_added()["publisher"].tolist() == ["UNHCR"]


def test_backwards_the_same_rows_are_removed_and_the_reports_go(versioned_db):
    forward, backward = diff.compare(versioned_db, 1, 3), diff.compare(versioned_db, 3, 1)
    assert forward.rows["added"].tolist() == backward.rows["removed"].tolist()
    assert sorted(backward.reports.loc[backward.reports["change"] == "removed", "title"]) == \
        sorted(forward.reports_added()["title"])
    assert backward.revised.empty   # 150,000 never left: going back adds no value the later version lacked


def test_a_version_against_itself_has_nothing_to_say(versioned_db):
    assert diff.compare(versioned_db, 2, 2).empty


def test_the_diff_reads_and_never_writes(versioned_db):
    before = published.file_sha256(versioned_db), [v.sha256 for v in versions.listing(versioned_db)]
    diff.compare(versioned_db, 1)
    assert (published.file_sha256(versioned_db), [v.sha256 for v in versions.listing(versioned_db)]) == before


def test_unknown_versions_and_a_lone_version_are_one_line_errors(versioned_db, tmp_path):
    with pytest.raises(versions.VersionUnavailable, match=r"^no version 9 of .* \(versions: 1, 2, 3, 4\)$"):
        diff.compare(versioned_db, 9)
    with pytest.raises(versions.VersionUnavailable, match="nothing to compare yet"):
        diff.compare(_one_version(tmp_path))


def _one_version(folder):
    result = CliRunner().invoke(main, ["build-reference", "--db", str(folder / "w.duckdb")])
    assert result.exit_code == 0, result.output
    return folder / "w.duckdb"


def test_public_mode_hides_small_values_of_revised_figures(versioned_db, monkeypatch):
    monkeypatch.setenv("DISPLACEMENT_PUBLIC_MODE", "1")
    monkeypatch.setenv("DISPLACEMENT_SUPPRESS_BELOW", "152001")   # the revision's 152,000 counts as small here
    revised = diff.compare(versioned_db, 1, 2).revised
    assert revised["value_before"].isna().all() and revised["value_after"].isna().all()


# --- the command line ------------------------------------------------------------------------------

def test_the_command_line_prints_what_changed(versioned_db):
    result = CliRunner().invoke(main, ["diff", "--db", str(versioned_db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("From version 3 (")
    assert "  displacement: +1 -1  UN OCHA, Flash Update 2 (test revision)" in result.output
    assert "newly_displaced: 152,000 → 153,000" in result.output
    older = CliRunner().invoke(main, ["diff", "2", "3", "--db", str(versioned_db)])
    assert "Reports added:\n  UNHCR, " in older.output and "Figures revised" not in older.output


def test_the_command_line_json(versioned_db):
    result = CliRunner().invoke(main, ["diff", "1", "--json", "--db", str(versioned_db)])
    data = json.loads(result.output)
    assert (data["old"]["number"], data["new"]["number"]) == (1, 4)
    assert [(r["period_start"], r["value_before"], r["value_after"]) for r in data["revised"]] == [
        ("2019-04-29", 150000.0, 153000.0)]
    assert {r["publisher"] for r in data["reports"] if r["change"] == "added"} == {"UN OCHA", "UNHCR"}


def test_the_command_line_refuses_an_unknown_version_in_one_line(versioned_db):
    result = CliRunner().invoke(main, ["diff", "7", "--db", str(versioned_db)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"no version 7 of {versioned_db} (versions: 1, 2, 3, 4)"]
