"""Files that travel with letters or arrive with requests, always sealed under the subject's key.

- ``access_copy``: a PDF copy of the subject's data as recorded in the register
  (Art. 15(3)), in the subject's language, optionally protected by a password
  (AES-256) that the officer gives the subject by another channel;
- ``portability_files``: the data the subject provided, as JSON and as CSV
  (Art. 20: structured, commonly used, machine-readable; not PDF);
- ``store_attachment`` / ``list_attachments`` / ``attachment_data``: the sealed
  store behind letters and imported e-mails.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.errors import NotFound, RuleViolation
from megacase.services import pdf_style as ps
from megacase.services import subject_keys
from megacase.services.cases.cases import load_case
from megacase.services.letter_texts import CHANNELS, COMPANY, REQUEST_TYPES, longdate, register_text
from megacase.services.letters.outbox import OutgoingFile
from megacase.services.workspace import Workspace, local_date, to_local
from megacase.store.orm import Attachment, Case, ChecklistItem, Letter
from megacase.store.subject_crypto import open_sealed, seal

PDF, JSON, CSV = "application/pdf", "application/json", "text/csv"
# Read aloud over the telephone: no 0/O, 1/I/L. 16 characters of 32 symbols: 80 bits.
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    kind: str                 # letter | inbound_eml | inbound_file
    filename: str
    mime_type: str
    size: int
    sha256: str
    letter_id: int | None
    created_at: datetime


# --- the sealed store ----------------------------------------------------------------------------------------

def store_attachment(session: Session, ws: Workspace, case: Case, f: OutgoingFile, *, kind: str,
                     letter_id: int | None = None) -> Attachment:
    key = subject_keys.ensure_key(session, case.subject_id)
    row = Attachment(case_id=case.id, letter_id=letter_id, kind=kind,
                     filename_enc=seal(key, f.filename.encode("utf-8"), "attachment:filename"),
                     mime_type=f.mime_type[:100], data_enc=seal(key, f.data, "attachment:data"),
                     sha256=hashlib.sha256(f.data).hexdigest(), created_at=ws.now_naive())
    session.add(row)
    session.flush()
    return row


def list_attachments(ws: Workspace, reference: str) -> list[AttachmentInfo]:
    with ws.reading() as session:
        case = load_case(session, reference)
        key = subject_keys.key_of(session, case.subject_id)
        rows = session.execute(select(Attachment).where(Attachment.case_id == case.id)
                               .order_by(Attachment.id)).scalars()
        out = []
        for a in rows:
            name = open_sealed(key, a.filename_enc, "attachment:filename")
            data = open_sealed(key, a.data_enc, "attachment:data")
            out.append(AttachmentInfo(a.id, a.kind, name.decode("utf-8") if name else "[erased]", a.mime_type,
                                      len(data) if data else 0, a.sha256, a.letter_id, to_local(a.created_at)))
        return out


def attachment_data(ws: Workspace, attachment_id: int) -> OutgoingFile:
    with ws.reading() as session:
        a = session.get(Attachment, attachment_id)
        if a is None:
            raise NotFound(f"No attachment {attachment_id}.")
        key = subject_keys.key_of(session, session.get(Case, a.case_id).subject_id)
        name, data = (open_sealed(key, a.filename_enc, "attachment:filename"),
                      open_sealed(key, a.data_enc, "attachment:data"))
        if name is None or data is None:
            raise NotFound("The subject was erased: this file can no longer be read.")
        if hashlib.sha256(data).hexdigest() != a.sha256:
            raise RuleViolation(f"Attachment {attachment_id} does not match its hash.")
        return OutgoingFile(name.decode("utf-8"), a.mime_type, data)


# --- what the register holds about the subject ---------------------------------------------------------------

def _record(session: Session, case: Case) -> dict:
    """The subject's personal data as the register records them (plain values, for every output format)."""
    subject = case.subject
    if subject.anonymised_at is not None or subject.name is None:
        raise RuleViolation("This subject was erased: there is nothing personal left to copy.")
    sid = subject.id
    requests = [{"reference": c.reference, "received_on": c.received_on.isoformat(), "channel": c.channel,
                 "request_types": [t.request_type for t in c.types], "state": c.state, "outcome": c.outcome,
                 "summary": c.summary} for c in sorted(subject.cases, key=lambda c: c.received_at)]
    steps = [{"asked": s.asked, "asked_on": local_date(s.asked_at).isoformat(), "answer": s.answer,
              "result": s.result} for s in case.identity_steps]
    searched = [{"processor": i.processor.name, "role": i.processor.role, "categories": i.processor.categories,
                 "found": i.note, "searched_on": local_date(i.done_at).isoformat() if i.done_at else None}
                for i in session.execute(select(ChecklistItem).where(ChecklistItem.case_id == case.id,
                                                                     ChecklistItem.action == "search")
                                         .order_by(ChecklistItem.id)).scalars()]
    letters = [{"sent_on": local_date(l.sent_at).isoformat(),
                "subject_line": subject_keys.open_text(session, sid, l.subject_enc, "letter:subject")}
               for l in session.execute(select(Letter).join(Case, Case.id == Letter.case_id)
                                        .where(Case.subject_id == sid, Letter.status == "sent")
                                        .order_by(Letter.id)).scalars()]
    return {
        "subject": {"name": subject.name, "email": subject.email, "postal_address": subject.postal_address,
                    "customer_number": subject.customer_number, "language": subject.language,
                    "restricted_since": subject.restricted_since.isoformat() if subject.restricted_since else None,
                    "processing_suspended": bool(subject.processing_suspended)},
        "requests": requests, "identity_checks": steps, "processors": searched, "letters": letters,
    }


LABELS = {
    "fr": {"title": "Copie de vos données à caractère personnel", "sub": "Article 15, paragraphe 3, du RGPD",
           "intro": "Ce document reprend les données vous concernant telles qu'elles sont enregistrées dans le "
                    "dossier de votre demande {ref}, à la date du {date}.",
           "who": "Vos données d'identification", "name": "Nom", "email": "Adresse e-mail connue",
           "address": "Adresse postale", "number": "Numéro de client", "language": "Langue",
           "restricted": "Traitement limité depuis", "suspended": "Traitement suspendu (opposition)",
           "yes": "oui", "no": "non", "requests": "Vos demandes", "ref": "Référence", "received": "Reçue le",
           "channel": "Canal", "rights": "Droits", "outcome": "Décision", "checks": "Vérifications d'identité",
           "asked": "Demandé", "answer": "Réponse", "result": "Résultat", "processors": "Données chez nos sous-traitants",
           "processor": "Sous-traitant", "categories": "Catégories de données", "found": "Constat",
           "letters": "Courriers envoyés", "date": "Date", "subject": "Objet", "none": "Aucun.",
           "controller": "Responsable du traitement"},
    "nl": {"title": "Kopie van uw persoonsgegevens", "sub": "Artikel 15, lid 3, AVG",
           "intro": "Dit document bevat de gegevens over u zoals ze zijn vastgelegd in het dossier van uw verzoek "
                    "{ref}, op {date}.",
           "who": "Uw identificatiegegevens", "name": "Naam", "email": "Bekend e-mailadres", "address": "Postadres",
           "number": "Klantnummer", "language": "Taal", "restricted": "Verwerking beperkt sinds",
           "suspended": "Verwerking opgeschort (bezwaar)", "yes": "ja", "no": "nee", "requests": "Uw verzoeken",
           "ref": "Referentie", "received": "Ontvangen op", "channel": "Kanaal", "rights": "Rechten",
           "outcome": "Beslissing", "checks": "Identiteitscontroles", "asked": "Gevraagd", "answer": "Antwoord",
           "result": "Resultaat", "processors": "Gegevens bij onze verwerkers", "processor": "Verwerker",
           "categories": "Categorieën van gegevens", "found": "Bevinding", "letters": "Verzonden brieven",
           "date": "Datum", "subject": "Onderwerp", "none": "Geen.", "controller": "Verwerkingsverantwoordelijke"},
    "en": {"title": "Copy of your personal data", "sub": "Article 15(3) GDPR",
           "intro": "This document sets out the data about you as recorded in the file of your request {ref}, "
                    "on {date}.",
           "who": "Your identification data", "name": "Name", "email": "Known e-mail address",
           "address": "Postal address", "number": "Customer number", "language": "Language",
           "restricted": "Processing restricted since", "suspended": "Processing suspended (objection)",
           "yes": "yes", "no": "no", "requests": "Your requests", "ref": "Reference", "received": "Received on",
           "channel": "Channel", "rights": "Rights", "outcome": "Decision", "checks": "Identity checks",
           "asked": "Asked", "answer": "Answer", "result": "Result", "processors": "Data held by our processors",
           "processor": "Processor", "categories": "Categories of data", "found": "Finding",
           "letters": "Letters sent", "date": "Date", "subject": "Subject", "none": "None.",
           "controller": "Controller"},
}


OUTCOMES = {
    "fr": {"granted": "accordée", "partly_granted": "accordée en partie", "refused": "refusée",
           "fee_requested": "frais demandés", "withdrawn": "retirée"},
    "nl": {"granted": "ingewilligd", "partly_granted": "gedeeltelijk ingewilligd", "refused": "geweigerd",
           "fee_requested": "vergoeding gevraagd", "withdrawn": "ingetrokken"},
    "en": {"granted": "granted", "partly_granted": "partly granted", "refused": "refused",
           "fee_requested": "fee requested", "withdrawn": "withdrawn"},
}


def _pdf(record: dict, reference: str, language: str, today, officer: str) -> bytes:
    from datetime import date as _date
    t = LABELS[language]

    def day(iso):
        return longdate(_date.fromisoformat(iso), language) if iso else "—"

    s = record["subject"]
    story = [*ps.title(t["title"], t["sub"]),
             ps.p(t["intro"].format(ref=reference, date=longdate(today, language))),
             ps.fields([(t["controller"], f"{COMPANY['name']} ({COMPANY['legal_name']}), {COMPANY['address']}")]),
             *ps.h1(t["who"]),
             ps.fields([(t["name"], s["name"]), (t["email"], s["email"]), (t["address"], s["postal_address"]),
                        (t["number"], s["customer_number"]),
                        (t["language"], {"fr": "Français", "nl": "Nederlands", "en": "English"}[s["language"]]),
                        (t["restricted"], day(s["restricted_since"]) if s["restricted_since"] else None),
                        (t["suspended"], t["yes"] if s["processing_suspended"] else t["no"])]),
             *ps.h1(t["requests"]),
             ps.table([t["ref"], t["received"], t["channel"], t["rights"], t["outcome"]],
                      [[r["reference"], day(r["received_on"]), CHANNELS[language].get(r["channel"], r["channel"]),
                        "; ".join(REQUEST_TYPES[language][x] for x in r["request_types"]),
                        OUTCOMES[language].get(r["outcome"], "—")]
                       for r in record["requests"]], [0.17, 0.16, 0.13, 0.4, 0.14], mono_cols=(0,), empty=t["none"]),
             *ps.h1(t["processors"]),
             ps.table([t["processor"], t["categories"], t["found"]],
                      [[p["processor"], register_text(p["categories"], language), p["found"] or "—"]
                       for p in record["processors"]], [0.22, 0.4, 0.38], bold_cols=(0,), empty=t["none"]),
             *ps.h1(t["checks"]),
             ps.table([t["asked"], t["date"], t["answer"], t["result"]],
                      [[c["asked"], day(c["asked_on"]), c["answer"] or "—", c["result"]]
                       for c in record["identity_checks"]], [0.36, 0.16, 0.34, 0.14], empty=t["none"]),
             *ps.h1(t["letters"]),
             ps.table([t["date"], t["subject"]], [[day(l["sent_on"]), l["subject_line"]] for l in record["letters"]],
                      [0.2, 0.8], empty=t["none"])]
    info = ps.DocInfo(title=t["title"], subject=f"{reference} · {t['sub']}", author=officer, header_left=reference,
                      footer_left=f"{COMPANY['name']} · {longdate(today, language)}")
    return ps.build_pdf(story, info)


def new_password() -> str:
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def protect_pdf(data: bytes, password: str) -> bytes:
    """AES-256 encryption (PDF 2.0, revision 6): the file opens only with the password."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=secrets.token_urlsafe(24), algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def access_copy(ws: Workspace, reference: str, protect: bool = False) -> tuple[OutgoingFile, str | None]:
    """The PDF copy for an access reply, and its password when protected (shown once, never stored)."""
    with ws.reading() as session:
        case = load_case(session, reference)
        record, language = _record(session, case), case.subject.language
        reference = case.reference
    data = _pdf(record, reference, language, ws.today(), ws.actor.name)
    password = None
    if protect:
        password = new_password()
        data = protect_pdf(data, password)
    name = {"fr": "copie-donnees", "nl": "kopie-gegevens", "en": "copy-of-data"}[language]
    return OutgoingFile(f"{reference}-{name}.pdf", PDF, data), password


def _portable(record: dict, reference: str, generated: datetime) -> dict:
    s = record["subject"]
    return {
        "format": "megacase-portability/1",
        "generated_at": generated.isoformat(timespec="seconds"),
        "controller": {"name": COMPANY["name"], "legal_name": COMPANY["legal_name"], "address": COMPANY["address"]},
        "request": reference,
        "subject": {k: s[k] for k in ("name", "email", "postal_address", "customer_number", "language")},
        "requests": [{k: r[k] for k in ("reference", "received_on", "channel", "request_types")}
                     for r in record["requests"]],
    }


def _flatten(value, prefix: str = ""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            yield prefix, "; ".join(str(v) for v in value)
        else:
            for i, v in enumerate(value, 1):
                yield from _flatten(v, f"{prefix}[{i}]")
    else:
        yield prefix, "" if value is None else str(value)


def portability_files(ws: Workspace, reference: str) -> tuple[OutgoingFile, OutgoingFile]:
    """The data the subject provided, as JSON and as a CSV of field/value rows (both UTF-8)."""
    with ws.reading() as session:
        case = load_case(session, reference)
        data = _portable(_record(session, case), case.reference, ws.now())
        reference = case.reference
    js = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["field", "value"])
    writer.writerows(_flatten(data))
    return (OutgoingFile(f"{reference}-personal-data.json", JSON, js),
            OutgoingFile(f"{reference}-personal-data.csv", CSV, buf.getvalue().encode("utf-8")))
