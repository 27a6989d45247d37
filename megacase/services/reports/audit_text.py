"""Audit events in words: the details of an event as labelled, human-readable lines.

Used by the case file PDF, in the case file's language (an ``i18n.Translator``, ``t``); the window's
timeline uses it without one (English words, ISO dates). Unknown event kinds and keys fall back to a
readable form of the raw key and value, so events added by later features still print sensibly.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from megacase.i18n import N_, Translator, for_language
from megacase.services.integrity.audit import EVENT_LABELS, TimelineEntry
from megacase.services.reports import case_file_words as w
from megacase.services.workspace import TZ

LABELS = {
    "subject": N_("Subject record"),
    "channel": N_("Channel"),
    "received_at": N_("Received"),
    "request_types": N_("Rights invoked"),
    "linked_to": N_("Linked to"),
    "processing_suspended": N_("Processing suspended"),
    "state": N_("State"),
    "method": N_("Method"),
    "asked": N_("Asked"),
    "reason": N_("Reason"),
    "suspended_from": N_("Clock suspended from"),
    "resumed_on": N_("Clock resumed on"),
    "result": N_("Result"),
    "answer": N_("Answer"),
    "old_due": N_("Previous due date"),
    "new_due": N_("New due date"),
    "notice_due_by": N_("Extension notice due by"),
    "outcome": N_("Outcome"),
    "legal_ground": N_("Legal ground"),
    "processor": N_("Processor"),
    "action": N_("Step"),
    "note": N_("Note"),
    "template": N_("Template"),
    "template_id": N_("Template"),
    "language": N_("Language"),
    "template_version": N_("Template version"),
    "template_edited": N_("Template edited"),
    "text_edited": N_("Text edited before sending"),
    "recipient_kind": N_("Recipient"),
    "status": N_("Status"),
    "attempt": N_("Attempt"),
    "error": N_("Error"),
    "server_reply": N_("Mail server reply"),
    "arrived": N_("Arrived"),
    "sent_on": N_("Sent on"),
    "checklist_notified": N_("Art. 19 step ticked"),
    "why": N_("Why"),
    "identity_method": N_("Identity verified by"),
    "verified_by": N_("Verified by"),
    "kind": N_("Kind"),
    "four_eyes": N_("Four-eyes review"),
    "since": N_("Since"),
    "until": N_("Until"),
    "notice_sent_on": N_("Notice sent on"),
    "ground": N_("Ground"),
    "direct_marketing": N_("Direct marketing"),
    "message_date": N_("Message date"),
    "sender_matched": N_("Sender is the known address"),
    "identified": N_("Identified"),
    "authentication": N_("Mail authentication"),
    "files": N_("Files"),
    "size": N_("Size (bytes)"),
    "message_id": N_("Message-ID"),
    "events": N_("Events in the case file"),
    "chain_ok": N_("Audit chain intact"),
    "chain_head_seq": N_("Chain verified up to event"),
    "formats": N_("Formats"),
    "year": N_("Year"),
    "requests": N_("Requests"),
    "sha256": N_("SHA-256"),
    "rights": N_("Rights"),
    "all_rights_decided": N_("Every right decided"),
    "evidence": N_("Art. 12(5) evidence"),
    "evidence_attachment": N_("Evidence attached"),
    "extension_notice_on": N_("Extension notice sent on"),
    "notice_in_time": N_("Notice within the first month"),
    "on": N_("On"),
    "source": N_("Source"),
    "finding": N_("Finding"),
    "systems": N_("Systems"),
    "categories": N_("Categories"),
    "rows": N_("Rows"),
    "withheld": N_("Withheld"),
    "protected": N_("Protected"),
    "attachments": N_("Attachments"),
}

# Keys that repeat what the case file already says or are internal row ids.
SKIP = {"reference", "step", "letter", "note_id", "approval", "attachment", "identity_step", "processor_id",
        "record_values", "signing_key"}   # the rows' new values (checked by audit verify) and key ids

# Sealed personal data (readable until the subject is erased).
PERSONAL_LABELS = {"summary": N_("Request (officer's summary)"), "text": N_("Note"), "name": N_("Name"),
                   "email": N_("E-mail"), "recipient": N_("Sent to"), "address": N_("Address"),
                   "reason": N_("Reason"), "comment": N_("Comment"), "note": N_("Note"),
                   "subject_line": N_("Subject line"), "attachments": N_("Attachments"), "asked": N_("Asked"),
                   "answer": N_("Answer"), "ground": N_("Ground"), "legal_ground": N_("Legal ground"),
                   "reasons": N_("Reasons given to the subject"), "how": N_("How the system was searched")}


# Every event a case's timeline may hold, in words (the window's ``audit.EVENT_LABELS`` names most of them in
# English; the case file needs them in its own language). Unknown kinds fall back to those English labels.
EVENTS = {
    "case.opened": N_("Case opened"),
    "case.work_started": N_("Work started"),
    "case.extended": N_("Deadline extended"),
    "case.decided": N_("Decision recorded"),
    "case.closed": N_("Case closed"),
    "case.reopened": N_("Case reopened"),
    "case.note_added": N_("Note added"),
    "case.linked": N_("Linked to an earlier case"),
    "case.exported": N_("Case file exported"),
    "case.comment_added": N_("Comment added"),
    "case.imported_eml": N_("E-mail imported"),
    "case.mail_received": N_("E-mail from the subject received"),
    "case.no_data_recorded": N_("No data held recorded, with its reason"),
    "case.reduced_to_skeleton": N_("Reduced to its anonymous skeleton (retention)"),
    "identity.asked": N_("Identity / clarification asked (clock suspended)"),
    "identity.answered": N_("Answer received (clock resumed)"),
    "identity.checked": N_("Identity checked"),
    "checklist.done": N_("Processor step done"),
    "checklist.undone": N_("Processor step reopened"),
    "checklist.erased": N_("Erased at a processor"),
    "checklist.kept": N_("Kept at a processor under a legal ground"),
    "checklist.notified": N_("Art. 19 notice sent to a processor"),
    "checklist.no_notice": N_("No Art. 19 notice to a recipient (reason recorded)"),
    "subject.created": N_("Subject registered"),
    "subject.updated": N_("Subject details changed"),
    "subject.corrected": N_("Subject details corrected"),
    "subject.email_changed": N_("Known e-mail address replaced"),
    "subject.erased": N_("Subject erased (key destroyed; invoices kept apart)"),
    "letter.queued": N_("Letter written and queued"),
    "letter.sent": N_("Letter sent"),
    "letter.send_failed": N_("Letter not sent (delivery failed)"),
    "letter.bounced": N_("Letter returned undelivered"),
    "letter.resolved": N_("Letter delivery resolved"),
    "letter.posted": N_("Letter sent by post"),
    "letter.handed_over": N_("Letter handed over in person"),
    "letter.address_override": N_("Letter to another address (identity verified)"),
    "letter.override_refused": N_("Other address refused"),
    "approval.requested": N_("Review requested (four eyes)"),
    "approval.approved": N_("Review: approved"),
    "approval.sent_back": N_("Review: sent back"),
    "action.refused": N_("Action refused by a rule of the register"),
    "restriction.started": N_("Restriction of processing started (Art. 18)"),
    "restriction.lifted": N_("Restriction lifted after the Art. 18(3) notice"),
    "objection.direct_marketing": N_("Objection to direct marketing (Art. 21(3))"),
    "reminder.acknowledged": N_("Reminder acknowledged"),
    "inbox.opened": N_("Case opened from the inbox"),
    "systems.search": N_("What a system holds recorded (connector, export file or statement)"),
    "systems.erasure": N_("Erasure at a system (the system's answer kept as receipt)"),
    "systems.dry_run": N_("Dry run of an erasure at a system"),
    "systems.withheld": N_("Withheld from the access package (Art. 15(4))"),
    "systems.package": N_("Access package built (SHA-256 of each file)"),
    "invoice_retention.purged": N_("Invoice data purged at the end of the legal term"),
    "invoice_retention.viewed": N_("Invoice data kept after erasure consulted (manager)"),
    "retention.applied": N_("Retention of case records applied"),
    "register.exported": N_("Register report exported"),
}

_ENGLISH = for_language("en")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def event_label(entry: TimelineEntry, t: Translator | None = None) -> str:
    if entry.kind in EVENTS:
        return (t or _ENGLISH)._(EVENTS[entry.kind])
    return EVENT_LABELS.get(entry.kind) or entry.label


def format_utc_stamp(value: str, t: Translator | None = None) -> str:
    """'2027-04-01T07:30:00Z' (UTC, as stored) -> Brussels time: '2027-04-01 09:30', or '1 avril 2027 09:30'."""
    try:
        at = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return value
    local = at.astimezone(TZ)
    return t.format_datetime(local) if t else local.strftime("%Y-%m-%d %H:%M")


def _choice(function, t: Translator, value) -> str:
    try:
        return function(t, value)
    except (ValueError, KeyError):
        return str(value)


def format_value(key: str, value, t: Translator | None = None) -> str:
    """A detail's value in words; with ``t``, in that language (dates by Babel), else English with ISO dates."""
    words = t or _ENGLISH
    if isinstance(value, bool):
        return w.yes_no(words, value)
    if isinstance(value, list):
        fmt = (lambda v: _choice(w.right, words, v)) if key in ("request_types", "rights") \
            else (lambda v: format_value(key, v, t))
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label_of(k, t)}: {format_value(k, v, t)}" for k, v in value.items() if v is not None)
    if key == "channel":
        return _choice(w.channel, words, value)
    if key == "state":
        return _choice(w.state, words, value)
    if key == "outcome":
        if value in w.FINDINGS:                       # what a system held (systems.findings)
            return words._(w.FINDINGS[value])
        return _choice(w.outcome, words, value)
    if key == "source" and value in w.FINDING_SOURCES:
        return words._(w.FINDING_SOURCES[value])
    if key in ("kind", "recipient_kind") and value in w.KINDS:
        return words._(w.KINDS[value])
    if key in ("method", "identity_method"):
        return w.method(words, str(value))
    if key in ("template", "template_id"):
        return w.letter_title(words, str(value))
    if key == "action":
        return w.step(words, str(value))
    if key == "result":
        return w.step_result(words, str(value))
    if key in ("legal_ground", "ground"):
        return w.ground(words, str(value)) if t else str(value)
    if key == "status":
        return w.letter_status(words, str(value))
    if key in ("categories", "category") and t:       # a system's data categories, as the access package names them
        from megacase.services.systems.package_texts import category
        return category(str(value), t.language)
    if key == "language" and value in ("fr", "nl", "en"):
        return str(value).upper()
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and "T" in value:
        return format_utc_stamp(value, t)
    if t and isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return t.format_date(date.fromisoformat(value))
    if t and isinstance(value, str):
        return w.register(t, value)       # a fixed reason or register wording, in the file's language
    return str(value)


def label_of(key: str, t: Translator | None = None) -> str:
    label = LABELS.get(key)
    if label:
        return (t or _ENGLISH)._(label)
    return key.replace("_", " ").capitalize()


def detail_lines(entry: TimelineEntry, t: Translator | None = None) -> list[tuple[str, str]]:
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
        out.append((label_of(key, t), format_value(key, value, t)))
    if entry.personal:
        for key, value in entry.personal.items():
            if value not in (None, "", []):
                label = PERSONAL_LABELS.get(key)
                out.append(((t or _ENGLISH)._(label) if label else label_of(key, t), format_value(key, value, t)))
    return out


def describe(entry: TimelineEntry, t: Translator | None = None) -> str:
    """One plain-text line: 'Label: value; Label: value'."""
    return "; ".join(f"{k}: {v}" for k, v in detail_lines(entry, t))
