"""The daily digest: an e-mail to an internal address with references and deadlines only.

Optional (setting ``digest.enabled``); sent to the address in ``digest.address``,
which may never be a subject's address; at most once a day unless forced. It
carries case references, request types, states and dates, never a name, an
address or a note. Sent through the letters' SMTP transport (``services.mail``).
Written in the language of ``digest.language`` (the manager's choice), else in the
interface language of whoever sends it; the audit event stays in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Callable

from sqlalchemy import func, select

from megacase import i18n
from megacase.domain.answers import DECIDED_NOT_SENT
from megacase.domain.requests import REQUEST_LABELS, STATE_LABELS
from megacase.errors import InputError, RuleViolation
from megacase.i18n import _
from megacase.services import mail, settings
from megacase.services.integrity import audit, verify
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
    language: str = "en"


def language_of(ws: Workspace) -> str:
    """The digest's language: the setting ``digest.language``, else the interface language when it is sent."""
    return settings.get(ws, settings.DIGEST_LANGUAGE.key) or i18n.current()


def _lateness(t: i18n.Translator, i: review.ReviewItem) -> str:
    """``ReviewItem.lateness`` in the digest's language (the same messages)."""
    if i.status == review.OVERDUE:
        return t.ngettext("{count} day late", "{count} days late", i.days_late).format(count=i.days_late)
    if i.working_days_left == 0:
        return t._("due today")
    return t.ngettext("{count} working day left", "{count} working days left", i.working_days_left).format(
        count=i.working_days_left)


def compose(ws: Workspace, language: str | None = None) -> Digest:
    """Today's digest in ``language`` (fr, nl or en; default: ``language_of``). References and dates only."""
    t = i18n.for_language(language or language_of(ws))
    today = ws.today()
    leads = reminders.lead_times(ws)
    items = review.items(ws, review.ReviewFilter(leads.due_soon))
    windows = [r for r in reminders.current(ws) if r.kind == reminders.EXTENSION_WINDOW]
    board = dashboard.build(ws)
    overdue = [i for i in items if i.status == review.OVERDUE]
    soon = [i for i in items if i.status != review.OVERDUE]
    figures = [t._("Open cases: {count}").format(count=board.count("open").count),
               t._("overdue: {count}").format(count=len(overdue)),
               t.ngettext("due within {days} working day: {count}", "due within {days} working days: {count}",
                          leads.due_soon).format(days=leads.due_soon, count=len(soon)),
               t._("suspended: {count}").format(count=board.count("suspended").count)]
    lines = [t._("MegaCase daily digest for {date}").format(date=t.format_date(today, "full")), "",
             "    ".join(figures), ""]

    def block(title: str, rows: list[str]) -> None:
        lines.append(f"{title} ({len(rows)})")
        lines.extend(rows or ["  " + t._("no case")])
        lines.append("")

    def due(i: review.ReviewItem) -> str:
        return t._("due {date}").format(date=t.format_date(i.summary.due, "medium"))

    # Columns as wide as their longest cell in this language ("échéance le 26 avr. 2027" is longer than
    # "due 26 Apr 2027"), so that they line up in a fixed-width mail reader.
    due_width = max((len(due(i)) for i in items), default=0)
    late_width = max((len(_lateness(t, i)) for i in items), default=0)

    def row(i: review.ReviewItem) -> str:
        s = i.summary
        types = ", ".join(t._(REQUEST_LABELS[rt]) for rt in s.request_types)
        state = t._(DECIDED_NOT_SENT) if s.decided_not_sent else t._(STATE_LABELS[s.state]).lower()
        owner = t._("owner {owner}").format(owner=s.owner or "-")
        what = t._("{state}; {rights}; {owner}").format(state=state, rights=types, owner=owner)
        return f"  {i.reference:<15} {due(i):<{due_width}}  {_lateness(t, i):<{late_width}}  {what}"

    block(t._("OVERDUE"), [row(i) for i in overdue])
    block(t.ngettext("DUE WITHIN {days} WORKING DAY", "DUE WITHIN {days} WORKING DAYS", leads.due_soon).format(
        days=leads.due_soon), [row(i) for i in soon])
    block(t._("EXTENSION NOTICE WINDOW CLOSING"),
          [f"  {r.reference:<15} " + t.ngettext(
              "notify an extension by {date} ({count} working day left)",
              "notify an extension by {date} ({count} working days left)", r.working_days_left).format(
                  date=t.format_date(r.date, "medium"), count=r.working_days_left) for r in windows])
    lines.append(t._("Audit chain head: {head} (keep this mail: it witnesses the register's state today)").format(
        head=i18n.render(verify.head_label(ws), t)))
    lines.append(t._("References and deadlines only: open MegaCase for the cases themselves."))
    subject = t._("MegaCase digest {date}: {overdue} overdue, {soon} due soon").format(
        date=t.format_date(today, "medium"), overdue=len(overdue), soon=len(soon))
    return Digest(today, subject, "\n".join(lines) + "\n", len(overdue), len(soon), t.language)


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
    # CRLF line ends, as SMTP wants them: the transport hands the bytes over as they are, and a server reads a
    # message with bare LFs as one long line (aiosmtpd refuses one past 1,000 bytes: any digest but the shortest).
    msg = EmailMessage(policy=SMTP)
    msg["From"], msg["To"], msg["Subject"] = sender, recipient, digest.subject_line
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(digest.body, charset="utf-8")
    return msg.as_bytes(policy=SMTP)


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
