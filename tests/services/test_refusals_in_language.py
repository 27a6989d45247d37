"""A service's refusal speaks the officer's language, while the audit trail keeps the rule in English (the record
must not change with whoever reads it)."""

from __future__ import annotations

import pytest

from megacase import i18n
from megacase.errors import IllegalTransition, RuleViolation
from megacase.services.cases import cases
from megacase.services.demo import demo_letters
from tests.answering import send
from tests.services.test_answers_and_guards import _open, _refusals


@pytest.fixture
def french():
    i18n.install("fr")
    yield
    i18n.install("en")


def test_a_letter_guard_refuses_in_french_and_the_audit_trail_keeps_the_english_rule(ws, clock, french):
    demo_letters.prepare(ws)
    ref = _open(ws, clock, ("access", "portability"))
    clock.set("2027-04-02 10:00")
    cases.start_work(ws, ref)
    with pytest.raises(RuleViolation) as refusal:
        send(ws, ref, "access-reply")
    message = str(refusal.value)
    assert message.startswith("Une lettre « Réponse à la demande d'accès (art. 15) » répond à access accordé ou "
                              "partiellement accordé")
    assert f"aucun droit de {ref} n'est décidé ainsi (actuellement : access non décidé, portability non décidé)" \
        in message and message.endswith("Décidez d'abord.")
    rule = _refusals(ws)[-1]["rule"]
    assert rule.startswith("A 'Access reply (Art. 15)' answers access granted or partly granted")
    assert "is decided that way" in rule and "Décidez" not in rule


def test_a_state_refusal_names_the_state_and_the_action_in_french(ws, clock, french):
    ref = _open(ws, clock, ("access",))
    with pytest.raises(IllegalTransition) as refusal:
        cases.reopen(ws, ref, "Une erreur de saisie")
    assert str(refusal.value) == ("Un dossier à l'état « Reçu » ne peut pas recevoir l'action « Rouvrir ». "
                                  "Possible maintenant : Commencer le traitement, Demander l'identité / des "
                                  "précisions, Prolonger le délai, Décider.")
