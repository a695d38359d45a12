"""Reject reasons on the Data page in the page's language (dashboard/reject_reasons.py): the reasons
the warehouse writes for real bad rows, every cross-column check of the ETL's specs, and the
out-of-scope reason of the health-attacks reader, each shown in Arabic with its value kept."""
from __future__ import annotations

import re

import duckdb
import pytest

from dashboard import i18n
from dashboard.reject_reasons import translated
from etl.load import load_file
from tests.conftest import CITE, CITE_HEADER, write_csv

LOC_HEADER = ["pcode", "admin_level", "kind", "parent_pcode", "name_en", "name_ar", "lat", "lon", *CITE_HEADER]
DISP_HEADER = ["period_start", "period_end", "origin_pcode", "destination_pcode", "figure_type", "individuals", "note", *CITE_HEADER]
GOOD = ["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "1,200", "", *CITE]
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _arabic(reason: str) -> str:
    with i18n.using("ar"):
        return translated(reason)


def _english_left(text: str) -> list[str]:
    """Latin words outside the isolated values (a P-code, a code list), the file's column names
    (source_publisher) and 'YYYY-MM-DD', 'ISO'."""
    outside = re.sub("\u2068[^\u2069]*\u2069|[a-z]+(?:_[a-z]+)+", "", text)
    return [w for w in LATIN_WORD.findall(outside) if w not in {"YYYY", "ISO"}]


@pytest.fixture
def places(tmp_path, db):
    path = write_csv(tmp_path / "places.csv", LOC_HEADER, [
        ["SY07", 1, "governorate", "SY", "Idleb", "إدلب", "", "", *CITE],
        ["SY02", 1, "governorate", "SY", "Aleppo", "حلب", "", "", *CITE],
    ])
    assert load_file(path, db).status == "loaded"
    return db


@pytest.mark.parametrize(("row", "kept"), [
    (["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "-5", "", *CITE], "عدد سالب"),
    (["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "many", "", *CITE], "many"),
    (["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "", "", *CITE], "قيمة مفقودة"),
    (["2020-02-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", *CITE], "تنتهي الفترة قبل أن تبدأ"),
    (["2020-01-01", "2020-01-31", "SY07", "SY07", "arrivals", "5", "", *CITE], "المكان نفسه"),
    (["2020-01-01", "2020-01-31", "SY99", "SY02", "arrivals", "5", "", *CITE], "SY99"),
    (["2020-01-01", "2020-01-31", "SY07", "SY02", "fled", "5", "", *CITE], "fled"),
    (["2020-01-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", "", "", "", ""], "لم"),
    (["2020-13-01", "2020-01-31", "SY07", "SY02", "arrivals", "5", "", *CITE], "2020-13-01"),
], ids=["negative", "not-a-number", "missing", "period", "same-place", "p-code", "choice", "no-source", "date"])
def test_a_reason_the_warehouse_wrote_reads_in_arabic(tmp_path, places, row, kept):
    report = load_file(write_csv(tmp_path / "moves.csv", DISP_HEADER, [GOOD, row]), places)
    with duckdb.connect(str(places), read_only=True) as con:
        [(reason,)] = con.execute("SELECT reason FROM rejects WHERE load_id = ?", [report.load_id]).fetchall()
    shown = _arabic(reason)
    assert re.search("[\u0600-\u06ff]", shown) and kept in shown, (reason, shown)
    assert not _english_left(shown), (reason, shown)
    assert translated(reason) == reason  # English pages show the reason as written


def _checks() -> list[str]:
    from etl.specs import POINT_CHECKS, TABLES

    return sorted({check.reason for spec in TABLES.values() for check in spec.checks} | {c.reason for c in POINT_CHECKS})


@pytest.mark.parametrize("reason", _checks())
def test_every_cross_column_check_of_the_etl_has_an_arabic_reason(reason):
    shown = _arabic(reason)
    assert shown != i18n.isolate(reason) and not _english_left(shown), (reason, shown)


def test_out_of_scope_and_suppressed_values_read_in_arabic():
    from etl.sources.cells import SUPPRESSED
    from etl.sources.health_attacks import _scope

    outside = _arabic(_scope("LBN", "Lebanon"))
    assert outside.startswith("خارج سوريا") and "\u2068Country ISO LBN\u2069" in outside
    assert _arabic(f"not a number: {SUPPRESSED}") == "ليس رقماً: * (حجبته الجهة الناشرة)"


def test_several_reasons_of_one_row_are_each_translated_and_an_unknown_one_kept():
    shown = _arabic("negative count; period ends before it starts; a reason no pattern knows")
    assert shown.split("؛ ") == ["عدد سالب", "تنتهي الفترة قبل أن تبدأ", "\u2068a reason no pattern knows\u2069"]
