"""Letter templates: the shipped files, the officer's edited versions, and the sandboxed renderer.

A template is ``resources/templates/{language}/{template_id}.txt.j2`` (see the
README there). The officer may edit one in the application: every edit is a new
row in ``template_versions`` (with an audit event); a reset is a row too, so the
history stays complete. Rendering runs in Jinja2's sandbox with StrictUndefined:
an unknown placeholder or a syntax error is an InputError before anything is saved.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, wraps
from pathlib import Path
from types import SimpleNamespace

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.config import resources_dir
from megacase.domain.letter_types import LETTER_TYPES
from megacase.errors import InputError, NotFound
from megacase.i18n import _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.letter_texts import LANGUAGES, longdate_for
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import TemplateVersion

# The letters of DOMAIN.md, in the order an officer meets them: derived from the letter-type registry.
TEMPLATE_TITLES = {t.id: t.title for t in LETTER_TYPES}
PROCESSOR_TEMPLATES = frozenset(t.id for t in LETTER_TYPES if t.to_recipient)  # to a recipient, not the subject

MAX_SOURCE_CHARS = 60_000      # a letter template is a few kilobytes
MAX_OUTPUT_CHARS = 200_000     # stops a runaway loop in an edited template
MARKER = "[["                  # a required value is missing (README: never send a letter containing it)

# The context every template receives (README "Context"): top-level names and the attributes of each.
CONTEXT_FIELDS = {
    "company": {"name", "legal_name", "address", "email", "privacy_contact", "identification"},
    "authority": {"name", "address", "phone", "website"},
    "subject": {"name", "customer_number", "email"},
    "case": {"reference", "received_on", "channel", "request_types", "due_date", "one_month_due", "extended_due",
             "extension_reason", "outcome", "legal_ground", "decision_note", "summary"},
    "identity": {"requested"},
    "processors": None,
    "processor": {"name", "role", "categories"},
    "fee": {"amount", "reason"},
    "restriction": {"lift_on", "reason"},
    "kept": None,
    "systems": None,
    "officer": {"name"},
    "today": None,
    "notified": None,          # recipients whose Art. 19 notice was recorded as sent
}


WORD_JOINER = "\u2060"   # invisible: keeps "[[" or "{{" typed in a name from reading as a gap or as code


def as_data(text: str | None) -> str | None:
    """A subject's own value rendered as data: a name written with "[[" or "{{" never blocks a letter."""
    if not text:
        return text
    for marker in (MARKER, "{{", "{%"):
        text = text.replace(marker, marker[0] + WORD_JOINER + marker[1])
    return text


@dataclass(frozen=True)
class RenderedLetter:
    subject_line: str
    body: str

    @property
    def gaps(self) -> tuple[str, ...]:
        """The ``[[…]]`` markers left in the text: values the officer must still give."""
        found = []
        for text in (self.subject_line, self.body):
            start = text.find(MARKER)
            while start >= 0:
                end = text.find("]]", start)
                found.append(text[start:end + 2] if end > 0 else text[start:start + 60])
                start = text.find(MARKER, start + 2)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class TemplateSource:
    template_id: str
    language: str
    source: str
    version: int | None        # None: the shipped file
    edited: bool


@dataclass(frozen=True)
class TemplateVersionInfo:
    version: int
    is_reset: bool
    created_at: datetime
    created_by: str
    source: str


def templates_dir() -> Path:
    return resources_dir() / "templates"


def template_ids() -> list[str]:
    """Every template id shipped (in all three languages), in the officer's order."""
    found = {p.name.removesuffix(".txt.j2") for p in (templates_dir() / "en").glob("*.txt.j2")}
    ordered = [t for t in TEMPLATE_TITLES if t in found]
    return ordered + sorted(found - set(ordered))


def title_of(template_id: str) -> str:
    from megacase.domain.letter_types import title_of as registry_title
    return registry_title(template_id)


def check_id(template_id: str, language: str) -> None:
    if language not in LANGUAGES:
        raise InputError(_("Unknown letter language '{language}': use fr, nl or en.").format(language=language))
    if template_id not in template_ids():
        raise NotFound(_("No letter template '{template_id}'. Known: {template_ids}.").format(
                           template_id=template_id, template_ids=', '.join(template_ids())))


def shipped_source(template_id: str, language: str) -> str:
    check_id(template_id, language)
    return (templates_dir() / language / f"{template_id}.txt.j2").read_text("utf-8")


def _latest(session: Session, template_id: str, language: str) -> TemplateVersion | None:
    return session.scalar(select(TemplateVersion).where(TemplateVersion.template_id == template_id,
                                                        TemplateVersion.language == language)
                          .order_by(TemplateVersion.version.desc()).limit(1))


def current_source_in(session: Session, template_id: str, language: str) -> TemplateSource:
    check_id(template_id, language)
    row = _latest(session, template_id, language)
    if row is None or row.is_reset:
        return TemplateSource(template_id, language, shipped_source(template_id, language),
                              row.version if row else None, False)
    return TemplateSource(template_id, language, row.source, row.version, True)


def current_source(ws: Workspace, template_id: str, language: str) -> TemplateSource:
    with ws.reading() as session:
        return current_source_in(session, template_id, language)


def history(ws: Workspace, template_id: str, language: str) -> list[TemplateVersionInfo]:
    """Every edit and reset of one template, newest first."""
    check_id(template_id, language)
    with ws.reading() as session:
        rows = session.execute(select(TemplateVersion).where(TemplateVersion.template_id == template_id,
                                                             TemplateVersion.language == language)
                               .order_by(TemplateVersion.version.desc())).scalars()
        return [TemplateVersionInfo(r.version, r.is_reset, to_local(r.created_at), r.created_by, r.source)
                for r in rows]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _add_version(session: Session, ws: Workspace, template_id: str, language: str, source: str,
                 is_reset: bool) -> int:
    latest = _latest(session, template_id, language)
    version = (latest.version if latest else 0) + 1
    session.add(TemplateVersion(template_id=template_id, language=language, version=version, source=source,
                                is_reset=is_reset, created_at=ws.now_naive(), created_by=ws.actor.name))
    audit.record(session, ws, "template.reset" if is_reset else "template.edited", details={
        "template": template_id, "language": language, "version": version,
        "sha256": None if is_reset else _sha(source)})
    return version


def save_edit(ws: Workspace, template_id: str, language: str, source: str) -> int:
    """Store an edited template as a new version; refused (InputError) if it does not render."""
    roles.require_officer(ws)
    check_id(template_id, language)
    source = source.replace("\r\n", "\n")
    validate_source(source, language, template_id)
    with ws.transaction() as session:
        current = current_source_in(session, template_id, language)
        if current.source == source:
            raise InputError(_("The template is unchanged: nothing to save."))
        return _add_version(session, ws, template_id, language, source, False)


def reset_to_shipped(ws: Workspace, template_id: str, language: str) -> int:
    """Go back to the shipped file; the edited versions stay in the history."""
    roles.require_officer(ws)
    check_id(template_id, language)
    with ws.transaction() as session:
        if not current_source_in(session, template_id, language).edited:
            raise InputError(_("This template is already the shipped one."))
        return _add_version(session, ws, template_id, language, "", True)


# --- rendering -------------------------------------------------------------------------------------------

MAX_RANGE = 1000          # loops in a letter run over a few processors, not millions
MAX_OPERAND = 10_000      # ** and * on numbers and sequences stay small


RENDER_SECONDS = 2.0      # a letter renders in milliseconds; an edited template may not take longer than this
_BIG_NUMBER = re.compile(r"\d{7,}")


class _TooSlow(Exception):
    pass


class _LetterSandbox(SandboxedEnvironment):
    """Jinja2's sandbox, with the arithmetic that could stall the application (an edited template
    runs when it is saved and at every preview) kept small."""

    intercepted_binops = frozenset({"**", "*", "%"})

    def call(self, __context, __obj, *args, **kwargs):
        # widths and counts (center, indent, format specs…) that would allocate gigabytes
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT_CHARS:
                raise SecurityError("number too large")
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj, attribute):
        if attribute in ("format", "format_map") and isinstance(obj, str) and _BIG_NUMBER.search(obj):
            raise SecurityError("format width too large")   # '{:>1000000000}'.format(…)
        return super().getattr(obj, attribute)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and (not isinstance(right, int) or abs(right) > 64 or
                                 (isinstance(left, int) and abs(left) > MAX_OPERAND)):
            raise SecurityError("exponent too large")
        if operator == "*":
            for a, b in ((left, right), (right, left)):
                if isinstance(a, (str, list, tuple)) and isinstance(b, int) and len(a) * b > MAX_OUTPUT_CHARS:
                    raise SecurityError("repetition too large")
        if operator == "%" and isinstance(left, str) and _BIG_NUMBER.search(left):
            raise SecurityError("format width too large")
        return super().call_binop(context, operator, left, right)


def _small_range(*args):
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise SecurityError(f"range larger than {MAX_RANGE}")
    return r


@lru_cache(maxsize=8)
def _environment(language: str) -> SandboxedEnvironment:
    env = _LetterSandbox(undefined=StrictUndefined, autoescape=False)
    env.filters["longdate"] = longdate_for(language)
    env.globals["range"] = _small_range
    env.globals.pop("namespace", None)   # no state carried across loop turns (doubling a text 40 times…)
    env.filters = {name: _guarded(f) for name, f in env.filters.items()}
    return env


def _guarded(filter_fn):
    """A filter refusing widths and counts that would allocate gigabytes (center, indent, truncate…)."""
    @wraps(filter_fn)   # keeps Jinja's pass_context / pass_environment marks
    def guarded(*args, **kwargs):
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT_CHARS:
                raise SecurityError("number too large")
        return filter_fn(*args, **kwargs)
    return guarded


@contextmanager
def _time_limit(seconds: float):
    """Stop a render that runs longer than ``seconds``, whatever it loops over (a trace on this thread)."""
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def trace(frame, event, arg):
        if time.monotonic() > deadline:
            raise _TooSlow()
        return trace
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


def _where(template_id: str, language: str) -> str:
    return _("The template '{template}' ({language})").format(template=template_id, language=language)


def _compile(source: str, language: str, template_id: str):
    if len(source) > MAX_SOURCE_CHARS:
        raise InputError(_("{where} is too long (over {max_source_chars} characters).").format(
                             where=_where(template_id, language), max_source_chars=MAX_SOURCE_CHARS))
    env = _environment(language)
    try:
        return env.from_string(source), env.parse(source)
    except TemplateSyntaxError as exc:
        raise InputError(_("{where} has an error on line {lineno}: {message}.").format(
                             where=_where(template_id, language), lineno=exc.lineno, message=exc.message)) \
            from None


def _check_names(ast, language: str, template_id: str) -> None:
    """Unknown placeholders anywhere in the template, even in a branch today's case does not take."""
    unknown = sorted(meta.find_undeclared_variables(ast) - set(CONTEXT_FIELDS))
    if unknown:
        raise InputError(_("{where} uses unknown placeholder(s): {unknown}.").format(
                             where=_where(template_id, language), unknown=', '.join(unknown)))
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.ctx == "load":
            allowed = CONTEXT_FIELDS.get(node.node.name)
            if allowed is not None and node.attr not in allowed:
                raise InputError(_("{where} uses an unknown placeholder '{name}' (line {lineno}).").format(
                                     where=_where(template_id, language), name=f"{node.node.name}.{node.attr}",
                                     lineno=node.lineno))


def _split(text: str, language: str, template_id: str) -> RenderedLetter:
    lines = text.split("\n")
    if not lines or not lines[0].startswith("Subject: "):
        raise InputError(_("{where} must start with a line 'Subject: …'.").format(
                             where=_where(template_id, language)))
    if len(lines) < 3 or lines[1].strip():
        raise InputError(_("{where} needs an empty line after the subject line, then the body.").format(
                             where=_where(template_id, language)))
    subject_line = lines[0][len("Subject: "):].strip()
    body = "\n".join(lines[2:]).rstrip()
    if not subject_line or not body:
        raise InputError(_("{where} gives an empty subject line or body.").format(
                             where=_where(template_id, language)))
    return RenderedLetter(subject_line, body)


@lru_cache(maxsize=128)
def _checked(source: str, language: str, template_id: str):
    """Compiled and checked once per source text (compiling is most of a preview's time)."""
    template, ast = _compile(source, language, template_id)
    _check_names(ast, language, template_id)
    return template


def render_source(source: str, context: dict, language: str, template_id: str = "letter") -> RenderedLetter:
    """Render one template source; every template problem is an InputError naming it."""
    template = _checked(source.replace("\r\n", "\n"), language, template_id)
    parts, size = [], 0
    try:
        with _time_limit(RENDER_SECONDS):
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise InputError(_("{where} produces a text that is far too long.").format(
                                         where=_where(template_id, language)))
                parts.append(chunk)
    except _TooSlow:
        raise InputError(_("{where} takes too long to render (over {render_seconds:g} seconds): check its "
                           "loops.").format(where=_where(template_id, language), render_seconds=RENDER_SECONDS)) from None
    except RecursionError:
        raise InputError(_("{where} calls itself without end (a macro that calls itself).").format(
                             where=_where(template_id, language))) from None
    except UndefinedError as exc:
        raise InputError(_("{where} uses an unknown placeholder: {message}.").format(
                             where=_where(template_id, language), message=exc.message)) from None
    except SecurityError:
        raise InputError(_("{where} uses something a letter template may not use.").format(
                             where=_where(template_id, language))) from None
    except TemplateError as exc:
        raise InputError(_("{where} cannot be rendered: {message}.").format(
                             where=_where(template_id, language), message=exc.message)) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError) as exc:
        raise InputError(_("{where} cannot be rendered: {exc}.").format(
                             where=_where(template_id, language), exc=exc)) from None
    return _split("".join(parts), language, template_id)


def sample_context(language: str, filled: bool = True) -> dict:
    """A context with every key of the contract: all optional values given (``filled``) or all absent."""
    from megacase.services.letter_texts import AUTHORITY, COMPANY, DEFAULT_PRIVACY_CONTACT
    day = date(2027, 4, 1)
    ns = SimpleNamespace
    processor = ns(name="Lightspeed", role="web shop", categories="identity, contact")
    return {
        "company": ns(**COMPANY, privacy_contact=DEFAULT_PRIVACY_CONTACT,
                      identification="KBO 0123.456.749 · RPR Gent" if filled else None),
        "authority": ns(**AUTHORITY[language]),
        "subject": ns(name="Sample Subject", customer_number="C-1" if filled else None, email="subject@example.be"),
        "case": ns(reference="DSR-2027-0001", received_on=day, channel="e-mail", request_types=["access"],
                   due_date=day, one_month_due=day, extended_due=day if filled else None,
                   extension_reason="x" if filled else None, outcome="partly_granted" if filled else None,
                   legal_ground="x" if filled else None, decision_note="x" if filled else None,
                   summary="x" if filled else None),
        "identity": ns(requested="x" if filled else None),
        "processors": [processor],
        "processor": processor if filled else None,
        "fee": ns(amount="1 EUR", reason="x") if filled else None,
        "restriction": ns(lift_on=day if filled else None, reason="x" if filled else None),
        "kept": [ns(what="x", ground="y")] if filled else [],
        "systems": [ns(name="x", status="erased", ground="y" if filled else None)] if filled else [],
        "officer": ns(name="Officer"),
        "today": day,
        "notified": ["Lightspeed"] if filled else [],
    }


def validate_source(source: str, language: str, template_id: str = "letter") -> RenderedLetter:
    """Check an (edited) template before it is stored: it must render with and without the optional values."""
    render_source(source, sample_context(language, filled=False), language, template_id)
    return render_source(source, sample_context(language, filled=True), language, template_id)
