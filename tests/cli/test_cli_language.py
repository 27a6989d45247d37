"""The command line speaks the officer's language: help, refusals and listings with --lang fr / nl, wherever
--lang stands; machine-readable output stays as it is."""

from __future__ import annotations

import json

import pytest

from megacase import cli, i18n
from megacase.store import keys
from tests.conftest import FAST_SCRYPT, PASSPHRASE

ENGLISH = ("show this help message", "positional arguments", "usage:", "list, show, open and work cases",
           "is not a date", "cannot be given the action", "Allowed now", "REFERENCE", "STATE", "In progress",
           "Access", "Subject:", "Requests:", "Received:", ", due ")


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_USER", "cli-officer")
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)
    yield
    i18n.install("en")


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def help_text(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as stop:
        cli.main(list(argv))
    assert stop.value.code == 0
    return capsys.readouterr().out


def no_english(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in text]


@pytest.mark.parametrize("language, words", [
    ("fr", ("utilisation :", "lister, afficher, ouvrir et traiter des dossiers", "afficher ce message d'aide")),
    ("nl", ("gebruik:", "dossiers oplijsten, tonen, openen en behandelen", "dit helpbericht tonen")),
])
def test_help_comes_out_in_the_chosen_language_before_or_after_the_subcommand(capsys, language, words):
    top = help_text(capsys, "--lang", language, "--help")
    assert all(w in top for w in words) and no_english(top) == []
    sub = help_text(capsys, "case", "list", "--help", f"--lang={language}")
    assert no_english(sub) == [] and "--json" in sub


@pytest.mark.parametrize("language, expected", [
    ("fr", "« 1 April » n'est pas une date au format AAAA-MM-JJ."),
    ("nl", "'1 April' is geen datum in de vorm JJJJ-MM-DD."),
])
def test_a_usage_error_is_one_translated_line_with_exit_2(capsys, language, expected):
    code, out, err = run(capsys, "deadline", "1 April", "--lang", language)
    assert code == 2 and out == "" and err == f"megacase: {expected}\n"
    code, _, err = run(capsys, "--lang", language, "case", "frobnicate")    # argparse's own words too
    assert code == 2 and ("choix non valable" if language == "fr" else "ongeldige keuze") in err


def test_a_refusal_a_listing_and_a_case_in_french_and_dutch_with_json_unchanged(capsys, tmp_path):
    d = str(tmp_path / "p")
    code, out, err = run(capsys, "init", "--data-dir", d, "--lang", "fr")
    assert code == 0 and out.startswith("Profil MegaCase chiffré créé dans "), err
    code, out, err = run(capsys, "case", "open", "--data-dir", d, "--type", "access", "--name", "Zoë Peeters",
                         "--email", "zoe@telenet.be", "--received", "2026-11-02T10:00")
    ref = out.strip()
    assert run(capsys, "case", "start", ref, "--data-dir", d)[0] == 0

    code, out, err = run(capsys, "--lang", "fr", "case", "reopen", ref, "--reason", "x", "--data-dir", d)
    assert code == 2 and err.startswith("megacase: ") and err.count("\n") == 1
    assert "« En traitement »" in err and "« Rouvrir »" in err and no_english(err) == [], err

    code, out, err = run(capsys, "case", "list", "--lang", "nl", "--data-dir", d)
    assert code == 0 and "REFERENTIE" in out and "In behandeling" in out and "Inzage" in out
    assert no_english(out) == [], out
    code, out, err = run(capsys, "case", "show", ref, "--lang", "fr", "--data-dir", d)
    assert "Demandes :" in out and "Accès (" not in out and "Accès" in out and no_english(out) == [], out

    code, out, err = run(capsys, "case", "list", "--json", "--lang", "fr", "--data-dir", d)
    english = run(capsys, "case", "list", "--json", "--lang", "en", "--data-dir", d)[1]
    assert out == english and json.loads(out)[0]["state"] == "in_progress"
