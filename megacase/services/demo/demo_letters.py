"""Letters of the demo register: written through the real letters service and outbox.

A demo register has no mail server. Its letters go through ``DemoMailDrop``, a
transport that accepts each message and delivers it nowhere; the server reply
recorded with the letter says so, so a demo letter can never pass for a real one.
"""

from __future__ import annotations

from megacase.domain.requests import RequestType
from megacase.services.letters import letters
from megacase.services.letters.letters import LetterOptions
from megacase.services.workspace import Workspace

DEMO_REPLY = "250 demo register: accepted, delivered nowhere (no mail server is configured)"

# The reply that announces a granted decision, by the case's first request type.
REPLY_FOR = {
    RequestType.ACCESS: "access-reply",
    RequestType.AUTOMATED_DECISION: "access-reply",
    RequestType.PORTABILITY: "portability-reply",
    RequestType.RECTIFICATION: "rectification-confirmation",
    RequestType.ERASURE: "erasure-confirmation",
    RequestType.RESTRICTION: "restriction-confirmation",
    RequestType.OBJECTION: "objection-outcome",
}

RESTRICTION_REASON = {
    "fr": "vous contestez l'exactitude de votre historique de commandes (article 18, paragraphe 1, a), du RGPD)",
    "nl": "u betwist de juistheid van uw bestelgeschiedenis (artikel 18, lid 1, a), AVG)",
    "en": "you contest the accuracy of your order history (Article 18(1)(a) GDPR)",
}


class DemoMailDrop:
    """Accepts a message and delivers it nowhere."""

    def send(self, message: bytes, sender: str, recipient: str) -> str:
        return DEMO_REPLY


def _transport(_ws: Workspace) -> DemoMailDrop:
    return DemoMailDrop()


def send(ws: Workspace, reference: str, template_id: str, options: LetterOptions | None = None) -> None:
    result = letters.send_letter(ws, reference, template_id, options=options, transport_factory=_transport)
    if result.status != "sent":
        raise RuntimeError(f"demo letter {template_id} for {reference} was not sent: {result.error}")


def send_decision_reply(ws: Workspace, reference: str, types: tuple[str, ...], outcome: str, language: str) -> None:
    """The letter that tells the subject of the decision (none for a withdrawal)."""
    if outcome == "withdrawn":
        return
    if outcome == "refused":
        send(ws, reference, "refusal")
        return
    template = REPLY_FOR[RequestType(types[0])]
    options = None
    if template == "restriction-confirmation":
        options = LetterOptions(restriction_reason=RESTRICTION_REASON[language])
    send(ws, reference, template, options)


def prepare(ws: Workspace, manager: Workspace | None = None) -> None:
    """The sender address and signature letters carry; no mail server is configured in a demo register.

    The sender is where mail goes: the officer asks, the manager (when given) approves.
    """
    from megacase.services import settings
    from megacase.services.mail import mail_routes
    from megacase.services.mail import SIGNATORY, SMTP_SENDER
    change = mail_routes.request_change(ws, {SMTP_SENDER.key: "privacy@megasecurity.eu"})
    if change is not None and change.pending and manager is not None:
        mail_routes.approve(manager, change.id, "Our privacy mailbox.")
    settings.set_value(ws, SIGNATORY.key, "Sophie Martens")
