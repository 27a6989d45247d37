"""What was done at each processor for a case, and the Art. 19 notices sent to them.

Each case that changes data (erasure, rectification, restriction, objection)
has, per processor, an *act* step and, except for an objection, a *notify* step
(``checklist_items``, generated at intake). This module records them with the
legal detail an erasure needs:

- act, erasure: **erased** there (or nothing was held), or **kept** under a named
  legal ground (e.g. the invoices under Art. 17(3)(b)): the ground is stored in
  ``keep_ground``; act, other types: **done**;
- notify: the Art. 19 notice was **sent** on a date (``done_at``), or **not sent**
  with the reason (``keep_ground``: the processor held none of the data, or
  informing it is impossible or would involve disproportionate effort, Art. 19).

Free-text notes are personal data in waiting (an officer may write a name): they
stay on the step and go into the audit event sealed under the subject's key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from megacase.domain.requests import CaseState, RequestType
from megacase.domain.validation import require_text
from megacase.errors import InputError, NotFound, RuleViolation
from megacase import i18n
from megacase.i18n import N_, _, format_date
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.case_lookup import load_case
from megacase.services.letter_texts import register_text
from megacase.services.privacy.processors import find_in
from megacase.services.workspace import TZ, Workspace, to_local
from megacase.store.orm import Case, ChecklistItem, Letter

# The ground offered first when data are kept after an erasure (Belgian VAT Code, Art. 60 §4,
# ten years since the law of 20 November 2022).
# Recorded in English (case files and letters translate it with letter_texts; the window too).
INVOICE_GROUND = ("Art. 17(3)(b) GDPR: legal obligation to keep invoices for 10 years "
                  "(Belgian VAT Code, Art. 60, as amended by the law of 20 November 2022)")
# Offered besides the invoice ground in the erasure dialog.
CLAIMS_GROUND = N_("Art. 17(3)(e) GDPR: establishment, exercise or defence of legal claims")
NOTICE_EXEMPTIONS = (
    N_("The processor held none of the subject's data"),
    N_("Impossible or involving disproportionate effort (Art. 19 GDPR)"),
)


def ground_text(text: str | None) -> str | None:
    """A fixed ground or reason the checklist records in English, in the officer's language; a ground the
    officer typed is shown as written."""
    if not text:
        return text
    shown = register_text(text, i18n.current())
    return _(text) if shown == text else shown


PENDING, ERASED, KEPT, DONE, NOTIFIED, NOT_NOTIFIED = "pending", "erased", "kept", "done", "notified", "not_notified"
STATUS_LABELS = {PENDING: N_("To do"), ERASED: N_("Erased"), KEPT: N_("Kept"), DONE: N_("Done"),
                 NOTIFIED: N_("Notified"), NOT_NOTIFIED: N_("No notice")}


@dataclass(frozen=True)
class Step:
    item_id: int
    action: str                # act | notify
    status: str                # pending | erased | kept | done | notified | not_notified
    on: date | None            # the day it was done / the notice was sent (Brussels)
    by: str | None
    ground: str | None         # kept: the legal ground; not_notified: the reason
    note: str | None

    @property
    def done(self) -> bool:
        return self.status != PENDING

    @property
    def label(self) -> str:
        """English, as records and case files keep it; ``label_text`` is what the officer reads."""
        text = STATUS_LABELS[self.status]
        if self.status in (NOTIFIED, ERASED, DONE, KEPT) and self.on:
            text += f" {self.on:%d/%m/%Y}"
        return text

    @property
    def label_text(self) -> str:
        text = _(STATUS_LABELS[self.status])
        if self.status in (NOTIFIED, ERASED, DONE, KEPT) and self.on:
            text += f" {format_date(self.on, 'short')}"
        return text


@dataclass(frozen=True)
class ProcessorSteps:
    """One processor's row in a case's checklist."""
    processor_id: int
    processor: str
    categories: str
    notice_channel: str | None
    act: Step | None
    notify: Step | None

    @property
    def complete(self) -> bool:
        return all(s.done for s in (self.act, self.notify) if s is not None)


def _step(item: ChecklistItem, erasure: bool) -> Step:
    on = to_local(item.done_at).date() if item.done_at else None
    if item.done_at is None:
        status = PENDING
    elif item.action == "act":
        status = KEPT if item.keep_ground else (ERASED if erasure else DONE)
    elif item.action == "notify":
        status = NOT_NOTIFIED if item.keep_ground else NOTIFIED
    else:
        status = DONE
    return Step(item.id, item.action, status, on, item.done_by, item.keep_ground, i18n.from_record(item.note))


def _is_erasure(case: Case) -> bool:
    return RequestType.ERASURE.value in {t.request_type for t in case.types}


def steps_in(session: Session, case: Case) -> list[ProcessorSteps]:
    erasure = _is_erasure(case)
    items = session.execute(select(ChecklistItem).options(selectinload(ChecklistItem.processor))
                            .where(ChecklistItem.case_id == case.id, ChecklistItem.action.in_(("act", "notify")))
                            .order_by(ChecklistItem.processor_id, ChecklistItem.id)).scalars()
    rows: dict[int, dict] = {}
    for item in items:
        p = item.processor
        row = rows.setdefault(p.id, {"processor": p, "act": None, "notify": None})
        row[item.action] = _step(item, erasure)
    return [ProcessorSteps(pid, r["processor"].name, r["processor"].categories, r["processor"].notice_channel,
                           r["act"], r["notify"]) for pid, r in rows.items()]


def processor_steps(ws: Workspace, reference: str) -> list[ProcessorSteps]:
    with ws.reading() as session:
        return steps_in(session, load_case(session, reference))


def _item(session: Session, reference: str, processor: str | int, action: str) -> tuple[Case, ChecklistItem]:
    case = load_case(session, reference)
    p = find_in(session, processor)
    item = session.scalar(select(ChecklistItem).where(ChecklistItem.case_id == case.id,
                                                      ChecklistItem.processor_id == p.id,
                                                      ChecklistItem.action == action))
    if item is None:
        what = _("an action to carry out") if action == "act" else _("an Art. 19 notice")
        raise NotFound(_("Case {reference} has no step '{what}' for {processor}.").format(
                           reference=case.reference, what=what, processor=p.name))
    if case.state == CaseState.CLOSED.value:
        raise RuleViolation(_("The case is closed: reopen it first."))
    if case.subject.anonymised_at is not None:
        raise RuleViolation(_("The subject was erased: the checklist of this case is final."))
    return case, item


def _note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > 2000:
        raise InputError(_("The note is too long (at most 2000 characters)."))
    return text or None


def _record(session: Session, ws: Workspace, case: Case, item: ChecklistItem, kind: str, **details) -> None:
    audit.record(session, ws, kind, case_id=case.id, subject_id=case.subject_id,
                 details={"reference": case.reference, "processor": item.processor.name, "action": item.action,
                          **details},
                 personal={"note": item.note} if item.note else None)


def _at(ws: Workspace, on: date | None) -> datetime:
    """The stored moment for a step done on ``on`` (today: now; an earlier day: noon in Brussels)."""
    if on is None or on == ws.today():
        return ws.now_naive()
    if on > ws.today():
        raise InputError(_("The date cannot be in the future."))
    return datetime.combine(on, time(12, 0), TZ).astimezone(timezone.utc).replace(tzinfo=None)


def _check_not_before_receipt(case: Case, on: date | None) -> None:
    if on is not None and on < case.received_on:
        raise InputError(_("The date cannot be before the request was received ({received_on:%d/%m/%Y}).").format(
                             received_on=case.received_on))


def record_done(ws: Workspace, reference: str, processor: str | int, note: str | None = None,
                on: date | None = None) -> ProcessorSteps:
    """The change was carried out at this processor (for an erasure: the data there were erased,
    or it held none of them: say so in the note)."""
    roles.require_officer(ws)
    with ws.transaction() as session:
        case, item = _item(session, reference, processor, "act")
        _check_not_before_receipt(case, on)
        item.done_at, item.done_by, item.keep_ground, item.note = _at(ws, on), ws.actor.name, None, _note(note)
        kind = "checklist.erased" if _is_erasure(case) else "checklist.done"
        _record(session, ws, case, item, kind, on=to_local(item.done_at).date().isoformat())
        return _row(session, case, item.processor_id)


def record_kept(ws: Workspace, reference: str, processor: str | int, ground: str, note: str | None = None,
                on: date | None = None) -> ProcessorSteps:
    """Erasure: the data at this processor are kept, under a named legal ground (Art. 17(3))."""
    roles.require_officer(ws)
    ground = require_text(ground, N_("The legal ground for keeping the data"), 500)
    with ws.transaction() as session:
        case, item = _item(session, reference, processor, "act")
        if not _is_erasure(case):
            raise RuleViolation(_("Keeping data under a legal ground applies to an erasure request only."))
        _check_not_before_receipt(case, on)
        item.done_at, item.done_by, item.keep_ground, item.note = _at(ws, on), ws.actor.name, ground, _note(note)
        _record(session, ws, case, item, "checklist.kept", ground=ground,
                on=to_local(item.done_at).date().isoformat())
        return _row(session, case, item.processor_id)


def record_notice(ws: Workspace, reference: str, processor: str | int, sent_on: date | None = None,
                  note: str | None = None, letter_id: int | None = None) -> ProcessorSteps:
    """The Art. 19 notice went to this processor: only an ``art19-notice`` letter that left the outbox to it
    (``letter_id``) records it (the outbox does so itself when the letter leaves). Without one, the step is
    refused: record instead why no notice is sent (``record_no_notice``).
    """
    roles.require_officer(ws)
    with audit.audited_refusal(ws, reference, "steps:notified"), ws.transaction() as session:
        case, item = _item(session, reference, processor, "notify")
        letter_day = notice_letter_day(session, case, item, letter_id)
        sent_on = sent_on or letter_day
        _check_not_before_receipt(case, sent_on)
        item.done_at, item.done_by, item.keep_ground, item.note = _at(ws, sent_on), ws.actor.name, None, _note(note)
        _record(session, ws, case, item, "checklist.notified", sent_on=to_local(item.done_at).date().isoformat(),
                letter=letter_id)
        return _row(session, case, item.processor_id)


def notice_letter_day(session: Session, case: Case, item: ChecklistItem, letter_id: int | None) -> date:
    """The day the Art. 19 notice ``letter_id`` left for this step's recipient; RuleViolation otherwise."""
    name = item.processor.name
    if letter_id is None:
        raise RuleViolation(_("'Notified' is recorded by the Art. 19 notice itself: send it to {name} (letter "
                              "send {reference} art19-notice --processor \"{name}\"); it ticks this step when it "
                              "leaves. If a notice is impossible or disproportionate, record why (steps "
                              "no-notice).").format(name=name, reference=case.reference))
    from megacase.services.letters.outbox import notice_recipient
    letter = session.get(Letter, letter_id)
    if (letter is None or letter.case_id != case.id or letter.template_id != "art19-notice"
            or letter.status != "sent" or letter.sent_at is None or notice_recipient(session, letter) != name):
        raise RuleViolation(_("Letter {letter_id} is not an Art. 19 notice of {reference} that left the outbox "
                              "to {name}.").format(letter_id=letter_id, reference=case.reference, name=name))
    return to_local(letter.sent_at).date()


def record_no_notice(ws: Workspace, reference: str, processor: str | int, reason: str,
                     note: str | None = None) -> ProcessorSteps:
    """No Art. 19 notice to this processor, and why (it held nothing; impossible or disproportionate)."""
    roles.require_officer(ws)
    reason = require_text(reason, N_("The reason no notice is sent"), 500)
    with ws.transaction() as session:
        case, item = _item(session, reference, processor, "notify")
        item.done_at, item.done_by, item.keep_ground, item.note = ws.now_naive(), ws.actor.name, reason, _note(note)
        _record(session, ws, case, item, "checklist.no_notice", reason=reason)
        return _row(session, case, item.processor_id)


def reopen_step(ws: Workspace, reference: str, processor: str | int, action: str) -> ProcessorSteps:
    """Undo a step recorded by mistake (the audit trail keeps both)."""
    roles.require_officer(ws)
    if action not in ("act", "notify"):
        raise InputError(_("The step is 'act' or 'notify'."))
    with ws.transaction() as session:
        case, item = _item(session, reference, processor, action)
        item.done_at = item.done_by = item.keep_ground = item.note = None
        _record(session, ws, case, item, "checklist.undone")
        return _row(session, case, item.processor_id)


def _row(session: Session, case: Case, processor_id: int) -> ProcessorSteps:
    session.flush()
    return next(r for r in steps_in(session, case) if r.processor_id == processor_id)


def kept_in(session: Session, case: Case) -> list[tuple[str, str, str]]:
    """(processor, categories, ground) of what an erasure keeps: the erasure letter's ``kept`` list."""
    return [(r.processor, r.categories, r.act.ground) for r in steps_in(session, case)
            if r.act is not None and r.act.status == KEPT]


def kept(ws: Workspace, reference: str) -> list[tuple[str, str, str]]:
    with ws.reading() as session:
        return kept_in(session, load_case(session, reference))
