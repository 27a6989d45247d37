"""Every word the subject reads is in the subject's language: no fixed phrase of another language in a letter."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from megacase.domain.grounds import GROUNDS
from megacase.services.cases import cases
from megacase.services.letters import letters, templates
from megacase.services.letter_texts import NOTICE_MEASURES, REQUEST_TYPES
from megacase.services.letters.letters import LetterOptions
from megacase.services.cases.subjects import NewSubject

PEOPLE = {"fr": NewSubject("Hélène Dubois", "helene@example.be", "fr"),
          "nl": NewSubject("Zoë Peeters", "zoe@example.be", "nl"),
          "en": NewSubject("Emily Carter", "emily@example.com", "en")}
OPTIONS = {"fr": "le numéro de votre dernière commande", "nl": "het nummer van uw laatste bestelling",
           "en": "the number of your last order"}
REASONS = {"fr": "Les factures sont conservées dix ans.", "nl": "Facturen worden tien jaar bewaard.",
           "en": "Invoices are kept for ten years."}
_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)


def fixed_phrases(language: str) -> set[str]:
    """The literal sentences of one language's templates and texts (at least four words long)."""
    out = set()
    for template_id in templates.template_ids():
        source = templates.shipped_source(template_id, language)
        for chunk in _TAG.split(source):
            for line in chunk.split("\n"):
                line = line.strip(" -:;,.")
                if len(line.split()) >= 4:
                    out.add(line)
    out |= {g.text[language] for g in GROUNDS}
    out |= set(NOTICE_MEASURES[language].values()) | set(REQUEST_TYPES[language].values())
    return out


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_no_fixed_phrase_of_another_language(ws, clock, language):
    clock.set("2027-04-02 10:00")
    ref = cases.open_case(ws, cases.NewCase(("access", "erasure"), "email", datetime(2027, 4, 1, 9, 30),
                                            new_subject=PEOPLE[language])).reference
    cases.start_work(ws, ref)
    cases.decide(ws, ref, "refused", "art15_4_others", "internal note in English", right="access",
                 reasons=REASONS[language])
    cases.decide(ws, ref, "partly_granted", "art17_3_b_invoices", right="erasure", reasons=REASONS[language])
    foreign = set().union(*(fixed_phrases(other) for other in ("fr", "nl", "en") if other != language))
    foreign -= fixed_phrases(language)          # a phrase both languages share is not foreign
    texts = 0
    for template_id in letters.templates_for(("access", "erasure")):
        if template_id == "fee-notice":
            continue
        options = LetterOptions(identity_requested=OPTIONS[language], processor="Lightspeed",
                                restriction_reason=REASONS[language])
        if template_id == "art19-notice":
            from megacase.services.privacy import processors
            processors.update_processor(ws, "Lightspeed", notice_channel="privacy@lightspeed.example")
        draft = letters.preview(ws, ref, template_id, options)
        text = f"{draft.subject_line}\n{draft.body}"
        found = [p for p in foreign if p in text]
        assert not found, (template_id, language, found[:3])
        assert "internal note in English" not in text
        texts += 1
    assert texts >= 8
