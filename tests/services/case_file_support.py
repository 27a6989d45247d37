"""Building cases with a full history for the case-file tests (shared with the CLI tests)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pypdfium2
from pypdf import PdfReader

from megacase.services import subject_keys
from megacase.services.cases import cases, checklist, queries
from megacase.store.orm import Letter

BRUSSELS = ZoneInfo("Europe/Brussels")


def utc_naive(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=BRUSSELS).astimezone(timezone.utc).replace(tzinfo=None)


def add_letter(ws, detail, template_id: str, subject_line: str, body: str, sent_local: str | None,
               recipient: str | None = None, language: str = "fr") -> None:
    """A letter row as the letters feature stores it (sealed under the subject key)."""
    sid = detail.subject.id
    at = utc_naive(sent_local) if sent_local else ws.now_naive()
    with ws.transaction() as s:
        s.add(Letter(case_id=detail.id, template_id=template_id, language=language,
                     status="sent" if sent_local else "draft",
                     recipient_enc=subject_keys.seal_text(s, sid, recipient or detail.subject.email, "letter:recipient"),
                     subject_enc=subject_keys.seal_text(s, sid, subject_line, "letter:subject"),
                     body_enc=subject_keys.seal_text(s, sid, body, "letter:body"),
                     created_at=at, created_by=ws.actor.name, sent_at=at if sent_local else None,
                     message_id=f"<{template_id}.{detail.id}.{at:%Y%m%d%H%M}@megasecurity.eu>" if sent_local else None))


ACK_BODY = ("Madame Dubois,\n\nNous accusons bonne réception de votre demande du 1er avril 2027 (canal : e-mail).\n"
            "Nous vous répondrons au plus tard le 3 mai 2027.\n\nVeuillez agréer, Madame, l'expression de nos "
            "salutations distinguées.\n\nAlice Martin\nResponsable de la protection de la vie privée")
ID_BODY = ("Madame Dubois,\n\nAfin de vérifier votre identité, pourriez-vous nous communiquer le numéro de votre "
           "dernière commande ? Le délai de réponse est suspendu jusqu'à votre réponse.\n\nAlice Martin")
EXT_BODY = ("Madame Dubois,\n\nVotre demande est complexe : nous prolongeons le délai de deux mois, jusqu'au "
            "3 août 2027. Motif : six années de commandes à rechercher chez sept sous-traitants.\n\nAlice Martin")
REPLY_BODY = ("Madame Dubois,\n\nVoici la copie de vos données (pièce jointe). Les sous-traitants qui les détiennent "
              "sont Lightspeed, MailChimp, Office 365, PayPal, les sociétés de transport, Silvasoft et Google "
              "Analytics.\n\nVos factures sont conservées dix ans (article 17, paragraphe 3, point b), du RGPD).\n\n"
              "Vous pouvez introduire une réclamation auprès de l'Autorité de protection des données, "
              "rue de la Presse 35, 1000 Bruxelles.\n\nAlice Martin")


ACCESS_BODY = ("Madame Dubois,\n\nVous trouverez en pièce jointe la copie de vos données.\n\nAlice Martin")


def rich_case(ws, clock, open_access_case):
    """Access + erasure for Hélène Dubois, worked through every step, with five letters; returns the reference."""
    d = open_access_case("2027-04-01 09:30", types=("access", "erasure"))
    ref = d.reference
    add_letter(ws, d, "acknowledgement", f"Accusé de réception – réf. {ref}", ACK_BODY, "2027-04-01 10:10")
    clock.set("2027-04-02 10:00")
    cases.start_work(ws, ref)
    clock.set("2027-04-02 10:20")
    cases.ask_subject(ws, ref, "additional_info", "Le numéro de votre dernière commande.")
    add_letter(ws, d, "identity-request", f"Vérification de votre identité – réf. {ref}", ID_BODY, "2027-04-02 10:25")
    clock.set("2027-04-09 15:00")
    cases.record_answer(ws, ref, "Numéro de commande 100234 communiqué ; correspond au compte de Hélène.",
                        "verified")
    clock.set("2027-04-12 09:15")
    cases.record_identity_check(ws, ref, "id_card", "verified", "Carte d'identité de Hélène Dubois montrée")
    clock.set("2027-04-14 11:00")
    cases.extend(ws, ref, "Complexité : six années de commandes chez sept sous-traitants.")
    add_letter(ws, d, "extension", f"Prolongation du délai – réf. {ref}", EXT_BODY, "2027-04-14 11:30")
    steps = [i for i in queries.get_case(ws, ref).checklist if i.action != "Notify (Art. 19)"]
    for i, item in enumerate(steps[:6]):
        clock.set(f"2027-04-2{i} 14:00")
        checklist.mark_item(ws, item.id, True, "Recherché par numéro de client et adresse e-mail.")
    clock.set("2027-04-27 16:45")
    cases.add_note(ws, ref, "Appel de Zoë (sa fille) : Mme Dubois confirme la demande d'effacement.")
    clock.set("2027-05-20 10:00")
    cases.decide(ws, ref, "granted", None, "Copie envoyée.", right="access")
    cases.decide(ws, ref, "partly_granted", "Art. 17(3)(b) RGPD : factures conservées dix ans",
                 "Copie envoyée ; compte effacé ; factures conservées.", right="erasure",
                 reasons="Vos factures doivent être conservées dix ans (Code de la TVA).")
    add_letter(ws, d, "erasure-confirmation", f"Votre demande d'accès et d'effacement – réf. {ref}", REPLY_BODY,
               "2027-05-20 10:30")
    add_letter(ws, d, "access-reply", f"Copie de vos données – réf. {ref}", ACCESS_BODY, "2027-05-20 10:31")
    clock.set("2027-05-21 09:00")
    cases.close(ws, ref)
    clock.set("2027-06-01 14:03")
    return ref


def pdf_pages(path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def pdfium_pages(path) -> list[str]:
    """The same with PDFium (much faster than pypdf on long files; a wheel, no system poppler)."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def en_day(value) -> str:
    """A date as an English case file prints it (Babel, en_GB, long): '1 April 2027'."""
    from babel.dates import format_date
    return format_date(value.date() if isinstance(value, datetime) else value, "long", locale="en_GB")


def en_moment(value: datetime) -> str:
    """A Brussels time as an English case file prints it: '1 April 2027 09:30'."""
    return f"{en_day(value)} {value:%H:%M}"


def flat(text: str) -> str:
    """Text with every run of whitespace made one space (table cells wrap anywhere)."""
    return re.sub(r"\s+", " ", text)
