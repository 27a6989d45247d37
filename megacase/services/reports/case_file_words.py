"""The case file's vocabulary: rights, states, outcomes, channels, methods and steps, in the document's language.

The register stores codes (and, for a few older fields, the English label); the case file prints them in the
language chosen at export through an ``i18n.Translator`` (``t`` below), never the interface language. The
English words are those of the window, marked ``N_`` so that the catalogues carry their French and Dutch.
"""

from __future__ import annotations

from megacase.domain.grounds import GROUNDS, ground_text
from megacase.domain.letter_types import title_of
# Rights and outcomes use the domain's own labels (the window's words); states and channels differ below.
from megacase.domain.requests import (OUTCOME_LABELS as OUTCOMES, REQUEST_LABELS as RIGHTS, CaseState, Channel,
                                      Outcome, RequestType)
from megacase.i18n import N_
from megacase.services.letter_texts import register_text

STATES = {
    CaseState.RECEIVED: N_("Received"),
    CaseState.AWAITING_IDENTITY: N_("Awaiting subject"),
    CaseState.IN_PROGRESS: N_("In progress"),
    CaseState.DECIDED: N_("Decided"),
    CaseState.CLOSED: N_("Case closed"),      # not "Closed": the window uses that word for a list of cases
}

CHANNELS = {
    Channel.EMAIL: N_("E-mail"),
    Channel.WEB_FORM: N_("Web form"),
    Channel.POST: N_("Post"),
    Channel.PHONE: N_("Telephone"),
    Channel.IN_PERSON: N_("In person"),
}

# How a request arrived, as a whole sentence per channel ("by in person" was the glued English of old).
RECEIVED_BY = {
    Channel.EMAIL: N_("{when} (Brussels time), by e-mail"),
    Channel.WEB_FORM: N_("{when} (Brussels time), through the web form"),
    Channel.POST: N_("{when} (Brussels time), by post"),
    Channel.PHONE: N_("{when} (Brussels time), by telephone"),
    Channel.IN_PERSON: N_("{when} (Brussels time), handed over in person"),
}

# Identity and clarification steps (cases.IDENTITY_METHODS holds the same English words).
METHODS = {
    "known_address": N_("Wrote from the known e-mail address"),
    "additional_info": N_("Additional information (e.g. order or customer number)"),
    "id_card": N_("Copy of an identity document (checked, then deleted)"),
    "in_person": N_("Seen in person"),
    "clarification": N_("Clarification of the request (no identity question)"),
    "no_doubt": N_("No reasonable doubt about identity (reason recorded)"),
}

STEP_RESULTS = {"pending": N_("Pending"), "verified": N_("Verified"), "failed": N_("Not verified"),
                "answered": N_("Answered")}

# A processor step: the register's code and the English label the case detail carries (checklist.ACTION_LABELS).
STEPS = {"search": N_("Search"), "act": N_("Act on"), "notify": N_("Notify (Art. 19)")}
STEPS_DONE = {"search": N_("searched: {done} of {total}"),
              "act": N_("acted on (erased, corrected or restricted): {done} of {total}"),
              "notify": N_("notified under Art. 19: {done} of {total}")}
STEP_BY_LABEL = {"Search": "search", "Act on": "act", "Notify (Art. 19)": "notify"}

LETTER_STATUSES = {"draft": N_("draft"), "queued": N_("queued"), "sending": N_("being sent"), "sent": N_("sent"),
                   "failed": N_("delivery failed"), "uncertain": N_("delivery uncertain"),
                   "pending_approval": N_("waiting for approval")}


# The reasons an Art. 19 notice is not sent, as processor_steps.NOTICE_EXEMPTIONS records them (in English).
NOTICE_EXEMPTIONS = {
    "The processor held none of the subject's data": N_("The processor held none of the subject's data"),
    "Impossible or involving disproportionate effort (Art. 19 GDPR)":
        N_("Impossible or involving disproportionate effort (Art. 19 GDPR)"),
}

ROLES = {"officer": N_("officer"), "manager": N_("manager")}

# What a system held (systems.findings: outcome and source codes).
FINDINGS = {"found": N_("Found"), "nothing_held": N_("Nothing held"), "erased": N_("Erased"), "kept": N_("Kept"),
            "task": N_("Officer's task"), "dry_run": N_("Dry run")}
FINDING_SOURCES = {"connector": N_("connector"), "file": N_("export file"), "statement": N_("statement")}
FINDING_KINDS = {"search": N_("Search"), "erasure": N_("Erasure")}
# The kind of a review (four eyes), of a finding, or of a letter's recipient, as the timeline records it.
KINDS = {"refusal": N_("Refusal"), "extension": N_("Extension"), "fee": N_("Fee"), "search": N_("Search"),
         "erasure": N_("Erasure"), "known_address": N_("The subject's known address"),
         "processor": N_("A recipient in the register"), "other_address": N_("Another address (identity verified)")}


def _word(t, table: dict, key, fallback: str | None = None) -> str:
    word = table.get(key)
    return t._(word) if word else (fallback if fallback is not None else str(key))


def right(t, value) -> str:
    """'Accès (art. 15 RGPD)' · 'Inzage (art. 15 AVG)' · 'Access (Art. 15 GDPR)'."""
    rt = RequestType(value)
    return t._("{right} (Art. {article} GDPR)").format(right=t._(RIGHTS[rt]), article=rt.article.split()[-1])


def right_name(t, value) -> str:
    return _word(t, RIGHTS, RequestType(value))


def rights(t, values) -> str:
    return ", ".join(right_name(t, v) for v in values)


def state(t, value) -> str:
    return _word(t, STATES, CaseState(value))


def outcome(t, value) -> str:
    return _word(t, OUTCOMES, Outcome(value)) if value else t._("Not decided yet")


def channel(t, value) -> str:
    return _word(t, CHANNELS, Channel(value))


def received(t, value, when: str) -> str:
    return t._(RECEIVED_BY[Channel(value)]).format(when=when)


def method(t, value: str) -> str:
    """A method by its code, or by the English label older rows stored (a suspension's reason)."""
    if value in METHODS:
        return t._(METHODS[value])
    english = {v: k for k, v in METHODS.items()}
    return t._(METHODS[english[value]]) if value in english else value


def step_result(t, value: str) -> str:
    return _word(t, STEP_RESULTS, value, str(value).capitalize())


def step(t, value: str) -> str:
    """A processor step by its code or by the label the case detail carries."""
    return _word(t, STEPS, STEP_BY_LABEL.get(value, value))


def letter_status(t, value: str) -> str:
    return _word(t, LETTER_STATUSES, value)


def letter_title(t, template_id: str) -> str:
    """The letter-type registry's title (marked for the catalogues there), in the document's language."""
    return t._(title_of(template_id))


def finding(t, outcome_code: str, source: str, kind: str) -> str:
    text = _word(t, FINDINGS, outcome_code)
    if kind != "search":
        return text
    return t._("{outcome} ({source})").format(outcome=text, source=_word(t, FINDING_SOURCES, source))


def finding_kind(t, kind: str) -> str:
    return _word(t, FINDING_KINDS, kind)


def ground(t, value: str | None) -> str | None:
    """A legal ground in the document's words (grounds.py has the three languages the letters use); a case's
    summary ground is the officer's label of a known ground; older free text is printed as recorded."""
    by_label = next((g.code for g in GROUNDS if g.label == value), None)
    return ground_text(by_label or value, t.language)


def register(t, value: str | None) -> str | None:
    """A value of the processor register or a fixed reason the services record (both in English), in the
    document's language where it is known; anything else as recorded."""
    if value in NOTICE_EXEMPTIONS:
        return t._(NOTICE_EXEMPTIONS[value])
    return register_text(value, t.language)


def role(t, value: str) -> str:
    return _word(t, ROLES, value)


def yes_no(t, value: bool) -> str:
    return t._("yes") if value else t._("no")


def days(t, n: int) -> str:
    return t.ngettext("{n} day", "{n} days", n).format(n=n)
