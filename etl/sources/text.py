"""Text files' encodings: which one a file is in, and its text (one rule for every reader).

Files reach the ETL in three encodings: UTF-8 (often with a BOM, as Excel
writes "CSV UTF-8"), Windows-1256 (Excel's "CSV" on an Arabic Windows) and
Latin-1 (European exports). UTF-8 is tried first and strictly: bytes that
decode as UTF-8 are UTF-8 (cp1256 or Latin-1 text past a few characters
almost never is valid UTF-8), and it costs one decode, not a detector run.

Otherwise charset-normalizer chooses between Windows-1256 and Latin-1 by
which reading is coherent text. Only those two are candidates: a free search
guessed mac_iceland for an Arabic CSV and cp1006 for a French word (measured,
charset-normalizer 3.5.3). Where it has no evidence (no candidate passes its
chaos threshold, or both read alike: a 1,000-character file with one Arabic
letter, a single word such as "ÉCOLE" whose bytes are Arabic letters in
cp1256), the project's users decide: Windows-1256 when its reading holds an
Arabic letter (Arabic names are what these files carry), else Latin-1, which
decodes any bytes. This keeps every decoding the earlier rule gave on the
real files and the test fixtures, and reads a Latin-1 file with Ñ or É in
names correctly once there is text enough to tell (the earlier rule read it
as Arabic).
"""
from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from etl.sources.base import ReadError

ARABIC_WINDOWS, LATIN = "cp1256", "latin-1"
JSON_ENCODING = "utf-8-sig"  # JSON is UTF-8 (RFC 8259); a BOM, which Windows tools write, is tolerated
_NAMES = {"cp1256": ARABIC_WINDOWS, "latin_1": LATIN}  # charset-normalizer's names -> Python's
# Fewer non-ASCII bytes than this is too little for the detector: "ءذ" in cp1256 (bytes C1 D0) scored
# as Latin-1 "ÁÐ" (found by hypothesis). Then a Windows-1256 reading with Arabic words and no word that
# mixes Arabic and Latin letters is Arabic; Latin text read as cp1256 mixes them ("Île" -> "خle").
MIN_EVIDENCE = 16
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
_MIXED_WORD = re.compile(r"[A-Za-z][\u0600-\u06FF]|[\u0600-\u06FF][A-Za-z]")


def _reads_as_arabic(data: bytes) -> bool:
    text = data.decode(ARABIC_WINDOWS, errors="replace")
    return bool(_ARABIC_LETTER.search(text)) and not _MIXED_WORD.search(text)


def encoding_of(data: bytes) -> str:
    """The encoding to read these bytes with: 'utf-8-sig', 'cp1256' or 'latin-1'."""
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    if sum(b > 0x7F for b in data[:65536]) < MIN_EVIDENCE and _reads_as_arabic(data):
        return ARABIC_WINDOWS  # a name or two in Arabic: too little for the detector, which may say Latin-1
    found = sorted(from_bytes(data, cp_isolation=list(_NAMES), preemptive_behaviour=False),
                   key=lambda m: (m.chaos, -m.coherence))
    if len(found) == 1 or (len(found) > 1 and (found[0].chaos, found[0].coherence) != (found[1].chaos, found[1].coherence)):
        return _NAMES[found[0].encoding]
    return _by_users(data)


def _by_users(data: bytes) -> str:
    """No evidence either way: Windows-1256 when its reading holds an Arabic letter, else Latin-1."""
    return ARABIC_WINDOWS if _ARABIC_LETTER.search(data.decode(ARABIC_WINDOWS, errors="replace")) else LATIN


def decode(data: bytes, path: Path) -> str:
    """The text of a file's bytes (a BOM dropped); an empty or blank file is an error."""
    if not data.strip():
        raise ReadError(path, "the file is empty")
    return data.decode(encoding_of(data))
