"""Composing letters: the context of a case, the rendered preview, and sending through the outbox.

A letter is addressed by case (``reference``), never by address: the recipient
comes from ``recipients.resolve`` (the known-address rule). The letter's
language is the subject's language. Nothing is saved while the template has an
error or while the text still holds a ``[[…]]`` gap.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain import letter_types as lt
from megacase.domain.deadlines import promise_date
from megacase.domain.grounds import ground_text
from megacase.domain.requests import Outcome, RequestType
from megacase.domain.validation import require_text
from megacase.errors import InputError, RuleViolation
from megacase.i18n import N_, _
from megacase.services import roles, settings, subject_keys
from megacase.services.integrity import audit
from megacase.services.letters import letter_guards, outbox, recipients
from megacase.services.review import approvals
from megacase.services.letters import templates as tpl
from megacase.services.case_lookup import load_case
from megacase.services.letter_texts import (AUTHORITY, CHANNELS, COMPANY, NOTICE_MEASURES, REQUEST_TYPES,
                                           identification_line, register_text)
from megacase.services.mail import PRIVACY_CONTACT, SIGNATORY, load_settings_in
from megacase.services.settings import ENTERPRISE_NUMBER, REGISTER_SEAT
from megacase.services.letters.outbox import DeliveryResult, OutgoingFile, TransportFactory, deliver, enqueue
from megacase.services.cases.queries import deadline_of
from megacase.services.letters.recipients import AddressOverride, Recipient
from megacase.services.workspace import Workspace
from megacase.store.orm import Case, IdentityStep, Letter, Processor

# Derived from the letter-type registry (domain.letter_types); kept under their old names for callers.
# A letter that announces a decision must match the decision recorded on a right of the case.
NEEDS_OUTCOME = {t.id: tuple(dict.fromkeys(o.value for outs in t.answers.values() for o in outs))
                 for t in lt.LETTER_TYPES if t.answers}
# The values (LetterOptions fields) each letter asks of the officer; the compose window shows these inputs.
OPTION_FIELDS = {t.id: t.options for t in lt.LETTER_TYPES if t.options}
# What an officer may attach; the compose window offers these for the letters that promise them.
SUGGESTED_ATTACHMENTS = {t.id: t.attachments for t in lt.LETTER_TYPES if t.attachments}
MAX_SUBJECT_LINE = 250
MAX_BODY = 100_000


@dataclass(frozen=True)
class LetterOptions:
    """Values a letter needs that the register does not hold; the officer gives them when composing."""

    identity_requested: str | None = None      # default: what the open identity step asked
    fee_amount: str | None = None
    fee_reason: str | None = None              # default: the decision note of a fee decision
    restriction_lift_on: date | None = None
    restriction_reason: str | None = None
    kept: tuple[tuple[str, str], ...] = ()     # (what, ground); default: the checklist's kept items
    processor: str | None = None               # art19-notice: the processor's name
    template_id: str | None = None             # set by the service: whose decision the letter speaks of


@dataclass(frozen=True)
class Draft:
    reference: str
    template_id: str
    language: str
    recipient: str
    recipient_kind: str                 # known_address | processor
    recipient_name: str | None
    subject_line: str
    body: str
    template_version: int | None
    template_edited: bool
    gaps: tuple[str, ...] = ()
    suggested_attachments: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        return not self.gaps


def templates_for(types) -> list[str]:
    """Template ids that fit a case of these request types, in the officer's order."""
    wanted = set(lt.letters_for(types))
    return [t for t in tpl.template_ids() if t in wanted]


@dataclass(frozen=True)
class ComposeInfo:
    """What the compose window offers for a case; the rules behind each item stay here."""

    reference: str
    language: str
    recipient: str | None            # the known address (None once erased)
    recipient_name: str | None
    templates: tuple[tuple[str, str], ...]     # (id, title) that fit the case
    processors: tuple[str, ...]                # for the Art. 19 notice
    override_allowed: bool                     # a verified identity allows another address
    may_send: bool                             # the acting user may send letters


def compose_info(ws: Workspace, reference: str) -> ComposeInfo:
    with ws.reading() as session:
        case = load_case(session, reference)
        subject = case.subject
        erased = subject.anonymised_at is not None or not subject.email
        processors = session.execute(select(Processor.name).where(Processor.active.is_(True))
                                     .order_by(Processor.id)).scalars().all()
        return ComposeInfo(case.reference, subject.language, None if erased else subject.email,
                           None if erased else subject.name,
                           tuple((t, tpl.title_of(t)) for t in templates_for(x.request_type for x in case.types)),
                           tuple(processors), recipients.verified_identity(session, case) is not None,
                           ws.actor.role == roles.OFFICER and not erased)


def _ns(**values) -> SimpleNamespace:
    return SimpleNamespace(**values)


def _kept(session: Session, case: Case, options: LetterOptions, language: str) -> list:
    if options.kept:
        return [_ns(what=w, ground=g) for w, g in options.kept]
    # Data an erasure keeps are recorded on the processor's "act" step with their legal ground.
    items = [i for i in case.checklist if i.action == "act" and i.keep_ground]
    return [_ns(what=f"{register_text(i.processor.categories, language)} ({i.processor.name})"
                     + (f" – {i.note}" if i.note else ""),
                ground=register_text(i.keep_ground, language)) for i in items]


def _system_lines(session: Session, case: Case, language: str) -> list:
    """Erasure: per system, erased / kept (ground) / nothing held, from the receipts and the checklist."""
    if not any(i.action == "act" for i in case.checklist) or case.subject.anonymised_at is not None:
        return []
    from megacase.services.systems.catalogue import ground_text
    from megacase.services.systems.erase_at import STATUS_TEXTS, erasure_lines_in
    return [_ns(name=register_text(line.system, language), status=STATUS_TEXTS[language][line.status],
                ground=ground_text(line.ground, language) if line.ground else None)
            for line in erasure_lines_in(session, case)]


def _identity_requested(session: Session, case: Case, options: LetterOptions) -> str | None:
    if options.identity_requested:
        return options.identity_requested.strip()
    step = session.scalar(select(IdentityStep).where(IdentityStep.case_id == case.id)
                          .order_by(IdentityStep.answered_at.is_not(None), IdentityStep.id.desc()).limit(1))
    return step.asked if step is not None and step.answered_at is None else None


def _processor_ns(p: Processor | None, language: str):
    if p is None:
        return None
    return _ns(name=register_text(p.name, language), role=register_text(p.role, language),
               categories=register_text(p.categories, language))


def build_context(session: Session, ws: Workspace, case: Case, language: str, options: LetterOptions,
                  processor: Processor | None = None) -> dict:
    """Every variable of resources/templates/README.md, optional ones as None or empty lists."""
    subject = case.subject
    today = ws.today()
    deadline = deadline_of(case, today)
    # The letters promise the earlier of the legal due date and the policy's promise (30 days).
    promise = None if case.extended else promise_date(case.received_on, settings.get_in(
        session, settings.PROMISE_DAYS.key), deadline.suspended_days)
    reply_by = min(deadline.due, promise) if promise else deadline.due
    said = _decision_for_letter(case, options.template_id)
    request_types = [t.request_type for t in case.types]
    if processor is not None:   # an Art. 19 notice: only the rights that concern the recipient, and the measure
        request_types = [t for t in request_types if t in NOTICE_MEASURES[language]]
        said = _ns(outcome=None, ground=None,
                   reasons="; ".join(NOTICE_MEASURES[language][t] for t in request_types) or None)
    fee_reason = options.fee_reason or (said.reasons if said.outcome == "fee_requested" else None)
    processors = session.execute(select(Processor).where(Processor.active.is_(True))
                                 .order_by(Processor.id)).scalars()
    return {
        "company": _ns(**COMPANY, privacy_contact=settings.get_in(session, PRIVACY_CONTACT.key),
                       identification=identification_line(settings.get_in(session, ENTERPRISE_NUMBER.key),
                                                          settings.get_in(session, REGISTER_SEAT.key), language)),
        "authority": _ns(**AUTHORITY[language]),
        "subject": _ns(name=tpl.as_data(subject.name), customer_number=tpl.as_data(subject.customer_number),
                       email=subject.email),
        "case": _ns(reference=case.reference, received_on=case.received_on,
                    channel=CHANNELS[language].get(case.channel, case.channel),
                    request_types=[REQUEST_TYPES[language][t] for t in request_types],
                    due_date=reply_by, one_month_due=deadline.one_month_due,
                    extended_due=deadline.three_month_due if case.extended else None,
                    extension_reason=case.extension_reason, outcome=said.outcome,
                    legal_ground=ground_text(said.ground, language), decision_note=said.reasons,
                    summary=case.summary),
        "identity": _ns(requested=_identity_requested(session, case, options)),
        "processors": [_processor_ns(p, language) for p in processors],
        "processor": _processor_ns(processor, language),
        "fee": _ns(amount=options.fee_amount, reason=fee_reason) if (options.fee_amount or fee_reason) else None,
        "restriction": _ns(lift_on=options.restriction_lift_on, reason=options.restriction_reason),
        "kept": _kept(session, case, options, language),
        "systems": _system_lines(session, case, language),
        "officer": _ns(name=settings.get_in(session, SIGNATORY.key) or ws.actor.name),
        "today": today,
        "notified": letter_guards.notified_recipients(session, case),   # Art. 19 sentence only where recorded
    }


def _decision_for_letter(case: Case, template_id: str | None) -> SimpleNamespace:
    """The outcome, ground and reasons (to the subject) of the rights this letter answers; never the internal note.

    Several rights answered by one letter: the reasons are joined, the ground of the first is shown; a letter
    that answers no decision (an acknowledgement) sees the case's combined decision without reasons.
    """
    t = lt.letter_type(template_id or "")
    rows = [a for a in case.answers if a.outcome]
    if t is not None and t.answers:
        rows = [a for a in rows if Outcome(a.outcome) in t.answers.get(RequestType(a.request_type), ())] or rows
    outcome = rows[0].outcome if rows and len({a.outcome for a in rows}) == 1 else case.outcome
    reasons = "\n".join(dict.fromkeys(a.reasons for a in rows if a.reasons)) or None
    ground = next((a.legal_ground for a in rows if a.legal_ground), None) or case.legal_ground
    return _ns(outcome=outcome, ground=ground, reasons=reasons if t is not None and t.answers else None)


def _check_case(case: Case, template_id: str) -> None:
    subject = case.subject
    if subject.anonymised_at is not None or not subject.name:
        raise RuleViolation(_("This subject was erased: no letter can be written to or about them any more."))
    if template_id in ("refusal", "fee-notice"):     # even a preview: these letters only announce a decision
        letter_guards.check_decided(case, lt.letter_type(template_id))


def _draft_in(session: Session, ws: Workspace, case: Case, template_id: str, options: LetterOptions,
              override: AddressOverride | None = None) -> tuple[Draft, Recipient]:
    language = case.subject.language
    tpl.check_id(template_id, language)
    _check_case(case, template_id)
    recipient = recipients.resolve(session, ws, case, template_id, override, options.processor)
    processor = (recipients.processor_by_name(session, options.processor)
                 if template_id in tpl.PROCESSOR_TEMPLATES else None)
    if processor is not None and processor.notice_language:
        language = processor.notice_language     # a notice is written for its recipient, in its language
    source = tpl.current_source_in(session, template_id, language)
    options = replace(options, template_id=template_id)
    rendered = tpl.render_source(source.source, build_context(session, ws, case, language, options, processor),
                                 language, template_id)
    draft = Draft(case.reference, template_id, language, recipient.address, recipient.kind, recipient.display_name,
                  rendered.subject_line, rendered.body, source.version, source.edited, rendered.gaps,
                  SUGGESTED_ATTACHMENTS.get(template_id, ()))
    return draft, recipient


def preview(ws: Workspace, reference: str, template_id: str, options: LetterOptions | None = None) -> Draft:
    """The letter as it would go out now, to the known address (or the processor's contact)."""
    with ws.reading() as session:
        case = load_case(session, reference)
        return _draft_in(session, ws, case, template_id, options or LetterOptions())[0]


def _final_text(draft: Draft, subject_line: str | None, body: str | None) -> tuple[str, str]:
    subject_line = draft.subject_line if subject_line is None else " ".join(subject_line.split())
    body = draft.body if body is None else body.replace("\r\n", "\n").rstrip()
    if not subject_line or not body.strip():
        raise InputError(_("The letter needs a subject line and a text."))
    if len(subject_line) > MAX_SUBJECT_LINE or len(body) > MAX_BODY:
        raise InputError(_("The subject line or the text of the letter is too long."))
    if draft.reference not in subject_line:
        raise InputError(_("Keep the case reference {reference} in the subject line: replies are filed by it.").format(
                             reference=draft.reference))
    for text in (subject_line, body):
        if tpl.MARKER in text:
            raise InputError(_("The letter still has a gap to fill (marked [[…]]): complete it before sending."))
        if "{{" in text or "{%" in text:
            raise InputError(_("The letter still contains template code ({expression} or {statement}): edit the text "
                               "before sending.").format(expression="{{", statement="{%"))
    return subject_line, body


@dataclass(frozen=True)
class QueuedLetter:
    letter_id: int
    reference: str
    message_id: str
    sha256: str
    recipient_kind: str


def _prepared(session: Session, ws: Workspace, reference: str, template_id: str, options: LetterOptions,
              subject_line: str | None, body: str | None, override: AddressOverride | None, attachments=(),
              internal: bool = False):
    """The case, the draft, the resolved recipient and the final text, every rule checked."""
    case = load_case(session, reference)
    approvals.require_letter_approval(session, case, template_id, ws.today())   # four-eyes review
    fits = template_id in templates_for(t.request_type for t in case.types)
    kind = lt.letter_type(template_id)
    if kind is not None and kind.internal:      # a service's own letter: fits the rights it names, goes with it
        if not internal:
            raise RuleViolation(_("A '{title}' letter is queued only with the change it tells of, never on its "
                                  "own.").format(title=_(tpl.title_of(template_id))))
        fits = bool({RequestType(t.request_type) for t in case.types} & set(kind.for_types))
    if not fits:
        raise RuleViolation(_("A '{title}' letter does not fit a case of these request types.").format(
                                title=_(tpl.title_of(template_id))))
    letter_guards.check_letter(session, case, template_id, attachments)         # the registry's preconditions
    draft, recipient = _draft_in(session, ws, case, template_id, options, override)
    subject_line, body = _final_text(draft, subject_line, body)
    return case, draft, recipient, subject_line, body


def queue_letter(ws: Workspace, reference: str, template_id: str, *, options: LetterOptions | None = None,
                 subject_line: str | None = None, body: str | None = None,
                 attachments: tuple[OutgoingFile, ...] = (), override: AddressOverride | None = None) -> QueuedLetter:
    """Save a letter in the outbox (not yet sent). ``subject_line``/``body``: the officer's edited text."""
    roles.require_officer(ws)
    options = options or LetterOptions()
    if override is not None and override.postal:
        raise InputError(_("A letter by post is not e-mailed: record it as posted instead."))
    if override is not None:
        recipients.check_override(ws, reference, template_id, override)   # records and raises when refused
    with audit.audited_refusal(ws, reference, f"letter:{template_id}"), ws.transaction() as session:
        return queue_in(session, ws, reference, template_id, options=options, subject_line=subject_line,
                        body=body, attachments=attachments, override=override)


def queue_in(session: Session, ws: Workspace, reference: str, template_id: str, *, options: LetterOptions,
             subject_line: str | None = None, body: str | None = None, attachments: tuple[OutgoingFile, ...] = (),
             override: AddressOverride | None = None, internal: bool = False) -> QueuedLetter:
    """Queue a letter inside the caller's transaction: with the change that calls for it, or not at all.

    ``internal``: a service's own letter (the registry marks it so), never offered in the compose window.
    """
    case, draft, recipient, subject_line, body = _prepared(session, ws, reference, template_id, options,
                                                           subject_line, body, override, attachments, internal)
    smtp = load_settings_in(session)
    if not smtp.sender:
        raise InputError(_("Set up the mail server and the sender address first (megacase config smtp, or "
                           "Settings in the window)."))
    letter = enqueue(session, ws, case, template_id=template_id, language=draft.language, recipient=recipient,
                     sender=smtp.sender, reply_to=settings.get_in(session, PRIVACY_CONTACT.key),
                     subject_line=subject_line, body=body, attachments=attachments)
    edited = subject_line != draft.subject_line or body != draft.body
    audit.record(session, ws, "letter.queued", case_id=case.id, subject_id=case.subject_id, details={
        "reference": case.reference, "letter": letter.id, "template": template_id, "language": draft.language,
        "template_version": draft.template_version, "template_edited": draft.template_edited,
        "text_edited": edited, "recipient_kind": recipient.kind, "processor": recipient.processor,
        "message_id": letter.message_id, "sha256": letter.eml_sha256,
        "attachments": [{"mime_type": f.mime_type, "size": len(f.data)} for f in attachments],
    }, personal={"recipient": recipient.address, "subject_line": subject_line,
                 "attachments": [f.filename for f in attachments]})
    if recipient.kind == recipients.OVERRIDE:
        recipients.record_override(session, ws, case, recipient, letter.id, template_id)
    return QueuedLetter(letter.id, case.reference, letter.message_id, letter.eml_sha256, recipient.kind)


def post_letter(ws: Workspace, reference: str, template_id: str, override: AddressOverride, *,
                options: LetterOptions | None = None, subject_line: str | None = None,
                body: str | None = None, enclosures: tuple[OutgoingFile, ...] = ()) -> int:
    """Record a letter the officer prints and posts: only with a verified identity, like any other address.

    Nothing is e-mailed. The letter is kept (sealed) as sent today, with the SHA-256 of its text in the trail.
    """
    roles.require_officer(ws)
    if not override.postal:
        raise InputError(_("Give the postal address the letter is posted to."))
    recipients.check_override(ws, reference, template_id, override)   # records and raises when refused
    with audit.audited_refusal(ws, reference, f"letter:{template_id}"), ws.transaction() as session:
        case, draft, recipient, subject_line, body = _prepared(session, ws, reference, template_id,
                                                               options or LetterOptions(), subject_line, body,
                                                               override, enclosures)
        sid = case.subject_id
        text = f"{subject_line}\n\n{body}\n".encode("utf-8")
        letter = Letter(case_id=case.id, template_id=template_id, language=draft.language, status=outbox.SENT,
                        recipient_enc=subject_keys.seal_text(session, sid, recipient.address, "letter:recipient"),
                        subject_enc=subject_keys.seal_text(session, sid, subject_line, "letter:subject"),
                        body_enc=subject_keys.seal_text(session, sid, body, "letter:body"),
                        eml_sha256=hashlib.sha256(text).hexdigest(), override_reason=recipient.reason,
                        created_at=ws.now_naive(), created_by=ws.actor.name, sent_at=ws.now_naive(),
                        server_reply=f"posted by {ws.actor.name}", attempts=0)
        session.add(letter)
        session.flush()
        from megacase.services.letters.attachments import store_attachment
        for f in enclosures:    # printed and posted with the letter: kept, so the record shows what went
            store_attachment(session, ws, case, f, kind="letter", letter_id=letter.id)
        recipients.record_override(session, ws, case, recipient, letter.id, template_id)
        effects = outbox.after_sent(session, ws, case, letter)
        audit.record(session, ws, "letter.posted", case_id=case.id, subject_id=sid, details={
            "reference": case.reference, "letter": letter.id, "template": template_id, "language": draft.language,
            "template_version": draft.template_version, "text_edited": (subject_line, body) != (draft.subject_line,
                                                                                                draft.body),
            "recipient_kind": recipients.POST, "sha256": letter.eml_sha256, **effects},
            personal={"recipient": recipient.address, "subject_line": subject_line})
        return letter.id


def hand_over(ws: Workspace, reference: str, template_id: str, note: str, *, options: LetterOptions | None = None,
              subject_line: str | None = None, body: str | None = None,
              attachments: tuple[OutgoingFile, ...] = ()) -> int:
    """Record a letter handed to the subject in person: it answers like a sent one, under the identity rule
    (a completed verification on this case: seen in person, an identity document or additional information)."""
    roles.require_officer(ws)
    note = require_text(note, N_("Where, when and to whom the letter was handed"))
    with audit.audited_refusal(ws, reference, f"letter:{template_id}"), ws.transaction() as session:
        case = load_case(session, reference)
        if recipients.verified_identity(session, case) is None:
            raise RuleViolation(_("A letter is handed over only to a subject identified on this case (seen in "
                                  "person, an identity document or additional information): record that first."))
        case, draft, _known, subject_line, body = _prepared(session, ws, reference, template_id,
                                                            options or LetterOptions(), subject_line, body, None,
                                                            attachments)
        sid, now = case.subject_id, ws.now_naive()
        text = f"{subject_line}\n\n{body}\n".encode("utf-8")
        letter = Letter(case_id=case.id, template_id=template_id, language=draft.language, status=outbox.SENT,
                        recipient_enc=subject_keys.seal_text(session, sid, "handed over in person", "letter:recipient"),
                        subject_enc=subject_keys.seal_text(session, sid, subject_line, "letter:subject"),
                        body_enc=subject_keys.seal_text(session, sid, body, "letter:body"),
                        eml_sha256=hashlib.sha256(text).hexdigest(), created_at=now, created_by=ws.actor.name,
                        sent_at=now, server_reply=f"handed over in person by {ws.actor.name}", attempts=0)
        session.add(letter)
        session.flush()
        from megacase.services.letters.attachments import store_attachment
        for f in attachments:
            store_attachment(session, ws, case, f, kind="letter", letter_id=letter.id)
        effects = outbox.after_sent(session, ws, case, letter)
        audit.record(session, ws, "letter.handed_over", case_id=case.id, subject_id=sid, details={
            "reference": case.reference, "letter": letter.id, "template": template_id, "language": draft.language,
            "sha256": letter.eml_sha256, "attachments": len(attachments), **effects},
            personal={"note": note, "subject_line": subject_line})
        return letter.id


def send_letter(ws: Workspace, reference: str, template_id: str, *, options: LetterOptions | None = None,
                subject_line: str | None = None, body: str | None = None,
                attachments: tuple[OutgoingFile, ...] = (), override: AddressOverride | None = None,
                transport_factory: TransportFactory | None = None) -> DeliveryResult:
    """Save the letter, then try to send it once. When the server is down it waits in the outbox."""
    queued = queue_letter(ws, reference, template_id, options=options, subject_line=subject_line, body=body,
                          attachments=attachments, override=override)
    return deliver(ws, queued.letter_id, transport_factory)
