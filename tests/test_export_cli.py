"""`python -m dashboard.export` as a data officer runs it (subprocesses), with and without Chromium."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard import catalog
from dashboard.export.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, browser: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DISPLACEMENT_DB", None)
    if browser:
        env["BROWSER_PATH"] = browser
    return subprocess.run([sys.executable, "-m", "dashboard.export", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_list_names_every_chart():
    result = run("--list")
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == list(catalog.CHARTS)


def test_without_chromium_html_and_data_export_and_images_fail_in_one_line(reference_db, tmp_path):
    db = ["--db", str(reference_db)]
    chart = ["--chart", "displacement-timeline", "--start", "2019-12-01", "--end", "2020-03-31"]
    html = run(*chart, "--out", str(tmp_path / "t.html"), *db, browser="/nonexistent/chromium")
    assert html.returncode == 0, html.stderr
    assert (tmp_path / "t.html").read_bytes().startswith(b"<!DOCTYPE html>")

    csv = run(*chart, "--format", "csv", "--out", str(tmp_path / "t.csv"), *db, browser="/nonexistent/chromium")
    assert csv.returncode == 0, csv.stderr
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Reference period: " in (tmp_path / "t.about.txt").read_text(encoding="utf-8")

    png = run(*chart, "--out", str(tmp_path / "t.png"), *db, browser="/nonexistent/chromium")
    assert png.returncode == 1
    assert png.stderr.strip().splitlines() == [
        "Error: Image export needs Chromium, not found at /nonexistent/chromium: "
        "install it with `sudo apt-get install chromium` (or set BROWSER_PATH)."]
    assert not (tmp_path / "t.png").exists()


def test_brief_pdf_without_chromium_says_what_to_install(reference_db, tmp_path):
    result = run("--brief", "--out", str(tmp_path / "pack.pdf"), "--db", str(reference_db), browser="/nonexistent/chromium")
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "pack.pdf").pages)
    assert "Chart image unavailable" in text and "sudo apt-get install chromium" in text


@pytest.mark.parametrize("args, message", [
    (["--chart", "nope"], "unknown chart 'nope'; charts: displacement-timeline"),
    (["--chart", "displacement-timeline", "--start", "2020-03-01", "--end", "2020-01-01"], "is after --end"),
    (["--chart", "displacement-timeline", "--start", "1 March"], "'1 March' is not a date (YYYY-MM-DD)"),
    (["--brief", "--format", "csv"], "format 'csv' is not one of pdf, html"),
    ([], "name a chart with --chart NAME"),
])
def test_usage_errors_are_one_clear_line(args, message, reference_db):
    """In-process (click's runner): the same command, without paying for a new interpreter per case."""
    result = CliRunner().invoke(main, [*args, "--db", str(reference_db)])
    assert result.exit_code == 2
    assert message in result.output.strip().splitlines()[-1]


def test_missing_warehouse_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["--chart", "displacement-timeline", "--format", "csv",
                                       "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: No warehouse at {tmp_path / 'none.duckdb'}. Build it with `python -m etl build-reference`."]


def test_db_comes_from_the_environment_when_no_flag(reference_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DISPLACEMENT_DB", str(reference_db))
    result = CliRunner().invoke(main, ["--chart", "displacement-timeline", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.xlsx").read_bytes().startswith(b"PK")


def test_without_dates_exports_cover_the_dashboards_default_period(reference_db, tmp_path):
    """One definition of the default (warehouse/queries/periods.py): the offensive, unless --whole-span."""
    default = CliRunner().invoke(main, ["--chart", "refugees-by-host-country", "--format", "csv",
                                        "--out", str(tmp_path / "d.csv"), "--db", str(reference_db)])
    assert default.exit_code == 0, default.output
    assert "Filters: Period: 1 Dec 2019 – 31 Mar 2020" in (tmp_path / "d.about.txt").read_text(encoding="utf-8")

    whole = CliRunner().invoke(main, ["--chart", "refugees-by-host-country", "--format", "csv", "--whole-span",
                                      "--out", str(tmp_path / "w.csv"), "--db", str(reference_db)])
    assert whole.exit_code == 0, whole.output
    assert "Filters: No filters: every figure in the warehouse" in (tmp_path / "w.about.txt").read_text(encoding="utf-8")
    assert len((tmp_path / "w.csv").read_bytes()) > len((tmp_path / "d.csv").read_bytes())


def test_whole_span_and_dates_together_is_a_usage_error(reference_db):
    result = CliRunner().invoke(main, ["--chart", "displacement-timeline", "--whole-span", "--start", "2020-01-01",
                                       "--db", str(reference_db)])
    assert result.exit_code == 2
    assert "--whole-span cannot be combined with --start/--end" in result.output
