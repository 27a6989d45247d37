"""An erasure case carried through the real services up to the point where the subject can be erased."""

from __future__ import annotations

from datetime import date

from megacase.services.cases import cases
from megacase.services.letters import letters
from megacase.services.privacy import processor_steps, processors
from megacase.services.privacy.processor_steps import INVOICE_GROUND

NAME = "Hélène Dubois"
EMAIL = "helene.dubois@skynet.be"
ADDRESS = "Rue de l'Église 12, 5000 Namur"
CUSTOMER = "C-104233"
PROCESSORS = ("Lightspeed", "MailChimp", "Office 365", "PayPal", "Carriers", "Silvasoft", "Google Analytics")


def send(ws, reference: str, template_id: str, **options):
    result = letters.send_letter(ws, reference, template_id, options=letters.LetterOptions(**options))
    assert result.sent, result.error
    return result


def granted_erasure(ws, open_access_case, clock, *, keep_invoices: bool = True, send_confirmation: bool = True,
                    types=("erasure",)) -> str:
    """Opened, identified, decided, every processor step and notice recorded, the confirmation sent."""
    ref = open_access_case(received="2027-04-01 09:30", types=types).reference
    cases.start_work(ws, ref)
    cases.ask_subject(ws, ref, "additional_info", "The number of your last order")
    clock.set("2027-04-02 11:00")
    # The subject's own words, and an officer who typed the name: both must go on erasure.
    cases.record_answer(ws, ref, f"{NAME}, order 2026-118, delivered to {ADDRESS}", "verified")
    cases.add_note(ws, ref, f"Phoned {NAME} ({EMAIL}); she confirmed the request.")
    clock.set("2027-04-06 10:00")
    if keep_invoices:
        cases.decide(ws, ref, "partly_granted", legal_ground="Art. 17(3)(b) GDPR (invoices, 10 years)",
                     note=f"Account of {NAME} deleted; invoices kept for the legal term.")
    else:
        cases.decide(ws, ref, "granted", note=f"Account of {NAME} deleted.")
    processors.update_processor(ws, "MailChimp", notice_channel="E-mail to privacy@mailchimp.example")
    for name in PROCESSORS:
        if keep_invoices and name == "Silvasoft":
            processor_steps.record_kept(ws, ref, name, INVOICE_GROUND, note="Invoices F-2026-0042 and F-2026-0107")
        else:
            processor_steps.record_done(ws, ref, name, note=f"Customer {CUSTOMER} deleted" if name == "Lightspeed"
                                        else None)
    send(ws, ref, "art19-notice", processor="MailChimp", )
    for name in PROCESSORS:
        if name == "Google Analytics":
            processor_steps.record_no_notice(ws, ref, name, processor_steps.NOTICE_EXEMPTIONS[0])
        elif name != "MailChimp":
            processor_steps.record_notice(ws, ref, name, sent_on=date(2027, 4, 6))
    if send_confirmation:
        send(ws, ref, "erasure-confirmation")
    return ref
