"""etl.sources.text: the one rule for a text file's encoding (UTF-8, Windows-1256 Arabic, Latin-1)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from etl.sources.base import ReadError
from etl.sources.text import decode, encoding_of

HERE = Path("file.csv")
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئةى"
arabic_word = st.text(alphabet=ARABIC_LETTERS, min_size=2, max_size=12)
latin_word = st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122, categories=["L", "N"]), max_size=12)
cell = st.one_of(arabic_word, latin_word, st.integers(0, 10**6).map(str), st.sampled_from(["café", "Hama", "", "é"]))
table = st.lists(st.lists(cell, min_size=1, max_size=6), min_size=1, max_size=20)
READERS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _csv(rows: list[list[str]], crlf: bool) -> str:
    return ("\r\n" if crlf else "\n").join(",".join(r) for r in [["pcode", "name", "idps"], *rows])


@READERS
@given(rows=table, crlf=st.booleans(), bom=st.booleans())
def test_utf8_with_or_without_bom_reads_as_written(rows, crlf, bom):
    text = _csv(rows, crlf)
    assert decode(("\ufeff" if bom else "").encode() + text.encode("utf-8"), HERE) == text


@READERS
@given(rows=table.filter(lambda rs: any(set("".join(r)) & set(ARABIC_LETTERS) for r in rs)), crlf=st.booleans())
@example(rows=[["ءذ"]], crlf=False)  # bytes C1 D0: the detector alone read them as Latin-1 "ÁÐ"
def test_windows_1256_arabic_reads_as_written(rows, crlf):
    """Excel's 'CSV' on an Arabic Windows: names in Arabic among codes, numbers and French-accented words."""
    text = _csv(rows, crlf)
    assert decode(text.encode("cp1256"), HERE) == text


@pytest.mark.parametrize("text", [
    "Name,Ñandú,Ébano\n" * 20,                       # bytes that are Arabic letters in cp1256: read as Latin-1 now
    "pays,ville\nFrance,Besançon\nÎle-de-France,Créteil\n",
    "Land,Stadt\nÖsterreich,Zürich\n" * 5,
])
def test_latin1_european_text_reads_as_written(text):
    assert encoding_of(text.encode("latin-1")) == "latin-1" or text.encode("latin-1").decode("cp1256") == text
    assert decode(text.encode("latin-1"), HERE) == text


@pytest.mark.parametrize(("data", "encoding"), [
    (("x" * 1000 + "ح").encode("cp1256"), "cp1256"),  # no evidence for the detector: an Arabic letter decides
    ("ÉCOLE".encode("latin-1"), "cp1256"),             # too short to tell: read as Arabic, as before the detector
    ("naïve façade".encode("latin-1"), "cp1256"),      # the same characters in both encodings
    ("12,€".encode("cp1252"), "latin-1"),               # no Arabic letter in either reading
])
def test_without_evidence_an_arabic_letter_decides(data, encoding):
    assert encoding_of(data) == encoding


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n"])
def test_an_empty_file_is_an_error_naming_it(data):
    with pytest.raises(ReadError, match=r"^file\.csv: the file is empty"):
        decode(data, HERE)


@pytest.mark.real_data
@pytest.mark.parametrize("name", [
    "conflict_casualties/casualties_by_province_by_day.csv",
    "refugees/unhcr-persons-of-concern-origin-syr-csv-1.csv",
    "refugees/2011-2018_monthly_refugee.csv",
])
def test_real_csv_files_read_as_utf8(real_data, name):
    """The published CSVs are UTF-8: read whole and as the 256 KB head detection reads."""
    data = (real_data / name).read_bytes()
    assert encoding_of(data) == encoding_of(data[: 256 * 1024]) == "utf-8-sig"
    assert decode(data, real_data / name) == data.decode("utf-8-sig")
