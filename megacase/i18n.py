"""The officer's language: one gettext catalogue for services, command line and window alike.

Services stay free of Qt, so the window cannot use Qt's ``tr``: every user-visible
string is marked ``_("…")`` (or ``N_("…")`` where it is declared before a language is
chosen, and translated where it is shown) and looked up in
``resources/locale/{fr,nl,en}/LC_MESSAGES/megacase.po``, compiled to ``.mo`` by
``make catalogs`` (Babel's ``pybabel compile``). A checkout without compiled
catalogues compiles them in memory at start, so nothing breaks before a build.

The interface follows the *officer's* language (``--lang``, ``MEGACASE_LANG``, the
window's preference, else the system locale); letters and case files follow the
*subject's* language and never use this module's current language: they get their own
``Translator`` from ``for_language`` (the same catalogues, bound to that language), so a
French officer can export a Dutch case file without the window changing language.

Dates and numbers go through Babel's locale data (fr_BE, nl_BE, en_GB): one date
format per language everywhere in the window.
"""

from __future__ import annotations

import gettext
import json
import locale
import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from megacase.config import resources_dir

DOMAIN = "megacase"
LANGUAGES = ("fr", "nl", "en")
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
# Babel's fr_BE "short" pattern has a two-digit year (5/03/27): a register of legal deadlines spells the year
# out, as Belgians write it by hand (05/03/2027 · 5/03/2027, CLDR's nl_BE · 05/03/2027, en_GB's own).
SHORT_DATE_PATTERNS = {"fr": "dd/MM/y", "nl": "d/MM/y", "en": "dd/MM/y"}

_language = "en"
_translation: gettext.NullTranslations = gettext.NullTranslations()


def locale_dir() -> Path:
    return resources_dir() / "locale"


def system_language() -> str:
    """The system locale's language when MegaCase speaks it, else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            code = value.split(":")[0].split("_")[0].split(".")[0].lower()
            return code if code in LANGUAGES else "en"
    try:
        code = (locale.getlocale()[0] or "").split("_")[0].lower()
    except ValueError:
        code = ""
    return code if code in LANGUAGES else "en"


def choose(explicit: str | None = None, preference: str | None = None) -> str:
    """The interface language: ``--lang``, then ``MEGACASE_LANG``, then the saved preference, then the system."""
    for candidate in (explicit, os.environ.get("MEGACASE_LANG"), preference):
        if candidate:
            code = candidate.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return system_language()


def _load(language: str) -> gettext.NullTranslations:
    folder = locale_dir() / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():                      # a checkout before `make catalogs`: compile in memory
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=LOCALES[language])
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def install(language: str) -> str:
    """Make ``language`` the interface language of this process; returns it."""
    global _language, _translation
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    _language, _translation = language, _load(language)
    return language


def current() -> str:
    return _language


class Message(str):
    """A message in the interface language that remembers its English source (``english``) and how it was made.

    The officer reads the translation; a record that must not change with the interface language (the rule
    an audited refusal quotes) keeps the English. ``format`` keeps both, each with its own arguments.
    ``source`` is how the message was built (its msgid, its arguments, its parts), as plain JSON data: a
    message stored with ``to_record`` is shown again in whatever language reads it (``from_record``), and a
    document can print it in its own language (``render``). ``None`` when it cannot be rebuilt.
    """

    def __new__(cls, text: str, english: str, source=None):
        message = super().__new__(cls, text)
        message.english = english
        message.source = source
        return message

    def format(self, *args, **kwargs) -> "Message":
        source_args = [getattr(a, "english", a) for a in args]
        source_kwargs = {k: getattr(v, "english", v) for k, v in kwargs.items()}
        source = None
        if isinstance(self.source, dict) and "_" in self.source and "kw" not in self.source and "pa" not in self.source:
            source = dict(self.source)
            if args:
                source["pa"] = [_source_of(a) for a in args]
            if kwargs:
                source["kw"] = {k: _source_of(v) for k, v in kwargs.items()}
        return Message(str.format(self, *args, **kwargs), str.format(self.english, *source_args, **source_kwargs),
                       source)

    def __add__(self, other: str) -> "Message":
        return Message(str.__add__(self, other), self.english + english(other), _concat(self, other))

    def __radd__(self, other: str) -> "Message":
        return Message(str.__add__(other, self), english(other) + self.english, _concat(other, self))

    def lower(self) -> "Message":
        return Message(str.lower(self), self.english.lower())

    def upper(self) -> "Message":
        return Message(str.upper(self), self.english.upper())

    def capitalize(self) -> "Message":
        return Message(str.capitalize(self), self.english.capitalize())

    def __getnewargs__(self):
        return str(self), self.english, self.source


def _source_of(value):
    """How a part or an argument of a message is rebuilt: its own source, else the value as it is (JSON data)."""
    if isinstance(value, Message):
        return value.source if value.source is not None else value.english
    if isinstance(value, BaseException):
        return _source_of(message_of(value))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _concat(*parts):
    if any(isinstance(p, Message) and p.source is None for p in parts):
        return None
    flat = []
    for part in parts:
        source = _source_of(part)
        flat.extend(source["+"] if isinstance(source, dict) and "+" in source else [source])
    return {"+": flat}


def join(separator: str, parts) -> Message:
    """``separator.join(parts)``, keeping the English of translated parts."""
    parts = list(parts)
    pieces = []
    for i, part in enumerate(parts):
        pieces.extend([separator, part] if i else [part])
    source = _concat(*pieces) if pieces else {"+": []}
    return Message(separator.join(parts), english(separator).join(english(p) for p in parts), source)


def message_of(error: BaseException) -> str:
    """The message an error carries, as raised (a ``Message`` when it was written with ``_()``)."""
    if len(error.args) == 1 and isinstance(error.args[0], str):
        return error.args[0]
    return str(error)


def render(text: str, translator: "Translator | None" = None) -> str:
    """A message in ``translator``'s language (a document's), or in the interface language; plain text as is."""
    source = getattr(text, "source", None)
    if source is None:
        return str(text)
    return _render(source, translator.translation if translator else _translation)


def _render(source, translation: gettext.NullTranslations) -> str:
    if isinstance(source, dict) and "+" in source:
        return "".join(_render(part, translation) for part in source["+"])
    if isinstance(source, dict) and "_" in source:
        msgid = source["_"]
        text = (translation.ngettext(msgid[0], msgid[1], source.get("n", 1)) if isinstance(msgid, list)
                else translation.gettext(msgid))
        args = [_render_arg(a, translation) for a in source.get("pa", [])]
        kwargs = {k: _render_arg(v, translation) for k, v in source.get("kw", {}).items()}
        if not (args or kwargs):
            return text
        try:
            return text.format(*args, **kwargs)
        except (KeyError, IndexError, ValueError):    # a catalogue that lost a placeholder: the English holds
            english_text = msgid[0 if source.get("n", 1) == 1 else 1] if isinstance(msgid, list) else msgid
            return english_text.format(*args, **kwargs)
    return "" if source is None else str(source)


def _render_arg(value, translation):
    return _render(value, translation) if isinstance(value, dict) else value


RECORD_TAG = "megacase-message"


def to_record(text: str) -> str:
    """A message as stored in a row the window shows again later: its English and how to translate it.

    Plain text (an error written without ``_()``, a server's own words) is stored as it is.
    """
    source = getattr(text, "source", None)
    if source is None:
        return english(text)
    return json.dumps({RECORD_TAG: 1, "en": english(text), "source": source}, ensure_ascii=False)


def record_english(stored: str | None) -> str | None:
    """The English of a stored message (``to_record``), or the stored text when it is plain."""
    data = _parse_record(stored)
    return data["en"] if data else stored


def from_record(stored: str | None, translator: "Translator | None" = None) -> str | None:
    """A stored message in the interface language (or ``translator``'s), keeping its English; plain stored
    text as it is."""
    data = _parse_record(stored)
    if not data:
        return stored
    return Message(_render(data["source"], translator.translation if translator else _translation), data["en"],
                   data["source"])


def map_record(stored: str | None, change) -> str | None:
    """A stored message with ``change`` applied to its English and to every value it quotes (not to its
    msgids, so that it still translates): how erasure removes a name from it."""
    data = _parse_record(stored)
    if not data:
        return change(stored) if stored else stored

    def walk(source):
        if isinstance(source, dict) and "+" in source:
            return {"+": [walk(p) for p in source["+"]]}
        if isinstance(source, dict) and "_" in source:
            out = dict(source)
            if "pa" in source:
                out["pa"] = [walk(a) for a in source["pa"]]
            if "kw" in source:
                out["kw"] = {k: walk(v) for k, v in source["kw"].items()}
            return out
        return change(source) if isinstance(source, str) else source

    return json.dumps({RECORD_TAG: 1, "en": change(data["en"]), "source": walk(data["source"])},
                      ensure_ascii=False)


def _parse_record(stored):
    if not stored or not stored.startswith("{"):
        return None
    try:
        data = json.loads(stored)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get(RECORD_TAG) == 1 and "source" in data else None


def english(text: str) -> str:
    """The English source of a message (or of an error carrying one), for records that must stay stable."""
    if isinstance(text, BaseException):
        text = text.args[0] if len(text.args) == 1 and isinstance(text.args[0], str) else str(text)
    return getattr(text, "english", text)


def _(message: str) -> str:
    """The message in the interface language."""
    return Message(_translation.gettext(message), message, {"_": message})


def ngettext(singular: str, plural: str, n: int) -> str:
    return Message(_translation.ngettext(singular, plural, n), singular if n == 1 else plural,
                   {"_": [singular, plural], "n": n})


def N_(message: str) -> str:
    """Marks a message for translation where it is declared; ``_()`` translates it where it is shown."""
    return message


# --- dates and numbers, in the interface language ---------------------------------------------------
def format_date(value: date | datetime, length: str = "medium") -> str:
    """One date format per language: 5 mars 2027 · 5 mrt 2027 · 5 Mar 2027 (``medium``);
    05/03/2027 · 5/03/2027 · 05/03/2027 (``short``, always a four-digit year)."""
    if isinstance(value, datetime):
        value = value.date()
    if length == "short":
        length = SHORT_DATE_PATTERNS[_language]
    return babel_dates.format_date(value, format=length, locale=LOCALES[_language])


def format_datetime(value: datetime, length: str = "medium") -> str:
    return babel_dates.format_datetime(value, format=length, locale=LOCALES[_language],
                                       tzinfo=value.tzinfo)


def format_number(value: int | float) -> str:
    return babel_numbers.format_decimal(value, locale=LOCALES[_language])


# --- documents in a language of their own (case files: the subject's language, not the officer's) ---------
@dataclass(frozen=True)
class Translator:
    """The catalogue and the date and number formats of one language, whatever the interface speaks.

    Write document strings as ``t._("…")`` / ``t.ngettext("…", "…", n)``: Babel extracts them like ``_()``.
    """

    language: str
    translation: gettext.NullTranslations

    @property
    def locale(self) -> str:
        return LOCALES[self.language]

    def _(self, message: str) -> str:
        return self.translation.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translation.ngettext(singular, plural, n)

    def format_date(self, value: date | datetime, length: str = "long") -> str:
        """1 avril 2027 · 1 april 2027 · 1 April 2027 (``long``)."""
        if isinstance(value, datetime):
            value = value.date()
        return babel_dates.format_date(value, format=length, locale=self.locale)

    def format_datetime(self, value: datetime, length: str = "long") -> str:
        """The date as ``format_date`` gives it, then the time on the 24-hour clock: 1 avril 2027 09:30."""
        return f"{self.format_date(value, length)} {value:%H:%M}"

    def format_number(self, value: int | float) -> str:
        return babel_numbers.format_decimal(value, locale=self.locale)


@lru_cache(maxsize=None)
def for_language(language: str) -> Translator:
    """A translator bound to ``language`` (fr, nl or en), loaded once; the interface language is untouched."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    return Translator(language, _load(language))
