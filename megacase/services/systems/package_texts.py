"""The access package's wording in the subject's language (French, Dutch, English)."""

from __future__ import annotations

LABELS = {
    "fr": {"title": "Copie de vos données à caractère personnel", "sub": "Articles 15 et 20 du RGPD",
           "intro": "Ce document reprend toutes les données vous concernant que nous avons trouvées dans nos "
                    "systèmes et chez nos sous-traitants pour votre demande {ref}, à la date du {date}, avec pour "
                    "chaque système les catégories de données, les finalités, les destinataires, la durée de "
                    "conservation et l'origine des données.",
           "systems": "Vos données, système par système", "purposes": "Finalités", "recipient": "Destinataire",
           "retention": "Durée de conservation", "origin": "Origine des données", "location": "Lieu et transferts",
           "collected": "Relevé", "by_connector": "interrogation directe du système le {date}",
           "by_file": "export du système ({name}) du {date}", "document": "Document conservé tel que reçu",
           "nothing": "Systèmes consultés sans résultat", "system": "Système", "how": "Recherche",
           "nothing_row": "Aucune donnée vous concernant.", "withheld": "Informations non communiquées (art. 15, "
           "par. 4, du RGPD)", "withheld_intro": "Les éléments suivants concernent d'autres personnes et ne vous "
           "sont pas communiqués, pour protéger leurs droits et libertés.", "what": "Élément",
           "reason": "Motif", "row": "ligne", "field": "champ", "art15": "Informations complémentaires "
           "(article 15, paragraphes 1 et 2, du RGPD)",
           "rights": "Vous pouvez demander la rectification ou l'effacement de vos données, la limitation de leur "
                     "traitement, vous opposer à leur traitement et recevoir vos données dans un format structuré "
                     "(portabilité).",
           "complaint": "Vous pouvez introduire une réclamation auprès de l'{authority}, {address}, {website}.",
           "automated": "Nous ne prenons aucune décision fondée exclusivement sur un traitement automatisé.",
           "transfers": "Transferts hors de l'Espace économique européen", "none": "Aucun.",
           "controller": "Responsable du traitement", "register": "Ce que notre registre contient sur votre demande",
           "name": "Nom", "email": "Adresse e-mail connue", "address": "Adresse postale", "number": "Numéro de client",
           "requests": "Demandes", "withheld_mark": "[non communiqué, art. 15(4)]"},
    "nl": {"title": "Kopie van uw persoonsgegevens", "sub": "Artikelen 15 en 20 AVG",
           "intro": "Dit document bevat alle gegevens over u die wij in onze systemen en bij onze verwerkers "
                    "vonden voor uw verzoek {ref}, op {date}, met per systeem de categorieën van gegevens, de "
                    "doeleinden, de ontvangers, de bewaartermijn en de herkomst van de gegevens.",
           "systems": "Uw gegevens, systeem per systeem", "purposes": "Doeleinden", "recipient": "Ontvanger",
           "retention": "Bewaartermijn", "origin": "Herkomst van de gegevens", "location": "Plaats en doorgiften",
           "collected": "Opgevraagd", "by_connector": "rechtstreeks in het systeem op {date}",
           "by_file": "export uit het systeem ({name}) van {date}", "document": "Document bewaard zoals ontvangen",
           "nothing": "Systemen zonder gegevens over u", "system": "Systeem", "how": "Zoekopdracht",
           "nothing_row": "Geen gegevens over u.", "withheld": "Niet meegedeelde gegevens (art. 15, lid 4, AVG)",
           "withheld_intro": "De volgende elementen betreffen andere personen en worden u niet meegedeeld, om hun "
                             "rechten en vrijheden te beschermen.", "what": "Element", "reason": "Reden",
           "row": "rij", "field": "veld", "art15": "Aanvullende informatie (artikel 15, leden 1 en 2, AVG)",
           "rights": "U kunt rectificatie of wissing van uw gegevens vragen, beperking van de verwerking, bezwaar "
                     "maken tegen de verwerking en uw gegevens in een gestructureerde vorm ontvangen "
                     "(overdraagbaarheid).",
           "complaint": "U kunt een klacht indienen bij de {authority}, {address}, {website}.",
           "automated": "Wij nemen geen besluiten die uitsluitend op geautomatiseerde verwerking berusten.",
           "transfers": "Doorgiften buiten de Europese Economische Ruimte", "none": "Geen.",
           "controller": "Verwerkingsverantwoordelijke", "register": "Wat ons register over uw verzoek bevat",
           "name": "Naam", "email": "Bekend e-mailadres", "address": "Postadres", "number": "Klantnummer", "requests": "Verzoeken",
           "withheld_mark": "[niet meegedeeld, art. 15(4)]"},
    "en": {"title": "Copy of your personal data", "sub": "Articles 15 and 20 GDPR",
           "intro": "This document sets out all the data about you that we found in our systems and at our "
                    "processors for your request {ref}, on {date}, with for each system the categories of data, "
                    "the purposes, the recipients, how long the data are kept and where they came from.",
           "systems": "Your data, system by system", "purposes": "Purposes", "recipient": "Recipient",
           "retention": "Retention", "origin": "Where the data came from", "location": "Location and transfers",
           "collected": "Collected", "by_connector": "queried in the system on {date}",
           "by_file": "export from the system ({name}) of {date}", "document": "Document kept as received",
           "nothing": "Systems searched that hold nothing about you", "system": "System", "how": "Search",
           "nothing_row": "No data about you.", "withheld": "Information not given (Art. 15(4) GDPR)",
           "withheld_intro": "The following items concern other people and are not given to you, to protect "
                             "their rights and freedoms.", "what": "Item", "reason": "Reason", "row": "row",
           "field": "field", "art15": "Further information (Article 15(1) and (2) GDPR)",
           "rights": "You may ask us to rectify or erase your data, to restrict their processing, object to their "
                     "processing, and receive your data in a structured format (portability).",
           "complaint": "You may lodge a complaint with the {authority}, {address}, {website}.",
           "automated": "We take no decision based solely on automated processing.",
           "transfers": "Transfers outside the European Economic Area", "none": "None.",
           "controller": "Controller", "register": "What our register holds about your request",
           "name": "Name", "email": "Known e-mail address", "address": "Postal address", "number": "Customer number", "requests": "Requests",
           "withheld_mark": "[withheld, Art. 15(4)]"},
}

# Where each system's data came from (Art. 15(1)(g)).
ORIGINS = {
    "Lightspeed": {"fr": "vous-même, à la création de votre compte et lors de vos commandes",
                   "nl": "uzelf, bij het aanmaken van uw account en bij uw bestellingen",
                   "en": "you, when you created your account and placed orders"},
    "MailChimp": {"fr": "vous-même (inscription) et l'outil d'envoi (ouvertures, clics)",
                  "nl": "uzelf (inschrijving) en het verzendprogramma (openen, klikken)",
                  "en": "you (sign-up) and the mailing tool (opens, clicks)"},
    "Office 365": {"fr": "vos messages et nos réponses", "nl": "uw berichten en onze antwoorden",
                   "en": "your messages and our replies"},
    "PayPal": {"fr": "vos paiements via PayPal", "nl": "uw betalingen via PayPal", "en": "your payments via PayPal"},
    "Carriers": {"fr": "vos commandes et le transporteur (suivi)", "nl": "uw bestellingen en de vervoerder "
                 "(tracking)", "en": "your orders and the carrier (tracking)"},
    "Silvasoft": {"fr": "vos commandes (factures)", "nl": "uw bestellingen (facturen)",
                  "en": "your orders (invoices)"},
    "Google Analytics": {"fr": "votre navigateur (cookies)", "nl": "uw browser (cookies)",
                         "en": "your browser (cookies)"},
}

CATEGORIES = {
    "identity": {"fr": "identité", "nl": "identiteit"}, "addresses": {"fr": "adresses", "nl": "adressen"},
    "orders": {"fr": "commandes", "nl": "bestellingen"}, "invoices": {"fr": "factures", "nl": "facturen"},
    "newsletter": {"fr": "lettre d'information", "nl": "nieuwsbrief"}, "tags": {"fr": "étiquettes", "nl": "labels"},
    "opens and reads": {"fr": "ouvertures et lectures", "nl": "geopend en gelezen"},
    "correspondence": {"fr": "correspondance", "nl": "correspondentie"},
    "payments": {"fr": "paiements", "nl": "betalingen"},
    "identity and contact": {"fr": "identité et coordonnées", "nl": "identiteit en contactgegevens"},
    "shipments": {"fr": "envois", "nl": "zendingen"},
    "delivery address": {"fr": "adresse de livraison", "nl": "leveringsadres"},
    "contact": {"fr": "coordonnées", "nl": "contactgegevens"}, "records": {"fr": "enregistrements", "nl": "records"},
    "other": {"fr": "autres", "nl": "overige"},
}


def category(name: str, language: str) -> str:
    return CATEGORIES.get(name, {}).get(language, name)


# Art. 15(2): where the register names no location, the transfers the policy's processors are known to make.
TRANSFERS = {
    "MailChimp": {"fr": "États-Unis (Intuit Inc.) ; garantie : décision d'adéquation EU-US Data Privacy Framework "
                        "du 10 juillet 2023 (société certifiée)",
                  "nl": "Verenigde Staten (Intuit Inc.); waarborg: adequaatheidsbesluit EU-US Data Privacy "
                        "Framework van 10 juli 2023 (gecertificeerde onderneming)",
                  "en": "United States (Intuit Inc.); safeguard: the EU-US Data Privacy Framework adequacy "
                        "decision of 10 July 2023 (certified company)"},
    "Google Analytics": {"fr": "États-Unis (Google LLC) ; garantie : décision d'adéquation EU-US Data Privacy "
                               "Framework du 10 juillet 2023 (société certifiée)",
                         "nl": "Verenigde Staten (Google LLC); waarborg: adequaatheidsbesluit EU-US Data Privacy "
                               "Framework van 10 juli 2023 (gecertificeerde onderneming)",
                         "en": "United States (Google LLC); safeguard: the EU-US Data Privacy Framework adequacy "
                               "decision of 10 July 2023 (certified company)"},
}


def transfer(processor: str, location: str | None, language: str) -> str | None:
    return location or TRANSFERS.get(processor, {}).get(language)
