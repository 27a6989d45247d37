"""The access package, built from what the systems held: a readable PDF (Art. 15) and, for portability, a ZIP
of JSON and CSV per system (Art. 20).

Per system the PDF gives the data by category, the purposes, the recipient, the
retention, where the data came from and how they were collected; then the systems
searched without result, what was withheld under Art. 15(4) and why, the Art.
15(1)-(2) information from the processor register, and what MegaCase's own
register holds about the request. The officer may withhold rows or fields that
concern other people, with a reason each (``withhold``). Building a package is
one audited action: the SHA-256 of each file goes into the audit trail, and the
case file lists them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.domain.validation import require_text
from megacase.errors import InputError, NotFound, RuleViolation
from megacase.i18n import N_, _
from megacase.services import roles, subject_keys
from megacase.services.integrity import audit
from megacase.services import pdf_style as ps
from megacase.services.case_lookup import load_case
from megacase.services.letter_texts import AUTHORITY, COMPANY, REQUEST_TYPES, longdate, register_text
from megacase.services.records import OutgoingFile
from megacase.services.privacy.processors import info_of
import megacase.services.systems.findings as fs
from megacase.services.systems.package_texts import LABELS, ORIGINS, category, transfer
from megacase.services.workspace import Workspace
from megacase.store.orm import AuditEvent, Case, Processor
from megacase.store.subject_crypto import seal
from megacase.store.systems_orm import PackageWithholding, SystemFinding

PDF, ZIP = "application/pdf", "application/zip"
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_TABLE_COLUMNS = 6


@dataclass(frozen=True)
class Package:
    files: tuple[OutgoingFile, ...]
    password: str | None               # shown once to the officer, never stored
    sha256: dict[str, str]             # file name -> SHA-256


def visible_rows(f: fs.Finding, marker: str = "[withheld]") -> dict[str, list[dict]]:
    """The finding's rows with the Art. 15(4) withholdings applied (rows dropped, fields masked)."""
    whole = {(w.category, w.row_index) for w in f.withheld if w.field is None}
    fields = {(w.category, w.row_index, w.field) for w in f.withheld if w.field is not None}
    out = {}
    for cat, rows in f.categories.items():
        kept = []
        for i, row in enumerate(rows):
            if (cat, i) in whole:
                continue
            kept.append({k: (marker if (cat, i, k) in fields else v) for k, v in row.items()})
        out[cat] = kept
    return out


def _register_record(case: Case) -> dict:
    """What MegaCase's own register holds about the subject and their requests."""
    s = case.subject
    if s.anonymised_at is not None or s.name is None:
        raise RuleViolation(_("This subject was erased: there is nothing personal left to copy."))
    return {"subject": {"name": s.name, "email": s.email, "postal_address": s.postal_address,
                        "customer_number": s.customer_number, "language": s.language},
            "requests": [{"reference": c.reference, "received_on": c.received_on.isoformat(), "channel": c.channel,
                          "request_types": [t.request_type for t in c.types]}
                         for c in sorted(s.cases, key=lambda c: c.received_at)]}


def new_password() -> str:
    """Read aloud over the telephone: no 0/O, 1/I/L; 16 characters of 31 symbols (about 79 bits)."""
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _position in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def protect_pdf(data: bytes, password: str) -> bytes:
    """AES-256 encryption (PDF 2.0, revision 6): the file opens only with the password."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=secrets.token_urlsafe(24), algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _gather(session: Session, case: Case) -> dict:
    found = fs.latest(fs.findings_in(session, case))
    procs = {p.name: info_of(p) for p in session.scalars(select(Processor).order_by(Processor.id))}
    return {"reference": case.reference, "language": case.subject.language, "record": _register_record(case),
            "findings": sorted(found.values(), key=lambda f: f.processor_id), "processors": procs}


def _row_table(rows: list[dict], empty: str):
    columns = list(dict.fromkeys(k for r in rows for k in r))
    if len(columns) <= MAX_TABLE_COLUMNS:
        widths = [1 / len(columns)] * len(columns) if columns else [1.0]
        return ps.table(columns, [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows],
                        widths, dense=True, empty=empty)
    # many columns: one block of "field: value" lines per row
    return ps.table(["#", ""], [[str(i), ps.markup("<br/>".join(f"<b>{ps.text(k)}</b>: {ps.text(v)}"
                                                               for k, v in r.items() if v not in (None, "")),
                                                     ps.CELL_DENSE)]
                                for i, r in enumerate(rows, 1)], [0.06, 0.94], dense=True, empty=empty)


def _system_block(f: fs.Finding, proc, language: str, t: dict) -> list:
    when = longdate(f.at.date(), language)
    how = (t["by_file"].format(name=f.filename or "?", date=when) if f.source == fs.FILE
           else t["by_connector"].format(date=when))
    story = [*ps.h2(f"{register_text(proc.name, language)} — {register_text(proc.role, language)}"),
             ps.fields([(t["purposes"], proc.purposes),
                        (t["recipient"], f"{proc.name} ({register_text(proc.role, language)})"),
                        (t["retention"], proc.retention), (t["location"], transfer(proc.name, proc.location, language)),
                        (t["origin"], ORIGINS.get(proc.name, {}).get(language)), (t["collected"], how)],
                       compact=True)]
    for cat, rows in visible_rows(f, t["withheld_mark"]).items():
        story += [ps.spacer(2), ps.markup(f"<b>{ps.text(category(cat, language).capitalize())}</b> ({len(rows)})"),
                  _row_table(rows, t["none"])]
    if f.has_file and not f.row_count:
        story.append(ps.p(f"{t['document']}: {f.filename}"))
    return story


def _pdf(data: dict, today: date, officer: str) -> bytes:
    language, ref = data["language"], data["reference"]
    t = LABELS[language]
    procs = data["processors"]
    held = [f for f in data["findings"] if f.outcome == fs.FOUND]
    empty = [f for f in data["findings"] if f.outcome == fs.NOTHING_HELD]
    story = [*ps.title(t["title"], t["sub"]), ps.p(t["intro"].format(ref=ref, date=longdate(today, language))),
             ps.fields([(t["controller"], f"{COMPANY['name']} ({COMPANY['legal_name']}), {COMPANY['address']}")]),
             *ps.h1(t["systems"])]
    for f in held:
        story += _system_block(f, procs[f.processor], language, t)
    if not held:
        story.append(ps.p(t["nothing_row"]))
    story += [*ps.h1(t["nothing"]),
              ps.table([t["system"], t["how"]], [[register_text(f.processor, language), f.how or t["nothing_row"]]
                                                 for f in empty], [0.25, 0.75], bold_cols=(0,), empty=t["none"])]
    withheld = [(f, w) for f in data["findings"] for w in f.withheld]
    if withheld:
        story += [*ps.h1(t["withheld"]), ps.p(t["withheld_intro"]),
                  ps.table([t["system"], t["what"], t["reason"]],
                           [[f.processor, f"{category(w.category, language)}, {t['row']} {w.row_index + 1}"
                             + (f", {t['field']} {w.field}" if w.field else ""), w.reason] for f, w in withheld],
                           [0.2, 0.35, 0.45])]
    authority = AUTHORITY[language]
    active = [p for p in procs.values() if p.active]
    story += [*ps.h1(t["art15"]),
              ps.table([t["recipient"], t["purposes"], t["retention"], t["location"]],
                       [[f"{p.name} ({register_text(p.role, language)})", p.purposes or "—", p.retention or "—",
                         transfer(p.name, p.location, language) or "—"] for p in active], [0.25, 0.3, 0.2, 0.25],
                       dense=True),
              ps.p(t["rights"]), ps.p(t["complaint"].format(authority=authority["name"], address=authority["address"],
                                                      website=authority["website"])), ps.p(t["automated"])]
    record = data["record"]
    s = record["subject"]
    story += [*ps.h1(t["register"]),
              ps.fields([(t["name"], s["name"]), (t["email"], s["email"]), (t["address"], s["postal_address"]),
                         (t["number"], s["customer_number"]),
                         (t["requests"], "; ".join(
                             f"{r['reference']} ({', '.join(REQUEST_TYPES[language][x] for x in r['request_types'])})"
                             for r in record["requests"]))])]
    info = ps.DocInfo(title=t["title"], subject=f"{ref} · {t['sub']}", author=officer, header_left=ref,
                      footer_left=f"{COMPANY['name']} · {longdate(today, language)}")
    return ps.build_pdf(story, info)


def _csv(rows: list[dict]) -> bytes:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _open_zip(out: io.BytesIO, password: str | None):
    """A ZIP, or with a password an AES-256 encrypted one (WinZip AE-2: 7-Zip, WinZip and macOS' Archive
    Utility open it; Windows' built-in Explorer does not)."""
    if password is None:
        return zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    import pyzipper
    z = pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES)
    z.setpassword(password.encode("utf-8"))
    z.setencryption(pyzipper.WZ_AES, nbits=256)
    return z


def _zip(data: dict, generated: str, password: str | None = None) -> bytes:
    """Per system a JSON of everything and one CSV per category; a manifest; the register's own record."""
    out = io.BytesIO()
    manifest = {"format": "megacase-access-package/1", "generated_at": generated, "request": data["reference"],
                "controller": {k: COMPANY[k] for k in ("name", "legal_name", "address")}, "systems": []}
    with _open_zip(out, password) as z:
        for f in data["findings"]:
            rows = visible_rows(f)
            folder = _slug(f.processor)
            entry = {"system": f.processor, "outcome": f.outcome, "source": f.source,
                     "collected_at": f.at.isoformat(timespec="seconds"), "sha256_of_what_was_received": f.sha256,
                     "categories": {c: len(r) for c, r in rows.items()}}
            manifest["systems"].append(entry)
            if f.outcome != fs.FOUND:
                continue
            z.writestr(f"{folder}/data.json", json.dumps({"system": f.processor, "categories": rows},
                                                         ensure_ascii=False, indent=2))
            for cat, cat_rows in rows.items():
                if cat_rows:
                    z.writestr(f"{folder}/{_slug(cat)}.csv", _csv(cat_rows))
        s = data["record"]["subject"]
        z.writestr("megacase/your-request.json", json.dumps(
            {"subject": {k: s[k] for k in ("name", "email", "postal_address", "customer_number", "language")},
             "requests": data["record"]["requests"]}, ensure_ascii=False, indent=2))
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return out.getvalue()


def _names(language: str, reference: str) -> tuple[str, str]:
    stem = {"fr": "copie-donnees", "nl": "kopie-gegevens", "en": "copy-of-data"}[language]
    return f"{reference}-{stem}.pdf", f"{reference}-{stem}.zip"


def build_package(ws: Workspace, reference: str, *, portability: bool = False, protect: bool = False,
                  pdf: bool = True) -> Package:
    """The access package of a case (PDF; with ``portability`` also the ZIP), audited with its hashes."""
    with ws.reading() as session:
        case = load_case(session, reference)
        data = _gather(session, case)
    pdf_name, zip_name = _names(data["language"], data["reference"])
    files = []
    password = new_password() if protect else None     # one password opens the PDF and the ZIP
    if pdf:
        content = _pdf(data, ws.today(), ws.actor.name)
        files.append(OutgoingFile(pdf_name, PDF, protect_pdf(content, password) if password else content))
    if portability:
        files.append(OutgoingFile(zip_name, ZIP, _zip(data, ws.now().isoformat(timespec="seconds"), password)))
    hashes = {f.filename: hashlib.sha256(f.data).hexdigest() for f in files}
    with ws.transaction() as session:
        case = load_case(session, reference)
        audit.record(session, ws, "systems.package", case_id=case.id, subject_id=case.subject_id, details={
            "reference": case.reference, "files": [{"kind": "pdf" if f.mime_type == PDF else "zip",
                                                    "sha256": hashes[f.filename], "bytes": len(f.data)}
                                                   for f in files],
            "protected": bool(password), "systems": [f.processor for f in data["findings"]
                                                      if f.outcome == fs.FOUND],
            "withheld": sum(len(f.withheld) for f in data["findings"])})
    return Package(tuple(files), password, hashes)


@dataclass(frozen=True)
class PackageRecord:
    at: str
    by: str
    files: tuple[dict, ...]      # {"kind", "sha256", "bytes"}
    protected: bool
    withheld: int


def packages_in(session: Session, case: Case) -> list[PackageRecord]:
    """Every package built for the case, from the audit trail (for the case file)."""
    rows = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                    AuditEvent.kind == "systems.package").order_by(AuditEvent.seq))
    out = []
    for e in rows:
        d = json.loads(e.details)
        out.append(PackageRecord(e.at, e.actor, tuple(d.get("files") or ()), bool(d.get("protected")),
                                 int(d.get("withheld") or 0)))
    return out


def withhold(ws: Workspace, reference: str, finding_id: int, category_name: str, row_index: int,
             field: str | None, reason: str) -> fs.Finding:
    """Leave a row (``field`` None) or one field of a row out of the package, with the reason (Art. 15(4))."""
    roles.require_officer(ws)
    reason = require_text(reason, N_("The reason for withholding (Art. 15(4))"), 1000)
    with ws.transaction() as session:
        case = load_case(session, reference)
        row = session.get(SystemFinding, finding_id)
        if row is None or row.case_id != case.id:
            raise NotFound(_("No finding {finding_id} on case {reference}.").format(
                               finding_id=finding_id, reference=case.reference))
        f = fs.view(session, row)
        if not f.readable:
            raise RuleViolation(_("The subject was erased: nothing of this finding can be given any more."))
        rows = f.categories.get(category_name)
        if rows is None:
            raise InputError(_("The finding has no category '{category_name}'. Known: {categories}.").format(
                                 category_name=category_name, categories=', '.join(f.categories)))
        if not 0 <= row_index < len(rows):
            raise InputError(_("Row {row} does not exist in '{category_name}' (1 to {count}).").format(
                                 row=row_index + 1, category_name=category_name, count=len(rows)))
        if field is not None and field not in rows[row_index]:
            raise InputError(_("Row {row} has no field '{field}'.").format(row=row_index + 1, field=field))
        key = subject_keys.ensure_key(session, case.subject_id)
        session.add(PackageWithholding(finding_id=row.id, category=category_name, row_index=row_index, field=field,
                                       reason_enc=seal(key, reason.encode("utf-8"), "withholding:reason"),
                                       created_at=ws.now_naive(), created_by=ws.actor.name))
        session.flush()
        audit.record(session, ws, "systems.withheld", case_id=case.id, subject_id=case.subject_id,
                     details={"reference": case.reference, "finding": row.id, "category": category_name,
                              "row": row_index, "field": field}, personal={"reason": reason})
        return fs.view(session, row)
