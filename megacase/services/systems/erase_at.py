"""Erasure at each system, with receipts.

"Erase at MailChimp" first shows what would go (``dry_run``, recorded), then
calls the connector and keeps the system's answer as the receipt: the finding
holds it sealed, its SHA-256 goes into the audit trail, and the case's "act"
step for that processor is recorded erased (or a task for the officer, or
nothing held). A system that keeps data under a legal ground (Silvasoft's
invoices, PayPal's payment records) is never called: its step can only be
"kept", with the ground. An objection to direct marketing at MailChimp
unsubscribes instead of deleting.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from megacase.domain.requests import RequestType
from megacase.errors import RuleViolation
from megacase import i18n
from megacase.i18n import _
from megacase.services import roles
from megacase.services.privacy import processor_steps
from megacase.services.case_lookup import load_case
from megacase.services.privacy.processors import find_in
import megacase.services.systems.connections as connections
import megacase.services.systems.findings as findings
from megacase.services.systems.catalogue import spec_for
from megacase.services.systems.collect import subject_ref
from megacase.services.systems.connectors.base import ErasurePlan
from megacase.services.systems.findings import Finding
from megacase.services.workspace import Workspace, to_local
from megacase.store.orm import Case
from megacase.store.systems_orm import SystemFinding


@dataclass(frozen=True)
class ErasureStep:
    system: str
    plan: ErasurePlan
    finding: Finding | None        # the dry run or the receipt


def _mode(case: Case) -> bool:
    """True: an objection (unsubscribe at the newsletter); False: an erasure."""
    types = {t.request_type for t in case.types}
    if RequestType.ERASURE.value in types:
        return False
    if RequestType.OBJECTION.value in types:
        return True
    raise RuleViolation(_("{reference} is neither an erasure nor an objection request.").format(
                            reference=case.reference))


def _prepare(ws: Workspace, reference: str, system: str, identifier: str | None):
    with ws.reading() as session:
        case = load_case(session, reference)
        objection = _mode(case)
        processor_steps._item(session, reference, system, "act")       # the step exists and may change
        name = find_in(session, system).name
        return subject_ref(case, identifier), name, objection


def _store(ws: Workspace, reference: str, system: str, *, outcome: str, received: bytes, summary: str,
           answer: dict | None, actions: tuple[str, ...] = (), ground: str | None = None,
           step: str | None = None) -> Finding:
    """The receipt (or dry run) and, for a real erasure, the case's act step, in one transaction."""
    with ws.transaction() as session:
        case = load_case(session, reference)
        processor = find_in(session, system)
        row = findings.store(session, ws, case, processor, kind=findings.ERASURE, source=findings.CONNECTOR
                             if answer is not None else findings.STATEMENT, outcome=outcome, received=received,
                             summary=summary, answer=answer, actions=actions, ground=ground)
        if step is not None:
            _case, item = processor_steps._item(session, reference, system, "act")
            item.done_at, item.done_by = ws.now_naive(), ws.actor.name
            item.keep_ground = ground
            # Kept as a message: the window and the case file show it in their own language.
            item.note = i18n.to_record(_("{summary} (receipt {receipt})").format(summary=summary,
                                                                                receipt=row.sha256[:12]))
            processor_steps._record(session, ws, case, item, step, on=to_local(item.done_at).date().isoformat(),
                                    receipt=row.sha256, **({"ground": ground} if ground else {}))
        return findings.view(session, row)


def dry_run(ws: Workspace, reference: str, system: str, identifier: str | None = None, *, sleep=None) -> ErasureStep:
    """What erasing at this system would do; recorded, so the real erasure can follow."""
    roles.require_officer(ws)
    subject, name, objection = _prepare(ws, reference, system, identifier)
    spec = spec_for(name)
    if spec is not None and spec.hold_ground and not objection:
        plan = ErasurePlan((), "kept", _("kept: {ground}").format(ground=spec.hold_ground))
    elif spec is None or spec.connector is None:
        plan = ErasurePlan((), "task", _("no connector: erase in the system's admin, then record it"))
    else:
        connector = connections.build(ws, name, sleep=sleep)
        try:
            plan = connector.plan_erasure(subject, objection)
        finally:
            connector.http.close()
    finding = _store(ws, reference, name, outcome=findings.DRY_RUN, received="\n".join(plan.actions).encode(),
                     summary=plan.summary, answer=None, actions=plan.actions)
    return ErasureStep(name, plan, finding)


def _had_dry_run(ws: Workspace, reference: str, system: str) -> bool:
    with ws.reading() as session:
        case = load_case(session, reference)
        processor = find_in(session, system)
        return session.scalar(select(SystemFinding.id).where(
            SystemFinding.case_id == case.id, SystemFinding.processor_id == processor.id,
            SystemFinding.outcome == findings.DRY_RUN).limit(1)) is not None


def erase(ws: Workspace, reference: str, system: str, identifier: str | None = None, *, sleep=None) -> ErasureStep:
    """Erase (or, for an objection, unsubscribe) at the system after a dry run; keep the answer as receipt."""
    roles.require_officer(ws)
    subject, name, objection = _prepare(ws, reference, system, identifier)
    spec = spec_for(name)
    if spec is not None and spec.hold_ground and not objection:
        return keep(ws, reference, name)
    if not _had_dry_run(ws, reference, name):
        raise RuleViolation(_("Run the dry run for {name} first: it shows what will be erased.").format(
                                name=name))
    if spec is None or spec.connector is None:
        raise RuleViolation(_("{name} has no connector: erase in its admin, then record the step as done.").format(
                                name=name))
    connector = connections.build(ws, name, sleep=sleep)
    try:
        plan = connector.plan_erasure(subject, objection)
        answer = connector.erase(subject, objection)
    finally:
        connector.http.close()
    step = None
    if answer.outcome in (findings.ERASED, findings.NOTHING_HELD):
        step = "checklist.done" if objection else "checklist.erased"
    finding = _store(ws, reference, name, outcome=answer.outcome, received=answer.raw, summary=answer.summary,
                     answer=answer.answer, actions=plan.actions, step=step)
    return ErasureStep(name, plan, finding)


def keep(ws: Workspace, reference: str, system: str) -> ErasureStep:
    """A system under a legal hold: the step is "kept", with the system's ground; nothing is called."""
    roles.require_officer(ws)
    _subject, name, _objection = _prepare(ws, reference, system, None)
    spec = spec_for(name)
    if spec is None or not spec.hold_ground:
        raise RuleViolation(_("{name} holds no data under a legal ground: erase there instead.").format(
                                name=name))
    plan = ErasurePlan((), "kept", _("kept: {ground}").format(ground=spec.hold_ground))
    finding = _store(ws, reference, name, outcome=findings.KEPT, received=spec.hold_ground.encode("utf-8"),
                     summary=_("kept under a legal ground"), answer=None, ground=spec.hold_ground,
                     step="checklist.kept")
    return ErasureStep(name, plan, finding)


STATUS_TEXTS = {
    "fr": {"erased": "effacées", "kept": "conservées", "nothing_held": "aucune donnée détenue",
           "task": "effacement en cours", "pending": "en cours"},
    "nl": {"erased": "gewist", "kept": "bewaard", "nothing_held": "geen gegevens in bezit",
           "task": "wissing loopt", "pending": "loopt"},
    "en": {"erased": "erased", "kept": "kept", "nothing_held": "nothing held", "task": "erasure in progress",
           "pending": "in progress"},
}


@dataclass(frozen=True)
class ErasureLine:
    system: str
    status: str            # erased | kept | nothing_held | task | pending
    ground: str | None
    receipt: str | None    # SHA-256 of the system's answer
    on: str | None         # ISO date


def erasure_lines_in(session, case: Case) -> list[ErasureLine]:
    """Per system of the case's erasure steps: erased, kept (ground), nothing held, from the receipts where there
    are some, else from the checklist (a step recorded by hand)."""
    receipts = findings.latest(findings.findings_in(session, case, findings.ERASURE), findings.ERASURE)
    out = []
    for row in processor_steps.steps_in(session, case):
        if row.act is None:
            continue
        f = receipts.get(row.processor)
        if f is not None:
            out.append(ErasureLine(row.processor, f.outcome, f.ground, f.sha256, f.at.date().isoformat()))
        elif row.act.done:
            status = "kept" if row.act.status == processor_steps.KEPT else "erased"
            out.append(ErasureLine(row.processor, status, row.act.ground, None,
                                   row.act.on.isoformat() if row.act.on else None))
        else:
            out.append(ErasureLine(row.processor, "pending", None, None, None))
    return out


def erasure_lines(ws: Workspace, reference: str) -> list[ErasureLine]:
    with ws.reading() as session:
        return erasure_lines_in(session, load_case(session, reference))
