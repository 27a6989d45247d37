"""The systems MegaCase can search, matched to the processor register by name.

Each entry says how its data reach the case (a connector, an export file, or
both), what credential a connector needs, and whether a legal ground holds the
data back from erasure (invoices and payment records: Art. 17(3)(b)). A
processor the officer adds later (a new carrier) has no entry: its data come by
export file or by a statement that nothing is held.
"""

from __future__ import annotations

from dataclasses import dataclass

from megacase.services.privacy.processor_steps import INVOICE_GROUND

PAYMENT_GROUND = ("Art. 17(3)(b) GDPR: payment records are accounting documents kept for 10 years "
                  "(Belgian VAT Code, Art. 60; Code of Economic Law, Art. III.86)")

PAYMENT_GROUND_TEXTS = {
    "fr": "article 17, paragraphe 3, point b), du RGPD : les données de paiement sont des pièces comptables "
          "conservées 10 ans (Code de la TVA, art. 60 ; Code de droit économique, art. III.86)",
    "nl": "artikel 17, lid 3, punt b), AVG: betaalgegevens zijn boekhoudstukken die 10 jaar bewaard worden "
          "(Btw-wetboek, art. 60; Wetboek van economisch recht, art. III.86)",
}


def ground_text(ground: str, language: str) -> str:
    """A legal ground of this module in the letter's language (the others through the register's texts)."""
    from megacase.services.letter_texts import register_text
    if ground == PAYMENT_GROUND:
        return PAYMENT_GROUND_TEXTS.get(language, ground)
    return register_text(ground, language)


@dataclass(frozen=True)
class SystemSpec:
    key: str                      # mailchimp: settings, keyring entry
    processor: str                # the register's name
    connector: str | None         # module in connectors/, None: export files only
    credential: str               # what the officer gives, and where to get it
    options: tuple[str, ...] = ()  # extra settings a connector needs (mailboxes, property)
    hold_ground: str | None = None  # erasure can only be "kept", under this ground
    file_hint: str = "an export file (CSV, JSON, XLSX or PDF)"

    @property
    def env_var(self) -> str:
        return "MEGACASE_" + self.processor.upper().replace(" ", "_") + "_KEY"

    @property
    def base_url_key(self) -> str:
        return f"systems.{self.key}.base_url"

    @property
    def options_key(self) -> str:
        return f"systems.{self.key}.options"


SYSTEMS: tuple[SystemSpec, ...] = (
    SystemSpec("lightspeed", "Lightspeed", "lightspeed",
               "API key and secret as 'key:secret' (Lightspeed eCom back office › Settings › Developers › "
               "New API key; read customers, orders, invoices; write customers to erase)",
               file_hint="the customer export (CSV/XLSX) of the back office"),
    SystemSpec("mailchimp", "MailChimp", "mailchimp",
               "an API key (Mailchimp › Profile › Extras › API keys), e.g. 0123456789abcdef-us21",
               file_hint="the audience export (CSV) of the member"),
    SystemSpec("office365", "Office 365", "graph",
               "an application access token for Microsoft Graph with Mail.Read (an app registration in "
               "Entra ID, admin consent)", options=("mailboxes",),
               file_hint="a content search export (PST listing as CSV) or a PDF"),
    SystemSpec("paypal", "PayPal", None, "none: PayPal data come from the Activity download (CSV)",
               hold_ground=PAYMENT_GROUND, file_hint="the Activity download (CSV) filtered on the subject"),
    SystemSpec("carriers", "Carriers", None, "none: each carrier's shipment list comes as an export file",
               file_hint="the carrier's shipment list (CSV/XLSX)"),
    SystemSpec("silvasoft", "Silvasoft", "silvasoft",
               "'username:apikey' (the Silvasoft login e-mail and the key of Instellingen › API)",
               hold_ground=INVOICE_GROUND, file_hint="the invoice list export (CSV/XLSX) or invoice PDFs"),
    SystemSpec("google_analytics", "Google Analytics", "ga4",
               "an OAuth access token with the analytics.user.deletion scope (a service account added to the "
               "GA4 property)", options=("property",),
               file_hint="a User Explorer export for the subject's client id"),
)

# Their settings (systems.<key>.base_url, systems.<key>.options) are declared with every other register
# setting in services.settings, from the same keys: a test keeps the two lists equal.


def spec_for(processor: str) -> SystemSpec | None:
    """The system entry of a processor of the register (by name, any case), or None."""
    wanted = processor.strip().lower()
    return next((s for s in SYSTEMS if s.processor.lower() == wanted or s.key == wanted), None)
