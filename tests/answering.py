"""Answering a decided case the way an officer does: the identity conclusion, the recipients' steps, and every
reply letter through the real letters service and outbox (a transport that accepts and delivers nowhere)."""

from __future__ import annotations

from megacase.domain.letter_types import required_letters
from megacase.services.cases import cases, checklist, queries
from megacase.services.demo import demo_letters
from megacase.services.letters.letters import LetterOptions
from megacase.services.letters.outbox import OutgoingFile

ATTACH = {
    "access-reply": (OutgoingFile("copie-donnees.pdf", "application/pdf", b"%PDF-1.4 test copy"),),
    "portability-reply": (OutgoingFile("donnees.json", "application/json", b'{"orders": []}'),),
}


def send(ws, ref: str, template_id: str, options: LetterOptions | None = None):
    from megacase.services.letters import letters
    result = letters.send_letter(ws, ref, template_id, options=options, attachments=ATTACH.get(template_id, ()),
                                 transport_factory=lambda _ws: demo_letters.DemoMailDrop())
    assert result.sent, result.error
    return result


def answer(ws, ref: str) -> None:
    """Send every reply a decided right still waits for (and record the identity conclusion when missing)."""
    demo_letters.prepare(ws)
    detail = queries.get_case(ws, ref)
    if not any(s.result in ("verified", "failed") and s.method != "clarification" for s in detail.identity_steps) \
            and not detail.identified_by_known_address:
        cases.record_identity_check(ws, ref, "known_address", "verified", "Written from the known e-mail address.")
    for item in detail.checklist:
        if item.done_at is None and item.action == "Act on":
            checklist.mark_item(ws, item.id, True, "Done.")
    for item in detail.checklist:
        if item.done_at is None and item.action == "Notify (Art. 19)":
            from megacase.services.privacy import processor_steps
            processor_steps.record_no_notice(ws, ref, item.processor, processor_steps.NOTICE_EXEMPTIONS[0])
    sent: set[str] = set()
    for right in detail.rights:
        if right.answered or right.outcome is None:
            continue
        for group in required_letters(right.right, right.outcome):
            if group[0] not in sent:
                options = LetterOptions(restriction_reason="test") if group[0].startswith("restriction") else None
                send(ws, ref, group[0], options)
                sent.add(group[0])


def answer_and_close(ws, ref: str):
    answer(ws, ref)
    return cases.close(ws, ref)


def notify(ws, ref: str, recipient: str):
    """The Art. 19 notice to one recipient, through the outbox (the recipient's address recorded first)."""
    from megacase.services.privacy import processors
    demo_letters.prepare(ws)
    if not processors.get_processor(ws, recipient).notice_channel:
        slug = "".join(ch for ch in recipient.lower() if ch.isalnum())
        processors.update_processor(ws, recipient, notice_channel=f"privacy@{slug}.example")
    return send(ws, ref, "art19-notice", LetterOptions(processor=recipient))
