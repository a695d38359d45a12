"""The bundled reference data: every row cited, every row loads, the story's milestones are there."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import REFERENCE
from warehouse.queries import Filters, headlines, timeline
from warehouse.queries.provenance import is_reprint

CITATION = ("source_publisher", "source_title", "source_date", "source_url")
REFERENCE_CSVS = sorted(REFERENCE.glob("*.csv"))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_reference_folder_has_the_story_files():
    names = {p.name for p in REFERENCE_CSVS}
    assert {"events.csv", "displacement.csv", "refugees.csv", "gazetteer.csv"} <= names


@pytest.mark.parametrize("path", REFERENCE_CSVS, ids=lambda p: p.name)
def test_every_reference_row_cites_publisher_title_date_and_url(path):
    rows = _rows(path)
    assert rows, f"{path.name} is empty"
    for number, row in enumerate(rows, start=2):
        missing = [c for c in CITATION if not (row.get(c) or "").strip()]
        assert not missing, f"{path.name} row {number} lacks {missing}"
        assert row["source_url"].startswith(("https://", "http://")), f"{path.name} row {number}: {row['source_url']}"
        date.fromisoformat(row["source_date"])


def test_reference_builds_with_no_rejects_and_no_failures(reference_db):
    with duckdb.connect(str(reference_db), read_only=True) as con:
        failed = con.execute("SELECT file_name, rows_rejected FROM loads WHERE rows_rejected > 0").fetchall()
        assert failed == []
        counts = dict(con.execute(
            "SELECT 'events', count(*) FROM events UNION ALL SELECT 'displacement', count(*) FROM displacement"
            " UNION ALL SELECT 'refugees', count(*) FROM refugees UNION ALL SELECT 'locations', count(*) FROM locations"
        ).fetchall())
    assert all(counts[t] > 0 for t in ("events", "displacement", "refugees", "locations")), counts


KEY_EVENTS = [
    (date(2015, 9, 30), "russia"),          # the war's milestones, for the Overview's 2011-onward timeline
    (date(2016, 3, 18), "eu–turkey"),
    (date(2019, 12, 19), "offensive"),      # the ground offensive on the southern Idleb frontlines resumes
    (date(2020, 1, 28), "maarrat"),         # government forces enter Maarrat an-Nu'man
    (date(2020, 2, 8), "saraqib"),          # ... and take Saraqib
    (date(2020, 2, 27), "turkish soldiers"),  # the air strike on Turkish troops
    (date(2020, 3, 5), "moscow"),           # the Moscow agreement
    (date(2020, 3, 15), "patrol"),          # the first joint M4 patrol
    (date(2023, 2, 6), "earthquake"),
    (date(2024, 12, 8), "assad"),
]


@pytest.mark.parametrize(("day", "words"), KEY_EVENTS)
def test_timeline_milestones_are_present_and_marked_key(reference_db, day, words):
    with duckdb.connect(str(reference_db), read_only=True) as con:
        rows = con.execute("SELECT title, description, importance FROM events WHERE event_date = ?", [day]).fetchall()
    keys = [f"{t} {d or ''}".lower() for t, d, importance in rows if importance == "key"]
    assert any(words in text for text in keys), rows


def test_only_the_milestones_are_key(reference_db):
    """The timeline query hands the chart each event's importance: the offensive's six and the war's milestones are key, the rest 'other'."""
    frame = timeline.events(reference_db, Filters())
    assert set(frame["importance"]) == {"key", "other"}
    days = [pd.Timestamp(d).date() for d in frame.loc[frame["importance"] == "key", "event_date"]]
    assert days == [day for day, _ in KEY_EVENTS]


# What makes two reference rows "the same figure": same table, same kind, same place, same period.
SAME_FIGURE = {
    "displacement.csv": ("figure_type", "origin_pcode", "destination_pcode", "period_start", "period_end"),
    "casualties.csv": ("category", "location_pcode", "period_start", "period_end"),
    "refugees.csv": ("population_type", "origin_iso3", "asylum_iso3", "period_start", "period_end"),
    "events.csv": ("event_date", "category"),
}


@pytest.mark.parametrize("name", sorted(SAME_FIGURE))
def test_no_reprint_is_cited_where_a_publishers_own_page_gives_the_same_figure(name):
    groups: dict[tuple, list[dict[str, str]]] = {}
    for row in _rows(REFERENCE / name):
        groups.setdefault(tuple(row[c] for c in SAME_FIGURE[name]), []).append(row)
    for key, rows in groups.items():
        reprints = [r["source_publisher"] for r in rows if is_reprint(r["source_publisher"])]
        own = [r["source_publisher"] for r in rows if not is_reprint(r["source_publisher"])]
        assert not (reprints and own), f"{name} {key}: cite {own} instead of {reprints}"


@pytest.mark.parametrize(("name", "match", "publisher"), [
    ("casualties.csv", {"period_start": "2020-01-01", "period_end": "2020-01-31", "deaths_best": "186"}, "OHCHR"),
    ("casualties.csv", {"period_start": "2020-02-01", "period_end": "2020-02-05", "deaths_best": "49"}, "OHCHR"),
    ("casualties.csv", {"period_end": "2019-07-30", "deaths_best": "450"}, "UN OCHA"),
    ("casualties.csv", {"period_start": "2020-01-01", "deaths_best": "299"}, "OHCHR"),
    ("events.csv", {"event_date": "2020-07-11"}, "United Nations Security Council"),
])
def test_the_audited_figures_cite_the_un_page(name, match, publisher):
    found = [r for r in _rows(REFERENCE / name) if all(r[k] == v for k, v in match.items())]
    assert [r["source_publisher"] for r in found] == [publisher]


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(start=date(2019, 4, 1), end=date(2020, 2, 29)),
    Filters(start=date(2019, 12, 1), end=date(2020, 3, 31)),
])
def test_deaths_headline_never_cites_a_reprint_when_a_un_figure_exists(reference_db, filters):
    frame = headlines.deaths(reference_db, filters)
    top = frame.iloc[0]
    same = frame[frame["category"] == top["category"]]
    if (~same["source_publisher"].map(is_reprint)).any():
        assert not is_reprint(top["source_publisher"]), top.to_dict()


def test_the_deaths_headline_rule_is_needed_on_the_reference_data(reference_db):
    """A reprint (Sputnik's 1,710 civilians since April 2019) is the largest civilian figure over the
    whole span, so only the rule keeps it out of the civilian headline. (Over the whole span the headline
    itself is the war's all-deaths count, 350,209 to March 2021, whose only stored copies are reprints.)"""
    frame = headlines.deaths(reference_db, Filters())
    civilians = frame[frame["category"] == "civilians"]
    largest = civilians.loc[pd.to_numeric(civilians["value"]).idxmax()]
    assert is_reprint(largest["source_publisher"])
    assert not is_reprint(civilians.iloc[0]["source_publisher"])
    assert (frame.iloc[0]["category"], frame.iloc[0]["value"]) == ("all", 350209)


def test_movements_are_never_typed_as_people():
    """A count of movements (a person displaced twice counts twice) is typed 'displacements', so it is
    never read as unique people next to the cumulative series of people displaced."""
    for row in _rows(REFERENCE / "displacement.csv"):
        note = row["note"].lower()
        if "movements, not people" in note or "idp movements" in note:
            assert row["figure_type"] == "displacements", row


SHELTER_TYPES = ("idps_in_open", "idps_in_tents", "idps_in_unfinished_buildings")


def test_every_figure_type_of_the_reference_data_is_declared_in_the_warehouse(reference_db):
    """A figure type in etl/specs.py that no migration seeds would load rows the views then drop."""
    from etl.specs import FIGURE_TYPES

    with duckdb.connect(str(reference_db), read_only=True) as con:
        seeded = {t for (t,) in con.execute("SELECT figure_type FROM figure_types").fetchall()}
    assert set(FIGURE_TYPES) <= seeded


@pytest.mark.parametrize("figure_type", SHELTER_TYPES)
def test_shelter_types_load_as_stocks(reference_db, figure_type):
    """Where the displaced sheltered is a stock on a date, never a flow added up over months."""
    with duckdb.connect(str(reference_db), read_only=True) as con:
        (measure,) = con.execute("SELECT measure FROM figure_types WHERE figure_type = ?", [figure_type]).fetchone()
        rows = con.execute("SELECT measure, period_start = period_end FROM v_displacement WHERE figure_type = ?",
                           [figure_type]).fetchall()
    assert measure == "stock"
    assert rows and all(m == "stock" and same_day for m, same_day in rows), rows


# Figures added for issue 21 (camps and shelter, origins): (figure_type, origin, destination, period_end, individuals).
ISSUE_21_FIGURES = [
    ("idps_in_open", "", "SY-NW", "2020-02-23", 17000),
    ("idps_in_tents", "", "SY-NW", "2020-02-23", 135000),
    ("idps_in_unfinished_buildings", "", "SY-NW", "2020-02-23", 163000),
    ("idps_in_camps", "", "SY-NW", "2020-11-30", 1500000),
    ("idps_in_camps", "", "SY-NW", "2020-12-31", 1600000),
    ("idp_stock", "", "SY-NW", "2020-12-31", 2700000),
    ("displacements", "SY07", "", "2019-11-30", 63000),
    ("displacements", "SY02", "", "2019-11-30", 8600),
]


@pytest.mark.parametrize(("figure_type", "origin", "destination", "period_end", "individuals"), ISSUE_21_FIGURES)
def test_the_camps_shelter_and_origin_figures_load_cited_to_a_un_page(
        reference_db, figure_type, origin, destination, period_end, individuals):
    with duckdb.connect(str(reference_db), read_only=True) as con:
        found = con.execute(
            "SELECT s.publisher, s.title, s.url, s.published FROM displacement d JOIN sources s USING (source_id)"
            " WHERE d.figure_type = ? AND coalesce(d.origin_pcode, '') = ? AND coalesce(d.destination_pcode, '') = ?"
            " AND d.period_end = ? AND d.individuals = ?",
            [figure_type, origin, destination, date.fromisoformat(period_end), individuals]).fetchall()
    assert len(found) == 1, found
    publisher, title, url, published = found[0]
    assert publisher == "UN OCHA" and title and url.startswith("https://") and published is not None


def test_shelter_figures_quote_their_page_and_say_whose_stock_they_are():
    """Each shelter row's note quotes OCHA's sentence and says it counts only the offensive's displaced."""
    rows = [r for r in _rows(REFERENCE / "displacement.csv") if r["figure_type"] in SHELTER_TYPES]
    assert {r["figure_type"] for r in rows} == set(SHELTER_TYPES)
    for row in rows:
        assert "By 23 February, some 948,000 people had been displaced" in row["note"], row
        assert "not of all IDPs" in row["note"], row


# Origins added for issue 21: the IDP Task Force's January 2020 movements, a total and its parts.
# (origin, destination, individuals, role): only the total is ever added; its parts are shown beside it.
JANUARY_2020_MOVEMENTS = [
    ("", "SY", 464800, "total"),
    ("", "SY07", 320600, "part"),       # arrivals in Idleb, 297,000 of them from within Idleb (the note)
    ("SY07", "SY02", 46400, "part"),    # from Idleb into Aleppo
]


@pytest.mark.parametrize(("origin", "destination", "individuals", "role"), JANUARY_2020_MOVEMENTS)
def test_january_2020_movements_load_with_their_origin_and_role(reference_db, origin, destination, individuals, role):
    with duckdb.connect(str(reference_db), read_only=True) as con:
        found = con.execute(
            "SELECT r.figure_role, r.counted, s.publisher, s.url FROM figure_roles r"
            " JOIN displacement d ON d.source_id = r.source_id AND d.figure_type = r.figure_type"
            " AND d.period_start = r.period_start AND d.period_end = r.period_end"
            " AND d.origin_pcode IS NOT DISTINCT FROM r.origin_pcode"
            " AND d.destination_pcode IS NOT DISTINCT FROM r.destination_pcode"
            " JOIN sources s ON s.source_id = r.source_id"
            " WHERE d.figure_type = 'displacements' AND d.period_start = DATE '2020-01-01' AND d.period_end = DATE '2020-01-31'"
            " AND coalesce(d.origin_pcode, '') = ? AND coalesce(d.destination_pcode, '') = ? AND d.individuals = ?",
            [origin, destination, individuals]).fetchall()
    assert len(found) == 1, found
    figure_role, counted, publisher, url = found[0]
    assert (figure_role, counted) == (role, role == "total")
    assert publisher == "UN OCHA (IDP Task Force)" and "idp-movements-january-2020" in url


def test_the_within_idleb_figure_is_quoted_in_its_row():
    """297,000 moved within Idleb: a row cannot have the same origin and destination, so its note quotes it."""
    rows = [r for r in _rows(REFERENCE / "displacement.csv")
            if r["period_start"] == "2020-01-01" and r["destination_pcode"] == "SY07"]
    assert len(rows) == 1 and "297,000 IDPs displaced from within Idleb governorate" in rows[0]["note"]


def test_the_emptied_town_is_an_event_with_the_page_words():
    rows = [r for r in _rows(REFERENCE / "events.csv") if r["event_date"] == "2019-12-26"]
    assert len(rows) == 1 and rows[0]["location_pcode"] == "SY070200"
    assert "almost empty of civilians" in rows[0]["description"]


def test_ariha_towns_april_returns_are_a_part_of_the_months_total(reference_db):
    """The town's 20,000 lies inside Ariha sub-district's 40,000 and Syria's 105,000: shown, never added."""
    with duckdb.connect(str(reference_db), read_only=True) as con:
        roles = dict(con.execute(
            "SELECT destination_pcode, figure_role FROM figure_roles WHERE figure_type = 'returns'"
            " AND period_start = DATE '2020-04-01' AND period_end = DATE '2020-04-30' AND origin_pcode IS NULL"
            " AND destination_pcode IN ('C4278', 'SY070500', 'SY')").fetchall())
    assert roles == {"C4278": "part", "SY070500": "part", "SY": "total"}


def test_every_reference_event_has_an_arabic_title():
    import csv
    import re

    events = Path(__file__).resolve().parents[1] / "etl" / "reference" / "events.csv"
    rows = list(csv.DictReader(open(events, encoding="utf-8")))
    bare = [r["title"] for r in rows if not re.search(r"[\u0600-\u06FF]", r.get("title_ar") or "")]
    assert not bare, bare
