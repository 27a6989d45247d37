"""The processor register and the per-processor steps of a case (act, Art. 19 notice)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from megacase.errors import InputError, NotFound, PermissionDenied, RuleViolation
from megacase.services.cases import cases, queries
from megacase.services.integrity import audit
from megacase.services.privacy import processor_steps, processors
from megacase.services.workspace import Actor
from megacase.store.orm import AuditEvent

SEVEN = ["Lightspeed", "MailChimp", "Office 365", "PayPal", "Carriers", "Silvasoft", "Google Analytics"]


def _events(ws, kind):
    with ws.reading() as s:
        rows = s.query(AuditEvent).filter(AuditEvent.kind == kind).order_by(AuditEvent.seq)
        return [json.loads(e.details) for e in rows]


def test_the_register_holds_the_seven_processors_of_the_policy(ws):
    rows = processors.list_processors(ws)
    assert [p.name for p in rows] == SEVEN
    mailchimp = rows[1]
    assert mailchimp.role == "Newsletter" and mailchimp.category_list == ["name", "e-mail address", "opens and reads"]
    assert all(p.active for p in rows)
    assert processors.get_processor(ws, "silvasoft").name == "Silvasoft"
    with pytest.raises(NotFound, match="Known: Lightspeed"):
        processors.get_processor(ws, "Shopify")


def test_editing_a_processor_is_one_audited_action_that_keeps_contacts_out_of_the_trail(ws):
    p = processors.update_processor(ws, "Google Analytics", location="USA (Google LLC): EU-US Data Privacy Framework",
                                    retention="14 months", contact="Jane Roe <jroe@google.example>",
                                    notice_channel="E-mail to privacy@google.example",
                                    categories=" online identifiers ,usage data,  ")
    assert p.retention == "14 months" and p.categories == "online identifiers, usage data"
    assert p.notice_channel == "E-mail to privacy@google.example"
    [event] = _events(ws, "processor.updated")
    assert event["processor"] == "Google Analytics"
    assert event["changes"]["retention"] == "14 months" and event["changes"]["contact"] == "changed"
    assert "jroe" not in json.dumps(event) and "privacy@google" not in json.dumps(event)
    # Nothing changed: no event.
    processors.update_processor(ws, "Google Analytics", retention="14 months")
    assert len(_events(ws, "processor.updated")) == 1
    with pytest.raises(InputError, match="cannot be empty"):
        processors.update_processor(ws, "PayPal", role="  ")
    with pytest.raises(InputError, match="already a processor named"):
        processors.update_processor(ws, "PayPal", name="mailchimp")
    with pytest.raises(InputError, match="Unknown processor field"):
        processors.update_processor(ws, "PayPal", colour="blue")
    with pytest.raises(PermissionDenied):
        processors.update_processor(ws.as_actor(Actor("maria", "manager")), "PayPal", retention="5 years")
    assert audit.verify(ws).ok


def test_a_new_processor_joins_new_checklists_and_an_inactive_one_leaves_them(ws, open_access_case):
    processors.add_processor(ws, "Bpost", "Parcel delivery", "name, delivery address",
                             notice_channel="E-mail to privacy@bpost.example")
    processors.set_active(ws, "Google Analytics", False)
    detail = open_access_case(types=("erasure",))
    names = {item.processor for item in detail.checklist}
    assert "Bpost" in names and "Google Analytics" not in names
    assert [p.name for p in processors.overview(ws)] == SEVEN[:-1] + ["Bpost"]
    assert len(processors.list_processors(ws)) == 8


def test_erasure_steps_record_erased_kept_with_ground_and_the_notices_with_their_dates(ws, open_access_case, clock):
    ref = open_access_case(received="2027-04-01 09:30", types=("erasure",)).reference
    clock.set("2027-04-09 10:00")
    row = processor_steps.record_done(ws, ref, "Lightspeed", note="Account deleted")
    assert row.act.status == "erased" and row.act.on == date(2027, 4, 9) and row.notify.status == "pending"
    row = processor_steps.record_kept(ws, ref, "Silvasoft", processor_steps.INVOICE_GROUND)
    assert row.act.status == "kept" and "17(3)(b)" in row.act.ground and row.act.label == "Kept 09/04/2027"
    row = processor_steps.record_notice(ws, ref, "Lightspeed", sent_on=date(2027, 4, 7))
    assert row.notify.status == "notified" and row.notify.on == date(2027, 4, 7) and row.complete
    row = processor_steps.record_no_notice(ws, ref, "Google Analytics", processor_steps.NOTICE_EXEMPTIONS[0])
    assert row.notify.status == "not_notified" and row.notify.ground.startswith("The processor held none")
    with pytest.raises(InputError, match="future"):
        processor_steps.record_notice(ws, ref, "PayPal", sent_on=date(2027, 4, 10))
    with pytest.raises(InputError, match="before the request was received"):
        processor_steps.record_notice(ws, ref, "PayPal", sent_on=date(2027, 3, 30))
    with pytest.raises(InputError, match="legal ground"):
        processor_steps.record_kept(ws, ref, "PayPal", " ")
    row = processor_steps.reopen_step(ws, ref, "Lightspeed", "notify")
    assert row.notify.status == "pending"
    assert processor_steps.kept(ws, ref) == [("Silvasoft", "name, addresses, order details, invoices",
                                              processor_steps.INVOICE_GROUND)]
    kinds = [e.kind for e in queries.get_case(ws, ref).timeline]
    assert {"checklist.erased", "checklist.kept", "checklist.notified", "checklist.no_notice",
            "checklist.undone"} <= set(kinds)
    # The officer's note is sealed under the subject's key, not in the clear details.
    erased = [e for e in queries.get_case(ws, ref).timeline if e.kind == "checklist.erased"][0]
    assert "note" not in erased.details and erased.personal == {"note": "Account deleted"}


def test_keeping_is_for_erasure_only_and_a_closed_case_is_final(ws, open_access_case, clock):
    ref = open_access_case(types=("rectification",)).reference
    with pytest.raises(RuleViolation, match="erasure request only"):
        processor_steps.record_kept(ws, ref, "Silvasoft", "Art. 17(3)(b)")
    assert processor_steps.record_done(ws, ref, "Silvasoft").act.status == "done"
    access = open_access_case(types=("access",), subject=queries.get_case(ws, ref).subject.id).reference
    with pytest.raises(NotFound, match="no step"):
        processor_steps.record_done(ws, access, "Silvasoft")
    cases.decide(ws, access, "withdrawn")
    cases.close(ws, access)
    cases.decide(ws, ref, "withdrawn")
    cases.close(ws, ref)
    with pytest.raises(RuleViolation, match="closed"):
        processor_steps.record_notice(ws, ref, "Silvasoft")
