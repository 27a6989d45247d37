"""The legal grounds a refusal, a partial refusal or a fee may rest on, worded for the subject in fr/nl/en.

Only correct grounds are offered: identity not established is Art. 12(2) with
Art. 11(2) (the controller shows it cannot identify the subject), never
Art. 12(6), which only allows asking for more information. A request refused as
manifestly excessive (Art. 12(5)) needs its evidence in the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from megacase.domain.requests import Outcome
from megacase.i18n import N_


@dataclass(frozen=True)
class Ground:
    code: str
    label: str                       # for the officer, marked N_(): translated where shown
    text: dict                       # language -> the sentence the subject reads
    needs_evidence: bool = False     # Art. 12(5): earlier requests from the register, or a document
    outcomes: tuple = (Outcome.REFUSED, Outcome.PARTLY_GRANTED)


R, P, F = Outcome.REFUSED, Outcome.PARTLY_GRANTED, Outcome.FEE_REQUESTED

GROUNDS: tuple[Ground, ...] = (
    Ground("art12_2_identity", N_("Identity not established (Art. 12(2) with Art. 11(2))"), {
        "fr": "article 12, paragraphe 2, et article 11, paragraphe 2, du RGPD : nous ne sommes pas en mesure de "
              "vous identifier",
        "nl": "artikel 12, lid 2, en artikel 11, lid 2, AVG: wij zijn niet in staat u te identificeren",
        "en": "Article 12(2) and Article 11(2) GDPR: we are not in a position to identify you"}),
    Ground("art12_5_excessive", N_("Manifestly excessive, in particular repetitive (Art. 12(5)(b))"), {
        "fr": "article 12, paragraphe 5, point b), du RGPD : demande manifestement excessive, notamment en raison "
              "de son caractère répétitif",
        "nl": "artikel 12, lid 5, punt b), AVG: kennelijk buitensporig verzoek, met name vanwege het repetitieve "
              "karakter",
        "en": "Article 12(5)(b) GDPR: manifestly excessive request, in particular because of its repetitive "
              "character"}, needs_evidence=True),
    Ground("art12_5_unfounded", N_("Manifestly unfounded (Art. 12(5)(b))"), {
        "fr": "article 12, paragraphe 5, point b), du RGPD : demande manifestement infondée",
        "nl": "artikel 12, lid 5, punt b), AVG: kennelijk ongegrond verzoek",
        "en": "Article 12(5)(b) GDPR: manifestly unfounded request"}, needs_evidence=True),
    Ground("art12_5_fee", N_("Reasonable fee: manifestly unfounded or excessive (Art. 12(5)(a))"), {
        "fr": "article 12, paragraphe 5, point a), du RGPD : paiement de frais raisonnables pour une demande "
              "manifestement infondée ou excessive",
        "nl": "artikel 12, lid 5, punt a), AVG: betaling van een redelijke vergoeding voor een kennelijk ongegrond "
              "of buitensporig verzoek",
        "en": "Article 12(5)(a) GDPR: a reasonable fee for a manifestly unfounded or excessive request"},
        needs_evidence=True, outcomes=(F,)),
    Ground("art15_3_copies", N_("Further copies: reasonable fee (Art. 15(3))"), {
        "fr": "article 15, paragraphe 3, du RGPD : frais raisonnables pour toute copie supplémentaire",
        "nl": "artikel 15, lid 3, AVG: redelijke vergoeding voor elke bijkomende kopie",
        "en": "Article 15(3) GDPR: a reasonable fee for any further copy"}, outcomes=(F,)),
    Ground("art15_4_others", N_("Rights and freedoms of others (Art. 15(4))"), {
        "fr": "article 15, paragraphe 4, du RGPD : droits et libertés d'autrui",
        "nl": "artikel 15, lid 4, AVG: rechten en vrijheden van anderen",
        "en": "Article 15(4) GDPR: the rights and freedoms of others"}),
    Ground("art17_3_b_invoices", N_("Invoices kept 10 years (Art. 17(3)(b))"), {
        "fr": "article 17, paragraphe 3, point b), du RGPD : obligation légale de conserver les factures pendant "
              "10 ans (Code de la TVA, art. 60)",
        "nl": "artikel 17, lid 3, punt b), AVG: wettelijke verplichting om facturen 10 jaar te bewaren "
              "(Btw-wetboek, art. 60)",
        "en": "Article 17(3)(b) GDPR: legal obligation to keep invoices for 10 years (Belgian VAT Code, Art. 60)"}),
    Ground("art17_3_e_claims", N_("Legal claims (Art. 17(3)(e))"), {
        "fr": "article 17, paragraphe 3, point e), du RGPD : constatation, exercice ou défense de droits en justice",
        "nl": "artikel 17, lid 3, punt e), AVG: instelling, uitoefening of onderbouwing van een rechtsvordering",
        "en": "Article 17(3)(e) GDPR: the establishment, exercise or defence of legal claims"}),
    Ground("art17_1_none", N_("No ground of Art. 17(1) applies"), {
        "fr": "article 17, paragraphe 1, du RGPD : aucun des motifs d'effacement n'est rempli",
        "nl": "artikel 17, lid 1, AVG: geen van de gronden voor wissing is vervuld",
        "en": "Article 17(1) GDPR: none of the grounds for erasure applies"}),
    Ground("art16_accurate", N_("The data are accurate (Art. 16)"), {
        "fr": "article 16 du RGPD : les données sont exactes",
        "nl": "artikel 16 AVG: de gegevens zijn juist",
        "en": "Article 16 GDPR: the data are accurate"}),
    Ground("art18_1_none", N_("No condition of Art. 18(1) is met"), {
        "fr": "article 18, paragraphe 1, du RGPD : aucune des conditions de la limitation n'est remplie",
        "nl": "artikel 18, lid 1, AVG: aan geen van de voorwaarden voor beperking is voldaan",
        "en": "Article 18(1) GDPR: none of the conditions for restriction is met"}),
    Ground("art20_1_scope", N_("Outside the scope of portability (Art. 20(1))"), {
        "fr": "article 20, paragraphe 1, du RGPD : traitement non fondé sur le consentement ou un contrat, ou "
              "données non fournies par vous",
        "nl": "artikel 20, lid 1, AVG: verwerking niet gebaseerd op toestemming of een overeenkomst, of gegevens "
              "niet door u verstrekt",
        "en": "Article 20(1) GDPR: processing not based on consent or a contract, or data not provided by you"}),
    Ground("art21_1_compelling", N_("Compelling legitimate grounds (Art. 21(1))"), {
        "fr": "article 21, paragraphe 1, du RGPD : motifs légitimes et impérieux prévalant sur vos intérêts",
        "nl": "artikel 21, lid 1, AVG: dwingende gerechtvaardigde gronden die zwaarder wegen dan uw belangen",
        "en": "Article 21(1) GDPR: compelling legitimate grounds which override your interests"}),
    Ground("art22_none", N_("No automated decision is made (Art. 22)"), {
        "fr": "article 22 du RGPD : aucune décision fondée exclusivement sur un traitement automatisé n'est prise",
        "nl": "artikel 22 AVG: er wordt geen besluit genomen dat uitsluitend op geautomatiseerde verwerking berust",
        "en": "Article 22 GDPR: no decision based solely on automated processing is made"}),
)
BY_CODE = {g.code: g for g in GROUNDS}


def ground(code: str | None) -> Ground | None:
    return BY_CODE.get((code or "").strip())


def grounds_for(outcome: Outcome) -> list[Ground]:
    return [g for g in GROUNDS if Outcome(outcome) in g.outcomes]


def ground_text(value: str | None, language: str) -> str | None:
    """The ground as the subject reads it: a known code in their language; older free text as recorded."""
    if not value:
        return None
    g = ground(value)
    return g.text[language] if g else value


def ground_label(value: str | None) -> str | None:
    g = ground(value)
    return g.label if g else value
