"""The demo register: realistic, made through the real services, and never passing for real mail."""

from megacase.services.cases import queries
from megacase.services.demo import demo
from megacase.services.integrity import audit
from megacase.services.letters import outbox
from megacase.services.demo.demo_letters import DEMO_REPLY


def test_demo_register_has_every_state_and_its_letters(ws):
    demo.populate(ws, count=32)
    rows = queries.list_cases(ws)
    assert len(rows) == 32
    states = {c.state.value for c in rows}
    assert states == {"received", "awaiting_identity", "in_progress", "decided", "closed"}
    assert any(c.overdue for c in rows) and any(c.extended for c in rows) and any(c.suspended for c in rows)

    sent = outbox.list_outbox(ws, include_sent=True)
    assert sent and {e.status for e in sent} == {"sent"}
    assert {e.server_reply for e in sent} == {DEMO_REPLY}
    templates = {e.template_id for e in sent}
    assert {"acknowledgement", "identity-request", "extension"} <= templates
    # every case decided granted has the letter that announced it, in the subject's language
    for c in rows:
        if c.outcome is not None and c.outcome.value == "granted":
            letters = queries.get_case(ws, c.reference).letters
            assert any(l.template_id not in ("acknowledgement", "identity-request", "extension") for l in letters)
    for c in rows:
        detail = queries.get_case(ws, c.reference)
        for letter in detail.letters:
            assert letter.language == detail.subject.language
            assert letter.recipient == detail.subject.email
    assert audit.verify(ws).ok
