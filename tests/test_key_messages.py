"""Key messages (dashboard/key_messages.py): every number in a sentence is a published figure the
ledger finds (`etl find`), or a report's sum of disjoint places the ledger lists; a period with no
figures gets no sentence; Arabic sentences are Arabic; the crisis page shows them above the
headlines and the briefing pack on its first page."""
from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import catalog, i18n
from dashboard.export import brief
from dashboard.key_messages import Message, build, ceasefire, key_messages
from warehouse.queries import Filters, ledger

OFFENSIVE = Filters(start=date(2019, 12, 1), end=date(2020, 3, 31))
NOTHING = Filters(start=date(2031, 1, 1), end=date(2031, 2, 1))
MARK = "⟦src⟧"   # the citation, written without digits so only the sentence's own numbers are left
CITE = lambda source: MARK  # noqa: E731
DIGITS = re.compile(r"\d[\d,\u066c]*")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def one_figure_db(db: Path, tmp_path: Path) -> Path:
    """The places (gazetteer) and one figure: OCHA's 123,456 newly displaced in Idleb."""
    from etl.load import load_file
    from tests.conftest import CITE as SOURCE, CITE_HEADER, REFERENCE, write_csv

    assert load_file(REFERENCE / "gazetteer.csv", db).status == "loaded"
    moves = write_csv(tmp_path / "moves.csv", ["period_start", "period_end", "destination_pcode", "figure_type",
                                               "individuals", *CITE_HEADER],
                      [["2019-12-01", "2020-02-29", "SY07", "newly_displaced", "123456", *SOURCE]])
    report = load_file(moves, db)
    assert report.status == "loaded" and report.rows_loaded == 1, report.message
    return db


def _messages(path: Path, filters: Filters, lang: str = "en") -> list[Message]:
    with i18n.using(lang):
        return key_messages(catalog.direct_query(path), filters, cite=CITE)


def _numbers_left(message: Message) -> list[float]:
    """The numbers a reader sees in the sentence once its dates, distances and citations are taken out."""
    text = message.text.replace(MARK, "").replace("M4", "")   # the highway's name is no number
    for when in message.days:
        text = text.replace(i18n.day(when), " ")
    for km in message.km:
        text = text.replace(i18n.number(km, 1 if km % 1 else 0), " ")
    return [float(token.replace(",", "").replace("\u066c", "")) for token in DIGITS.findall(text)]


def _published(path: Path, value: float, filters: Filters) -> bool:
    """`etl find` finds it, or it is a sum of a report's disjoint places the ledger lists (the counted rule)."""
    if not ledger.find(path, value).empty:
        return True
    every = ledger.every(path, filters)
    return bool(((every["value"] == value) & (every["rows"] > 1)).any()) if not every.empty else False


def _check_numbers(path: Path, filters: Filters, messages: list[Message]) -> None:
    for message in messages:
        assert message.sources and message.text.count(MARK) == len(message.sources), message.text
        seen = _numbers_left(message)
        assert sorted(seen) == sorted(message.figures), (message.text, seen)   # no number but its figures
        for value in message.figures:
            assert _published(path, value, filters), f"{value:,.0f} is in no report: {message.text}"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_reference_messages_quote_only_published_figures(reference_db, lang):
    messages = _messages(reference_db, OFFENSIVE, lang)
    assert 3 <= len(messages) <= 5
    assert [m.key for m in messages] == ["displaced", "near_border", "sheltered", "deaths", "ceasefire"]
    with i18n.using(lang):   # the dates are taken out as the sentence wrote them
        _check_numbers(reference_db, OFFENSIVE, messages)


def test_reference_messages_say_the_offensive(reference_db):
    text = {m.key: m for m in _messages(reference_db, OFFENSIVE)}
    assert text["displaced"].figures == (961300.0,) and "By 3 Mar 2020, 961,300 people" in text["displaced"].text
    assert set(text["sheltered"].figures) == {17000.0, 135000.0, 163000.0}
    assert "in tents (135,000)" in text["sheltered"].text and "As of 23 Feb 2020" in text["sheltered"].text
    assert "On 5 Mar 2020, a ceasefire was agreed" in text["ceasefire"].text


def test_deaths_are_all_civilians_killed_never_a_subset(reference_db):
    deaths = next(m for m in _messages(reference_db, OFFENSIVE) if m.key == "deaths")
    found = ledger.find(reference_db, deaths.figures[0])
    assert "deaths: civilians" in set(found["counts"]) and "civilians were killed" in deaths.text


def test_one_figure_gives_one_sentence_with_that_figure(one_figure_db):
    messages = _messages(one_figure_db, OFFENSIVE)
    assert [m.key for m in messages] == ["displaced"]
    assert "123,456 people had been displaced in Idleb" in messages[0].text
    _check_numbers(one_figure_db, OFFENSIVE, messages)


def test_a_period_with_no_figures_gets_no_sentence(reference_db, one_figure_db):
    assert _messages(reference_db, NOTHING) == [] and _messages(one_figure_db, NOTHING) == []
    assert build({}, pd.DataFrame()) == []


ISOLATED = re.compile("\u2068[^\u2069]*\u2069")   # a publisher's or place's English name, kept whole


@pytest.mark.parametrize("digits", ["latn", "arab"])
def test_arabic_messages_are_arabic(reference_db, digits):
    with i18n.using("ar", digits):
        messages = key_messages(catalog.direct_query(reference_db), OFFENSIVE)
    with i18n.using("en"):
        english = [m.text for m in key_messages(catalog.direct_query(reference_db), OFFENSIVE)]
    assert len(messages) == len(english)
    for message, original in zip(messages, english):
        words = ISOLATED.sub("", message.text).replace("M4", "")
        assert re.search("[\u0600-\u06ff]", words) and not re.search("[A-Za-z]", words), message.text
        assert message.text != original and "الفارّين" not in message.text
        if digits == "arab":
            assert not re.search("[0-9]", words), message.text


def _events(description: str, category: str = "agreement") -> pd.DataFrame:
    return pd.DataFrame([{"event_date": date(2020, 3, 5), "title": "Agreement in Moscow", "description": description,
                          "category": category, "importance": "key", "source_publisher": "REACH",
                          "source_title": "Situation overview", "source_date": date(2020, 3, 16), "source_url": None}])


@pytest.mark.parametrize("description, corridor, km", [
    ("agreed a ceasefire; a security corridor along the M4 highway", True, ()),
    ("agreed a ceasefire and a security corridor of 6 km on each side of the M4", True, (6.0,)),
    ("agreed a ceasefire with immediate effect", False, ()),
])
def test_the_ceasefire_names_the_corridor_and_its_depth_only_when_the_event_states_them(description, corridor, km):
    message = ceasefire(_events(description), CITE)
    assert message is not None and message.km == km and message.figures == ()
    assert ("corridor" in message.text) == corridor and ("6 km deep on each side of the M4" in message.text) == bool(km)


def test_an_agreement_that_is_no_ceasefire_gives_no_sentence():
    assert ceasefire(_events("agreed on joint patrols"), CITE) is None


# --- where they are shown -----------------------------------------------------------------------

def test_crisis_page_shows_the_messages_above_the_headlines(reference_db, monkeypatch):
    from tests.test_dashboard_pages import run_page

    at = run_page(reference_db, "crisis", monkeypatch)
    order = [("messages" if "Key messages" in str(getattr(node, "value", "")) else node.type)
             for node in _walk(at.main)]
    assert "messages" in order and "metric" in order and order.index("messages") < order.index("metric")
    shown = next(str(n.value) for n in _walk(at.main) if "Key messages" in str(getattr(n, "value", "")))
    assert "961,300 people had been displaced" in shown and r"\(WFP, 3 Mar 2020\)" in shown  # markdown-escaped


def _walk(block):
    """The page's elements in the order they are drawn."""
    for child in block.children.values():
        if hasattr(child, "children"):
            yield from _walk(child)
        else:
            yield child


def test_pack_first_page_has_the_messages_with_reference_numbers(reference_db, tmp_path):
    query = catalog.direct_query(reference_db)
    pack = brief.gather(query, OFFENSIVE, charts=["casualties-vs-displacement"], exported_on=date(2026, 1, 15))
    assert len(pack.messages) == 5 and all(re.search(r"\[\d+\]\.$", text) for text in pack.messages)
    assert pack.references[0].publisher == "WFP"   # the first sentence's source is reference [1]
    path = tmp_path / "pack.pdf"
    path.write_bytes(brief.to_pdf(pack))
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], check=True, capture_output=True,
                           text=True).stdout
    first = re.sub(r"\s+", " ", first)
    assert "KEY MESSAGES" in first and first.index("KEY MESSAGES") < first.index("KEY FIGURES")
    for text in pack.messages:
        assert re.sub(r"\s+", "", text) in re.sub(r"\s+", "", first)
    assert "Key messages" in brief.to_html(pack).decode()


def test_the_corridor_depth_comes_from_the_same_days_protocol_text_with_both_sources():
    """The key agreement row (REACH) names a corridor without its depth; the protocol's own text, another
    agreement row of the same day, gives 6 km: the sentence says 6 km and cites both."""
    protocol = _events("'A security corridor will be established 6 km deep to the north and 6 km deep to the south "
                       "from highway M4'").assign(importance="other", source_publisher="Réseau Voltaire",
                                                  source_date=date(2020, 3, 5))
    later = protocol.assign(event_date=date(2020, 3, 6), source_publisher="Elsewhere")
    events = pd.concat([_events("agreed a ceasefire; a security corridor along the M4 highway"), protocol])
    message = ceasefire(events, CITE)
    assert message.km == (6.0,) and [s.publisher for s in message.sources] == ["REACH", "Réseau Voltaire"]
    assert "6 km deep on each side of the M4" in message.text
    other_day = ceasefire(pd.concat([_events("agreed a ceasefire; a security corridor along the M4 highway"), later]), CITE)
    assert other_day.km == () and len(other_day.sources) == 1   # another day's row is another event


def test_the_reference_build_says_the_corridor_is_6_km(reference_db):
    messages = key_messages(catalog.direct_query(reference_db), OFFENSIVE)
    said = next(m for m in messages if m.key == "ceasefire")
    assert said.km == (6.0,) and {s.publisher for s in said.sources} == {"REACH", "Réseau Voltaire"}
