"""The translation catalogues: extract the interface strings from the code, check a
language's .po against them, and merge new strings in (issue 16).

    python -m dashboard.translations check      # missing, stale, empty, broken placeholders
    python -m dashboard.translations update     # new strings into every .po (empty, to translate)

The same as `pybabel extract -F dashboard/locale/babel.cfg -k N_ -k ngettext:1,2 -o messages.pot .`
then `pybabel update`, without leaving the project's Python. tests/test_i18n.py runs `problems()`.
"""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from dashboard.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]
CONFIG = LOCALE_DIR / "babel.cfg"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
_PLOTLY = re.compile(r"%\{\{?[^}]*\}\}?")
_TAGS = re.compile(r"</?[a-z]+>")


def _method_map() -> list[tuple[str, str]]:
    """The file patterns of babel.cfg ([python: dashboard/**.py])."""
    found = re.findall(r"^\[(\w+):\s*(.+?)\]\s*$", CONFIG.read_text(encoding="utf-8"), flags=re.M)
    return [(pattern, method) for method, pattern in found]


def extract() -> Catalog:
    """Every interface string in dashboard/ (what `pybabel extract` finds)."""
    catalogue = Catalog(domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map=_method_map(), keywords=KEYWORDS, comment_tags=("NOTE:",)):
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _shape(text: str) -> tuple:
    """What a translation must keep: {name} placeholders, plotly %{...} fields, HTML tags."""
    return (sorted(_PLACEHOLDER.findall(text)), sorted(_PLOTLY.findall(text)), sorted(_TAGS.findall(text)))


def problems(lang: str, source: Catalog | None = None) -> list[str]:
    """Everything wrong with a language's catalogue against the code: an empty list when it is complete."""
    source = source or extract()
    target = read(lang)
    wanted = {_key(m): m for m in source if m.id}
    have = {_key(m): m for m in target if m.id}
    found_obsolete = [f"stale (commented out): {key!r}" for key in target.obsolete]
    found = [f"missing: {key!r}" for key in wanted if key not in have]
    found += [f"stale (no longer in the code): {key!r}" for key in have if key not in wanted] + found_obsolete
    for key, message in have.items():
        if key not in wanted:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(strings):
            found.append(f"not translated: {key!r}")
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        in_words = _forms_for_one_number(target) if len(strings) > 1 else set()
        for form, text in enumerate(strings):
            if not _keeps_shape(text, ids[-1], may_drop=form in in_words):
                found.append(f"placeholders differ: {key!r} -> {text!r}")
    return found


def _forms_for_one_number(catalogue: Catalog) -> set[int]:
    """The plural forms a language uses for one number only (Arabic: 0, 1 and 2). Such a form may say the
    number in words and leave the {count} out: «تقريران» is 'two reports', «2 تقريران» is wrong."""
    import gettext

    rule = gettext.c2py(catalogue.plural_expr)
    numbers: dict[int, set[int]] = {}
    for n in range(1000):
        numbers.setdefault(rule(n), set()).add(n)
    return {form for form, ns in numbers.items() if len(ns) == 1}


def _keeps_shape(text: str, source: str, may_drop: bool = False) -> bool:
    """The translation keeps the source's placeholders, plotly fields and tags (a form for one number may
    leave a {placeholder} out, never add or rename one)."""
    have, want = _shape(text), _shape(source)
    if may_drop:
        return set(have[0]) <= set(want[0]) and have[1:] == want[1:]
    return have == want


def update(lang: str) -> int:
    """Merge the code's strings into a language's .po (new ones empty, gone ones dropped); returns the new count."""
    source = extract()
    target = read(lang)
    before = {_key(m) for m in target if m.id}
    target.update(source, no_fuzzy_matching=True)
    target.obsolete.clear()
    write(lang, target)
    return len({_key(m) for m in target if m.id} - before)


def write(lang: str, catalogue: Catalog) -> None:
    """Write a .po keeping its header comment (glossary and references) exactly as written:
    babel would re-wrap it and drop its indentation."""
    path = po_path(lang)
    header = path.read_text(encoding="utf-8").split('msgid ""', 1)[0] if path.exists() else ""
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=100, sort_output=True, include_previous=False, include_lineno=False)
    body = buffer.getvalue().decode("utf-8")
    body = body[body.index('msgid ""'):] if header else body
    path.write_text(header + body, encoding="utf-8")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    languages = [lang for lang in LANGUAGES if lang != "en"]
    if command == "update":
        for lang in languages:
            print(f"{lang}: {update(lang)} new string(s) to translate in {po_path(lang)}")
        return 0
    source = extract()
    bad = {lang: problems(lang, source) for lang in languages}
    for lang, found in bad.items():
        print(f"{lang}: {len(source)} strings in the code, {len(found)} problem(s)")
        for line in found:
            print("  " + line)
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
