"""Audit event details in words."""

from datetime import datetime

from megacase.services.integrity.audit import TimelineEntry
from megacase.services.reports.audit_text import describe, detail_lines


def entry(kind, details, personal=None):
    return TimelineEntry(1, datetime(2027, 4, 1, 9, 30), "alice", kind, details, personal, "0" * 64)


def test_known_keys_are_labelled_and_values_translated():
    e = entry("case.opened", {"reference": "DSR-2027-0001", "subject": "S-00001", "channel": "web_form",
                              "received_at": "2027-04-01T07:30:00Z", "request_types": ["access", "erasure"],
                              "linked_to": None, "processing_suspended": False}, {"summary": "Copie de tout, Zoë"})
    assert detail_lines(e) == [("Subject record", "S-00001"), ("Channel", "Web form"),
                               ("Received", "2027-04-01 09:30"),
                               ("Rights invoked", "Access (Art. 15 GDPR), Erasure (Art. 17 GDPR)"),
                               ("Request (officer's summary)", "Copie de tout, Zoë")]


def test_ids_are_skipped_and_unknown_keys_still_read():
    e = entry("letter.sent", {"reference": "R", "letter": 4, "template": "art19-notice", "attempt": 1,
                              "brand_new_flag": True, "outcome": "partly_granted", "method": "id_card"})
    text = describe(e)
    assert "Template: Art. 19 notice to a recipient" in text and "Brand new flag: yes" in text
    assert "Outcome: Partly granted" in text and "identity document" in text
    assert "Letter" not in [label for label, _ in detail_lines(e)]   # the row id is not printed
    assert detail_lines(entry("case.note_added", {"note": 12}, {"text": "Rappel"})) == [("Note", "Rappel")]
