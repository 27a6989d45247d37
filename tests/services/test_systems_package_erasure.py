"""The access package read back (PDF and ZIP, protected or not, with Art. 15(4) withholdings), and erasure at each
system with receipts: a dry run first, the system's answer kept, legal holds only "kept", and after the subject's
erasure nothing collected can be read on disk."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from megacase.errors import InputError, RuleViolation
from megacase.services import systems
from megacase.services.cases import queries
from megacase.services.integrity import audit
from megacase.services.privacy import erasure, processor_steps
from megacase.services.systems import demo_exports
from megacase.services.systems.catalogue import PAYMENT_GROUND
from megacase.services.systems.loopback import md5
from tests import answering, forensics
from tests.mail_sink import configure_mail, smtp_sink
from tests.services.erasure_flow import send
from tests.services.systems_support import EMAIL, NAME, no_sleep, point_all, start_server

ADDRESS = ("Rue de l'Église 12", "5000", "Namur")


def pdf_text(data: bytes, password: str | None = None) -> str:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        assert reader.decrypt(password)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def server(ws):
    s = start_server()
    point_all(ws, s)
    yield s
    s.stop()


@pytest.fixture
def collected(ws, server, open_access_case):
    ref = open_access_case(types=("access", "portability")).reference
    systems.collect_all(ws, ref, sleep=no_sleep)
    systems.import_file(ws, ref, "PayPal", "paypal.csv", demo_exports.paypal_activity_csv(NAME, EMAIL, *ADDRESS))
    systems.record_nothing_held(ws, ref, "Carriers", "Searched bpost e-tracker by e-mail address and postcode")
    return ref


def test_the_access_package_holds_every_systems_data_by_category_with_its_source(ws, collected):
    package = systems.build_package(ws, collected, portability=True)
    pdf, zipped = package.files
    text = pdf_text(pdf.data)
    for expected in ("Copie de vos données à caractère personnel", "Lightspeed", "ORD10562", "Commandes (3)",
                     "MailChimp", "Ouvertures et lectures (5)", "Office 365", "Facture F-2026-0107",
                     "PayPal", "4KX12345AB678901C", "Silvasoft", "F-2025-0142",
                     "interrogation directe du système", "export du système (paypal.csv)",
                     "Systèmes consultés sans résultat", "Searched bpost e-tracker", "cannot search it by person",
                     "Autorité de protection des données", "vous-même, à la création de votre compte",
                     "États-Unis (Intuit Inc.) ; garantie : décision d'adéquation EU-US Data Privacy Framework"):
        assert expected in text, expected
    assert "Jan Peeters" not in text
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as z:
        names = set(z.namelist())
        assert {"manifest.json", "megacase/your-request.json", "lightspeed/orders.csv", "lightspeed/data.json",
                "mailchimp/opens-and-reads.csv", "paypal/payments.csv", "office-365/correspondence.csv"} <= names
        orders = z.read("lightspeed/orders.csv").decode("utf-8").splitlines()
        assert orders[0] == "order,date,status,total,payment,shipment" and len(orders) == 4
        manifest = json.loads(z.read("manifest.json"))
        assert {s["system"]: s["outcome"] for s in manifest["systems"]}["Carriers"] == "nothing_held"
    event = [e for e in queries.get_case(ws, collected).timeline if e.kind == "systems.package"][-1]
    assert [f["sha256"] for f in event.details["files"]] == [package.sha256[pdf.filename],
                                                             package.sha256[zipped.filename]]
    assert audit.verify(ws).ok


def test_withheld_rows_and_fields_leave_the_package_with_their_reasons(ws, collected):
    office = next(f for f in systems.case_findings(ws, collected) if f.processor == "Office 365")
    systems.withhold(ws, collected, office.id, "correspondence", 1, None, "Internal reply naming a colleague")
    lightspeed = next(f for f in systems.case_findings(ws, collected) if f.processor == "Lightspeed")
    f = systems.withhold(ws, collected, lightspeed.id, "identity", 0, "phone", "Number of the subject's employer")
    assert [(w.category, w.row_index, w.field) for w in f.withheld] == [("identity", 0, "phone")]
    with pytest.raises(InputError, match="no field 'fax'"):
        systems.withhold(ws, collected, lightspeed.id, "identity", 0, "fax", "x")
    with pytest.raises(InputError, match="Row 9 does not exist"):
        systems.withhold(ws, collected, lightspeed.id, "identity", 8, None, "x")
    package = systems.build_package(ws, collected, portability=True, protect=True)
    pdf, zipped = package.files
    assert PdfReader(io.BytesIO(pdf.data)).is_encrypted and not PdfReader(io.BytesIO(pdf.data)).decrypt("wrong")
    text = pdf_text(pdf.data, package.password)
    assert "RE: Question sur ma commande" not in text and "+32 81 22 45 67" not in text
    assert "Internal reply naming a colleague" in text and "[non communiqué, art. 15(4)]" in text
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as z:               # AES-256: unreadable without it
        with pytest.raises(Exception):
            z.read("manifest.json")
    import pyzipper
    with pyzipper.AESZipFile(io.BytesIO(zipped.data)) as z:
        z.setpassword(b"WRONG-PASS-WORD-1234")
        with pytest.raises(RuntimeError):
            z.read("manifest.json")
        z.setpassword(package.password.encode())
        assert "RE: Question" not in z.read("office-365/correspondence.csv").decode("utf-8")
        assert "+32 81 22 45 67" not in z.read("lightspeed/identity.csv").decode("utf-8")
    assert NAME.encode() not in zipped.data and EMAIL.encode() not in zipped.data
    event = [e for e in queries.get_case(ws, collected).timeline if e.kind == "systems.package"][-1]
    assert event.details["protected"] is True and event.details["withheld"] == 2
    withheld_event = [e for e in queries.get_case(ws, collected).timeline if e.kind == "systems.withheld"][0]
    assert withheld_event.personal == {"reason": "Internal reply naming a colleague"}


@pytest.fixture
def sink(ws):
    with smtp_sink() as s:
        configure_mail(ws, s)
        yield s


def _erasure_case(ws, open_access_case, clock):
    from megacase.services.cases import cases
    ref = open_access_case(received="2027-04-01 09:30", types=("erasure",)).reference
    cases.start_work(ws, ref)
    clock.set("2027-04-06 10:00")
    cases.decide(ws, ref, "partly_granted", "art17_3_b_invoices",
                 reasons="Nos factures doivent être conservées dix ans (Code TVA) ; tout le reste est effacé.")
    return ref


def test_erasure_at_each_system_after_a_dry_run_keeps_the_receipt(ws, server, open_access_case, clock):
    ref = _erasure_case(ws, open_access_case, clock)
    with pytest.raises(RuleViolation, match="dry run for MailChimp first"):
        systems.erase(ws, ref, "MailChimp", sleep=no_sleep)
    step = systems.dry_run(ws, ref, "MailChimp", sleep=no_sleep)
    assert step.plan.actions == ("POST /lists/a1b2c3d4e5/members/<hash>/actions/delete-permanent",)
    assert server.deleted == []                                  # a dry run changes nothing
    done = systems.erase(ws, ref, "MailChimp", sleep=no_sleep)
    assert done.finding.outcome == "erased" and server.deleted == [("mailchimp", md5(EMAIL))]
    assert done.finding.answer == {"replies": [{"audience": "a1b2c3d4e5", "action": "delete-permanent",
                                                "http": 204}]}
    row = next(r for r in processor_steps.processor_steps(ws, ref) if r.processor == "MailChimp")
    assert row.act.status == "erased" and done.finding.sha256[:12] in row.act.note

    with pytest.raises(InputError, match="client id"):
        systems.dry_run(ws, ref, "Google Analytics", sleep=no_sleep)
    systems.dry_run(ws, ref, "Google Analytics", "1234567890.1712345678", sleep=no_sleep)
    ga = systems.erase(ws, ref, "Google Analytics", "1234567890.1712345678", sleep=no_sleep)
    assert ga.finding.answer["deletionRequestTime"] == "2027-04-07T10:00:00.000Z"

    kept = systems.erase(ws, ref, "Silvasoft", sleep=no_sleep)          # a legal hold: never called
    assert kept.finding.outcome == "kept" and "10 years" in kept.finding.ground
    paypal = systems.keep(ws, ref, "PayPal")
    assert paypal.finding.ground == PAYMENT_GROUND
    with pytest.raises(RuleViolation, match="no data under a legal ground"):
        systems.keep(ws, ref, "Lightspeed")
    systems.dry_run(ws, ref, "Lightspeed", sleep=no_sleep)
    server.fail("/lightspeed/nl/customers/4411207.json", 422)
    task = systems.erase(ws, ref, "Lightspeed", sleep=no_sleep)
    assert task.finding.outcome == "task"
    assert next(r for r in processor_steps.processor_steps(ws, ref) if r.processor == "Lightspeed").act.status \
        == "pending"
    lines = {line.system: line for line in systems.erasure_lines(ws, ref)}
    assert (lines["MailChimp"].status, lines["Silvasoft"].status, lines["PayPal"].status) == ("erased", "kept", "kept")
    assert lines["PayPal"].ground == PAYMENT_GROUND and lines["MailChimp"].receipt == done.finding.sha256
    assert lines["Lightspeed"].status == "task" and lines["Carriers"].status == "pending"
    from megacase.services.letters import letters
    body = letters.preview(ws, ref, "erasure-confirmation", letters.LetterOptions()).body
    assert "- MailChimp : effacées\n" in body and "- Lightspeed : effacement en cours\n" in body
    assert "- PayPal : conservées (article 17, paragraphe 3, point b), du RGPD : les données de paiement" in body
    assert "- Silvasoft : conservées (article 17, paragraphe 3, point b), du RGPD" in body
    assert audit.verify(ws).ok


def test_an_objection_unsubscribes_from_the_newsletter(ws, server, open_access_case):
    ref = open_access_case(types=("objection",)).reference
    systems.dry_run(ws, ref, "MailChimp", sleep=no_sleep)
    systems.erase(ws, ref, "MailChimp", sleep=no_sleep)
    assert server.data.members[EMAIL][0]["status"] == "unsubscribed" and server.deleted == []


def test_after_the_subjects_erasure_nothing_collected_can_be_read(ws, server, open_access_case, clock, sink,
                                                                   data_dir):
    from megacase.services.cases import cases
    access = open_access_case(received="2027-04-01 09:00", types=("access",)).reference
    systems.collect_all(ws, access, sleep=no_sleep)
    paypal = demo_exports.paypal_activity_csv(NAME, EMAIL, *ADDRESS)
    systems.import_file(ws, access, "PayPal", "paypal.csv", paypal)
    systems.record_nothing_held(ws, access, "Carriers", "Searched the bpost portal for ORD-77881")
    office = next(f for f in systems.case_findings(ws, access) if f.processor == "Office 365")
    systems.withhold(ws, access, office.id, "correspondence", 0, None, "Mentions Mr Verbruggen-Lacroix")
    systems.build_package(ws, access, portability=True)
    cases.start_work(ws, access)
    cases.decide(ws, access, "granted")
    answering.answer_and_close(ws, access)

    subject_id = queries.get_case(ws, access).subject.id
    ref = open_access_case(received="2027-04-02 09:00", types=("erasure",), subject=subject_id).reference
    cases.start_work(ws, ref)
    clock.set("2027-04-06 10:00")
    cases.decide(ws, ref, "partly_granted", "art17_3_b_invoices",
                 reasons="Nos factures doivent être conservées dix ans (Code TVA) ; tout le reste est effacé.")
    for name in ("Lightspeed", "MailChimp", "Office 365", "Carriers", "Google Analytics"):
        if name in ("Lightspeed", "MailChimp"):
            systems.dry_run(ws, ref, name, sleep=no_sleep)
            systems.erase(ws, ref, name, sleep=no_sleep)
        else:
            processor_steps.record_done(ws, ref, name)
    systems.erase(ws, ref, "Silvasoft")
    systems.keep(ws, ref, "PayPal")
    for name in ("Lightspeed", "MailChimp", "Office 365", "PayPal", "Carriers", "Silvasoft", "Google Analytics"):
        answering.notify(ws, ref, name)              # Art. 19: a notice that left the outbox
    answering.answer(ws, ref)                        # the erasure confirmation
    key = forensics.engine_key(ws.engine)
    before = forensics.profile_plaintext(data_dir, key)
    assert not forensics.occurrences(before, "4KX12345AB678901C")   # sealed even before: never in clear
    erasure.erase(ws, ref, erasure.InvoiceKeep("F-2025-0142, F-2026-0107", date(2026, 9, 27)))

    files = forensics.profile_plaintext(data_dir, key)
    dump = forensics.sql_dump(ws.engine)
    for needle in (EMAIL, "skynet", "4KX12345AB678901C", "ORD10562", "Question sur ma commande", "81.82.193.14",
                   "Verbruggen-Lacroix", "ORD-77881", "+32 475 12 34 56", "Caméra IP"):
        assert not forensics.occurrences(files, needle), needle
        assert not [line for line in dump if needle.lower() in line.lower()], needle
    assert all(not f.readable and f.categories == {} for f in systems.case_findings(ws, access))
    with pytest.raises(Exception, match="erased"):
        systems.original_file(ws, next(f.id for f in systems.case_findings(ws, access) if f.has_file))
    assert audit.verify(ws).ok


def test_the_case_file_lists_the_findings_the_withholdings_and_the_packages_hashes(ws, collected, tmp_path):
    from megacase.services.reports import case_file
    office = next(f for f in systems.case_findings(ws, collected) if f.processor == "Office 365")
    systems.withhold(ws, collected, office.id, "correspondence", 1, None, "Internal reply naming a colleague")
    package = systems.build_package(ws, collected, portability=True)
    result = case_file.export_case(ws, collected, tmp_path / "case.pdf", "en")
    reader = PdfReader(str(result.path))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "What each system held" in text and "Withheld from the access package (Art. 15(4))" in text
    assert "Internal reply naming a colleague" in text and "Access packages built" in text
    for sha in package.sha256.values():
        assert sha in text.replace(" ", "")
    assert office.sha256 in text.replace(" ", "")
