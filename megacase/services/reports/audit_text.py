"""Audit events in words: the details of an event as labelled, human-readable lines.

Used by the case file PDF; any view of a timeline may use it too. Unknown
event kinds and keys fall back to a readable form of the raw key and value, so
events added by later features still print sensibly.
"""

from __future__ import annotations

from datetime import datetime, timezone

from megacase.domain.requests import CaseState, Channel, Outcome, RequestType
from megacase.services.integrity.audit import EVENT_LABELS, TimelineEntry
from megacase.services.cases.cases import IDENTITY_METHODS
from megacase.services.cases.checklist import ACTION_LABELS
from megacase.services.workspace import TZ

LABELS = {
    "subject": "Subject record",
    "channel": "Channel",
    "received_at": "Received",
    "request_types": "Rights invoked",
    "linked_to": "Linked to",
    "processing_suspended": "Processing suspended",
    "state": "State",
    "method": "Method",
    "asked": "Asked",
    "reason": "Reason",
    "suspended_from": "Clock suspended from",
    "resumed_on": "Clock resumed on",
    "result": "Result",
    "answer": "Answer",
    "old_due": "Previous due date",
    "new_due": "New due date",
    "notice_due_by": "Extension notice due by",
    "outcome": "Outcome",
    "legal_ground": "Legal ground",
    "processor": "Processor",
    "action": "Step",
    "note": "Note",
    "template": "Template",
    "template_id": "Template",
    "language": "Language",
    "template_version": "Template version",
    "template_edited": "Template edited",
    "text_edited": "Text edited before sending",
    "recipient_kind": "Recipient",
    "status": "Status",
    "attempt": "Attempt",
    "error": "Error",
    "server_reply": "Mail server reply",
    "arrived": "Arrived",
    "sent_on": "Sent on",
    "checklist_notified": "Art. 19 step ticked",
    "why": "Why",
    "identity_method": "Identity verified by",
    "verified_by": "Verified by",
    "kind": "Kind",
    "four_eyes": "Four-eyes review",
    "since": "Since",
    "until": "Until",
    "notice_sent_on": "Notice sent on",
    "ground": "Ground",
    "direct_marketing": "Direct marketing",
    "message_date": "Message date",
    "sender_matched": "Sender is the known address",
    "identified": "Identified",
    "authentication": "Mail authentication",
    "files": "Files",
    "size": "Size (bytes)",
    "message_id": "Message-ID",
    "events": "Events in the case file",
    "chain_ok": "Audit chain intact",
    "chain_head_seq": "Chain verified up to event",
    "formats": "Formats",
    "year": "Year",
    "requests": "Requests",
    "sha256": "SHA-256",
}

# Keys that repeat what the case file already says or are internal row ids.
SKIP = {"reference", "step", "letter", "note_id", "approval", "attachment", "identity_step", "processor_id",
        "record_values", "signing_key"}   # the rows' new values (checked by audit verify) and key ids

# Sealed personal data (readable until the subject is erased).
PERSONAL_LABELS = {"summary": "Request (officer's summary)", "text": "Note", "name": "Name", "email": "E-mail",
                   "recipient": "Sent to", "address": "Address", "reason": "Reason", "comment": "Comment",
                   "note": "Note"}


# Labels for kinds that ``audit.EVENT_LABELS`` does not name (its fallback is the raw kind in words).
EXTRA_EVENT_LABELS = {
    "case.exported": "Case file exported",
    "case.comment_added": "Comment added",
    "case.imported_eml": "E-mail imported",
    "case.reduced_to_skeleton": "Case reduced to its skeleton (retention)",
    "checklist.erased": "Processor step: data erased",
    "checklist.kept": "Processor step: data kept (legal ground)",
    "checklist.notified": "Processor notified (Art. 19)",
    "checklist.no_notice": "Processor not notified (Art. 19 exemption)",
    "letter.queued": "Letter written and queued",
    "letter.sent": "Letter sent",
    "letter.send_failed": "Letter not sent (delivery failed)",
    "letter.resolved": "Letter delivery resolved",
    "letter.address_override": "Letter to another address (identity verified)",
    "letter.override_refused": "Other address refused",
    "approval.requested": "Review requested (four eyes)",
    "approval.approved": "Review: approved",
    "approval.sent_back": "Review: sent back",
    "restriction.started": "Restriction started (Art. 18)",
    "restriction.lifted": "Restriction lifted (Art. 18(3))",
    "objection.direct_marketing": "Objection to direct marketing (Art. 21(2))",
    "subject.erased": "Subject erased: identifying data destroyed",
    "register.exported": "Register report exported",
}


def event_label(entry: TimelineEntry) -> str:
    return EVENT_LABELS.get(entry.kind) or EXTRA_EVENT_LABELS.get(entry.kind) or entry.label


def format_utc_stamp(value: str) -> str:
    """'2027-04-01T07:30:00Z' (UTC, as stored) -> '2027-04-01 09:30' Brussels time."""
    try:
        at = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return value
    return at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _enum_label(enum, value) -> str:
    try:
        return enum(value).label
    except ValueError:
        return str(value)


def _request_type(value) -> str:
    try:
        rt = RequestType(value)
    except ValueError:
        return str(value)
    return f"{rt.label} ({rt.article})"


def format_value(key: str, value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        fmt = _request_type if key == "request_types" else (lambda v: format_value(key, v))
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label_of(k)}: {format_value(k, v)}" for k, v in value.items() if v is not None)
    if key == "channel":
        return _enum_label(Channel, value)
    if key == "state":
        return _enum_label(CaseState, value)
    if key == "outcome":
        return _enum_label(Outcome, value)
    if key in ("method", "identity_method"):
        return IDENTITY_METHODS.get(value, str(value))
    if key in ("template", "template_id"):
        from megacase.domain.letter_types import title_of
        return title_of(str(value))
    if key == "action":
        return ACTION_LABELS.get(value, str(value))
    if key == "result":
        return str(value).capitalize()
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and "T" in value:
        return format_utc_stamp(value)
    return str(value)


def label_of(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def detail_lines(entry: TimelineEntry) -> list[tuple[str, str]]:
    """(label, value) pairs describing an event; personal data last.

    Details are stored with sorted keys, so they are put back in the order of ``LABELS``.
    """
    out: list[tuple[str, str]] = []
    order = {k: i for i, k in enumerate(LABELS)}
    for key, value in sorted(entry.details.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        if key in SKIP or value is None or value == [] or value == "":
            continue
        if key == "note" and isinstance(value, int):
            continue  # the id of a note row; its text is in the sealed part
        if key == "processing_suspended" and value is False:
            continue
        out.append((label_of(key), format_value(key, value)))
    if entry.personal:
        for key, value in entry.personal.items():
            if value not in (None, ""):
                out.append((PERSONAL_LABELS.get(key, label_of(key)), format_value(key, value)))
    return out


def describe(entry: TimelineEntry) -> str:
    """One plain-text line: 'Label: value; Label: value'."""
    return "; ".join(f"{k}: {v}" for k, v in detail_lines(entry))
