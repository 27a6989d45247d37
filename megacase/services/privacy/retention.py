"""Retention of MegaCase's own records: case skeletons and the end of the invoice term.

Two rules, run together, always first as a dry run:

1. **Closed cases** are kept whole for a configurable number of years after
   closure (the ``retention.case_years`` setting; accountability, Art. 5(2)),
   then reduced to their anonymous skeleton: reference, request types, dates,
   outcome and its ground, deadline facts and processor steps stay; the person's
   words (summary, decision note, identity answers) and the sealed contents
   (notes, attachments, letter texts; the letters' dates, Message-ID and hash
   stay) go, and ``skeleton_since`` is set. When none of the subject's cases is
   left whole (and no restriction is in force: its lifting must still be
   notified to the person), the subject is anonymised and its key destroyed,
   so the personal parts sealed in the audit trail become unreadable too. While
   another case of the subject is still within its term, the key stays: the
   audit chain cannot lose those sealed parts without breaking.
2. **Invoice references** kept after an erasure whose legal term (``retain_until``)
   has passed are purged: the holder's name and address and the references are
   removed, the row stays as proof that it was kept and when it went.

``plan`` lists exactly what ``apply`` will change; ``apply`` recomputes the plan
in its own transaction and refuses to run if it differs from the one shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from megacase.errors import RuleViolation
from megacase.i18n import N_, _, format_date, join, ngettext
from megacase.services import roles, settings
from megacase.services.integrity import audit
from megacase.services.privacy import forgetting
from megacase.services.workspace import Workspace, local_date
from megacase.store.compaction import compact
from megacase.store.orm import Attachment, Case, InvoiceRetention, Letter, Note, Subject

CASE_YEARS = settings.CASE_YEARS

# Why a subject is not anonymised with a case: English in the plan and its JSON, translated in ``line``.
KEPT_ERASED = N_("it was erased already")
KEPT_RESTRICTED = N_("a restriction is in force (the subject must be told before it is lifted)")
KEPT_OTHER_CASE = N_("another of their cases is still within its term")
KEPT_LATER_CASE = N_("their later case in this run anonymises them")


@dataclass(frozen=True)
class SkeletonItem:
    reference: str
    closed_on: date
    subject_reference: str
    notes: int
    letters: int
    attachments: int
    anonymise_subject: bool
    subject_kept_because: str | None = None    # why the subject is not anonymised with this case (English, KEPT_BECAUSE)

    def line(self) -> str:
        """What the officer reads in the dry run, in the interface language."""
        counts = [text.format(n=n) for n, text in (
            (self.notes, ngettext("{n} note", "{n} notes", self.notes)),
            (self.letters, ngettext("{n} letter text", "{n} letter texts", self.letters)),
            (self.attachments, ngettext("{n} attachment", "{n} attachments", self.attachments))) if n]
        removed = join(", ", counts + [_("the request summary, decision note and identity answers")])
        who = (_("subject {subject} anonymised and its key destroyed").format(subject=self.subject_reference)
               if self.anonymise_subject
               else _("subject {subject} kept: {reason}").format(subject=self.subject_reference,
                                                                 reason=_(self.subject_kept_because)))
        return _("{reference} (closed {closed_on}): reduced to its skeleton, removing {removed}; {who}").format(
            reference=self.reference, closed_on=format_date(self.closed_on, "short"), removed=removed, who=who)


@dataclass(frozen=True)
class PurgeItem:
    id: int
    case_reference: str | None
    subject_reference: str
    retain_until: date

    def line(self) -> str:
        ended = format_date(self.retain_until, "short")
        if self.case_reference:
            return _("Invoice retention #{id} (subject {subject}, case {reference}): term ended {date}, holder's "
                     "name, address and invoice references purged").format(
                id=self.id, subject=self.subject_reference, reference=self.case_reference, date=ended)
        return _("Invoice retention #{id} (subject {subject}): term ended {date}, holder's name, address and "
                 "invoice references purged").format(id=self.id, subject=self.subject_reference, date=ended)


@dataclass(frozen=True)
class RetentionPlan:
    today: date
    years: int
    closed_on_or_before: date
    cases: tuple[SkeletonItem, ...]
    invoices: tuple[PurgeItem, ...]

    @property
    def empty(self) -> bool:
        return not self.cases and not self.invoices

    def lines(self) -> list[str]:
        """The dry run in the officer's words (the interface language); ``as_json`` keeps English and ISO dates."""
        head = ngettext("Retention on {today}: cases closed on or before {cutoff} ({years} year) and invoice terms "
                        "ended before today.",
                        "Retention on {today}: cases closed on or before {cutoff} ({years} years) and invoice "
                        "terms ended before today.", self.years).format(
            today=format_date(self.today, "short"), cutoff=format_date(self.closed_on_or_before, "short"),
            years=self.years)
        if self.empty:
            return [head, _("Nothing to do.")]
        return [head] + [c.line() for c in self.cases] + [i.line() for i in self.invoices]

    def as_json(self) -> dict:
        return {"today": self.today.isoformat(), "years": self.years,
                "closed_on_or_before": self.closed_on_or_before.isoformat(),
                "cases": [{**c.__dict__, "closed_on": c.closed_on.isoformat()} for c in self.cases],
                "invoices": [{**i.__dict__, "retain_until": i.retain_until.isoformat()} for i in self.invoices]}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:                      # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _count(session: Session, model, case_id: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.case_id == case_id)) or 0


def _plan(session: Session, ws: Workspace) -> RetentionPlan:
    today = ws.today()
    years = settings.get_in(session, CASE_YEARS.key)
    cutoff = years_before(today, years)
    closed = session.scalars(select(Case).where(Case.state == "closed", Case.skeleton_since.is_(None),
                                                Case.closed_at.is_not(None)).order_by(Case.closed_at, Case.id)).all()
    due = [c for c in closed if local_date(c.closed_at) <= cutoff]
    due_ids = {c.id for c in due}
    items = []
    for c in due:
        subject: Subject = c.subject
        whole_elsewhere = session.scalar(select(func.count()).select_from(Case).where(
            Case.subject_id == subject.id, Case.skeleton_since.is_(None), Case.id.not_in(due_ids))) or 0
        last_of_subject = c.id == max(x.id for x in due if x.subject_id == subject.id)
        kept_because = (KEPT_ERASED if subject.anonymised_at is not None
                        else KEPT_RESTRICTED if subject.restricted_since is not None
                        else KEPT_OTHER_CASE if whole_elsewhere
                        else KEPT_LATER_CASE if not last_of_subject else None)
        items.append(SkeletonItem(c.reference, local_date(c.closed_at), subject.reference, _count(session, Note, c.id),
                                  _count(session, Letter, c.id), _count(session, Attachment, c.id),
                                  kept_because is None, kept_because))
    rows = session.execute(select(InvoiceRetention, Case.reference, Subject.reference)
                           .join(Subject, InvoiceRetention.subject_id == Subject.id)
                           .outerjoin(Case, InvoiceRetention.case_id == Case.id)
                           .where(InvoiceRetention.purged_at.is_(None), InvoiceRetention.retain_until < today)
                           .order_by(InvoiceRetention.retain_until, InvoiceRetention.id)).all()
    purges = tuple(PurgeItem(r.id, case_ref, subject_ref, r.retain_until) for r, case_ref, subject_ref in rows)
    return RetentionPlan(today, years, cutoff, tuple(items), purges)


def plan(ws: Workspace) -> RetentionPlan:
    """The dry run: exactly what ``apply`` would change now. Changes nothing."""
    with ws.reading() as session:
        return _plan(session, ws)


def set_years(ws: Workspace, years: int) -> int:
    return settings.set_value(ws, CASE_YEARS.key, years)


def apply(ws: Workspace, expected: RetentionPlan | None = None) -> RetentionPlan:
    """Carry out the plan (the one shown, when ``expected`` is given) in one transaction, with audit events."""
    roles.require_officer(ws)
    with ws.transaction() as session:
        current = _plan(session, ws)
        if expected is not None and current != expected:
            raise RuleViolation(_("The register changed since the dry run was shown: look at the new dry run "
                                  "before applying it."))
        now = ws.now_naive()
        for item in current.cases:
            case = session.scalar(select(Case).where(Case.reference == item.reference))
            subject = case.subject
            values = forgetting.identifying_values(subject) if subject.anonymised_at is None else []
            forgetting.scrub_case(session, case, values)
            removed = forgetting.remove_bodies(session, case)
            case.skeleton_since = now
            if item.anonymise_subject:
                for other in subject.cases:    # earlier skeletons may still carry a typed-in identifier
                    if other.id != case.id:
                        forgetting.scrub_case(session, other, values)
                forgetting.anonymise_subject(session, subject, now)
            audit.record(session, ws, "case.reduced_to_skeleton", case_id=case.id, subject_id=subject.id, details={
                "reference": case.reference, "closed_on": item.closed_on.isoformat(), "years": current.years,
                "removed": removed, "subject": subject.reference, "subject_anonymised": item.anonymise_subject})
        for item in current.invoices:
            row = session.get(InvoiceRetention, item.id)
            row.holder_name = row.holder_address = None
            row.invoice_refs = "[purged]"
            row.purged_at = now
            audit.record(session, ws, "invoice_retention.purged", case_id=row.case_id, subject_id=row.subject_id,
                         details={"id": row.id, "subject": item.subject_reference,
                                  "retain_until": item.retain_until.isoformat()})
        audit.record(session, ws, "retention.applied", details={
            "years": current.years, "closed_on_or_before": current.closed_on_or_before.isoformat(),
            "cases": [c.reference for c in current.cases], "invoice_rows": [i.id for i in current.invoices]})
    if not current.empty:
        compact(ws.engine)
    return current
