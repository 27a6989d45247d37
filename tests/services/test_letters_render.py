"""Every template renders in fr, nl and en for every request type with demo data; the renderer's guards."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import update

from megacase.domain.requests import RequestType
from megacase.errors import InputError
from megacase.services.cases import cases
from megacase.services.letters import letters, templates
from megacase.services.demo.demo import SUBJECTS
from megacase.services.letter_texts import longdate
from megacase.services.letters.letters import LetterOptions
from megacase.services.cases.subjects import NewSubject
from megacase.store.orm import Processor

OPTIONS = {
    "fr": LetterOptions(identity_requested="le numéro de votre dernière commande", fee_amount="25,00 EUR",
                        fee_reason="quatrième demande identique en trois mois",
                        restriction_lift_on=date(2027, 6, 1),
                        restriction_reason="la vérification de l'exactitude de vos données est terminée",
                        processor="Lightspeed"),
    "nl": LetterOptions(identity_requested="het nummer van uw laatste bestelling", fee_amount="25,00 EUR",
                        fee_reason="vierde identieke verzoek in drie maanden", restriction_lift_on=date(2027, 6, 1),
                        restriction_reason="de controle van de juistheid van uw gegevens is afgerond",
                        processor="PayPal"),
    "en": LetterOptions(identity_requested="the number of your last order", fee_amount="EUR 25.00",
                        fee_reason="the fourth identical request in three months",
                        restriction_lift_on=date(2027, 6, 1),
                        restriction_reason="the check of the accuracy of your data is complete",
                        processor="Carriers"),
}
LEFTOVERS = ("[[", "]]", "{{", "}}", "{%", "%}", "None", "Undefined")


def _make_cases(ws, clock, request_types, extend=True):
    """Cases of these request types in each language, subjects from the demo data, work started."""
    with ws.transaction() as s:
        s.execute(update(Processor).values(contact="privacy@processor.example"))
    clock.set("2027-04-01 10:00")
    made = []
    seen: dict[str, int] = {}
    for language in ("fr", "nl", "en"):
        name, email, lang, address, number = next(s for s in SUBJECTS if s[2] == language)
        for rtype in request_types:
            who = ({"subject_id": seen[language]} if language in seen
                   else {"new_subject": NewSubject(name, email, lang, address, number)})
            detail = cases.open_case(ws, cases.NewCase((rtype.value,), "web_form", datetime(2027, 4, 1, 9, 0),
                                                       summary="Demande d'exemple.", **who))
            seen.setdefault(language, detail.subject.id)
            ref = detail.reference
            cases.start_work(ws, ref)
            if extend:
                cases.extend(ws, ref, {"fr": "Six sous-traitants doivent être consultés.",
                                       "nl": "Zes verwerkers moeten worden doorzocht.",
                                       "en": "Six processors must be searched."}[language])
            made.append((language, rtype, ref))
    return made


@pytest.fixture
def demo_cases(ws, clock):
    """One case per request type per language, subjects from the demo data, extended."""
    return _make_cases(ws, clock, list(RequestType))


@pytest.fixture
def access_cases(ws, clock):
    return _make_cases(ws, clock, [RequestType.ACCESS], extend=False)


def _check(draft, where):
    for text in (draft.subject_line, draft.body):
        for leftover in LEFTOVERS:
            assert leftover not in text, (*where, leftover)
    assert draft.ready and draft.reference in draft.subject_line


def test_every_template_renders_for_every_request_type_in_every_language(ws, demo_cases, clock):
    clock.set("2027-04-20 10:00")
    rendered = 0
    for language, rtype, ref in demo_cases:
        cases.decide(ws, ref, "partly_granted", legal_ground="article 17, paragraphe 3, point b), du RGPD",
                     note="Les factures sont conservées dix ans.", reasons="Les factures sont conservées dix ans.")
        for template_id in templates.template_ids():
            if template_id == "fee-notice":
                continue   # needs a fee decision: below
            if template_id == "art19-notice" and template_id not in letters.templates_for((rtype,)):
                continue   # a notice to recipients exists for rectification, erasure and restriction only
            draft = letters.preview(ws, ref, template_id, OPTIONS[language])
            assert draft.language == language
            _check(draft, (template_id, language, rtype))
            rendered += 1
    assert rendered == (14 * len(RequestType) - 4) * 3
    # The other decisions, once per language: a full refusal and a fee.
    for outcome, template_ids in (("refused", ("refusal", "objection-outcome")), ("fee_requested", ("fee-notice",))):
        for language, rtype, ref in demo_cases:
            if rtype is not RequestType.OBJECTION:
                continue
            cases.reopen(ws, ref, "Second look at the decision.")
            cases.decide(ws, ref, outcome, legal_ground="article 21, paragraphe 1, du RGPD",
                         note="Motifs impérieux.", reasons="Motifs légitimes et impérieux.")
            for template_id in template_ids:
                _check(letters.preview(ws, ref, template_id, OPTIONS[language]), (template_id, language, outcome))


def test_letters_speak_the_subjects_language(ws, access_cases, clock):
    clock.set("2027-04-20 10:00")
    by_language = {language: ref for language, rtype, ref in access_cases}
    fr = letters.preview(ws, by_language["fr"], "acknowledgement")
    nl = letters.preview(ws, by_language["nl"], "acknowledgement")
    en = letters.preview(ws, by_language["en"], "acknowledgement")
    assert "droit d'accès (art. 15)" in fr.body and "1er avril 2027" in fr.body and "Madame, Monsieur" in fr.body
    assert "recht op inzage (art. 15)" in nl.body and "1 april 2027" in nl.body
    assert "right of access (Art. 15)" in en.body and "1 April 2027" in en.body
    reply = letters.preview(ws, by_language["fr"], "access-reply")
    assert "Lightspeed (logiciel de la boutique en ligne" in reply.body   # processor register, in French
    assert "Rue de la Presse 35, 1000 Bruxelles" in reply.body
    nl_reply = letters.preview(ws, by_language["nl"], "access-reply")
    assert "Gegevensbeschermingsautoriteit (GBA)" in nl_reply.body and "Drukpersstraat 35" in nl_reply.body
    art19 = letters.preview(ws, by_language["fr"], "art19-notice", LetterOptions(processor="Carriers"))
    assert art19.recipient == "privacy@processor.example" and art19.recipient_kind == "processor"
    assert "Transporteurs" in art19.body


def test_longdate():
    assert longdate(date(2027, 5, 1), "fr") == "1er mai 2027"
    assert longdate(date(2027, 7, 21), "fr") == "21 juillet 2027"
    assert longdate(datetime(2027, 5, 3, 9, 0), "nl") == "3 mei 2027"
    assert longdate(date(2027, 8, 1), "en") == "1 August 2027"
    with pytest.raises(TypeError):
        longdate(None, "fr")


@pytest.mark.parametrize("source, message", [
    ("Subject: x {{ case.reference }}\n\n{{ case.nope }}", "case.nope"),
    ("Subject: x\n\n{% if case.outcome %}{{ subjekt.name }}{% endif %}", "subjekt"),   # untaken branch
    ("Subject: x\n\n{% for x in %}", "line 3"),
    ("Subject: x\n\n{{ case.__class__.__mro__ }}", "placeholder"),
    ("Subject: x\n\n{{ ''.__class__.__subclasses__() }}", "may not use"),
    ("Subject: x\n\n{% for i in range(900) %}{% for j in range(900) %}xxxxxxxxxx{% endfor %}{% endfor %}",
     "too long"),
    ("Subject: x\n\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "may not use"),
    ("Subject: x\n\n{{ 10 ** 10 ** 10 }}", "may not use"),
    ("Subject: x\n\n{{ 'x' * 1000000000 }}", "may not use"),
    ("No subject line\n\nbody", "Subject"),
    ("Subject: x\nbody right away", "empty line"),
    ("Subject: x\n\n{{ none_date | longdate }}", "none_date"),
])
def test_template_errors_are_reported_before_anything_is_saved(source, message):
    with pytest.raises(InputError, match=message):
        templates.validate_source(source, "fr", "test")


def test_edited_templates_are_versioned_and_can_be_reset(ws, access_cases, clock):
    ref = next(r for lang, t, r in access_cases if lang == "en")
    shipped = templates.shipped_source("acknowledgement", "en")
    edited = shipped.replace("Yours sincerely,", "Kind regards,")
    assert templates.save_edit(ws, "acknowledgement", "en", edited) == 1
    draft = letters.preview(ws, ref, "acknowledgement")
    assert "Kind regards," in draft.body and draft.template_edited and draft.template_version == 1
    with pytest.raises(InputError, match="unchanged"):
        templates.save_edit(ws, "acknowledgement", "en", edited)
    assert templates.save_edit(ws, "acknowledgement", "en", edited.replace("Kind", "Warm")) == 2
    assert templates.reset_to_shipped(ws, "acknowledgement", "en") == 3
    assert "Yours sincerely," in letters.preview(ws, ref, "acknowledgement").body
    assert [(v.version, v.is_reset) for v in templates.history(ws, "acknowledgement", "en")] == \
        [(3, True), (2, False), (1, False)]
    with pytest.raises(InputError, match="already"):
        templates.reset_to_shipped(ws, "acknowledgement", "en")
    assert templates.current_source(ws, "acknowledgement", "fr").edited is False   # other languages untouched


@pytest.mark.parametrize("source, message", [
    # three nested loops within the range limit: a billion turns, stopped by the time limit
    ("Subject: x\n\n{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
     "{% endfor %}{% endfor %}{% endfor %}", "takes too long"),
    ("Subject: x\n\n{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself"),
    ("Subject: x\n\n{{ 'x' | center(1000000000) }}", "may not use"),
    ("Subject: x\n\n{{ '%1000000000s' % 'x' }}", "may not use"),
    ("Subject: x\n\n{{ '{:>1000000000}'.format('x') }}", "may not use"),
    ("Subject: x\n\n{% set ns = namespace(t='ab') %}{% for i in range(40) %}{% set ns.t = ns.t ~ ns.t %}"
     "{% endfor %}{{ ns.t }}", "namespace"),
])
def test_templates_that_would_hang_or_exhaust_memory_are_refused_before_save(source, message):
    with pytest.raises(InputError, match=message):
        templates.validate_source(source, "fr", "test")
