"""Letters of the demo register: written through the real letters service and outbox.

A demo register has no mail server. Its letters go through ``DemoMailDrop``, a
transport that accepts each message and delivers it nowhere; the server reply
recorded with the letter says so, so a demo letter can never pass for a real one.
"""

from __future__ import annotations

from megacase.services.letters import letters
from megacase.services.letters.letters import LetterOptions
from megacase.services.workspace import Workspace

DEMO_REPLY = "250 demo register: accepted, delivered nowhere (no mail server is configured)"


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


def send(ws: Workspace, reference: str, template_id: str, options: LetterOptions | None = None,
         attachments=()) -> None:
    result = letters.send_letter(ws, reference, template_id, options=options, attachments=tuple(attachments),
                                 transport_factory=_transport)
    if result.status != "sent":
        raise RuntimeError(f"demo letter {template_id} for {reference} was not sent: {result.error}")


def attachments_for(ws: Workspace, reference: str, template_id: str) -> tuple:
    """What the reply carries: the copy of the data (access), the machine-readable files (portability)."""
    from megacase.services.letters import attachments
    if template_id == "access-reply":
        return (attachments.access_copy(ws, reference)[0],)
    if template_id == "portability-reply":
        return attachments.portability_files(ws, reference)
    return ()


def reply_letters(ws: Workspace, reference: str) -> list[str]:
    """The letters every decided right still waits for, once each (domain.letter_types.required_letters)."""
    from megacase.domain.letter_types import required_letters
    from megacase.services.cases import queries
    out: list[str] = []
    for right in queries.get_case(ws, reference).rights:
        if right.outcome is None or right.answered:
            continue
        for group in required_letters(right.right, right.outcome):
            if group[0] not in out:
                out.append(group[0])
    return out


def send_decision_reply(ws: Workspace, reference: str, language: str, queue_only: bool = False) -> None:
    """The letters that tell the subject of the decision on each right (none for a withdrawal)."""
    for template in reply_letters(ws, reference):
        options = None
        if template == "restriction-confirmation":
            options = LetterOptions(restriction_reason=RESTRICTION_REASON[language])
        files = attachments_for(ws, reference, template)
        if queue_only:   # the reply waits in the outbox: the case is "decided, reply not sent"
            letters.queue_letter(ws, reference, template, options=options, attachments=tuple(files))
        else:
            send(ws, reference, template, options, files)


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


# The officer recorded how each recipient takes an Art. 19 notice (the seed leaves it empty).
DEMO_NOTICE_CHANNELS = {"Lightspeed": "privacy@lightspeed.example", "MailChimp": "privacy@mailchimp.example",
                        "PayPal": "dpo@paypal.example", "Carriers": "privacy@carrier.example",
                        "Silvasoft": "privacy@silvasoft.example", "Office 365": "privacy@office365.example",
                        "Google Analytics": "privacy@google-analytics.example"}


def prepare_recipients(ws: Workspace, manager: Workspace | None = None) -> None:
    """Each recipient's notice address: where mail goes, so the manager (when given) approves each change."""
    from megacase.services.mail import mail_routes
    from megacase.services.privacy import processors
    for name, address in DEMO_NOTICE_CHANNELS.items():
        processors.update_processor(ws, name, notice_channel=address)
    if manager is not None:
        for change in mail_routes.list_changes(ws):
            mail_routes.approve(manager, change.id, "The recipient's privacy address.")
