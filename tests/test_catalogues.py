"""The interface catalogues: every message of the code translated into French and Dutch, placeholders kept."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from megacase import i18n

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def code_messages() -> set[str]:
    """Every message the code marks, extracted as `make catalogs` does."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "megacase"), method_map=[("**.py", "python")], keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def placeholders(text: str) -> set[str]:
    names = {f"{{{field}}}" for _lit, field, _spec, _conv in string.Formatter().parse(text) if field is not None}
    return names | set(re.findall(r"%(?:\(\w+\))?[sd]", text))


def _allowed_same(message) -> bool:
    """A translation may equal the English where nothing is a word ("{name} ({role})"), or where the
    translator says the word is the same in that language (a comment ``same in <language>``)."""
    words = re.sub(r"\{[^}]*\}|%\w", "", message.id if isinstance(message.id, str) else message.id[0])
    return not re.search(r"[A-Za-z]", words) or any("same in" in c for c in message.user_comments)


@pytest.fixture(scope="module")
def messages():
    return code_messages()


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_message_is_translated_for_real(messages, language):
    path = ROOT / "resources" / "locale" / language / "LC_MESSAGES" / "megacase.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    problems = []
    for msgid in sorted(messages):
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
            continue
        translations = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        if not all(translations):
            problems.append(f"untranslated: {msgid!r}")
            continue
        for text in translations:
            if text == msgid and not _allowed_same(entry):
                problems.append(f"still English: {msgid!r}")
            if placeholders(text) != placeholders(msgid):
                problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
    assert problems == [], "\n".join(problems)
    assert messages, "no message extracted: the extraction itself is broken"


def test_the_interface_language_is_chosen_and_installed(monkeypatch):
    monkeypatch.delenv("MEGACASE_LANG", raising=False)
    monkeypatch.setenv("LANG", "nl_BE.UTF-8")
    assert i18n.choose() == "nl"
    assert i18n.choose("fr") == "fr"                   # --lang wins
    monkeypatch.setenv("MEGACASE_LANG", "en")
    assert i18n.choose(None, "fr") == "en"             # the environment before the saved preference
    try:
        i18n.install("fr")
        assert i18n._("&File") == "&Fichier"
        assert i18n.format_date(__import__("datetime").date(2027, 3, 5)) == "5 mars 2027"
        i18n.install("nl")
        assert i18n._("&File") == "&Bestand"
        assert i18n.format_number(12345.5) == "12.345,5"
    finally:
        i18n.install("en")
    assert i18n._("&File") == "&File"
