"""The case file speaks the case's language (or the one chosen at export), and reads back in any of the three.

Each case is worked through the real services (letters through the real outbox, attachments included) on a
real SQLCipher register; the PDFs are read back with pypdf. The fixed phrases checked are the case file's own
messages, taken from the catalogues: a file in one language holds none of the other two languages' phrases.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from sqlalchemy import text

from megacase import i18n
from megacase.services.cases import cases, queries
from megacase.services.cases.subjects import NewSubject
from megacase.services.reports import case_file, case_file_check
from tests.answering import ATTACH, answer
from tests.services.case_file_support import flat, pdf_pages

REPORTS = Path(__file__).resolve().parents[2] / "megacase" / "services" / "reports"
CASE_FILE_MODULES = ("case_file_pdf.py", "case_file_words.py", "case_file_systems.py", "audit_text.py")

# Each language's case: its subject, channel and every word the officer types, in that language.
CASES = {
    "fr": dict(subject=NewSubject("Hélène Dubois", "helene.dubois@skynet.be", "fr", "Rue de l'Église 12, 5000 Namur",
                                  "C-104233"), channel="in_person",
               asked="Le numéro de votre dernière commande.", answered="Commande 100234, conforme.",
               reasons="Vos factures doivent être conservées dix ans (Code de la TVA).",
               received="1 avril 2027 09:30 (heure de Bruxelles), remise en personne"),
    "nl": dict(subject=NewSubject("Zoë Van den Bossche", "zoe.vandenbossche@telenet.be", "nl",
                                  "Kortrijksesteenweg 310, 9000 Gent", "C-105544"), channel="post",
               asked="Het nummer van uw laatste bestelling.", answered="Bestelling 100235, klopt.",
               reasons="Uw facturen moeten tien jaar worden bewaard (Btw-wetboek).",
               received="Op 1 april 2027 09:30 (Brusselse tijd), per post"),
    "en": dict(subject=NewSubject("Jane Whitfield", "jane.whitfield@example.co.uk", "en", "12 Mill Lane, Oxford",
                                  "C-105601"), channel="email",
               asked="The number of your last order.", answered="Order 100236, matches.",
               reasons="Your invoices must be kept for ten years (Belgian VAT Code).",
               received="1 April 2027 09:30 (Brussels time), by e-mail"),
}
HEADINGS = {"fr": ("Dossier", "1. Délai", "4. Courriers envoyés", "6. Intégrité du dossier", "page 1 sur"),
            "nl": ("Dossier", "1. Termijn", "4. Verzonden brieven", "6. Integriteit van het dossier", "pagina 1 van"),
            "en": ("Case file", "1. Deadline", "4. Letters sent", "6. Integrity of the record", "page 1 of")}


def worked_case(ws, clock, language: str) -> str:
    """Access and erasure, identity asked and answered, access granted, erasure partly granted (invoices kept),
    every reply sent through the outbox with its attachment, closed."""
    c = CASES[language]
    clock.set("2027-04-01 09:30")
    ref = cases.open_case(ws, cases.NewCase(("access", "erasure"), c["channel"], datetime(2027, 4, 1, 9, 30),
                                            new_subject=c["subject"])).reference
    clock.set("2027-04-02 10:00")
    cases.start_work(ws, ref)
    cases.ask_subject(ws, ref, "additional_info", c["asked"])
    clock.set("2027-04-06 11:00")
    cases.record_answer(ws, ref, c["answered"], "verified")
    clock.set("2027-04-08 10:00")
    cases.decide(ws, ref, "granted", right="access")
    cases.decide(ws, ref, "partly_granted", "art17_3_b_invoices", right="erasure", reasons=c["reasons"])
    answer(ws, ref)
    clock.set("2027-04-09 09:00")
    cases.close(ws, ref)
    clock.set("2027-04-12 14:03")
    return ref


def case_file_messages() -> list[str | tuple[str, str]]:
    """Every message the case file prints, as Babel extracts it from the case file's modules."""
    out = []
    for name in CASE_FILE_MODULES:
        for _line, message, _comments, _context in extract_from_file(
                "python", str(REPORTS / name), keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
            out.append(message)
    return out


def phrases(language: str, message) -> list[str]:
    """The message's forms in ``language`` (English is the message itself)."""
    t = i18n.for_language(language)
    if isinstance(message, tuple):
        return [t.ngettext(message[0], message[1], 1), t.ngettext(message[0], message[1], 2)]
    return [t._(message)]


def foreign_phrases(language: str) -> set[str]:
    """The other languages' fixed phrases (placeholders cut out) that differ from this language's words."""
    own_words = set()
    for message in case_file_messages():
        own_words.update(phrases(language, message))
    out = set()
    for message in case_file_messages():
        mine = phrases(language, message)
        for other in set(i18n.LANGUAGES) - {language}:
            for n, form in enumerate(phrases(other, message)):
                if form == mine[min(n, len(mine) - 1)]:
                    continue                                  # the same words in both languages
                for fragment in re.split(r"\{[^}]*\}", form):
                    fragment = fragment.strip(" .,:;()·")
                    if len(fragment) >= 4 and re.search(r"[^\W\d]{3}", fragment) \
                            and not any(fragment in own for own in own_words):
                        out.add(fragment)
    return out


def found(fragment: str, text_: str) -> bool:
    return re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, fragment.split())) + r"(?!\w)", text_) is not None


@pytest.fixture
def three_cases(ws, clock):
    return {language: worked_case(ws, clock, language) for language in CASES}


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_each_case_file_is_in_its_cases_language_and_nothing_else(ws, three_cases, language, tmp_path):
    ref = three_cases[language]
    interface = i18n.current()
    result = case_file.export_case(ws, ref, tmp_path / f"{language}.pdf")      # no choice: the case's language
    assert result.language == language and i18n.current() == interface   # the window's language untouched
    text_ = flat("\n".join(pdf_pages(result.path)))
    for heading in HEADINGS[language]:
        assert heading in text_, heading
    assert CASES[language]["received"] in text_           # whole sentences, "by in person" no more
    assert CASES[language]["reasons"] in text_
    t = i18n.for_language(language)
    assert t.format_date(datetime(2027, 4, 1)) in text_   # Babel's long date of the language
    assert t._("Legal ground: {ground}").split("{")[0] in text_
    from megacase.domain.grounds import ground_text
    assert flat(ground_text("art17_3_b_invoices", language)) in text_
    # Under the access reply: its attachment, with name, exact size and SHA-256.
    (copy,) = ATTACH["access-reply"]
    assert copy.filename in text_ and hashlib.sha256(copy.data).hexdigest() in text_.replace(" ", "")
    leaks = sorted(f for f in foreign_phrases(language) if found(f, text_))
    assert leaks == [], f"{language} case file holds another language's phrases: {leaks}"


def test_the_officer_may_choose_another_language_and_every_language_reads_back(ws, three_cases, tmp_path):
    ref = three_cases["fr"]
    files = {}
    for language in ("nl", "en", "fr"):
        files[language] = case_file.export_case(ws, ref, tmp_path / f"chosen-{language}.pdf", language).path
        text_ = flat("\n".join(pdf_pages(files[language])))
        assert all(h in text_ for h in HEADINGS[language]), language
        check = case_file_check.check_case(ws, ref, files[language])
        assert check.ok, (language, check.findings)
        assert check.printed.reference == ref and check.printed.chain_ok is True
    # The leak check above can fail: the English file of this French case is full of phrases a French file
    # must not hold.
    forbidden = foreign_phrases("fr")
    english = flat("\n".join(pdf_pages(files["en"])))
    assert len(forbidden) > 200 and sum(found(f, english) for f in forbidden) > 40
    with pytest.raises(Exception, match="Unknown case file language"):
        case_file.render_case_file(ws, ref, "de")
    # Tampering is caught whatever the language the file is written in.
    victim = queries.get_case(ws, ref).timeline[2].seq
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :s"), {"s": victim})
    for language, path in files.items():
        check = case_file_check.check_case(ws, ref, path)
        assert not check.ok and any(f"BROKEN at event {victim}" in f for f in check.findings), language
    broken = case_file.export_case(ws, ref, tmp_path / "broken-nl.pdf", "nl")
    assert not broken.chain_ok
    assert "Resultaat van de controle VERBROKEN" in flat("\n".join(pdf_pages(broken.path)))
    printed = case_file_check.check_case(ws, ref, broken.path)
    assert printed.printed.chain_ok is False and any("itself records" in f for f in printed.findings)
