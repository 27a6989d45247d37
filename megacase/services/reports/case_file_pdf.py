"""Layout of the regulator's case file (see ``case_file`` for what it holds and why).

It receives the plain ``case_file.CaseFile`` (``cf`` below) and never imports ``case_file``: the layout
depends on the data, not the other way round.

Sections: cover, 1 deadline, 2 identity verification, 3 processors (searched,
notified under Art. 19), 4 letters (full text, attachments with their SHA-256), 5 audit timeline, 6 integrity.
Everything is written in the case file's language (``cf.language``: the subject's by default, or the one the
officer chose at export) through ``i18n.for_language``, dates included (Babel: fr_BE, nl_BE, en_GB); the
interface language is never consulted. All times are Brussels local time.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from megacase import __version__, i18n
from megacase.i18n import N_, Translator, for_language
from megacase.services import pdf_style as ps
from megacase.services.reports import audit_text
from megacase.services.reports import case_file_words as w
from megacase.services.reports.case_file_systems import flowables as systems_part
from megacase.services.workspace import to_local

# Labels that case_file_check looks for when it reads a case file back (in each language).
CHAIN_HEAD_LABEL = N_("Last event of the chain")
STATE_LABEL = N_("Current state")
CASE_LAST_LABEL = N_("Last event of this case")
RESULT_LABEL = N_("Result of the verification")
INTACT, BROKEN = N_("INTACT"), N_("BROKEN")
TITLE = N_("Case file {reference}")
EVENT_REF = N_("event #{seq}")

SECTIONS = [N_("1. Deadline"), N_("2. Identity verification"), N_("3. Processors searched and notified (Art. 19)"),
            N_("4. Letters sent"), N_("5. Audit timeline"), N_("6. Integrity of the record")]


def _d(t: Translator, value: date | None) -> str:
    return t.format_date(value) if value else "—"


def _dt(t: Translator, value: datetime | None) -> str:
    return t.format_datetime(value) if value else "—"


def _coloured(value: str, ok: bool) -> Flowable:
    colour = ps.GOOD.hexval()[2:] if ok else ps.BAD.hexval()[2:]
    return ps.markup(f'<font color="#{colour}"><b>{escape(value)}</b></font>', ps.VALUE)


def timing_sentence(cf, t: Translator) -> tuple[str, bool]:
    tm = cf.timing
    if tm.replied:
        on = _d(t, tm.reply_on)
        if tm.on_time:
            spare = -tm.days
            if spare:
                return t.ngettext("On time: reply letter sent on {date}, {n} day before the due date.",
                                  "On time: reply letter sent on {date}, {n} days before the due date.",
                                  spare).format(date=on, n=spare), True
            return t._("On time: reply letter sent on the due date, {date}.").format(date=on), True
        return t.ngettext("Late by {n} day: reply letter sent on {date}, due {due}.",
                          "Late by {n} days: reply letter sent on {date}, due {due}.",
                          tm.days).format(n=tm.days, date=on, due=_d(t, tm.due)), False
    due = _d(t, tm.due)
    if tm.reply_source == "decided_not_sent":
        if tm.days > 0:
            return t.ngettext("Decided, reply not sent and overdue by {n} day at export (due {due}).",
                              "Decided, reply not sent and overdue by {n} days at export (due {due}).",
                              tm.days).format(n=tm.days, due=due), False
        return t.ngettext("Decided, reply not sent; {n} day left at export (due {due}).",
                          "Decided, reply not sent; {n} days left at export (due {due}).",
                          -tm.days).format(n=-tm.days, due=due), True
    if tm.days > 0:
        return t.ngettext("Not yet answered and overdue by {n} day at export (due {due}).",
                          "Not yet answered and overdue by {n} days at export (due {due}).",
                          tm.days).format(n=tm.days, due=due), False
    return t.ngettext("Not yet answered; {n} day left at export (due {due}).",
                      "Not yet answered; {n} days left at export (due {due}).",
                      -tm.days).format(n=-tm.days, due=due), True


def _chain_sentence(cf, t: Translator) -> tuple[str, bool]:
    i = cf.integrity
    if i.ok:
        return t._("Audit chain intact: all {n} events verified at export.").format(n=i.verified_events), True
    if i.broken_seq is not None:
        head = t._("Audit chain BROKEN at event {seq}: {problem}.").format(seq=i.broken_seq,
                                                                       problem=i18n.render(i.problem, t))
    else:
        head = t._("Audit chain BROKEN: {problem}.").format(problem=i18n.render(i.problem, t))
    return head + " " + t._("{verified} of {total} events verified before the break.").format(
        verified=i.verified_events, total=i.total_events), False


def _state_sentence(i, t: Translator) -> str:
    if not i.state_ok:
        return " ".join(i18n.render(f, t) for f in i.state_findings[:6]) + (" …" if len(i.state_findings) > 6 else "")
    sentence = t._("The case, its subject and its letters as stored equal the values their events recorded.")
    if i.register_state_differences:
        sentence += " " + t.ngettext(
            "Elsewhere in the register {n} record differs from its events: run megacase audit verify.",
            "Elsewhere in the register {n} records differ from their events: run megacase audit verify.",
            i.register_state_differences).format(n=i.register_state_differences)
    return sentence


def _cover(cf, t: Translator) -> list[Flowable]:
    d, s, subj = cf.detail, cf.detail.summary, cf.detail.subject
    if subj.anonymised:
        subject = t._("Anonymised subject (record {record}): identifying data erased").format(record=subj.reference)
    else:
        subject = "\n".join([subj.display_name,
                             t._("Known e-mail address: {email}").format(email=subj.email or "—"),
                             t._("Subject record {record} · correspondence language {language}").format(
                                 record=subj.reference, language=subj.language.upper())])
    outcome = w.outcome(t, s.outcome)
    if d.legal_ground:
        outcome += "\n" + t._("Legal ground: {ground}").format(ground=w.ground(t, d.legal_ground))
    timing, timing_ok = timing_sentence(cf, t)
    chain, chain_ok = _chain_sentence(cf, t)
    due = _d(t, s.due) + (" " + t._("(extended)") if s.extended else "")
    pairs: list[tuple[str, object]] = [
        (t._("Controller"), f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL})\n{ps.controller_address(t.language)}\n"
                            f"{ps.CONTROLLER_EMAIL}"),
        (t._("Case reference"), ps.markup(f"<b>{escape(d.reference)}</b>", ps.VALUE)),
        (t._("Data subject"), subject),
        (t._("Rights invoked"), "\n".join(w.right(t, r) for r in s.request_types)),
        (t._("The request"), d.summary_text),
        (t._("Received"), w.received(t, s.channel, _dt(t, s.received_at))),
    ]
    if d.linked_reference:
        pairs.append((t._("Linked case"), d.linked_reference))
    pairs += [
        (t._("State at export"), w.state(t, s.state)),
        (t._("Outcome"), outcome),
        (t._("Answers, right by right"), "\n\n".join(_right_answer(r, t) for r in d.rights)),
        (t._("Date of the final reply"), _d(t, cf.timing.reply_on) if cf.timing.replied else t._("Not yet answered")),
        (t._("Due date"), due),
        (t._("Timeliness"), _coloured(timing, timing_ok)),
        (t._("Audit trail"), _coloured(chain, chain_ok)),
        (t._("Generated"), t._("{when} (Brussels time) by {user} ({role}), MegaCase {version}").format(
            when=_dt(t, cf.exported_at), user=cf.exported_by, role=w.role(t, cf.exported_role), version=__version__)),
    ]
    contents = ps.markup("<br/>".join(escape(t._(x)) for x in SECTIONS), ps.SMALL_MUTED)
    return [
        *ps.title(t._(TITLE).format(reference=d.reference),
                  t._("Record of the handling of a data subject request under the General Data Protection "
                      "Regulation, kept to demonstrate compliance (Art. 5(2) and 24 GDPR).")),
        ps.fields(pairs),
        ps.spacer(8),
        KeepTogether([ps.p(t._("Contents"), ps.H2), contents]),
        ps.spacer(6),
        ps.p(t._("All times are Brussels local time. Identity documents are never kept: where one was shown, the "
                 "record says only that it was checked and deleted, when and by whom. Section 6 gives the hashes "
                 "with which this file can be checked against the register (megacase audit verify --case "
                 "{reference} --pdf FILE).").format(reference=d.reference), ps.NOTE),
        PageBreak(),
    ]


def _right_answer(r, t: Translator) -> str:
    """One right: outcome and ground, the reasons the subject was given, the evidence, the answering letter."""
    decided = w.outcome(t, r.outcome) if r.outcome else t._("not decided")
    lines = [t._("{right}: {outcome}").format(right=w.right(t, r.right), outcome=decided)]
    if r.legal_ground:
        lines.append(t._("Ground: {ground}").format(ground=w.ground(t, r.legal_ground)))
    if r.reasons:
        lines.append(t._("Reasons given to the subject: {reasons}").format(reasons=r.reasons))
    if r.evidence_refs:
        lines.append(t._("Art. 12(5) evidence, earlier requests in the register: {references}").format(
            references=", ".join(r.evidence_refs)))
    if r.no_data_reason:
        lines.append(t._("No data held: {reason}").format(reason=r.no_data_reason))
    if r.outcome is not None and r.outcome.value != "withdrawn":
        lines.append(t._("Answered by letter {letter}, sent {when}").format(
            letter=r.letter_id, when=_dt(t, to_local(r.answered_at))) if r.answered
            else t._("Decided, reply not sent"))
    return "\n".join(lines)


def _deadline(cf, t: Translator) -> list[Flowable]:
    d, dl = cf.detail, cf.detail.deadline
    timing, ok = timing_sentence(cf, t)
    suspended = w.days(t, dl.suspended_days)
    if dl.suspended_now:
        suspended += " " + t._("(still suspended at export)")
    pairs: list[tuple[str, object]] = [
        (t._("Received on"), _d(t, dl.received)),
        (t._("One month from receipt"), t._("{date} (Art. 12(3) GDPR, counted under Regulation 1182/71: the day of "
                                            "receipt is not counted)").format(date=_d(t, dl.plain_one_month))),
        (t._("Clock suspended"), suspended),
        (t._("One-month due date"), t._("{date} (suspensions added; moved to the next working day when it falls on "
                                        "a weekend or Belgian public holiday)").format(date=_d(t, dl.one_month_due))),
    ]
    if dl.extended:
        notice = cf.extension_notice_on
        if notice is None:
            notice_text = t._("No sent extension notice is recorded.")
        elif notice <= dl.one_month_due:
            notice_text = t._("{date} (within the first month, which ended {end})").format(
                date=_d(t, notice), end=_d(t, dl.one_month_due))
        else:
            notice_text = t._("{date} (AFTER the first month, which ended {end})").format(
                date=_d(t, notice), end=_d(t, dl.one_month_due))
        pairs += [
            (t._("Extension"), t._("Decided {when}, by three months from receipt (Art. 12(3))").format(
                when=_dt(t, d.extended_at))),
            (t._("Reason for the extension"), d.extension_reason),
            (t._("Extension notice to the subject"), notice_text),
            (t._("Extended due date"), _d(t, dl.three_month_due)),
        ]
    else:
        pairs.append((t._("Extension"), t._("None")))
    pairs += [
        (t._("Applicable due date"), ps.markup(f"<b>{escape(_d(t, dl.due))}</b>", ps.VALUE)),
        (t._("Final reply"), _d(t, cf.timing.reply_on) if cf.timing.replied else t._("Not yet answered")),
        (t._("Result"), _coloured(timing, ok)),
    ]
    rows = [[_d(t, s.started_on), _d(t, s.ended_on) if s.ended_on else t._("still running"), w.days(t, s.days),
             w.method(t, s.reason)] for s in d.suspensions]
    return [*ps.h1(t._(SECTIONS[0])), ps.fields(pairs),
            *ps.h2(t._("Suspensions of the clock (EDPB Guidelines 01/2022, para. 159)")),
            ps.table([t._("From (asked)"), t._("To (answered)"), t._("Days"), t._("Why")], rows,
                     [0.19, 0.19, 0.1, 0.52], empty=t._("The clock was never suspended."))]


def _identity(cf, t: Translator) -> list[Flowable]:
    d = cf.detail
    rows = []
    for n, step in enumerate(d.identity_steps, 1):
        question = "\n".join([w.method(t, step.method), t._("Asked: {what}").format(what=step.asked)]
                             + ([t._("Why proportionate: {reason}").format(reason=step.reason)] if step.reason else []))
        # A fixed note the register wrote (the known-address check) in the file's language; typed answers as is.
        said = i18n.render(step.answer, t) if step.answer is not None else t._("[erased with the subject's data]")
        answer = f"{_dt(t, step.answered_at)}\n{said}" if step.answered_at else t._("No answer yet")
        decided = w.step_result(t, step.result)
        if step.decided_by:
            decided += "\n" + t._("by {user}").format(user=step.decided_by)
        rows.append([str(n), f"{_dt(t, step.asked_at)}\n" + t._("by {user}").format(user=step.asked_by), question,
                     answer, decided])
    intro = (t._("The request came from the subject's known e-mail address and was accepted as identified by it.")
             if d.identified_by_known_address else
             t._("Identity is verified only as far as proportionate (Art. 12(6) GDPR; EDPB Guidelines 01/2022)."))
    return [*ps.h1(t._(SECTIONS[1])), ps.p(intro),
            ps.table(["#", t._("Asked (when, by)"), t._("Method and what was asked"), t._("Answer (when, what)"),
                      t._("Decision (by)")], rows, [0.05, 0.18, 0.33, 0.27, 0.17],
                     empty=t._("No identity verification or clarification step was recorded."))]


def _processors(cf, t: Translator) -> list[Flowable]:
    """One row per processor, one column per step the request needs (search, act on, notify under Art. 19)."""
    items = cf.detail.checklist
    out = [*ps.h1(t._(SECTIONS[2]))]
    if not items:
        return out + [ps.p(t._("No processor step applies to this request."), ps.NOTE)]
    steps = list(dict.fromkeys(i.action for i in items))
    by_processor: dict[str, dict] = {}
    for i in items:
        row = by_processor.setdefault(i.processor, {"categories": w.register(t, i.categories), "notes": []})
        row[i.action] = i
        if i.note:
            row["notes"].append(t._("{step}: {note}").format(step=w.step(t, i.action),
                                                                note=i18n.render(i.note, t)))
        if i.keep_ground and w.STEP_BY_LABEL.get(i.action) == "notify":     # why no Art. 19 notice was sent
            row["notes"].append(t._("Not notified: {reason}").format(reason=w.register(t, i.keep_ground)))
        elif i.keep_ground:
            row["notes"].append(t._("Kept under: {ground}").format(ground=w.register(t, i.keep_ground)))
    muted, good = ps.MUTED.hexval()[2:], ps.GOOD.hexval()[2:]
    rows = []
    for name, row in by_processor.items():
        cells = [ps.markup(f"<b>{escape(w.register(t, name))}</b><br/><font size='7' color='#{muted}'>"
                           f"{escape(row['categories'] or '')}</font>", ps.CELL)]
        for step in steps:
            item = row.get(step)
            if item is None:
                cells.append(t._("n/a"))
            elif item.done_at:
                by = t._("by {user}").format(user=item.done_by or "")
                cells.append(ps.markup(f"<font color='#{good}'>\u2713</font> {escape(_dt(t, item.done_at))}"
                                       f"<br/>{escape(by)}", ps.CELL))
            else:
                cells.append(t._("open"))
        cells.append("\n".join(row["notes"]))
        rows.append(cells)
    parts = []
    for step in steps:
        done = sum(1 for i in items if i.action == step and i.done_at)
        total = sum(1 for i in items if i.action == step)
        code = w.STEP_BY_LABEL.get(step, step)
        parts.append(t._(w.STEPS_DONE[code]).format(done=done, total=total) if code in w.STEPS_DONE
                     else f"{step}: {done}/{total}")
    open_ = sum(1 for i in items if not i.done_at)
    summary = " · ".join([t.ngettext("{n} processor concerned", "{n} processors concerned", len(by_processor)).format(
        n=len(by_processor)), *parts, t.ngettext("{n} step still open at export", "{n} steps still open at export",
                                                 open_).format(n=open_)])
    out.append(ps.p(summary + "."))
    out.append(ps.p(t._("A tick gives when the step was done and by whom."), ps.NOTE))
    step_width = 0.46 / len(steps)
    out.append(ps.table([t._("Processor and categories of data"), *(w.step(t, s) for s in steps), t._("Notes")], rows,
                        [0.26, *([step_width] * len(steps)), 0.28]))
    return out + systems_part(cf.systems, t)


def _size(t: Translator, n: int) -> str:
    """Exact bytes, so that the file kept can be matched byte for byte: '12 345' · '12.345' · '12,345'."""
    return t.format_number(n)


_BLANK_LINES = re.compile(r"\n\s*\n")


def letter_paragraphs(body: str, t: Translator | None = None) -> list[Flowable]:
    """A letter's text as paragraphs that wrap and may split across pages; line breaks kept."""
    blocks = [b.strip("\n") for b in _BLANK_LINES.split(body.replace("\r\n", "\n").strip())]
    empty = (t or for_language("en"))._("(empty)")
    return [ps.quoted(b) for b in blocks if b.strip()] or [ps.p(empty, ps.NOTE)]


def _letters(cf, t: Translator) -> list[Flowable]:
    letters = cf.detail.letters
    out = [*ps.h1(t._(SECTIONS[3]))]
    if not letters:
        return out + [ps.p(t._("No letter is recorded for this case."), ps.NOTE)]
    sent = sum(1 for l in letters if l.sent_at)
    out.append(ps.p(t.ngettext("{n} letter recorded, {sent} sent.", "{n} letters recorded, {sent} sent.",
                               len(letters)).format(n=len(letters), sent=sent) + " "
                    + t._("Each is printed in full as it was sent (or, if not sent, as it stands), in the language "
                          "it was written in, with the files that went with it.")))
    for n, l in enumerate(letters, 1):
        when = (t._("Sent {when}").format(when=_dt(t, l.sent_at)) if l.sent_at else
                t._("Not sent ({status}); drafted {when}").format(status=w.letter_status(t, l.status),
                                                                  when=_dt(t, l.created_at)))
        title = w.letter_title(t, l.template_id)
        head = ps.fields([(t._("Date"), when), (t._("To"), l.recipient),
                          (t._("Template"), f"{title} ({l.template_id}, {l.language.upper()})"),
                          (t._("Subject line"), l.subject_line),
                          (t._("Message-ID"), l.message_id or "—")], label_width=0.16, compact=True)
        files = [a for a in cf.attachments if a.letter_id == l.id]
        if files:   # what went with the letter, so the file can be matched to the copy kept
            head = KeepTogether([head, ps.table([t._("Attachment"), t._("Size (bytes)"), "SHA-256"],
                                                [[a.filename, _size(t, a.size), ps.markup(a.sha256, ps.CELL)]
                                                 for a in files], [0.34, 0.14, 0.52])])
        else:
            head = KeepTogether([head, ps.p(t._("No attachment."), ps.NOTE)])
        body = letter_paragraphs(l.body, t)
        # The heading and the letter's particulars never stand alone at the foot of a page.
        heading = t._("Letter {n}: {title}").format(n=n, title=title)
        out += [KeepTogether([*ps.h2(heading), head, ps.spacer(3), body[0]]), *body[1:], ps.spacer(4)]
    return out


def _timeline(cf, t: Translator) -> list[Flowable]:
    i = cf.integrity
    muted, bad = ps.MUTED.hexval()[2:], ps.BAD.hexval()[2:]
    rows = []
    # Messages are looked up outside the f-strings: Babel sees a _() inside an f-string only on Python 3.12+.
    label_of = t._("{label}:")
    not_verified = escape(t._("at or after the break: not verified"))
    for e in cf.detail.timeline:
        lines = [f'<font color="#{muted}">{escape(label_of.format(label=k))}</font> {escape(v)}'
                 .replace("\n", "<br/>") for k, v in audit_text.detail_lines(e, t)]
        event = f"<b>{escape(audit_text.event_label(e, t))}</b>"
        if not i.ok and i.broken_seq is not None and e.seq >= i.broken_seq:
            event += f'<br/><font color="#{bad}">{not_verified}</font>'
        rows.append([str(e.seq), _dt(t, e.at), e.actor, ps.markup(event, ps.CELL),
                     ps.markup("<br/>".join(lines) or "—", ps.CELL)])
    return [*ps.h1(t._(SECTIONS[4])),
            ps.p(t.ngettext("{n} event of this case, in the order recorded.",
                            "{n} events of this case, in the order recorded.", len(rows)).format(n=len(rows)) + " "
                 + t._("'#' is the event's sequence number in the register's audit chain.")),
            ps.table(["#", t._("Time"), t._("Actor"), t._("Event"), t._("Details")], rows,
                     [0.06, 0.17, 0.1, 0.21, 0.46], empty=t._("No event is recorded for this case."))]


def _ref(value, t: Translator) -> Flowable:
    if value is None:
        return ps.p("—", ps.VALUE)
    return ps.markup(f"{escape(t._(EVENT_REF).format(seq=value.seq))}<br/>"
                     f"<font name='{ps.MONO}' size='7.4'>{value.hash}</font>", ps.VALUE)


def _integrity(cf, t: Translator) -> list[Flowable]:
    i = cf.integrity
    sentence, ok = _chain_sentence(cf, t)
    pairs = [
        (t._("Verified at"), t._("{when} (Brussels time), over the whole register").format(
            when=_dt(t, cf.exported_at))),
        (t._(RESULT_LABEL), _coloured(t._(INTACT) if ok else t._(BROKEN), ok)),
        (t._("Finding"), sentence),
        (t._("Events in the register"), str(i.total_events)),
        (t._(CHAIN_HEAD_LABEL), _ref(i.chain_head, t)),
        (t._("Events of this case"), str(i.case_events)),
        (t._(CASE_LAST_LABEL), _ref(i.case_last, t)),
        (t._(STATE_LABEL), _coloured(t._("EQUAL TO ITS EVENTS") if i.state_ok else t._("DIFFERS FROM ITS EVENTS"),
                                     i.state_ok)),
        (t._("State finding"), _state_sentence(i, t)),
    ]
    return [*ps.h1(t._(SECTIONS[5])), ps.fields(pairs, label_width=0.3), ps.spacer(3),
            ps.p(t._("Every event in the register stores hash = SHA-256(hash of the previous event || canonical JSON "
                     "of the event). Changing, removing or reordering any event changes every hash after it. To "
                     "check that the register still holds the events this file shows, run: megacase audit verify "
                     "--case {reference} --pdf <this file>. It recomputes the chain and compares the two hashes "
                     "above with the register.").format(reference=cf.detail.reference), ps.NOTE)]


def render(cf) -> bytes:
    d = cf.detail
    t = for_language(cf.language)
    story: list[Flowable] = []
    for part in (_cover, _deadline, _identity, _processors, _letters, _timeline, _integrity):
        story += part(cf, t)
    title = t._(TITLE).format(reference=d.reference)
    info = ps.DocInfo(
        title=title,
        subject=t._("Data subject request ({rights}): record of handling, GDPR Art. 5(2)").format(
            rights=w.rights(t, d.summary.request_types)),
        author=t._("{controller}, exported by {user}").format(
            controller=f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL})", user=cf.exported_by),
        header_left=title,
        header_right=t._("{controller} · confidential").format(
            controller=f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL})"),
        footer_left=t._("Exported {when} (Brussels time) by {user}").format(when=_dt(t, cf.exported_at),
                                                                           user=cf.exported_by),
        keywords=t._("GDPR; data subject request; case file; {reference}").format(reference=d.reference),
        page_label=t._("page {page} of {total}"),
        lang=t.locale.replace("_", "-"),
    )
    return ps.build_pdf(story, info)
