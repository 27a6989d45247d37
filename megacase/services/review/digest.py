"""The daily digest: an e-mail to an internal address with references and deadlines only.

Optional (setting ``digest.enabled``); sent to the address in ``digest.address``,
which may never be a subject's address; at most once a day unless forced. It
carries case references, request types, states and dates, never a name, an
address or a note. Sent through the letters' SMTP transport (``services.mail``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Callable

from sqlalchemy import func, select

from megacase.errors import InputError, RuleViolation
from megacase.i18n import _
from megacase.services import mail, settings
from megacase.services.integrity import audit
from megacase.services.review import dashboard, reminders, review
from megacase.services.workspace import Workspace
from megacase.store.orm import Subject


@dataclass(frozen=True)
class Digest:
    day: date
    subject_line: str
    body: str
    overdue: int
    due_soon: int


def compose(ws: Workspace) -> Digest:
    today = ws.today()
    leads = reminders.lead_times(ws)
    items = review.items(ws, review.ReviewFilter(leads.due_soon))
    windows = [r for r in reminders.current(ws) if r.kind == reminders.EXTENSION_WINDOW]
    board = dashboard.build(ws)
    overdue = [i for i in items if i.status == review.OVERDUE]
    soon = [i for i in items if i.status != review.OVERDUE]
    lines = [f"MegaCase daily digest for {today:%A %d %B %Y}", "",
             f"Open cases: {board.count('open').count}    overdue: {len(overdue)}    "
             f"due within {leads.due_soon} working days: {len(soon)}    "
             f"suspended: {board.count('suspended').count}", ""]

    def block(title: str, rows: list[str]) -> None:
        lines.append(f"{title} ({len(rows)})")
        lines.extend(rows or ["  none"])
        lines.append("")

    def row(i: review.ReviewItem) -> str:
        types = ", ".join(t.value for t in i.summary.request_types)
        return (f"  {i.reference:<15} due {i.summary.due.isoformat()}  {i.lateness:<22} "
                f"{i.summary.state_label.lower()}; {types}; owner {i.summary.owner or '-'}")

    block("OVERDUE", [row(i) for i in overdue])
    block(f"DUE WITHIN {leads.due_soon} WORKING DAYS", [row(i) for i in soon])
    block("EXTENSION NOTICE WINDOW CLOSING",
          [f"  {r.reference:<15} notify an extension by {r.date.isoformat()} "
           f"({r.working_days_left} working days left)" for r in windows])
    from megacase.services.integrity.verify import head_label
    lines.append(f"Audit chain head: {head_label(ws)} (keep this mail: it witnesses the register's state today)")
    lines.append("References and deadlines only: open MegaCase for the cases themselves.")
    subject = f"MegaCase digest {today.isoformat()}: {len(overdue)} overdue, {len(soon)} due soon"
    return Digest(today, subject, "\n".join(lines) + "\n", len(overdue), len(soon))


def _check_internal(session, address: str) -> None:
    """Never to a subject: the digest address must not be any subject's known address."""
    if not address:
        raise InputError(_("Set the digest address first (setting digest.address)."))
    clash = session.scalar(select(func.count()).select_from(Subject)
                           .where(func.lower(Subject.email) == address.lower()))
    if clash:
        raise RuleViolation(_("The digest address is a data subject's address: the digest goes to an internal "
                              "address only. Choose another one."))


def build_message(digest: Digest, sender: str, recipient: str, when: datetime) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, recipient, digest.subject_line
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(digest.body, charset="utf-8")
    return msg.as_bytes()


def send(ws: Workspace, transport_factory: Callable[[Workspace], object] | None = None,
         force: bool = False) -> Digest | None:
    """Send today's digest if it is enabled and not sent yet today (``force``: send anyway).

    Returns the digest sent, or None when there was nothing to do. Any user may trigger it (a scheduled
    task runs unidentified): it holds no personal data and is recorded in the audit trail.
    """
    with ws.reading() as session:
        enabled = settings.get_in(session, settings.DIGEST_ENABLED.key)
        address = settings.get_in(session, settings.DIGEST_ADDRESS.key)
        last = settings.get_in(session, settings.DIGEST_LAST_SENT.key)
        if not force and (not enabled or last == ws.today().isoformat()):
            return None
        _check_internal(session, address)
        smtp = mail.load_settings_in(session)
    if not smtp.sender:
        raise InputError(_("Set up the mail server and the sender address first (megacase config smtp)."))
    digest = compose(ws)
    transport = (transport_factory or ws.transport_factory or mail.transport_from_settings)(ws)
    try:
        reply = transport.send(build_message(digest, smtp.sender, address, ws.now()), smtp.sender, address)
    except mail.DeliveryError as exc:
        raise InputError(_("The digest was not sent: {exc}").format(exc=exc)) from None
    with ws.transaction() as session:
        settings.set_in(session, ws, settings.DIGEST_LAST_SENT.key, digest.day.isoformat(), record=False)
        audit.record(session, ws, "digest.sent", details={"day": digest.day.isoformat(), "overdue": digest.overdue,
                                                           "due_soon": digest.due_soon, "server_reply": reply})
    return digest
