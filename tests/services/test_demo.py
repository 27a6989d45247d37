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
    # one reply waits in the outbox: its case is "decided, reply not sent", live and listed as such
    assert sent and {e.status for e in sent} == {"sent", "queued"}
    assert {e.server_reply for e in sent if e.status == "sent"} == {DEMO_REPLY}
    waiting = [c for c in rows if c.decided_not_sent]
    assert waiting and all(c.state.value == "decided" for c in waiting)
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
            if letter.template_id != "art19-notice":   # notices go to the recipients, the rest to the subject
                assert letter.recipient == detail.subject.email
        if c.state.value == "closed":
            # every closed case: each right answered (or withdrawn), by a letter that left, with its attachments
            assert all(r.answered for r in detail.rights), c.reference
            for r in detail.rights:
                if r.outcome.value != "withdrawn":
                    letter = next(l for l in detail.letters if l.id == r.letter_id)
                    assert letter.status == "sent"
    assert audit.verify(ws).ok


def test_the_demo_refusal_rests_on_evidence_and_reasons_to_the_subject(ws):
    demo.populate(ws, count=32)
    refused = [queries.get_case(ws, c.reference) for c in queries.list_cases(ws)
               if c.outcome is not None and c.outcome.value == "refused" and c.state.value == "closed"]
    assert refused
    for d in refused:
        assert any(s.result == "failed" for s in d.identity_steps)          # Art. 12(2) with 11(2): shown
        assert all(r.legal_ground == "art12_2_identity" and r.reasons for r in d.rights)
        refusal = next(l for l in d.letters if l.template_id == "refusal")
        assert "Reply sent to the known" not in refusal.body and d.rights[0].reasons in refusal.body
