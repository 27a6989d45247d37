"""The invoice retention area: invoice references kept after an erasure under Art. 17(3)(b).

The one place where an erased person's name and address remain, next to the
invoice references, until the end of the legal term. Only a manager sees it
(e.g. for a tax inspection), and every look is an audit event; officers and the
rest of the application see only the anonymous case skeleton. Rows whose term
ended are purged by the retention run (``retention.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from megacase.i18n import N_
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.workspace import Workspace
from megacase.store.orm import Case, InvoiceRetention, Subject


@dataclass(frozen=True)
class RetainedInvoices:
    id: int
    case_reference: str | None
    subject_reference: str
    invoice_refs: str
    holder_name: str | None
    holder_address: str | None
    legal_ground: str
    retain_until: date
    purged: bool


def list_retained(ws: Workspace, include_purged: bool = False) -> list[RetainedInvoices]:
    """Manager only; the look itself is recorded (who, when, how many rows), never what was seen."""
    roles.require_manager(ws, N_("Seeing the invoice data kept after an erasure"))
    with ws.transaction() as session:
        query = (select(InvoiceRetention, Case.reference, Subject.reference)
                 .join(Subject, InvoiceRetention.subject_id == Subject.id)
                 .outerjoin(Case, InvoiceRetention.case_id == Case.id)
                 .order_by(InvoiceRetention.retain_until, InvoiceRetention.id))
        if not include_purged:
            query = query.where(InvoiceRetention.purged_at.is_(None))
        rows = [RetainedInvoices(r.id, case_ref, subject_ref, r.invoice_refs, r.holder_name, r.holder_address,
                                 r.legal_ground, r.retain_until, r.purged_at is not None)
                for r, case_ref, subject_ref in session.execute(query)]
        audit.record(session, ws, "invoice_retention.viewed", details={"rows": len(rows)})
    return rows
