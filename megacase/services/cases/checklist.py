"""The per-case processor checklist, generated from the request types and the register."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain.requests import RequestType
from megacase.errors import NotFound, RuleViolation
from megacase.i18n import N_, _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.workspace import Workspace
from megacase.store.orm import Case, ChecklistItem, Processor

# search: look for the subject's data there (access, portability);
# act: carry out the change there; notify: tell the processor under Art. 19.
ACTIONS_FOR = {
    RequestType.ACCESS: ("search",),
    RequestType.PORTABILITY: ("search",),
    RequestType.RECTIFICATION: ("act", "notify"),
    RequestType.ERASURE: ("act", "notify"),
    RequestType.RESTRICTION: ("act", "notify"),
    RequestType.OBJECTION: ("act",),
    RequestType.AUTOMATED_DECISION: (),
}

# English, as the case file reads them (reports/case_file_words.STEP_BY_LABEL); translated where shown.
ACTION_LABELS = {"search": N_("Search"), "act": N_("Act on"), "notify": N_("Notify (Art. 19)")}


def generate_checklist(session: Session, case: Case, types) -> None:
    actions: list[str] = []
    for t in types:
        for a in ACTIONS_FOR[RequestType(t)]:
            if a not in actions:
                actions.append(a)
    processors = session.execute(select(Processor).where(Processor.active.is_(True)).order_by(Processor.id)).scalars()
    for p in processors:
        for a in actions:
            session.add(ChecklistItem(case_id=case.id, processor_id=p.id, action=a))
    session.flush()


def mark_item(ws: Workspace, item_id: int, done: bool, note: str | None = None) -> None:
    roles.require_officer(ws)
    with ws.transaction() as session:
        item = session.get(ChecklistItem, item_id)
        if item is None:
            raise NotFound(_("That checklist item does not exist."))
        case = session.get(Case, item.case_id)
        if case.state == "closed":
            raise RuleViolation(_("The case is closed: reopen it first."))
        if item.action == "notify" and done:
            raise RuleViolation(_("An Art. 19 notice to {processor_name} is recorded by the notice letter when "
                                  "it leaves the outbox, or by the reason no notice is sent (Processors tab).").format(
                                    processor_name=item.processor.name))
        item.done_at = ws.now_naive() if done else None
        item.done_by = ws.actor.name if done else None
        item.note = (note or "").strip() or None
        audit.record(session, ws, "checklist.done" if done else "checklist.undone", case_id=case.id,
                     subject_id=case.subject_id,
                     details={"reference": case.reference, "processor": item.processor.name,
                                                          "action": item.action},
                     personal={"note": item.note} if item.note else None)   # free text: sealed, shredded on erasure
