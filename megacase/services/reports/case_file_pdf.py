"""Layout of the regulator's case file (see ``case_file`` for what it holds and why).

It receives the plain ``case_file.CaseFile`` (``cf`` below) and never imports ``case_file``: the layout
depends on the data, not the other way round.

Sections: cover, 1 deadline, 2 identity verification, 3 processors (searched,
notified under Art. 19), 4 letters (full text), 5 audit timeline, 6 integrity.
All times are Brussels local time; dates are ISO 8601 (unambiguous in every
language the authority works in).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from megacase import __version__
from megacase.services.reports import audit_text
from megacase.services import pdf_style as ps
from megacase.domain.grounds import ground_label
from megacase.domain.letter_types import title_of as template_label
from megacase.services.workspace import to_local
from megacase.services.cases.cases import IDENTITY_METHODS
from megacase.services.reports.case_file_systems import flowables as systems_part

CHAIN_HEAD_LABEL = "Last event of the chain"
STATE_LABEL = "Current state"
CASE_LAST_LABEL = "Last event of this case"
RESULT_LABEL = "Result of the verification"

SECTIONS = ["1. Deadline", "2. Identity verification", "3. Processors searched and notified (Art. 19)",
            "4. Letters sent", "5. Audit timeline", "6. Integrity of the record"]


def _d(value: date | None) -> str:
    return value.isoformat() if value else "—"


def _dt(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def _days(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


def _coloured(value: str, ok: bool) -> Flowable:
    colour = ps.GOOD.hexval()[2:] if ok else ps.BAD.hexval()[2:]
    return ps.markup(f'<font color="#{colour}"><b>{escape(value)}</b></font>', ps.VALUE)


def timing_sentence(cf) -> tuple[str, bool]:
    t = cf.timing
    if t.replied:
        how = "reply letter sent" if t.reply_source == "letter" else "decision recorded"
        if t.on_time:
            spare = -t.days
            extra = f", {_days(spare)} before the due date" if spare else ", on the due date"
            return f"On time: {how} on {_d(t.reply_on)}{extra}.", True
        return f"Late by {_days(t.days)}: {how} on {_d(t.reply_on)}, due {_d(t.due)}.", False
    what = "Decided, reply not sent" if t.reply_source == "decided_not_sent" else "Not yet answered"
    if t.days > 0:
        return f"{what} and overdue by {_days(t.days)} at export (due {_d(t.due)}).", False
    return f"{what}; {_days(-t.days)} left at export (due {_d(t.due)}).", True


def _chain_sentence(cf) -> tuple[str, bool]:
    i = cf.integrity
    if i.ok:
        return f"Audit chain intact: all {i.verified_events} events verified at export.", True
    where = f" at event {i.broken_seq}" if i.broken_seq is not None else ""
    return (f"Audit chain BROKEN{where}: {i.problem}. "
            f"{i.verified_events} of {i.total_events} events verified before the break."), False


def _state_sentence(i) -> str:
    if not i.state_ok:
        return " ".join(i.state_findings[:6]) + (" …" if len(i.state_findings) > 6 else "")
    others = (f" Elsewhere in the register {i.register_state_differences} record(s) differ from their events: run "
              "megacase audit verify." if i.register_state_differences else "")
    return ("The case, its subject and its letters as stored equal the values their events recorded." + others)


def _cover(cf) -> list[Flowable]:
    d, s, subj = cf.detail, cf.detail.summary, cf.detail.subject
    if subj.anonymised:
        subject = f"Anonymised subject (record {subj.reference}): identifying data erased"
    else:
        subject = (f"{subj.display_name}\nKnown e-mail address: {subj.email or '—'}\n"
                   f"Subject record {subj.reference} · correspondence language {subj.language.upper()}")
    rights = "\n".join(f"{t.label} ({t.article} GDPR)" for t in s.request_types)
    outcome = s.outcome.label if s.outcome else "Not decided yet"
    if d.legal_ground:
        outcome += f"\nLegal ground: {d.legal_ground}"
    answers = "\n\n".join(_right_answer(r) for r in d.rights)
    timing, timing_ok = timing_sentence(cf)
    chain, chain_ok = _chain_sentence(cf)
    pairs: list[tuple[str, object]] = [
        ("Controller", f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL})\n{ps.CONTROLLER_ADDRESS}\n{ps.CONTROLLER_EMAIL}"),
        ("Case reference", ps.markup(f"<b>{escape(d.reference)}</b>", ps.VALUE)),
        ("Data subject", subject),
        ("Rights invoked", rights),
        ("The request", d.summary_text),
        ("Received", f"{_dt(s.received_at)} (Brussels time), "
                     + ("in person" if s.channel.value == "in_person" else f"by {s.channel.label.lower()}")),
    ]
    if d.linked_reference:
        pairs.append(("Linked case", d.linked_reference))
    pairs += [
        ("State at export", s.state.label),
        ("Outcome", outcome),
        ("Answers, right by right", answers),
        ("Date of the final reply", _d(cf.timing.reply_on) if cf.timing.replied else "Not yet answered"),
        ("Due date", f"{_d(s.due)}{' (extended)' if s.extended else ''}"),
        ("Timeliness", _coloured(timing, timing_ok)),
        ("Audit trail", _coloured(chain, chain_ok)),
        ("Generated", f"{_dt(cf.exported_at)} (Brussels time) by {cf.exported_by} ({cf.exported_role}), "
                      f"MegaCase {__version__}"),
    ]
    contents = ps.markup("<br/>".join(escape(x) for x in SECTIONS), ps.SMALL_MUTED)
    return [
        *ps.title(f"Case file {d.reference}",
                  "Record of the handling of a data subject request under the General Data Protection "
                  "Regulation, kept to demonstrate compliance (Art. 5(2) and 24 GDPR)."),
        ps.fields(pairs),
        ps.spacer(8),
        ps.p("Contents", ps.H2),
        contents,
        ps.spacer(6),
        ps.p("All times are Brussels local time. Identity documents are never kept: where one was shown, the "
             "record says only that it was checked and deleted, when and by whom. Section 6 gives the hashes "
             "with which this file can be checked against the register (megacase audit verify --case "
             f"{d.reference} --pdf FILE).", ps.NOTE),
        PageBreak(),
    ]


def _right_answer(r) -> str:
    """One right: outcome and ground, the reasons the subject was given, the evidence, the answering letter."""
    lines = [f"{r.right.label} ({r.right.article}): {r.outcome.label if r.outcome else 'not decided'}"]
    if r.legal_ground:
        lines.append(f"Ground: {ground_label(r.legal_ground)}")
    if r.reasons:
        lines.append(f"Reasons given to the subject: {r.reasons}")
    if r.evidence_refs:
        lines.append(f"Art. 12(5) evidence, earlier requests in the register: {', '.join(r.evidence_refs)}")
    if r.no_data_reason:
        lines.append(f"No data held: {r.no_data_reason}")
    if r.outcome is not None and r.outcome.value != "withdrawn":
        lines.append(f"Answered by letter {r.letter_id}, sent {_dt(to_local(r.answered_at))}" if r.answered
                     else "Decided, reply not sent")
    return "\n".join(lines)


def _deadline(cf) -> list[Flowable]:
    d, dl = cf.detail, cf.detail.deadline
    timing, ok = timing_sentence(cf)
    pairs: list[tuple[str, object]] = [
        ("Received on", _d(dl.received)),
        ("One month from receipt", f"{_d(dl.plain_one_month)} (Art. 12(3) GDPR, counted under Regulation "
                                   "1182/71: the day of receipt is not counted)"),
        ("Clock suspended", _days(dl.suspended_days) + (" (still suspended at export)" if dl.suspended_now else "")),
        ("One-month due date", f"{_d(dl.one_month_due)} (suspensions added; moved to the next working day "
                               "when it falls on a weekend or Belgian public holiday)"),
    ]
    if dl.extended:
        notice = cf.extension_notice_on
        if notice:
            within = notice <= dl.one_month_due
            notice_text = f"{_d(notice)} ({'within' if within else 'AFTER'} the first month, " \
                          f"which ended {_d(dl.one_month_due)})"
        else:
            notice_text = "No sent extension notice is recorded."
        pairs += [
            ("Extension", f"Decided {_dt(d.extended_at)} by three months from receipt (Art. 12(3))"),
            ("Reason for the extension", d.extension_reason),
            ("Extension notice to the subject", notice_text),
            ("Extended due date", _d(dl.three_month_due)),
        ]
    else:
        pairs.append(("Extension", "None"))
    pairs += [
        ("Applicable due date", ps.markup(f"<b>{_d(dl.due)}</b>", ps.VALUE)),
        ("Final reply", _d(cf.timing.reply_on) if cf.timing.replied else "Not yet answered"),
        ("Result", _coloured(timing, ok)),
    ]
    rows = [[_d(s.started_on), _d(s.ended_on) if s.ended_on else "still running", _days(s.days), s.reason]
            for s in d.suspensions]
    return [*ps.h1(SECTIONS[0]), ps.fields(pairs), *ps.h2("Suspensions of the clock (EDPB Guidelines 01/2022, "
                                                         "para. 159)"),
            ps.table(["From (asked)", "To (answered)", "Days", "Why"], rows, [0.17, 0.17, 0.1, 0.56],
                     empty="The clock was never suspended.")]


def _identity(cf) -> list[Flowable]:
    d = cf.detail
    rows = []
    for n, step in enumerate(d.identity_steps, 1):
        method = IDENTITY_METHODS.get(step.method, step.method)
        question = f"{method}\nAsked: {step.asked}" + (f"\nWhy proportionate: {step.reason}" if step.reason else "")
        said = step.answer if step.answer is not None else "[erased with the subject's data]"
        answer = f"{_dt(step.answered_at)}\n{said}" if step.answered_at else "No answer yet"
        decided = f"{step.result.capitalize()}" + (f"\nby {step.decided_by}" if step.decided_by else "")
        rows.append([str(n), f"{_dt(step.asked_at)}\nby {step.asked_by}", question, answer, decided])
    intro = ("The request came from the subject's known e-mail address and was accepted as identified by it."
             if d.identified_by_known_address else
             "Identity is verified only as far as proportionate (Art. 12(6) GDPR; EDPB Guidelines 01/2022).")
    return [*ps.h1(SECTIONS[1]), ps.p(intro),
            ps.table(["#", "Asked (when, by)", "Method and what was asked", "Answer (when, what)",
                      "Decision (by)"], rows, [0.05, 0.17, 0.34, 0.27, 0.17],
                     empty="No identity verification or clarification step was recorded.")]


def _processors(cf) -> list[Flowable]:
    """One row per processor, one column per step the request needs (search, act on, notify under Art. 19)."""
    items = cf.detail.checklist
    out = [*ps.h1(SECTIONS[2])]
    if not items:
        return out + [ps.p("No processor step applies to this request.", ps.NOTE)]
    steps = list(dict.fromkeys(i.action for i in items))
    by_processor: dict[str, dict] = {}
    for i in items:
        row = by_processor.setdefault(i.processor, {"categories": i.categories, "notes": []})
        row[i.action] = i
        if i.note:
            row["notes"].append(f"{i.action}: {i.note}")
        if i.keep_ground:
            row["notes"].append(f"Kept under: {i.keep_ground}")
    muted = ps.MUTED.hexval()[2:]
    good = ps.GOOD.hexval()[2:]
    rows = []
    for name, row in by_processor.items():
        cells = [ps.markup(f"<b>{escape(name)}</b><br/><font size='7' color='#{muted}'>"
                           f"{escape(row['categories'])}</font>", ps.CELL)]
        for step in steps:
            item = row.get(step)
            if item is None:
                cells.append("n/a")
            elif item.done_at:
                cells.append(ps.markup(f"<font color='#{good}'>\u2713</font> {_dt(item.done_at)}"
                                       f"<br/>by {escape(item.done_by or '')}", ps.CELL))
            else:
                cells.append("open")
        cells.append("\n".join(row["notes"]))
        rows.append(cells)
    done = {step: sum(1 for i in items if i.action == step and i.done_at) for step in steps}
    total = {step: sum(1 for i in items if i.action == step) for step in steps}
    words = {"Search": "searched", "Act on": "acted on (erased, corrected or restricted)",
             "Notify (Art. 19)": "notified under Art. 19"}
    parts = [f"{words.get(step, step.lower())}: {done[step]} of {total[step]}" for step in steps]
    open_ = sum(total.values()) - sum(done.values())
    out.append(ps.p(f"{len(by_processor)} processor(s) concerned; " + "; ".join(parts) +
                    f"; {open_} step(s) still open at export. A tick gives when the step was done and by whom."))
    step_width = 0.46 / len(steps)
    out.append(ps.table(["Processor and categories of data", *steps, "Notes"], rows,
                        [0.26, *([step_width] * len(steps)), 0.28]))
    return out + systems_part(cf.systems)


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KB"


_BLANK_LINES = re.compile(r"\n\s*\n")


def letter_paragraphs(body: str) -> list[Flowable]:
    """A letter's text as paragraphs that wrap and may split across pages; line breaks kept."""
    blocks = [b.strip("\n") for b in _BLANK_LINES.split(body.replace("\r\n", "\n").strip())]
    return [ps.quoted(b) for b in blocks if b.strip()] or [ps.p("(empty)", ps.NOTE)]


def _letters(cf) -> list[Flowable]:
    letters = cf.detail.letters
    out = [*ps.h1(SECTIONS[3])]
    if not letters:
        return out + [ps.p("No letter is recorded for this case.", ps.NOTE)]
    sent = sum(1 for l in letters if l.sent_at)
    out.append(ps.p(f"{len(letters)} letter(s) recorded, {sent} sent. Each is printed in full as it was sent "
                    "(or, if not sent, as it stands)."))
    for n, l in enumerate(letters, 1):
        when = f"Sent {_dt(l.sent_at)}" if l.sent_at else f"Not sent ({l.status}); drafted {_dt(l.created_at)}"
        head = ps.fields([("Date", when), ("To", l.recipient),
                          ("Template", f"{template_label(l.template_id)} ({l.template_id}, {l.language.upper()})"),
                          ("Subject line", l.subject_line),
                          ("Message-ID", l.message_id or "—")], label_width=0.16, compact=True)
        files = [a for a in cf.attachments if a.letter_id == l.id]
        if files:   # what went with the letter, so the file can be matched to the copy kept
            head = KeepTogether([head, ps.table(["Attachment", "Size", "SHA-256"],
                                                [[a.filename, _size(a.size), ps.markup(a.sha256, ps.CELL)]
                                                 for a in files], [0.34, 0.12, 0.54])])
        body = letter_paragraphs(l.body)
        # The heading and the letter's particulars never stand alone at the foot of a page.
        out += [KeepTogether([*ps.h2(f"Letter {n}: {template_label(l.template_id)}"), head, ps.spacer(3), body[0]]),
                *body[1:], ps.spacer(4)]
    return out


def _timeline(cf) -> list[Flowable]:
    i = cf.integrity
    muted = ps.MUTED.hexval()[2:]
    bad = ps.BAD.hexval()[2:]
    rows = []
    for e in cf.detail.timeline:
        lines = [f'<font color="#{muted}">{escape(k)}:</font> {escape(v)}'.replace("\n", "<br/>")
                 for k, v in audit_text.detail_lines(e)]
        event = f"<b>{escape(audit_text.event_label(e))}</b>"
        if not i.ok and i.broken_seq is not None and e.seq >= i.broken_seq:
            event += f'<br/><font color="#{bad}">at or after the break: not verified</font>'
        rows.append([str(e.seq), _dt(e.at), e.actor, ps.markup(event, ps.CELL),
                     ps.markup("<br/>".join(lines) or "—", ps.CELL)])
    return [*ps.h1(SECTIONS[4]),
            ps.p(f"{len(rows)} event(s) of this case, in the order recorded. '#' is the event's sequence number "
                 "in the register's audit chain."),
            ps.table(["#", "Time", "Actor", "Event", "Details"], rows, [0.06, 0.17, 0.1, 0.21, 0.46],
                     empty="No event is recorded for this case.")]


def _ref(value) -> Flowable:
    if value is None:
        return ps.p("—", ps.VALUE)
    return ps.markup(f"event #{value.seq}<br/><font name='{ps.MONO}' size='7.4'>{value.hash}</font>", ps.VALUE)


def _integrity(cf) -> list[Flowable]:
    i = cf.integrity
    sentence, ok = _chain_sentence(cf)
    pairs = [
        ("Verified at", f"{_dt(cf.exported_at)} (Brussels time), over the whole register"),
        (RESULT_LABEL, _coloured("INTACT" if ok else "BROKEN", ok)),
        ("Finding", sentence),
        ("Events in the register", str(i.total_events)),
        (CHAIN_HEAD_LABEL, _ref(i.chain_head)),
        ("Events of this case", str(i.case_events)),
        (CASE_LAST_LABEL, _ref(i.case_last)),
        (STATE_LABEL, _coloured("EQUAL TO ITS EVENTS" if i.state_ok else "DIFFERS FROM ITS EVENTS", i.state_ok)),
        ("State finding", _state_sentence(i)),
    ]
    return [*ps.h1(SECTIONS[5]), ps.fields(pairs, label_width=0.3), ps.spacer(3),
            ps.p("Every event in the register stores hash = SHA-256(hash of the previous event || canonical JSON of "
                 "the event). Changing, removing or reordering any event changes every hash after it. To check that "
                 "the register still holds the events this file shows, run: "
                 f"megacase audit verify --case {cf.detail.reference} --pdf <this file>. It recomputes the chain "
                 "and compares the two hashes above with the register.", ps.NOTE)]


def render(cf) -> bytes:
    d = cf.detail
    story: list[Flowable] = []
    for part in (_cover, _deadline, _identity, _processors, _letters, _timeline, _integrity):
        story += part(cf)
    info = ps.DocInfo(
        title=f"Case file {d.reference}",
        subject=f"Data subject request ({d.summary.types_label}): record of handling, GDPR Art. 5(2)",
        author=f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL}), exported by {cf.exported_by}",
        header_left=f"Case file {d.reference}",
        footer_left=f"Exported {_dt(cf.exported_at)} (Brussels time) by {cf.exported_by}",
        keywords=f"GDPR; data subject request; case file; {d.reference}",
    )
    return ps.build_pdf(story, info)
