"""Each right answered on its own; every guard refuses with a clear message, changes nothing and leaves a trace."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from megacase.domain.requests import Outcome
from megacase.errors import RuleViolation
from megacase.services.cases import cases, queries
from megacase.services.demo import demo_letters
from megacase.services.letters import letters, outbox
from megacase.services.reports import register_report
from megacase.services.review import reminders, review
from megacase.services.letters.letters import LetterOptions
from megacase.services.letters.outbox import OutgoingFile
from megacase.services.cases.subjects import NewSubject
from megacase.store.orm import AuditEvent, CaseAnswer, Letter
from tests.answering import ATTACH, answer, send

ZOE = NewSubject("Zoë Van den Bossche", "zoe.vandenbossche@telenet.be", "nl", "Kortrijksesteenweg 310, 9000 Gent",
                 "C-105544")


def _open(ws, clock, types, when="2027-04-01 09:30", subject_id=None, who=ZOE):
    clock.set(when)
    return cases.open_case(ws, cases.NewCase(types, "email", datetime.fromisoformat(when),
                                             new_subject=None if subject_id else who,
                                             subject_id=subject_id)).reference


def _state(ws):
    """Everything a refused action must leave alone (the audit trail aside, which gains the refusal)."""
    with ws.reading() as s:
        return (s.scalar(select(func.count()).select_from(Letter)),
                s.scalar(select(func.count()).select_from(CaseAnswer)),
                [(c.reference, c.state.value, c.outcome) for c in queries.list_cases(ws)])


def _refusals(ws):
    with ws.reading() as s:
        return [json.loads(e.details) for e in s.execute(select(AuditEvent).where(
            AuditEvent.kind == "action.refused").order_by(AuditEvent.seq)).scalars()]


@pytest.fixture
def two_rights(ws, clock):
    demo_letters.prepare(ws)
    ref = _open(ws, clock, ("access", "portability"))
    clock.set("2027-04-02 10:00")
    cases.start_work(ws, ref)
    cases.record_identity_check(ws, ref, "known_address", "verified", "Written from the known address.")
    return ref


def refused_with_nothing_changed(ws, action, match):
    before, refusals = _state(ws), len(_refusals(ws))
    with pytest.raises(RuleViolation, match=match):
        action()
    assert _state(ws) == before
    trace = _refusals(ws)
    assert len(trace) == refusals + 1
    return trace[-1]


def test_each_right_is_decided_and_answered_on_its_own(ws, clock, two_rights):
    ref = two_rights
    d = cases.decide(ws, ref, "granted", right="access")
    assert d.summary.state.value == "in_progress"           # portability still undecided
    assert [(r.right.value, r.status) for r in d.rights] == [("access", "decided, reply not sent"),
                                                              ("portability", "undecided")]
    d = cases.decide(ws, ref, "refused", "art20_1_scope", "internal: checked the sources", right="portability",
                     reasons="Uw interne beoordelingen werden niet door u verstrekt.")
    assert d.summary.state.value == "decided" and d.summary.outcome is Outcome.PARTLY_GRANTED
    assert d.summary.decided_not_sent
    access = send(ws, ref, "access-reply")
    d = queries.get_case(ws, ref)
    assert [r.answered for r in d.rights] == [True, False] and d.rights[0].letter_id == access.letter_id
    refusal = send(ws, ref, "refusal")
    d = queries.get_case(ws, ref)
    assert all(r.answered for r in d.rights) and d.rights[1].letter_id == refusal.letter_id
    body = next(l.body for l in d.letters if l.id == refusal.letter_id)
    # the subject reads the reasons written to them, the ground in their language, never the internal note
    assert "Uw interne beoordelingen werden niet door u verstrekt." in body
    assert "artikel 20, lid 1, AVG" in body and "internal: checked" not in body
    assert not d.summary.decided_not_sent and cases.close(ws, ref).summary.state.value == "closed"
    shown = d.as_json()["rights"]
    assert shown[1] == {**shown[1], "right": "portability", "outcome": "refused", "ground": "art20_1_scope",
                        "answered": True, "answering_letter_id": refusal.letter_id}


def test_decided_but_not_sent_keeps_the_clock_running_everywhere(ws, clock, two_rights):
    ref = two_rights
    cases.decide(ws, ref, "granted")                 # both rights at once
    letters.queue_letter(ws, ref, "access-reply", attachments=ATTACH["access-reply"])   # stuck in the outbox
    clock.set("2027-05-10 09:00")                    # due Monday 3 May 2027
    summary = queries.get_case(ws, ref).summary
    assert summary.overdue and summary.decided_not_sent and summary.state_label == "Decided, reply not sent"
    assert [r.kind for r in reminders.current(ws)] == ["overdue"]
    (item,) = review.items(ws)
    assert item.waiting_on[0].startswith("Officer: decided, reply not sent")
    stats = register_report.compute(ws, 2027)
    assert stats.answered == 0 and stats.open_late == 1 and stats.rows[0].outcome == "Open (decided, reply not sent)"
    assert [c.reference for c in queries.list_cases(ws, overdue_only=True)] == [ref]


def test_timeliness_is_measured_to_the_answering_letter(ws, clock, two_rights):
    ref = two_rights
    cases.decide(ws, ref, "granted")
    clock.set("2027-05-05 09:00")                     # two days after the due date
    answer(ws, ref)
    row = register_report.compute(ws, 2027).rows[0]
    assert row.decided_on.isoformat() == "2027-05-05" and row.on_time is False and row.days_to_reply == 34


def test_an_outcome_letter_only_for_a_right_decided_with_that_outcome(ws, clock, two_rights):
    ref = two_rights
    trace = refused_with_nothing_changed(
        ws, lambda: send(ws, ref, "access-reply"), "no right of .* is decided that way")
    assert trace["action"] == "letter:access-reply" and trace["reference"] == ref
    cases.decide(ws, ref, "granted", right="access")
    refused_with_nothing_changed(ws, lambda: send(ws, ref, "refusal"), "is decided that way")


def test_an_access_reply_needs_the_data_or_no_data_recorded(ws, clock, two_rights):
    ref = two_rights
    cases.decide(ws, ref, "granted", right="access")
    refused_with_nothing_changed(
        ws, lambda: letters.send_letter(ws, ref, "access-reply", transport_factory=lambda _w: demo_letters.DemoMailDrop()),
        "attach it, or record that no data are held")
    from megacase.services.cases import decisions
    decisions.record_no_data(ws, ref, "Searched Lightspeed and Silvasoft by e-mail address: no account.")
    assert letters.send_letter(ws, ref, "access-reply",
                               transport_factory=lambda _w: demo_letters.DemoMailDrop()).sent


def test_a_portability_reply_needs_machine_readable_files(ws, clock, two_rights):
    ref = two_rights
    cases.decide(ws, ref, "granted", right="portability")
    pdf = (OutgoingFile("data.pdf", "application/pdf", b"%PDF-1.4"),)
    refused_with_nothing_changed(
        ws, lambda: letters.send_letter(ws, ref, "portability-reply", attachments=pdf,
                                        transport_factory=lambda _w: demo_letters.DemoMailDrop()),
        "machine-readable")
    assert send(ws, ref, "portability-reply").sent


def test_an_erasure_confirmation_needs_every_recipients_step_and_says_art19_only_when_notified(ws, clock):
    from megacase.services.privacy import processor_steps, processors
    demo_letters.prepare(ws)
    ref = _open(ws, clock, ("erasure",))
    clock.set("2027-04-02 10:00")
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "granted")
    refused_with_nothing_changed(ws, lambda: send(ws, ref, "erasure-confirmation"),
                                 r"record each step first .* Open: Lightspeed")
    for row in processor_steps.processor_steps(ws, ref):
        processor_steps.record_done(ws, ref, row.processor)
        processor_steps.record_no_notice(ws, ref, row.processor, processor_steps.NOTICE_EXEMPTIONS[0])
    sent = send(ws, ref, "erasure-confirmation")
    body = next(l.body for l in queries.get_case(ws, ref).letters if l.id == sent.letter_id)
    assert "artikel 19" not in body                   # no notice was sent: the letter does not claim one
    # with a notice that left the outbox, the sentence is there
    processor_steps.reopen_step(ws, ref, "MailChimp", "notify")
    processors.update_processor(ws, "MailChimp", notice_channel="privacy@mailchimp.example")
    send(ws, ref, "art19-notice", LetterOptions(processor="MailChimp"))
    preview = letters.preview(ws, ref, "erasure-confirmation")
    assert "Overeenkomstig artikel 19 AVG" in preview.body


def test_a_case_closes_only_answered_and_identified(ws, clock):
    demo_letters.prepare(ws)
    ref = _open(ws, clock, ("access",))
    clock.set("2027-04-02 10:00")
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "granted")
    trace = refused_with_nothing_changed(ws, lambda: cases.close(ws, ref), "access decided, reply not sent")
    assert trace["action"] == "close"
    send(ws, ref, "access-reply")
    refused_with_nothing_changed(ws, lambda: cases.close(ws, ref), "record how the subject was identified")
    cases.record_identity_check(ws, ref, "no_doubt", "verified", "Customer number and order match; no doubt.")
    assert cases.close(ws, ref).summary.state.value == "closed"


def test_a_withdrawn_case_closes_without_a_reply(ws, clock):
    ref = _open(ws, clock, ("access",))
    cases.decide(ws, ref, "withdrawn")
    assert cases.close(ws, ref).summary.state.value == "closed"


def test_refusals_need_reasons_and_art_12_5_its_evidence(ws, clock):
    first = _open(ws, clock, ("access",), "2027-03-01 09:00")
    subject_id = queries.get_case(ws, first).subject.id
    ref = _open(ws, clock, ("access",), "2027-04-01 09:30", subject_id=subject_id)
    other = _open(ws, clock, ("access",), "2027-03-02 10:00", who=NewSubject("Anna Peeters", "anna@example.be"))
    cases.start_work(ws, ref)
    with pytest.raises(RuleViolation, match="needs its reasons"):
        cases.decide(ws, ref, "refused", "art15_4_others", "internal note only")
    with pytest.raises(RuleViolation, match="must be demonstrated"):
        cases.decide(ws, ref, "refused", "art12_5_excessive", reasons="Vierde identieke aanvraag.")
    with pytest.raises(RuleViolation, match="must be demonstrated"):   # typed as text, still Art. 12(5)
        cases.decide(ws, ref, "refused", "Art. 12(5) GDPR: excessive", reasons="Vierde identieke aanvraag.")
    with pytest.raises(RuleViolation, match="not an earlier request of the same subject"):
        cases.decide(ws, ref, "refused", "art12_5_excessive", reasons="Vierde.", evidence=(other,))
    assert queries.get_case(ws, ref).rights[0].outcome is None
    d = cases.decide(ws, ref, "refused", "art12_5_excessive", reasons="Vierde identieke aanvraag.",
                     evidence=(first,))
    assert d.rights[0].evidence_refs == (first,)


def test_clarification_has_its_own_letter_and_is_not_identity(ws, clock):
    demo_letters.prepare(ws)
    ref = _open(ws, clock, ("access",))
    cases.start_work(ws, ref)
    refused_with_nothing_changed(ws, lambda: send(ws, ref, "clarification-request",
                                                  LetterOptions(identity_requested="Welke periode?")),
                                 "clarification asked on the case")
    cases.ask_subject(ws, ref, "clarification", "Welke bestellingen bedoelt u?")
    refused_with_nothing_changed(ws, lambda: send(ws, ref, "identity-request"), "not identity information")
    sent = send(ws, ref, "clarification-request")
    body = next(l.body for l in queries.get_case(ws, ref).letters if l.id == sent.letter_id)
    assert "Welke bestellingen bedoelt u?" in body and "identiteit" not in body and "12, lid 6" not in body


def test_a_letter_stuck_in_the_outbox_answers_nothing_until_it_leaves(ws, clock, two_rights):
    ref = two_rights
    cases.decide(ws, ref, "granted", right="access")
    queued = letters.queue_letter(ws, ref, "access-reply", attachments=ATTACH["access-reply"])
    assert not queries.get_case(ws, ref).rights[0].answered
    outbox.deliver(ws, queued.letter_id, lambda _w: demo_letters.DemoMailDrop())
    assert queries.get_case(ws, ref).rights[0].letter_id == queued.letter_id


def test_the_case_file_shows_each_answer_its_evidence_and_the_attachments_under_each_letter(ws, clock):
    import hashlib
    from megacase.services.reports import case_file
    from tests.services.case_file_support import flat
    demo_letters.prepare(ws)
    first = _open(ws, clock, ("access",), "2027-03-01 09:00")
    subject_id = queries.get_case(ws, first).subject.id
    ref = _open(ws, clock, ("access", "portability"), "2027-04-01 09:30", subject_id=subject_id)
    cases.start_work(ws, ref)
    cases.record_identity_check(ws, ref, "known_address", "verified", "Known address.")
    cases.decide(ws, ref, "granted", right="access")
    cases.decide(ws, ref, "refused", "art12_5_excessive", right="portability", evidence=(first,),
                 reasons="Uw vierde identieke aanvraag in drie maanden.")
    send(ws, ref, "access-reply")
    send(ws, ref, "refusal")
    cases.close(ws, ref)
    from pypdf import PdfReader
    import io
    pdf = case_file.render_case_file(ws, ref, "en").pdf
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "Answers, right by right" in text
    assert "Portability (Art. 20 GDPR): Refused" in text and "Uw vierde identieke aanvraag in drie maanden." in text
    assert f"Art. 12(5) evidence, earlier requests in the register: {first}" in text
    (copy,) = ATTACH["access-reply"]
    assert copy.filename in text and hashlib.sha256(copy.data).hexdigest() in text.replace(" ", "")
    import pypdfium2                       # the page as a reader sees it: rendered, not blank
    page = pypdfium2.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("L")
    assert abs(page.size[0] - 595) <= 1 and abs(page.size[1] - 842) <= 1 and page.getextrema()[0] < 100   # A4, with ink on it


def test_the_suspension_starts_on_the_day_the_question_leaves(ws, clock):
    demo_letters.prepare(ws)
    ref = _open(ws, clock, ("access",))
    clock.set("2027-04-02 10:00")
    cases.start_work(ws, ref)
    cases.ask_subject(ws, ref, "clarification", "Welke bestellingen bedoelt u?")
    queued = letters.queue_letter(ws, ref, "clarification-request",
                                  options=LetterOptions(identity_requested="Welke bestellingen bedoelt u?"))
    clock.set("2027-04-06 09:00")                  # the outbox was down over the Easter weekend
    outbox.deliver(ws, queued.letter_id, lambda _w: demo_letters.DemoMailDrop())
    (susp,) = queries.get_case(ws, ref).suspensions
    assert susp.started_on.isoformat() == "2027-04-06"   # the letter and the register agree


def test_the_company_identification_is_printed_once_filled_in(ws, clock):
    from megacase.errors import InputError
    from megacase.services import settings
    from megacase.services.settings import ENTERPRISE_NUMBER, REGISTER_SEAT
    ref = _open(ws, clock, ("access",))
    assert "KBO" not in letters.preview(ws, ref, "acknowledgement").body      # empty: nothing false is printed
    with pytest.raises(InputError, match="check digits"):
        settings.set_value(ws, ENTERPRISE_NUMBER.key, "0123.456.789")
    settings.set_value(ws, ENTERPRISE_NUMBER.key, "BE 0123456749")
    settings.set_value(ws, REGISTER_SEAT.key, "Gent, afdeling Brugge")
    body = letters.preview(ws, ref, "acknowledgement").body
    assert "Ondernemingsnummer (KBO) 0123.456.749 · RPR Gent, afdeling Brugge" in body


def test_a_notice_is_written_for_its_recipient_in_its_language(ws, clock):
    from megacase.services.privacy import processors
    seeded = processors.list_processors(ws)
    # the seed's recipients start without an address or a language, and the register says so
    assert all(p.notice_gaps == ["no address for Art. 19 notices", "notice language not set"] for p in seeded)
    fr = NewSubject("Hélène Dubois", "helene@example.be", "fr")
    ref = _open(ws, clock, ("erasure", "access"), who=fr)
    processors.update_processor(ws, "Lightspeed", notice_channel="privacy@lightspeed.example", notice_language="nl")
    assert processors.get_processor(ws, "Lightspeed").notice_gaps == []
    notice = letters.preview(ws, ref, "art19-notice", LetterOptions(processor="Lightspeed"))
    assert notice.language == "nl" and "Kennisgeving op grond van artikel 19 AVG" in notice.subject_line
    # only the right that concerns the recipient, and the measure for it: not the access request
    assert "de gegevens van deze persoon wissen (artikel 17)" in notice.body and "inzage" not in notice.body


def test_a_reply_handed_over_in_person_answers_only_an_identified_subject(ws, clock):
    ref = _open(ws, clock, ("access",))
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "granted")
    copy = ATTACH["access-reply"]
    refused_with_nothing_changed(ws, lambda: letters.hand_over(ws, ref, "access-reply", "At the shop counter.",
                                                               attachments=copy), "identified on this case")
    cases.record_identity_check(ws, ref, "in_person", "verified", "Customer card shown at the counter.")
    letter_id = letters.hand_over(ws, ref, "access-reply", "At the shop counter, Ardooie.", attachments=copy)
    right = queries.get_case(ws, ref).rights[0]
    assert right.answered and right.letter_id == letter_id
    assert cases.close(ws, ref).summary.state.value == "closed"
