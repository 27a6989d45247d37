"""Nothing personal in the clear: whatever an officer types into any free-text field goes only into the
sealed part of events, and is gone from every page of the database and its WAL after erasure.

The free-text parameters are found from the services' own signatures: a new one fails this test until it
is driven below (or exempted with its reason).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import megacase.services as services_pkg
from megacase.services.cases import cases, checklist, decisions, subject_corrections
from megacase.services.integrity import audit
from megacase.services.letters import letters, outbox
from megacase.services.privacy import erasure, processor_steps
from megacase.services.review import approvals
from megacase.services.workspace import Actor
from megacase.store.orm import ChecklistItem, Letter
from sqlalchemy import select
from tests import forensics
from tests.answering import answer, answer_and_close, notify
from tests.mail_sink import configure_mail, smtp_sink
from tests.services.erasure_flow import ADDRESS, CUSTOMER, NAME, granted_erasure

FREE_TEXT = re.compile(r"note|reason|question|answer|ground|comment|text|name|asked|summary|filename")
TYPED = f"{NAME}, customer {CUSTOMER}, {ADDRESS}"

# What each free-text parameter is: driven by this test, or not a subject's free text (and why).
DRIVEN = {
    "approvals.add_comment.text", "approvals.approve.comment", "approvals.send_back.comment",
    "approvals.request_approval.note", "cases.add_note.text", "cases.ask_subject.asked", "cases.ask_subject.reason",
    "cases.decide.legal_ground", "cases.decide.note", "cases.extend.reason", "cases.record_answer.answer",
    "cases.record_identity_check.note", "cases.reopen.reason", "checklist.mark_item.note",
    "subject_corrections.correct_details.name",
    "cases.decide.reasons", "decisions.record_no_data.reason", "letters.hand_over.note",
    "outbox.resolve_uncertain.note", "processor_steps.record_done.note", "processor_steps.record_kept.ground",
    "processor_steps.record_kept.note", "processor_steps.record_no_notice.reason",
    "processor_steps.record_no_notice.note", "processor_steps.record_notice.note",
}
EXEMPT = {
    "approvals.request_in.note": "the in-transaction form of request_approval (driven)",
    "eml_import.import_eml.summary": "stored as the case summary, sealed in case.opened like every summary",
    "restriction.lift.reason": "sealed by restriction.lift itself (personal part of restriction.lifted)",
    "restriction.start.ground": "a code from restriction.GROUNDS, not typed text",
    "processors.add_processor.name": "a company's name", "recipients.resolve.processor_name": "a company's name",
    "subjects.find_subjects.text": "a search: records nothing",
    "mail_routes.approve.comment": "about the company's mail routing, kept with the change, not in an event",
    "mail_routes.send_back.comment": "about the company's mail routing, kept with the change, not in an event",
    "decisions.apply_decision.ground": "the in-transaction form of cases.decide (its legal_ground is driven)",
    "decisions.apply_decision.reasons": "the in-transaction form of cases.decide (its reasons are driven)",
    "decisions.apply_decision.no_data_reason": "the in-transaction form of record_no_data (driven)",
    "eml_import.import_eml_in.summary": "the in-transaction form of import_eml: the case summary, sealed in case.opened",
    "inbox.open_case.summary": "stored as the case summary, sealed in case.opened like every summary",
    "inbox.dismiss.reason": "about a message that is no request (spam, a newsletter): sealed with the inbox item's "
                            "own key, only its hash in the chain; the item is no subject's case",
    "eml_import.import_eml_in.channel_note": "how the message came in ('imported message', 'privacy mailbox'), "
                                             "set by the program, not typed",
    "findings.store.summary": "sealed under the subject's key (finding:data): erasure destroys that key",
    "findings.store.ground": "a system's fixed hold ground from systems.catalogue, not typed text",
    "collect.import_file.filename": "sealed under the subject's key (finding:filename): erasure destroys that key",
    "package.withhold.reason": "sealed under the subject's key (withholding:reason) and in the personal part of "
                               "systems.withheld: erasure destroys the key",
    "package.withhold.category_name": "a category of a system's finding (e.g. 'orders'), not typed text",
    "connections.build.name": "a configured system's name", "connections.configure.name": "a configured system's name",
    "connections.system_state.name": "a configured system's name",
    "connections.test_connection.name": "a configured system's name",
    "users.add_user.name": "a user's name", "users.authenticate.name": "a user's name",
    "users.deactivate.name": "a user's name", "users.identify.name": "a user's name",
    "users.set_password.name": "a user's name", "users.signing_actor.name": "a user's name",
}


def free_text_parameters() -> set[str]:
    found = set()
    # every module, sub-packages included (named by the module's own name: stable when modules are regrouped)
    for info in pkgutil.walk_packages(services_pkg.__path__, "megacase.services."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            sig = inspect.signature(fn)
            if "ws" not in sig.parameters:
                continue
            for p in sig.parameters.values():
                if FREE_TEXT.search(p.name) and p.annotation in ("str", "str | None"):
                    found.add(f"{info.name.rsplit('.', 1)[-1]}.{name}.{p.name}")
    return found


def test_every_free_text_parameter_of_the_services_is_driven_or_exempted():
    unknown = free_text_parameters() - DRIVEN - set(EXEMPT)
    assert not unknown, f"new free-text parameters: drive them in this test or exempt them: {sorted(unknown)}"


def test_typed_text_is_gone_from_every_page_after_erasure(ws, open_access_case, clock, data_dir):
    manager = ws.as_actor(Actor("marc", "manager"))
    with smtp_sink() as sink:
        configure_mail(ws, sink)
        ref = granted_erasure(ws, open_access_case, clock, keep_invoices=False)
        subject_id = cases.get_case(ws, ref).subject.id
        other = open_access_case(received="2027-04-06 10:30", types=("erasure",), subject=subject_id).reference
        cases.start_work(ws, other)
        subject_corrections.correct_details(ws, subject_id, name=TYPED, postal_address=TYPED)
        cases.ask_subject(ws, other, "additional_info", TYPED, TYPED)
        cases.record_answer(ws, other, TYPED, "verified")
        cases.record_identity_check(ws, other, "in_person", "verified", TYPED)
        cases.add_note(ws, other, TYPED)
        approvals.add_comment(ws, other, TYPED)
        sent_back = approvals.request_approval(ws, other, "extension", TYPED)
        approvals.send_back(manager, sent_back.id, TYPED)
        approved = approvals.request_approval(ws, other, "extension", TYPED)
        approvals.approve(manager, approved.id, TYPED)
        cases.extend(ws, other, TYPED)
        with ws.reading() as s:
            items = s.execute(select(ChecklistItem).where(ChecklistItem.case_id == cases.get_case(ws, other).id)
                              ).scalars().all()
        checklist.mark_item(ws, items[0].id, True, TYPED)
        processor_steps.record_done(ws, other, "Lightspeed", note=TYPED)
        processor_steps.record_kept(ws, other, "Silvasoft", TYPED, note=TYPED)
        notice = notify(ws, other, "PayPal")      # the letter ticks the step; the officer then adds a typed note
        processor_steps.record_notice(ws, other, "PayPal", note=TYPED, letter_id=notice.letter_id)
        processor_steps.record_no_notice(ws, other, "Google Analytics", TYPED, note=TYPED)
        cases.decide(ws, other, "granted", legal_ground=TYPED, note=TYPED, reasons=TYPED)
        answer_and_close(ws, other)
        cases.reopen(ws, other, TYPED)
        cases.decide(ws, other, "granted", note="Done.")
        letters.hand_over(ws, other, "erasure-confirmation", TYPED)    # answered in person, a typed note
        # a letter whose sending was interrupted, then resolved by the officer with a typed note
        letters.send_letter(ws, other, "acknowledgement")
        with ws.transaction() as s:
            letter = s.execute(select(Letter).where(Letter.status == "sent").order_by(Letter.id.desc())).scalars().first()
            letter.status = outbox.UNCERTAIN
            letter_id = letter.id
        outbox.resolve_uncertain(ws, letter_id, True, TYPED)
        cases.close(ws, other)
        third = open_access_case(received="2027-04-07 10:30", subject=subject_id).reference
        cases.start_work(ws, third)
        decisions.record_no_data(ws, third, TYPED)
        cases.decide(ws, third, "granted", note="Done.")
        answer_and_close(ws, third)

        key = forensics.engine_key(ws.engine)
        before = forensics.profile_plaintext(data_dir, key)
        assert forensics.occurrences(before, CUSTOMER), "the decryption must see the typed text before erasure"
        with ws.reading() as s:   # nothing typed is in the clear part of any event, even before erasure
            from megacase.store.orm import AuditEvent
            clear = " ".join(d for (d,) in s.execute(select(AuditEvent.details)))
        for needle in (NAME, CUSTOMER, "Namur"):
            assert needle.lower() not in clear.lower(), needle
        erasure.erase(ws, ref)
    files = forensics.profile_plaintext(data_dir, key)
    for needle in (NAME, "Dubois", CUSTOMER, "Namur", "Église"):
        assert not forensics.occurrences(files, needle), needle
    assert audit.verify(ws).ok
