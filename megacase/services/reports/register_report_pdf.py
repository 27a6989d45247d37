"""Layout of the yearly register report (see ``register_report`` for what it counts and how).

The report is written for the authority, like the case file, in a language of its own: the officer's
interface language unless another is chosen at export. ``register_report`` computes its figures with the
English labels of the domain (``RequestType``, ``Outcome``, ``Channel``); this module prints each one in the
report's language with the same label tables as the case file (``case_file_words``). Free text the officer
typed (an extension reason, a legal ground of their own) is printed as recorded.
"""

from __future__ import annotations

from babel import numbers as babel_numbers
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from megacase import __version__, i18n
from megacase.domain.answers import DECIDED_NOT_SENT
from megacase.domain.requests import Channel, Outcome, RequestType
from megacase.errors import InputError
from megacase.i18n import N_, Translator, _
from megacase.services import pdf_style as ps
from megacase.services.reports import case_file_words as words

# What register_report prints for a request without a decision, or decided without a reply sent.
OPEN = N_("Open (no decision yet)")
OPEN_NOT_SENT = N_("Open (decided, reply not sent)")
NOTHING_RECORDED = {"(no reason recorded)": N_("(no reason recorded)"),
                    "(no ground recorded)": N_("(no ground recorded)")}


def _labels(t: Translator) -> dict[str, str]:
    """Every fixed label ``register_report`` puts in its figures (English) -> the same in the report's language."""
    out = {f"{rt.label} ({rt.article})": words.right(t, rt) for rt in RequestType}
    out.update({rt.label: words.right_name(t, rt) for rt in RequestType})
    out.update({o.label: words.outcome(t, o.value) for o in Outcome})
    out.update({c.label: words.channel(t, c.value) for c in Channel})
    out.update({OPEN: t._(OPEN), f"Open ({DECIDED_NOT_SENT})": t._(OPEN_NOT_SENT)})   # the same two English texts
    out.update({english: t._(msgid) for english, msgid in NOTHING_RECORDED.items()})
    return out


class _Words:
    """The report's words: fixed labels translated, recorded free text as it is."""

    def __init__(self, t: Translator):
        self.t = t
        self.labels = _labels(t)

    def label(self, value: str) -> str:
        return self.labels.get(i18n.english(value), value)

    def ground(self, value: str) -> str:
        english = i18n.english(value)
        return self.labels.get(english) or words.ground(self.t, english) or english

    def rights(self, joined: str) -> str:
        """``RequestRow.types``: English labels joined with ', '."""
        return ", ".join(self.label(part) for part in i18n.english(joined).split(", ")) if joined else joined

    def date(self, value) -> str:
        return self.t.format_date(value, i18n.SHORT_DATE_PATTERNS[self.t.language]) if value else "—"

    def number(self, value) -> str:
        if value is None:
            return "—"
        return self.t.format_number(value)

    def percent(self, value: float | None) -> str:
        """12,5 % · 12,5% · 12.5%: one decimal, the locale's decimal sign and percent spacing."""
        if value is None:
            return "—"
        return babel_numbers.format_percent(value / 100, format="#,##0.0%", locale=self.t.locale) \
            .replace("%", "\u202f%" if self.t.language == "fr" else "%")


def _summary(s, w: _Words) -> list[tuple[str, str]]:
    t = w.t

    def of_answered(n: int) -> str:
        return f"{w.number(n)} ({w.percent(s.share(n))})"

    return [
        (t._("Requests received"), w.number(s.total)),
        (t._("Answered (every reply left, withdrawals excluded)"), w.number(s.answered)),
        (t._("Withdrawn requests"), w.number(s.total - s.answered - s.undecided)),
        (t._("Still open (no decision, or a reply not sent)"), w.number(s.undecided)),
        (t._("Still open and already late"), w.number(s.open_late)),
        (t._("Median days to reply"), w.number(s.median_days)),
        (t._("Maximum days to reply"), w.number(s.max_days)),
        (t._("Answered within one month"), of_answered(s.within_one_month)),
        (t._("Answered within three months"), of_answered(s.within_three_months)),
        (t._("Answered by the applicable due date"), of_answered(s.on_time)),
        (t._("Answered late"), of_answered(s.late)),
        (t._("Deadlines extended (Art. 12(3))"), w.number(s.extensions)),
        (t._("Refusals, partial refusals and fees"), w.number(s.refusals)),
        (t._("Audit chain head when made"), i18n.render(s.chain_head, t) if s.chain_head else "—"),
    ]


def _counts(w: _Words, heading: str, header: str, pairs: list[tuple[str, int]], total: int) -> Flowable:
    rows = [[w.label(label), w.number(n), w.percent(100.0 * n / total) if total else "—"] for label, n in pairs]
    # Short tables: never split one from its heading or across a page.
    return KeepTogether([*ps.h1(heading), ps.table([header, w.t._("Requests"), w.t._("Share")], rows,
                                                   [0.6, 0.2, 0.2])])


def _due(w: _Words, r) -> str:
    text = w.date(r.due) + (" " + w.t._("(extended)") if r.extended else "")
    return text if r.on_time is not False else text + "\n" + w.t._("answered LATE")


def report_language(language: str | None) -> str:
    """The language chosen at export, else the officer's interface language."""
    if not language:
        return i18n.current()
    code = language.strip().lower()
    if code not in i18n.LANGUAGES:
        raise InputError(_("Unknown report language '{language}': use one of {languages}.").format(
            language=language, languages=", ".join(i18n.LANGUAGES)))
    return code


def render_pdf(s, language: str = "en") -> bytes:
    """``s``: the plain ``register_report.RegisterStats``; ``language``: fr, nl or en, the report's language."""
    t = i18n.for_language(language)
    w = _Words(t)
    controller = f"{ps.CONTROLLER_NAME} ({ps.CONTROLLER_LEGAL})"
    title = t._("Register report {year}").format(year=s.year)
    story: list[Flowable] = [
        *ps.title(title, t._("Data subject requests received in {year} by {controller}, {address} · {email}").format(
            year=s.year, controller=controller, address=ps.controller_address(language), email=ps.CONTROLLER_EMAIL)),
        ps.fields(_summary(s, w), label_width=0.45),
        ps.p(t._("Requests received from 1 January to 31 December (Brussels time), whatever became of them. Days "
                 "to reply are calendar days from receipt to the recorded decision. 'Within one month' and 'within "
                 "three months' compare the decision with the legal limits of Art. 12(3) GDPR as the register "
                 "computes them (Regulation 1182/71, suspensions added, the next working day for a weekend or "
                 "Belgian public holiday). Shares are of the answered requests; withdrawn requests are counted but "
                 "have no reply time. A request invoking several rights counts once under each."), ps.NOTE),
        _counts(w, t._("1. Requests by right"), t._("Right invoked"), s.by_type, s.total),
        _counts(w, t._("2. Requests by outcome"), t._("Outcome"), s.by_outcome, s.total),
        _counts(w, t._("3. Requests by channel of receipt"), t._("Channel"), s.by_channel, s.total),
        *ps.h1(t._("4. Extensions and their reasons")),
        ps.table([t._("Reason given for the extension"), t._("Requests")],
                 [[w.label(r), w.number(n)] for r, n in s.extension_reasons],
                 [0.8, 0.2], empty=t._("No deadline was extended.")),
        *ps.h1(t._("5. Refusals and their grounds")),
        ps.table([t._("Outcome"), t._("Legal ground"), t._("Requests")],
                 [[w.label(o), w.ground(g), w.number(n)] for o, g, n in s.refusal_grounds],
                 [0.2, 0.65, 0.15], empty=t._("No request was refused, partly refused or charged a fee.")),
        *([PageBreak()] if len(s.rows) > 60 else []),    # the listing starts on its own page, one table a page
        *ps.h1(t._("6. The requests")),
        *ps.listing([t._("Reference"), t._("Received"), t._("Rights"), t._("Outcome"), t._("Decided"), t._("Days"),
                     t._("Due date")],
                    [[r.reference, w.date(r.received_on), w.rights(r.types),
                      t._("Open") if r.decided_on is None else w.label(r.outcome),
                      w.date(r.decided_on),
                      "—" if r.days_to_reply is None else w.number(r.days_to_reply), _due(w, r)] for r in s.rows],
                    [0.16, 0.12, 0.17, 0.16, 0.12, 0.09, 0.18], empty=t._("No request was received in this year.")),
    ]
    info = ps.DocInfo(
        title=t._("Register of data subject requests {year}").format(year=s.year),
        subject=t._("Data subject requests received in {year}: counts, reply times, extensions and refusals").format(
            year=s.year),
        author=t._("{controller}, generated by {user}").format(controller=controller, user=s.generated_by),
        header_left=title,
        header_right=t._("{controller} · confidential").format(controller=controller),
        footer_left=t._("Generated {when} (Brussels time) by {user} · MegaCase {version}").format(
            when=t.format_datetime(s.generated_at, i18n.SHORT_DATE_PATTERNS[language]), user=s.generated_by,
            version=__version__),
        keywords=t._("GDPR; data subject requests; register; {year}").format(year=s.year),
        page_label=t._("page {page} of {total}"),
        lang=t.locale.replace("_", "-"),
    )
    return ps.build_pdf(story, info)
