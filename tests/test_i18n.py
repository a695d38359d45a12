"""The translation core (dashboard/i18n.py) and the catalogue check (dashboard/translations.py)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from dashboard import formats, i18n
from dashboard.drawing import FIGURE_LABELS
from dashboard.translations import extract, problems, read


def test_catalogue_has_every_string_of_the_code_in_arabic():
    """Extracts the strings the code marks (_(), N_(), ngettext) and fails on a missing, stale or
    untranslated entry, or a translation that lost a placeholder."""
    assert problems("ar") == []


def test_extraction_finds_the_pages_and_charts_strings():
    found = {m.id for m in extract() if isinstance(m.id, str)}
    assert {"Overview", "Map", "Displacement in Northwest Syria, as reported", "Filters", "IDPs present (stock)",
            "Sources: {sources}"} <= found


def test_every_arabic_entry_is_arabic():
    for message in read("ar"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for text in strings:  # Arabic, or the same as English (a format name), or placeholders only
            words = re.sub(r"\{[^}]*\}|<[^>]+>", "", text)
            assert re.search("[\u0600-\u06ff]", text) or text == message.id or not re.search("[A-Za-z]", words), message.id


# What a Syrian reader stumbles on, read as a translator would (issue 21): a word and what it reads as.
STUMBLES = [
    ("ستشه", "'citation', 'to quote' (الاستشهاد، يُستشهد به) read as martyrdom on a casualty dashboard: "
             "الإحالة المرجعية، الرقم المعتمد"),
    ("الفار", "'fled' as fugitives: النازحين"),
    ("لا أشخاص", "'not people' read as 'no people'"),
    ("شمال حلب", "'northern Aleppo' read as the north of the city: ريف حلب الشمالي"),
    ("شمال غرب إدلب", "'northwestern Idleb' read as the north-west of the city: ريف إدلب الشمالي الغربي"),
    ("مجموع المخيمات", "the camps-stock total adds up people, not camps"),
]


def _arabic_texts() -> list[tuple[str, str]]:
    """Every Arabic string a reader sees: the catalogue and the reference places' Arabic names."""
    import csv

    from tests.conftest import REFERENCE

    texts = []
    for message in read("ar"):
        if message.id:
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            texts += [(str(message.id), text) for text in strings]
    for name, column in (("areas.csv", "area_name_ar"), ("gazetteer.csv", "name_ar")):
        with open(REFERENCE / name, newline="", encoding="utf-8") as handle:
            texts += [(f"{name}: {row[column]}", row[column]) for row in csv.DictReader(handle)]
    return texts


@pytest.mark.parametrize(("word", "reads_as"), STUMBLES,
                         ids=["martyrdom", "fugitives", "no-people", "city-north", "city-north-west", "camps-summed"])
def test_no_arabic_text_a_syrian_reader_would_stumble_on(word, reads_as):
    found = [where for where, text in _arabic_texts() if word in text]
    assert not found, f"{word} ({reads_as}) in {found}"


def test_area_and_district_are_two_words():
    """District (admin 2) is «منطقة», as OCHA Syria writes it; a publisher's named area is «منطقة جغرافية»."""
    with i18n.using("ar"):
        assert i18n._("District") == "المنطقة" and i18n._("district") == "منطقة"
        assert "منطقة جغرافية" in i18n._("Dashed purple: area a figure was published for")


@pytest.mark.parametrize(("header", "expected"), [
    ("ar-SY,ar;q=0.9,en;q=0.8", "ar"),
    ("en-GB,en;q=0.9,ar;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,ar;q=0.5", "ar"),
    ("fr-FR", None),
    ("", None),
    ("ar;q=0", None),
])
def test_accept_language_picks_the_first_language_spoken(header, expected):
    assert i18n.from_accept_language(header) == expected


def test_the_link_wins_over_the_browser():
    assert i18n.choose("en", "ar") == "en"
    assert i18n.choose(None, "ar-SY") == "ar"
    assert i18n.choose("xx", None) == "en"


@pytest.mark.parametrize(("header", "locale", "expected"), [
    ("en-US", "ar-SY", "ar"),                 # Chromium <= 150: the websocket carries its default, the page says ar-SY
    ("ar-SY,ar;q=0.9", "en-GB", "en"),        # the browser's own language first
    ("fr-FR,fr;q=0.9,ar;q=0.5", "fr-FR", "ar"),  # its own language is not spoken: the next one it accepts
    ("ar-SY", None, "ar"),                    # no locale (an older Streamlit, a bare run): the header
    (None, None, "en"),
])
def test_the_browsers_own_language_chooses_before_the_websocket_header(header, locale, expected):
    assert i18n.choose(None, header, locale) == expected


def test_translation_follows_the_language_of_the_run():
    assert i18n._("Overview") == "Overview"
    with i18n.using("ar"):
        assert i18n._("Overview") == "نظرة عامة"
        assert FIGURE_LABELS["idp_stock"] == "النازحون داخلياً الموجودون (عدد قائم)"
    assert FIGURE_LABELS["idp_stock"] == "IDPs present (stock)"


def test_numbers_and_dates_western_digits_by_default_arabic_indic_as_a_setting():
    assert formats.count(1234567) == "1,234,567"
    assert formats.day(date(2020, 3, 5)) == "5 Mar 2020"
    with i18n.using("ar"):
        assert formats.count(1234567) == "1,234,567"
        assert formats.day(date(2020, 3, 5)) == "5 آذار 2020"
        assert i18n.month(date(2019, 12, 1)) == "كانون الأول 2019"
    with i18n.using("ar", "arab"):
        assert formats.count(1234567) == "١٬٢٣٤٬٥٦٧"
        assert formats.day(date(2020, 3, 5)) == "٥ آذار ٢٠٢٠"


@pytest.mark.parametrize(("lang", "digit_system", "expected"), [
    ("en", "latn", "39%"),
    ("ar", "latn", "39%"),        # Western digits, as OCHA's Arabic products print them: the Latin sign
    ("ar", "arab", "٣٩٪"),        # Arabic-Indic digits take the Arabic percent sign, never '%'
])
def test_percent_sign_follows_the_digits(lang, digit_system, expected):
    with i18n.using(lang, digit_system):
        assert i18n.percent(0.39) == expected


@pytest.mark.parametrize(("count", "expected"), [
    (1, "المقيمون في مخيم واحد"),
    (2, "المقيمون في مخيمين"),
    (3, "المقيمون في 3 مخيمات"),
    (11, "المقيمون في 11 مخيماً"),
    (100, "المقيمون في 100 مخيم"),
    (103, "المقيمون في 103 مخيمات"),
])
def test_counted_nouns_take_the_arabic_form_of_their_count(count, expected):
    with i18n.using("ar"):
        text = i18n.ngettext("People in {count} camp", "People in {count} camps", count)
        assert text.format(count=i18n.number(count)) == expected


@pytest.mark.parametrize("count, expected", [(3, "3 تقارير"), (11, "11 تقريراً"), (100, "100 تقرير"), (2, "تقريران")])
def test_the_sources_line_counts_reports_in_arabic(count, expected):
    from dashboard.citations import sources_line
    from dashboard.components import Source

    sources = [Source(publisher="UN OCHA", title=f"Flash update {n}", published=date(2020, 2, 1)) for n in range(count)]
    with i18n.using("ar"):
        assert f"— {expected}،" in sources_line(sources)


def test_every_arabic_plural_entry_uses_its_forms():
    """Six forms declared and one text in all six is a counted noun wrong outside 11–99: 3–10 take a plural
    (مخيمات), 11–99 an accusative singular (مخيماً), 100 a genitive singular (مخيم)."""
    plurals = [m for m in read("ar") if m.id and isinstance(m.id, (list, tuple))]
    assert len(plurals) >= 8
    for message in plurals:
        assert len(message.string) == 6, message.id
        assert message.string[3] != message.string[4], message.id  # مخيمات / مخيماً (جهات / جهة)


def test_a_form_for_one_number_may_say_it_in_words(tmp_path, monkeypatch):
    """«تقريران» (two reports) leaves out {count}; the 3–10 form may not."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from dashboard import translations

    source = Catalog(domain=i18n.DOMAIN)
    source.add(("{count} report", "{count} reports"))
    header = read("ar")
    for forms, ok in [(("{count} تقرير", "تقرير واحد", "تقريران", "{count} تقارير", "{count} تقريراً", "{count} تقرير"), True),
                      (("{count} تقرير", "تقرير واحد", "تقريران", "تقارير", "{count} تقريراً", "{count} تقرير"), False)]:
        target = Catalog(locale="ar", domain=i18n.DOMAIN)
        target.mime_headers = header.mime_headers
        target.add(("{count} report", "{count} reports"), forms)
        path = tmp_path / "ar" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, target)
        monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path)
        assert (translations.problems("ar", source) == []) is ok, forms


def test_list_items_are_separated_by_the_arabic_semicolon_in_arabic():
    assert i18n.separator() == "; "
    with i18n.using("ar"):
        assert i18n.separator() == "؛ "


def test_latin_runs_are_isolated_in_arabic_only():
    assert i18n.isolate("SY070200") == "SY070200"
    with i18n.using("ar"):
        assert i18n.isolate("SY070200") == "\u2068SY070200\u2069"
        assert i18n.isolate(i18n.isolate("x")) == "\u2068x\u2069"


def test_compiled_catalogue_is_rebuilt_from_the_po(tmp_path, monkeypatch):
    """A fresh clone has no .mo: it is compiled from the .po at first use."""
    import shutil

    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.translations.cache_clear()
    try:
        with i18n.using("ar"):
            assert i18n._("Map") == "الخريطة"
        assert (locale / "ar" / "LC_MESSAGES" / "messages.mo").exists()
    finally:
        i18n.translations.cache_clear()


def test_no_translation_call_hides_inside_an_f_string():
    """Extraction cannot see _("...") inside an f-string: such a string would never reach the catalogue."""
    import re
    from pathlib import Path

    hidden = re.compile(r"""\bf(["'])(?:(?!\1).)*\{[^}]*\b_\(\s*["']""")
    found = [f"{path}:{n}" for path in Path(i18n.__file__).parent.rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if hidden.search(line)]
    assert not found, found
