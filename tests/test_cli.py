"""`python -m etl`: every command through click's CliRunner, exit codes 0/1/2, and a real subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from etl import cli
from tests.conftest import CITE, CITE_HEADER, REFERENCE, ROOT, write_csv

DISP_HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals", "note", *CITE_HEADER]


def run(*args: str):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def moves(tmp_path) -> Path:
    return write_csv(tmp_path / "moves.csv", DISP_HEADER, [
        ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "10", "", *CITE],
        ["2020-01-01", "2020-01-31", "SY07", "SY99", "arrivals", "5", "", *CITE],
    ])


@pytest.fixture
def loaded(db, moves):
    """A warehouse holding the gazetteer (load 1) and moves.csv (load 2, one reject)."""
    assert run("load", REFERENCE / "gazetteer.csv", moves, "--db", db).exit_code == 0
    return db


def test_kinds_lists_the_generic_readers_after_the_specific_ones():
    out = run("kinds").output.split("\n")
    kinds = [line.split()[0] for line in out if line.strip()]
    assert "hxl" in kinds and kinds.index("hxl") == kinds.index("tidy") - 1


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["load", "{db_dir}/nowhere.csv"], 1, "nowhere.csv: no such file"),
        (["load", "{moves}", "--kind", "nonsense"], 2, "unknown kind 'nonsense'"),
        (["load"], 2, "Missing argument"),
        (["rollback", "99"], 1, "no load 99"),
        (["rollback", "abc"], 2, "not a valid integer"),
        (["template", "loads"], 2, "name a table"),
        (["template", "events", "--out", "{db_dir}/events.ods"], 2, "must end in .csv or .xlsx"),
        (["nonsense"], 2, "No such command"),
    ],
)
def test_exit_codes(db, moves, args, code, text):
    result = run(*[a.format(db_dir=db.parent, moves=moves) for a in args], "--db", db) if args[0] in ("load", "rollback") \
        else run(*[a.format(db_dir=db.parent, moves=moves) for a in args])
    assert result.exit_code == code, result.output
    assert text in result.output


def test_load_reports_rows_and_json(db, moves):
    first = run("load", REFERENCE / "gazetteer.csv", "--db", db)
    assert first.exit_code == 0 and "gazetteer.csv: loaded as tidy" in first.output
    result = run("load", moves, "--db", db, "--json")
    [report] = json.loads(result.output)
    assert (report["status"], report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == ("loaded", 2, 1, 1)
    assert "unknown P-code SY99" in report["rejects"][0]["reason"]


def test_dry_run_writes_nothing(db, moves):
    assert run("load", REFERENCE / "gazetteer.csv", "--db", db).exit_code == 0
    before = db.read_bytes()
    result = run("load", moves, "--db", db, "--dry-run")
    assert result.exit_code == 0 and "1 rows would load, 1 would be rejected; nothing written" in result.output
    assert db.read_bytes() == before


def test_status_lists_tables_and_last_loads(loaded):
    result = run("status", "--db", loaded, "--json")
    status = json.loads(result.output)
    counts = {t["table_name"]: t["row_count"] for t in status["tables"]}
    assert counts["displacement"] == 1 and counts["rejects"] == 1 and counts["locations"] > 50
    assert [load["file_name"] for load in status["loads"]] == ["moves.csv", "gazetteer.csv"]
    text = run("status", "--db", loaded).output
    assert "Tables" in text and "moves.csv" in text


def test_status_without_warehouse_says_how_to_make_one(db):
    result = run("status", "--db", db)
    assert result.exit_code == 1 and "build-reference" in result.output


def test_history_rejects_and_rollback(loaded, tmp_path):
    history = json.loads(run("history", "--db", loaded, "--json").output)
    assert [(h["load_id"], h["file_name"], h["rows_rejected"]) for h in history] == [(2, "moves.csv", 1), (1, "gazetteer.csv", 0)]
    out = tmp_path / "rejects.csv"
    assert run("rejects", "2", "--csv", out, "--db", loaded).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "row_number" in text.splitlines()[0] and "unknown P-code SY99" in text
    result = run("rollback", "2", "--db", loaded)
    assert result.exit_code == 0 and "load 2 rolled back: 1 rows removed" in result.output
    again = run("rollback", "2", "--db", loaded)
    assert again.exit_code == 1 and "rolled_back" in again.output


def test_template_list_stdout_and_files(tmp_path):
    listed = run("template", "--list").output
    assert "displacement" in listed and "map_layers" not in listed
    csv_text = run("template", "events").output.splitlines()
    assert csv_text[0].startswith("event_date,end_date,title") and csv_text[1].startswith("#date+start,#date+end")
    result = run("template", "camps", "--out", tmp_path / "camps.xlsx")
    assert result.exit_code == 0 and load_workbook(tmp_path / "camps.xlsx").sheetnames == ["camps", "README"]


def test_refresh_small_manifest_codes_and_summary(tmp_path, db):
    (tmp_path / "places.csv").write_bytes((REFERENCE / "gazetteer.csv").read_bytes())
    good = tmp_path / "good.toml"
    good.write_text('[[source]]\npath = "places.csv"\n', encoding="utf-8")
    result = run("refresh", "--manifest", good, "--db", db)
    assert result.exit_code == 0, result.output
    assert "Refresh" in result.output and "places.csv" in result.output and "loaded" in result.output
    [report] = json.loads(run("refresh", "--manifest", good, "--db", db, "--json").output)
    assert report["status"] == "unchanged"
    broken = tmp_path / "broken.toml"
    broken.write_text('[[source]]\npath = "places.csv"\n[[source]]\npath = "gone.csv"\n', encoding="utf-8")
    failed = run("refresh", "--manifest", broken, "--db", db)
    assert failed.exit_code == 1 and "gone.csv" in failed.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]\n", encoding="utf-8")
    assert run("refresh", "--manifest", bad, "--db", db).exit_code == 2


def test_progress_bar_steps_once_per_file(capsys):
    with cli._file_bar(3, "loading", enabled=True) as tick:
        progress = cli._per_file(tick)
        for _ in range(3):
            for stage in ("reading", "validating", "writing"):
                progress(stage)
    err = capsys.readouterr().err
    assert "loading: done" in err and "3/3" in err


def test_progress_bar_is_off_for_json_and_pipes():
    assert cli._bar_wanted(as_json=True) is False
    assert cli._bar_wanted(as_json=False) is sys.stderr.isatty()


def test_real_subprocess_help_and_usage_error(tmp_path):
    """`python -m etl` as a data officer runs it: help exits 0, a usage error exits 2."""
    help_run = subprocess.run([sys.executable, "-m", "etl", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert help_run.returncode == 0
    for command in ("load", "refresh", "template", "status", "rollback"):
        assert command in help_run.stdout
    usage = subprocess.run([sys.executable, "-m", "etl", "template", "nonsense"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert usage.returncode == 2 and "name a table" in usage.stderr


def test_loaded_by_is_the_login_name_when_user_is_empty(tmp_path, monkeypatch):
    """A cron job or container with $USER empty: the history names the account, never 'nan' or nothing."""
    import os
    import pwd

    from etl.cli import login_name

    for name in ("LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("USER", "")
    assert login_name(None) == login_name("") == pwd.getpwuid(os.getuid()).pw_name != ""
    assert login_name(" amal ") == "amal"


def test_places_lists_p_codes_with_english_and_arabic_names(reference_db):
    """An officer finds a P-code without SQL: by level, by an English or Arabic name or a P-code."""
    def places(*args):
        result = CliRunner().invoke(cli.main, ["places", "--db", str(reference_db), "--json", *args])
        assert result.exit_code == 0, result.output
        return [(p["pcode"], p["admin_level"], p["name_en"], p["name_ar"]) for p in json.loads(result.output)]

    assert places("--level", "1", "--search", "idleb") == [("SY07", 1, "Idleb", "إدلب")]
    assert places("--level", "3", "--search", "أريحا") == [("SY070500", 3, "Ariha", "أريحا")]
    assert len(places("--level", "1")) == 14   # the governorates, each once
    assert "no place matches 'atlantis'" in CliRunner().invoke(cli.main, ["places", "--db", str(reference_db),
                                                                       "--search", "atlantis"]).output


def test_recipes_folder_is_the_commands_only(tmp_path):
    """`--recipes DIR` points one command at a folder; the process's folder is back afterwards (an officer's recipe
    wins over the built-ins, so a folder left set would read every later file of the process)."""
    from click.testing import CliRunner

    from etl import recipes
    from etl.cli import main

    folder = tmp_path / "recipes"
    folder.mkdir()
    before = recipes.officer_dir()
    (folder / "mine.toml").write_text(MINE, encoding="utf-8")
    listed = CliRunner().invoke(main, ["kinds", "--recipes", str(folder)]).output
    assert "my-own-kind" in listed                        # the command used the folder
    assert recipes.officer_dir() == before != folder      # and left the process as it found it


MINE = """[recipe]
kind = "my-own-kind"
description = "an officer's recipe (test)"
table = "indicators"
suffixes = [".csv"]

[citation]
publisher = "Test"
title = "Test"

[header]
find = ["indicator", "value"]

[columns]
indicator = { match = ["indicator"] }
value = { match = ["value"] }
location_pcode = { match = ["pcode"] }

[period]
reference_date = "2020-01-01"
"""
