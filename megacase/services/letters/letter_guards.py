"""What must be true before a letter may go out, or a case be closed (the preconditions of domain.letter_types).

Each check raises RuleViolation with a message that says what is missing. The
letters service calls ``check_letter`` before a letter is queued or recorded as
posted; ``cases.close`` calls ``check_close``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain import letter_types as lt
from megacase.domain.answers import DECIDED_NOT_SENT
from megacase.domain.requests import Outcome, RequestType
from megacase.errors import RuleViolation
from megacase.i18n import _, join
from megacase.services.cases import decisions
from megacase.store.orm import Attachment, Case, ChecklistItem, IdentityStep

SUBJECT_DATA_KIND = "subject_data"      # an attachment kind: the data collected for the case
# The portability package is a ZIP of JSON and CSV per system (services.systems.package).
MACHINE_READABLE_TYPES = ("application/json", "text/csv", "application/xml", "text/xml", "application/zip")
MACHINE_READABLE_SUFFIXES = (".json", ".csv", ".xml", ".zip")


def _outcomes_text(t: lt.LetterType, case_rights) -> str:
    parts, either = [], " " + _("or") + " "
    for right in case_rights:
        outs = t.answers.get(right)
        if outs:
            parts.append(f"{right.value} " + join(either, (_(o.label).lower() for o in outs)))
    return join("; ", parts)


def check_decided(case: Case, t: lt.LetterType) -> None:
    rights = decisions.rights_of(case)
    decided = decisions.decisions_of(case)
    if any(d.outcome in t.answers.get(r, ()) for r, d in decided.items() if r in rights):
        return
    undecided = _("undecided")
    now = join(", ", (f"{r.value} " + (_(decided[r].outcome.label).lower() if r in decided else undecided)
                      for r in rights))
    raise RuleViolation(_("A '{title}' answers {outcomes}: no right of {reference} is decided that way "
                          "(now: {now}). Decide first.").format(
                            title=_(t.title), outcomes=_outcomes_text(t, rights) or _("no right of this case"),
                            reference=case.reference, now=now))


def subject_data_ready(session: Session, case: Case, attachments) -> bool:
    """The access reply carries the subject's data, or the register says none are held (with the reason).

    The data collected for the case (attachments of kind ``subject_data``) count as attached; every system
    searched with nothing held (``services.systems``) counts as the register saying none are held.
    """
    from megacase.services.systems.collect import nothing_held_anywhere
    if attachments:
        return True
    if any(a.no_data_reason for a in case.answers if a.request_type == RequestType.ACCESS.value):
        return True
    if nothing_held_anywhere(session, case):
        return True
    return session.scalar(select(Attachment.id).where(Attachment.case_id == case.id,
                                                      Attachment.kind == SUBJECT_DATA_KIND).limit(1)) is not None


def check_subject_data(session: Session, case: Case, attachments) -> None:
    if not subject_data_ready(session, case, attachments):
        raise RuleViolation(_("An access reply gives the subject a copy of their data: attach it, or record "
                              "that no data are held and why (megacase case no-data {reference} --reason …).").format(
                                reference=case.reference))


def _machine_readable(f) -> bool:
    name = (getattr(f, "filename", "") or "").lower()
    return (getattr(f, "mime_type", "") or "").lower() in MACHINE_READABLE_TYPES or name.endswith(
        MACHINE_READABLE_SUFFIXES)


def check_machine_readable(attachments) -> None:
    if not any(_machine_readable(f) for f in attachments or ()):
        raise RuleViolation(_("A portability reply carries the data in a structured, machine-readable format "
                              "(Art. 20): attach the JSON or CSV files (a PDF is not enough)."))


def pending_steps(session: Session, case: Case) -> list[str]:
    items = session.execute(select(ChecklistItem).where(ChecklistItem.case_id == case.id,
                                                        ChecklistItem.action.in_(("act", "notify")),
                                                        ChecklistItem.done_at.is_(None))).scalars()
    return [f"{i.processor.name} ({'Art. 19 notice' if i.action == 'notify' else 'action'})" for i in items]


def check_steps_done(session: Session, case: Case, t: lt.LetterType) -> None:
    left = pending_steps(session, case)
    if left:
        more = f" and {len(left) - 5} more" if len(left) > 5 else ""
        raise RuleViolation(_("A '{title}' states what was done at every recipient: record each step first "
                              "(done, not applicable, or kept under a legal ground). Open: {left}{more}.").format(
                                title=_(t.title), left=', '.join(left[:5]), more=more))


def notified_recipients(session: Session, case: Case) -> list[str]:
    """Recipients whose Art. 19 notice was recorded as sent (not those exempted with a reason)."""
    items = session.execute(select(ChecklistItem).where(ChecklistItem.case_id == case.id,
                                                        ChecklistItem.action == "notify",
                                                        ChecklistItem.done_at.is_not(None),
                                                        ChecklistItem.keep_ground.is_(None))).scalars()
    return [i.processor.name for i in items]


def _open_step(case: Case) -> IdentityStep | None:
    return next((s for s in reversed(case.identity_steps) if s.answered_at is None), None)


def check_letter(session: Session, case: Case, template_id: str, attachments=()) -> None:
    """Every precondition of the letter type, in the registry's order."""
    t = lt.letter_type(template_id)
    if t is None:
        return
    for code in t.preconditions:
        if code == lt.DECIDED:
            check_decided(case, t)
        elif code == lt.SUBJECT_DATA:
            check_subject_data(session, case, attachments)
        elif code == lt.MACHINE_READABLE:
            check_machine_readable(attachments)
        elif code == lt.STEPS_DONE:
            check_steps_done(session, case, t)
        elif code == lt.CLARIFICATION_ASKED:
            step = _open_step(case)
            if step is None or step.method != "clarification":
                raise RuleViolation(_("A request for clarification goes with a clarification asked on the case "
                                      "(Ask the subject → clarification): the clock is suspended from the day "
                                      "it leaves."))
        elif code == lt.IDENTITY_ASKED:
            step = _open_step(case)
            if step is not None and step.method == "clarification":
                raise RuleViolation(_("A clarification was asked, not identity information: send the request "
                                      "for clarification, which does not speak of doubts about identity."))


def identity_concluded(case: Case) -> bool:
    """The record states how the subject was identified (EDPB 01/2022 §§ 60-78): the known address, a verification
    step, or no reasonable doubt with its reason; a failed verification is a conclusion too (Art. 12(2), 11(2))."""
    if case.identified_by_known_address:
        return True
    return any(s.method != "clarification" and s.result in ("verified", "failed") for s in case.identity_steps)


def check_close(session: Session, case: Case) -> None:
    answers = decisions.answers_for(case)
    missing = [f"{a.right.value} " + (_(DECIDED_NOT_SENT) if a.outcome else _("undecided"))
               for a in answers if not a.answered]
    if missing:
        raise RuleViolation(_("{reference} cannot close: {missing}. A case closes only when every right is "
                              "answered (its reply left) or withdrawn.").format(
                                reference=case.reference, missing='; '.join(missing)))
    if all(a.outcome is Outcome.WITHDRAWN for a in answers):
        return
    if not identity_concluded(case):
        raise RuleViolation(_("{reference} cannot close: record how the subject was identified (request from "
                              "the known address, a verification step, or no reasonable doubt with its reason).").format(
                                reference=case.reference))
