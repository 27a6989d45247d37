"""Fixed texts the letters print in the subject's language: the company, the APD/GBA, labels, long dates.

Values follow resources/templates/README.md (the contract with the templates).
Kept apart from the renderer so that the words can be checked at a glance.
"""

from __future__ import annotations

from datetime import date, datetime

LANGUAGES = ("fr", "nl", "en")

COMPANY = {
    "name": "Mega Security",
    "legal_name": "Securco BV",
    # The privacy policy spells the town "Ardoole": a typo for Ardooie.
    "address": "Seringenstraat 34, B-8850 Ardooie",
    "email": "info@megasecurity.eu",
}
DEFAULT_PRIVACY_CONTACT = "info@megasecurity.eu"

# The company's identification (Code of Companies and Associations, Art. 2:20), in the letter's language.
IDENTIFICATION_LABELS = {"fr": ("Numéro d'entreprise (BCE)", "RPM"), "nl": ("Ondernemingsnummer (KBO)", "RPR"),
                         "en": ("Enterprise number (KBO/BCE)", "RPR/RPM")}


def identification_line(number: str, seat: str, language: str) -> str | None:
    """``Ondernemingsnummer (KBO) 0123.456.789 · RPR Gent, afdeling Brugge``; None while both are empty
    (the letters then say nothing rather than something false)."""
    label, register = IDENTIFICATION_LABELS[language]
    parts = ([f"{label} {number}"] if number else []) + ([f"{register} {seat}"] if seat else [])
    return " · ".join(parts) or None

AUTHORITY = {
    "fr": {"name": "Autorité de protection des données (APD)",
           "address": "Rue de la Presse 35, 1000 Bruxelles",
           "phone": "+32 2 274 48 00", "website": "www.autoriteprotectiondonnees.be"},
    "nl": {"name": "Gegevensbeschermingsautoriteit (GBA)",
           "address": "Drukpersstraat 35, 1000 Brussel",
           "phone": "+32 2 274 48 00", "website": "www.gegevensbeschermingsautoriteit.be"},
    "en": {"name": "Data Protection Authority (Autorité de protection des données / "
                   "Gegevensbeschermingsautoriteit, APD/GBA)",
           "address": "Rue de la Presse 35 / Drukpersstraat 35, 1000 Brussels",
           "phone": "+32 2 274 48 00", "website": "www.autoriteprotectiondonnees.be"},
}

REQUEST_TYPES = {
    "fr": {"access": "droit d'accès (art. 15)",
           "rectification": "droit de rectification (art. 16)",
           "erasure": "droit à l'effacement, ou « droit à l'oubli » (art. 17)",
           "restriction": "droit à la limitation du traitement (art. 18)",
           "portability": "droit à la portabilité des données (art. 20)",
           "objection": "droit d'opposition (art. 21)",
           "automated_decision": "droit de ne pas faire l'objet d'une décision individuelle automatisée (art. 22)"},
    "nl": {"access": "recht op inzage (art. 15)",
           "rectification": "recht op rectificatie (art. 16)",
           "erasure": "recht op gegevenswissing, of ‘recht op vergetelheid’ (art. 17)",
           "restriction": "recht op beperking van de verwerking (art. 18)",
           "portability": "recht op overdraagbaarheid van gegevens (art. 20)",
           "objection": "recht van bezwaar (art. 21)",
           "automated_decision": "recht om niet te worden onderworpen aan geautomatiseerde individuele "
                                 "besluitvorming (art. 22)"},
    "en": {"access": "right of access (Art. 15)",
           "rectification": "right to rectification (Art. 16)",
           "erasure": "right to erasure, or ‘right to be forgotten’ (Art. 17)",
           "restriction": "right to restriction of processing (Art. 18)",
           "portability": "right to data portability (Art. 20)",
           "objection": "right to object (Art. 21)",
           "automated_decision": "right not to be subject to automated individual decision-making (Art. 22)"},
}

# The measure an Art. 19 notice asks of a recipient, per right, written for the recipient (not the subject).
NOTICE_MEASURES = {
    "fr": {"rectification": "rectifier les données de cette personne comme indiqué dans notre registre (article 16)",
           "erasure": "effacer les données de cette personne (article 17)",
           "restriction": "limiter le traitement des données de cette personne : les conserver sans autre "
                          "traitement (article 18)"},
    "nl": {"rectification": "de gegevens van deze persoon rectificeren zoals in ons register vermeld (artikel 16)",
           "erasure": "de gegevens van deze persoon wissen (artikel 17)",
           "restriction": "de verwerking van de gegevens van deze persoon beperken: ze bewaren zonder verdere "
                          "verwerking (artikel 18)"},
    "en": {"rectification": "rectify this person's data as recorded in our register (Article 16)",
           "erasure": "erase this person's data (Article 17)",
           "restriction": "restrict the processing of this person's data: keep them without any further "
                          "processing (Article 18)"},
}

CHANNELS = {
    "fr": {"email": "e-mail", "web_form": "formulaire web", "post": "courrier postal", "phone": "téléphone",
           "in_person": "en personne"},
    "nl": {"email": "e-mail", "web_form": "webformulier", "post": "post", "phone": "telefoon",
           "in_person": "persoonlijk"},
    "en": {"email": "e-mail", "web_form": "web form", "post": "post", "phone": "telephone",
           "in_person": "in person"},
}

# The processor register is kept in English (as seeded from the privacy policy). The seeded
# wording is translated for French and Dutch letters; anything else is printed as recorded.
PROCESSOR_TEXTS = {
    "Carriers": {"fr": "Transporteurs", "nl": "Vervoerders"},
    "Web shop software, web hosting, e-mail hosting": {
        "fr": "logiciel de la boutique en ligne, hébergement du site et des e-mails",
        "nl": "webwinkelsoftware, webhosting en e-mailhosting"},
    "identity, contact, addresses, orders, account": {
        "fr": "identité, coordonnées, adresses, commandes, compte client",
        "nl": "identiteit, contactgegevens, adressen, bestellingen, klantaccount"},
    "Newsletter": {"fr": "lettre d'information", "nl": "nieuwsbrief"},
    "name, e-mail address, opens and reads": {
        "fr": "nom, adresse e-mail, ouvertures et lectures des envois",
        "nl": "naam, e-mailadres, geopende en gelezen berichten"},
    "Business e-mail": {"fr": "messagerie professionnelle", "nl": "zakelijke e-mail"},
    "correspondence": {"fr": "correspondance", "nl": "correspondentie"},
    "Payments": {"fr": "paiements", "nl": "betalingen"},
    "name, addresses, payment details, financial situation for deferred payment": {
        "fr": "nom, adresses, données de paiement, situation financière en cas de paiement différé",
        "nl": "naam, adressen, betaalgegevens, financiële situatie bij uitgestelde betaling"},
    "Delivery (transport companies)": {"fr": "livraison (sociétés de transport)",
                                       "nl": "levering (transportbedrijven)"},
    "name, delivery address, contact": {"fr": "nom, adresse de livraison, coordonnées",
                                        "nl": "naam, leveringsadres, contactgegevens"},
    "Invoicing and accounting": {"fr": "facturation et comptabilité", "nl": "facturatie en boekhouding"},
    "name, addresses, order details, invoices": {"fr": "nom, adresses, détail des commandes, factures",
                                                 "nl": "naam, adressen, bestelgegevens, facturen"},
    "Website statistics (cookies)": {"fr": "statistiques du site web (cookies)",
                                     "nl": "websitestatistieken (cookies)"},
    "online identifiers, usage data": {"fr": "identifiants en ligne, données d'utilisation",
                                       "nl": "online-identificatoren, gebruiksgegevens"},
    # The ground an erasure keeps invoices under (processor_steps.INVOICE_GROUND).
    "Art. 17(3)(b) GDPR: legal obligation to keep invoices for 10 years (Belgian VAT Code, Art. 60, as amended "
    "by the law of 20 November 2022)": {
        "fr": "article 17, paragraphe 3, point b), du RGPD : obligation légale de conserver les factures pendant "
              "10 ans (Code de la TVA, art. 60, tel que modifié par la loi du 20 novembre 2022)",
        "nl": "artikel 17, lid 3, punt b), AVG: wettelijke verplichting om facturen 10 jaar te bewaren "
              "(Btw-wetboek, art. 60, zoals gewijzigd bij de wet van 20 november 2022)"},
}

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def register_text(text: str | None, language: str) -> str | None:
    """A processor register value in the letter's language, where a translation is known."""
    if text is None:
        return None
    return PROCESSOR_TEXTS.get(text, {}).get(language, text)


def longdate(value: date | datetime, language: str) -> str:
    """``1er mai 2027`` / ``1 mei 2027`` / ``1 May 2027``; independent of the system locale."""
    if value is None:
        raise TypeError("longdate needs a date, not None")
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise TypeError(f"longdate needs a date, not {type(value).__name__}")
    day = "1er" if language == "fr" and value.day == 1 else str(value.day)
    return f"{day} {MONTHS[language][value.month - 1]} {value.year}"


def longdate_for(language: str):
    if language not in LANGUAGES:
        raise ValueError(f"unknown letter language {language!r}")
    return lambda value: longdate(value, language)
