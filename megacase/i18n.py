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
    """A message in the interface language that remembers its English source (``english``).

    The officer reads the translation; a record that must not change with the interface language (the rule
    an audited refusal quotes) keeps the English. ``format`` keeps both, each with its own arguments.
    """

    def __new__(cls, text: str, english: str):
        message = super().__new__(cls, text)
        message.english = english
        return message

    def format(self, *args, **kwargs) -> "Message":
        source_args = [getattr(a, "english", a) for a in args]
        source_kwargs = {k: getattr(v, "english", v) for k, v in kwargs.items()}
        return Message(str.format(self, *args, **kwargs), str.format(self.english, *source_args, **source_kwargs))

    def __add__(self, other: str) -> "Message":
        return Message(str.__add__(self, other), self.english + english(other))

    def __radd__(self, other: str) -> "Message":
        return Message(str.__add__(other, self), english(other) + self.english)

    def lower(self) -> "Message":
        return Message(str.lower(self), self.english.lower())

    def upper(self) -> "Message":
        return Message(str.upper(self), self.english.upper())

    def capitalize(self) -> "Message":
        return Message(str.capitalize(self), self.english.capitalize())

    def __getnewargs__(self):
        return str(self), self.english


def join(separator: str, parts) -> Message:
    """``separator.join(parts)``, keeping the English of translated parts."""
    parts = list(parts)
    return Message(separator.join(parts), english(separator).join(english(p) for p in parts))


def english(text: str) -> str:
    """The English source of a message (or of an error carrying one), for records that must stay stable."""
    if isinstance(text, BaseException):
        text = text.args[0] if len(text.args) == 1 and isinstance(text.args[0], str) else str(text)
    return getattr(text, "english", text)


def _(message: str) -> str:
    """The message in the interface language."""
    return Message(_translation.gettext(message), message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return Message(_translation.ngettext(singular, plural, n), singular if n == 1 else plural)


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
