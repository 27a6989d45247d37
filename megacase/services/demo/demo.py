"""Realistic demo data: about forty cases in every state, made through the real services.

Each step runs with the clock set to the moment it happened, so deadlines,
suspensions and the audit trail are exactly what a real register would hold.
"""

from __future__ import annotations

import heapq
import random
from datetime import datetime, timedelta

from megacase.domain.deadlines import is_working_day
from megacase.services import users
from megacase.services.cases import cases, checklist, queries
from megacase.services.demo import demo_letters
from megacase.services.review import approvals
from megacase.services.cases.cases import NewCase
from megacase.services.letters.letters import LetterOptions
from megacase.services.cases.subjects import NewSubject
from megacase.services.systems.demo_collect import DemoSystems, demo_systems
from megacase.services.workspace import TZ, Actor, Workspace

SUBJECTS = [
    ("Hélène Dubois", "helene.dubois@skynet.be", "fr", "Rue de l'Église 12, 5000 Namur", "C-104233"),
    ("Jérôme Lefèvre", "jerome.lefevre@proximus.be", "fr", "Avenue Louise 221, 1050 Ixelles", "C-100871"),
    ("Françoise Maréchal", "f.marechal@gmail.com", "fr", "Rue Saint-Gilles 8, 4000 Liège", "C-108812"),
    ("Anaïs Dupont", "anais.dupont@outlook.be", "fr", "Chaussée de Wavre 1043, 1160 Auderghem", None),
    ("Maëlle Lemaître", "maelle.lemaitre@telenet.be", "fr", "Place du Marché 3, 6000 Charleroi", "C-111420"),
    ("Inès Benali", "ines.benali@gmail.com", "fr", "Rue Haute 190, 1000 Bruxelles", "C-109005"),
    ("Céline Desmet", "celine.desmet@hotmail.com", "fr", "Rue des Tanneurs 41, 7500 Tournai", "C-103118"),
    ("Noël Lambert", "noel.lambert@skynet.be", "fr", "Rue Grétry 17, 4020 Liège", None),
    ("Sébastien Goossens", "s.goossens@voo.be", "fr", "Boulevard d'Avroy 88, 4000 Liège", "C-112760"),
    ("Zoë Van den Bossche", "zoe.vandenbossche@telenet.be", "nl", "Kortrijksesteenweg 310, 9000 Gent", "C-105544"),
    ("Jeroen Peeters", "jeroen.peeters@gmail.com", "nl", "Meir 24, 2000 Antwerpen", "C-100310"),
    ("Anneleen Claes", "anneleen.claes@proximus.be", "nl", "Diestsestraat 77, 3000 Leuven", "C-107761"),
    ("Björn Vermeulen", "bjorn.vermeulen@outlook.com", "nl", "Stationsstraat 5, 8850 Ardooie", "C-101199"),
    ("Eline De Smedt", "eline.desmedt@telenet.be", "nl", "Groenplaats 9, 2000 Antwerpen", None),
    ("Wouter Maes", "wouter.maes@skynet.be", "nl", "Zuidstraat 15, 8800 Roeselare", "C-110032"),
    ("Lotte Willems", "lotte.willems@gmail.com", "nl", "Markt 2, 8000 Brugge", "C-106677"),
    ("Raphaël Janssens", "raphael.janssens@hotmail.com", "nl", "Brusselsesteenweg 412, 1500 Halle", "C-104980"),
    ("Sofie Verstraete", "sofie.verstraete@telenet.be", "nl", "Ieperstraat 61, 8970 Poperinge", "C-113201"),
    ("Ruben Wouters", "ruben.wouters@proximus.be", "nl", "Hasseltweg 150, 3600 Genk", None),
    ("Emily Carter", "emily.carter@protonmail.com", "en", "Rue Belliard 60, 1040 Etterbeek", "C-102468"),
    ("Oliver Hughes", "oliver.hughes@gmail.com", "en", "Avenue de Tervueren 98, 1040 Etterbeek", "C-109931"),
    ("Siobhán O'Neill", "siobhan.oneill@outlook.ie", "en", "Rue Froissart 44, 1040 Etterbeek", "C-111003"),
    ("Chloé Martin-Schmidt", "chloe.martin.schmidt@web.de", "en", "Rue du Trône 130, 1050 Ixelles", None),
    ("Mateusz Wójcik", "mateusz.wojcik@gmail.com", "en", "Vlaanderenstraat 3, 9000 Gent", "C-108154"),
    ("Ana Lúcia Ferreira", "analucia.ferreira@gmail.com", "en", "Rue de Flandre 25, 1000 Bruxelles", "C-110778"),
]

TYPES = ["access", "access", "access", "erasure", "erasure", "rectification", "restriction", "portability",
         "objection", "access+portability", "erasure+objection", "automated_decision"]
CHANNELS = ["email", "email", "email", "web_form", "web_form", "post", "phone", "in_person"]
SUMMARIES = {
    "access": "Asks for a copy of all personal data and the list of processors.",
    "erasure": "Asks that the customer account and all related data be deleted.",
    "rectification": "Asks to correct the delivery address and the spelling of the name.",
    "restriction": "Contests the accuracy of order history; asks to restrict processing meanwhile.",
    "portability": "Wants the order history in a machine-readable file to move to another shop.",
    "objection": "Objects to receiving the newsletter and to any direct marketing.",
    "automated_decision": "Asks whether the deferred-payment refusal was an automated decision.",
}

# The life a demo case goes through, chosen by the age of the case.
PLANS = ["closed_granted", "closed_granted", "closed_partly", "closed_refused", "closed_withdrawn",
         "decided", "overdue", "overdue", "suspended", "suspended", "extended", "extended",
         "in_progress", "in_progress", "received", "received_known"]


# Who keeps invoices and payment records under the 10-year retention, and who held none of a subject's data.
INVOICE_HOLDERS = ("Silvasoft", "PayPal")
NO_DATA_HELD = ("Google Analytics", "Office 365")
PARTLY_GROUND = {"access": "art15_4_others", "automated_decision": "art15_4_others", "portability": "art20_1_scope",
                 "rectification": "art16_accurate", "erasure": "art17_3_b_invoices", "restriction": "art18_1_none",
                 "objection": "art21_1_compelling"}
REFUSAL_GROUND = {**PARTLY_GROUND, "erasure": "art17_3_e_claims", "automated_decision": "art22_none"}
# The reasons as the subject reads them, per ground, in their language.
REASONS = {
    "art12_2_identity": {
        "fr": "Les informations que vous nous avez communiquées ne correspondent à aucun compte client ; nous ne "
              "pouvons donc pas établir que les données demandées sont les vôtres.",
        "nl": "De gegevens die u ons bezorgde, stemmen met geen enkel klantaccount overeen; wij kunnen dus niet "
              "vaststellen dat de gevraagde gegevens de uwe zijn.",
        "en": "The details you gave us match no customer account, so we cannot establish that the data asked for "
              "are yours."},
    "art15_4_others": {
        "fr": "Une partie de la correspondance concerne aussi d'autres clients ; nous vous en remettons une copie "
              "dont leurs données ont été masquées.",
        "nl": "Een deel van de briefwisseling betreft ook andere klanten; u ontvangt er een kopie van waarin hun "
              "gegevens onleesbaar zijn gemaakt.",
        "en": "Part of the correspondence also concerns other customers; you receive a copy in which their data "
              "are blacked out."},
    "art20_1_scope": {
        "fr": "Les évaluations internes de vos commandes n'ont pas été fournies par vous : elles ne relèvent pas de "
              "la portabilité ; elles figurent dans la copie de vos données.",
        "nl": "De interne beoordelingen van uw bestellingen werden niet door u verstrekt: ze vallen niet onder "
              "overdraagbaarheid; ze staan wel in de kopie van uw gegevens.",
        "en": "Our internal assessments of your orders were not provided by you: they fall outside portability; "
              "they are in the copy of your data."},
    "art16_accurate": {
        "fr": "L'adresse de livraison enregistrée correspond à celle de votre dernière commande confirmée ; elle "
              "n'a donc pas été modifiée.",
        "nl": "Het geregistreerde leveringsadres is dat van uw laatste bevestigde bestelling; het werd dus niet "
              "gewijzigd.",
        "en": "The delivery address on record is the one of your last confirmed order, so it was not changed."},
    "art17_3_b_invoices": {
        "fr": "Vos factures et les paiements qui s'y rapportent doivent être conservés 10 ans (Code de la TVA) ; "
              "ils ne sont plus accessibles à notre personnel.",
        "nl": "Uw facturen en de bijbehorende betalingen moeten 10 jaar bewaard worden (Btw-wetboek); ze zijn niet "
              "meer toegankelijk voor ons personeel.",
        "en": "Your invoices and the related payments must be kept for 10 years (Belgian VAT Code); our staff no "
              "longer have access to them."},
    "art17_3_e_claims": {
        "fr": "Un litige relatif à une commande est en cours : les données nécessaires à ce litige sont conservées "
              "jusqu'à sa clôture.",
        "nl": "Er loopt een geschil over een bestelling: de gegevens die daarvoor nodig zijn, worden bewaard tot "
              "het geschil is afgesloten.",
        "en": "A dispute about an order is pending: the data needed for it are kept until it is settled."},
    "art18_1_none": {
        "fr": "L'exactitude de votre historique de commandes a été vérifiée avec vous ; aucune condition de la "
              "limitation n'est remplie.",
        "nl": "De juistheid van uw bestelgeschiedenis werd met u nagekeken; aan geen enkele voorwaarde voor "
              "beperking is voldaan.",
        "en": "The accuracy of your order history was checked with you; none of the conditions for restriction "
              "is met."},
    "art21_1_compelling": {
        "fr": "La vérification des paiements différés sert à prévenir la fraude ; cet intérêt prévaut pour les "
              "commandes encore ouvertes.",
        "nl": "De controle van uitgestelde betalingen dient om fraude te voorkomen; dat belang weegt zwaarder voor "
              "de bestellingen die nog openstaan.",
        "en": "The check of deferred payments prevents fraud; that interest prevails for the orders still open."},
    "art22_none": {
        "fr": "Le refus du paiement différé a été décidé par un membre de notre personnel, et non de manière "
              "automatisée.",
        "nl": "De weigering van uitgestelde betaling werd door een medewerker beslist, niet geautomatiseerd.",
        "en": "The refusal of deferred payment was decided by a member of our staff, not by automated means."},
}

# The demo's users (documented in the README): an officer who works the cases and a manager who reviews.
DEMO_OFFICER, DEMO_MANAGER = Actor("sophie", "officer"), Actor("marc", "manager")
DEMO_PASSWORDS = {"sophie": "sophie demo password", "marc": "marc demo password"}


def add_demo_users(ws: Workspace) -> tuple[Actor, Actor]:
    """Add the demo officer and manager to a register that has no users yet."""
    if not users.has_users(ws):
        for actor in (DEMO_OFFICER, DEMO_MANAGER):
            users.add_user(ws, actor.name, actor.role, DEMO_PASSWORDS[actor.name])
    # signed in, so that what they do is signed with their own keys
    return tuple(users.signing_actor(ws, a.name, DEMO_PASSWORDS[a.name]) for a in (DEMO_OFFICER, DEMO_MANAGER))


class _Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def populate(ws: Workspace, count: int = 40, seed: int = 20261126) -> list[str]:
    """Fill an empty register; returns the references created.

    Every case's life is a generator of timed steps; steps of all cases run in
    time order, so references and the audit trail are chronological.
    """
    rng = random.Random(seed)
    real_now = ws.now()
    clock = _Clock(real_now)
    officer, manager = add_demo_users(ws)
    demo = Workspace(ws.engine, officer, clock)     # the demo officer works every case
    approver = Workspace(ws.engine, manager, clock)
    demo_letters.prepare(demo, approver)
    demo_letters.prepare_recipients(demo, approver)
    subject_ids: dict[int, int] = {}
    refs: list[str] = []
    queue: list = []
    for i in range(count):
        plan = PLANS[i % len(PLANS)]
        age_days = {"closed_granted": rng.randint(50, 330), "closed_partly": rng.randint(60, 300),
                    "closed_refused": rng.randint(45, 280), "closed_withdrawn": rng.randint(30, 200),
                    "decided": rng.randint(20, 40), "overdue": rng.randint(36, 55), "suspended": rng.randint(8, 25),
                    "extended": rng.randint(20, 70), "in_progress": rng.randint(3, 24),
                    "received": rng.randint(0, 3), "received_known": rng.randint(0, 2)}[plan]
        received = (real_now - timedelta(days=age_days)).replace(hour=rng.randint(7, 18), minute=rng.randint(0, 59),
                                                                  second=0, microsecond=0)
        received = min(received, real_now - timedelta(minutes=30))
        life = _life(demo, i, plan, received, random.Random(rng.random()), subject_ids, refs, manager)
        heapq.heappush(queue, (next(life), i, life))
    with demo_systems() as shop:          # the shop's systems, served on loopback while the demo is made
        while queue:
            moment, i, life = heapq.heappop(queue)
            clock.now = min(moment, real_now)
            try:
                heapq.heappush(queue, (life.send(shop), i, life))
            except StopIteration:
                pass
    return refs


def _life(ws: Workspace, i: int, plan: str, received: datetime, rng: random.Random,
          subject_ids: dict[int, int], refs: list[str], manager: Actor = DEMO_MANAGER):
    """Yield the moment of each next step, then do it when resumed."""
    moment = received + timedelta(minutes=rng.randint(5, 90))

    def later(days: float) -> datetime:
        nonlocal moment
        moment = _office_hours(moment + timedelta(days=days, minutes=rng.randint(1, 120)), rng)
        return moment

    shop = yield moment
    types = tuple(TYPES[rng.randrange(len(TYPES))].split("+"))
    idx = i % len(SUBJECTS)
    name, email, lang, address, number = SUBJECTS[idx]
    who = ({"subject_id": subject_ids[idx]} if idx in subject_ids
           else {"new_subject": NewSubject(name, email, lang, address, number)})
    detail = cases.open_case(ws, NewCase(request_types=types, channel=CHANNELS[rng.randrange(len(CHANNELS))],
                                         received_at=received, summary=SUMMARIES[types[0]], **who))
    subject_ids.setdefault(idx, detail.subject.id)
    ref = detail.reference
    refs.append(ref)
    if plan not in ("received", "received_known"):
        yield later(rng.uniform(0.02, 0.3))
        demo_letters.send(ws, ref, "acknowledgement")
    if plan == "received":
        return
    if plan == "received_known":
        yield later(0.01)
        cases.record_identity_check(ws, ref, "known_address", "verified",
                                    "Request sent from the known e-mail address.")
        return
    yield later(rng.uniform(0.5, 2))
    cases.start_work(ws, ref)
    if plan == "suspended":
        yield later(rng.uniform(0.2, 2))
        cases.ask_subject(ws, ref, "additional_info", "The order number and delivery postcode of your last order.")
        demo_letters.send(ws, ref, "identity-request")
        return
    if plan == "closed_refused":    # the subject could not be identified: the refusal rests on Art. 12(2), 11(2)
        yield later(rng.uniform(0.5, 3))
        cases.ask_subject(ws, ref, "additional_info", "The order number of your last purchase.")
        demo_letters.send(ws, ref, "identity-request")
        yield later(rng.uniform(2, 9))
        cases.record_answer(ws, ref, "The order number given belongs to no order of this account.", "failed")
    if plan in ("closed_granted", "closed_partly", "extended") and rng.random() < 0.6:
        yield later(rng.uniform(0.5, 3))
        cases.ask_subject(ws, ref, "additional_info", "The order number of your last purchase.")
        demo_letters.send(ws, ref, "identity-request")
        yield later(rng.uniform(2, 9))
        cases.record_answer(ws, ref, "Order number given; matches the customer account.", "verified")
    if plan in ("overdue", "in_progress"):
        yield later(rng.uniform(0.5, 3))
        _tick_some(ws, ref, rng, 0.4, shop)
        if i % 16 == 13:                # one extension waits in the manager's approvals queue
            yield later(0.2)
            approvals.request_approval(ws, ref, "extension", "Six processors to search, orders since 2019.")
        return
    if plan == "extended":
        yield later(rng.uniform(3, 12))
        reason = "Several processors must be searched and the request covers six years of orders."
        if i % 32 == 10:                # one extension went through the manager's review first
            request = approvals.request_approval(ws, ref, "extension", reason)
            yield later(0.1)
            approvals.approve(ws.as_actor(manager), request.id, "Agreed: tell the subject today.")
            yield later(0.05)
        cases.extend(ws, ref, reason)
        demo_letters.send(ws, ref, "extension")
        yield later(rng.uniform(0.5, 3))
        _tick_some(ws, ref, rng, 0.6, shop)
        return
    yield later(rng.uniform(1, 8))
    if plan != "closed_withdrawn":
        _conclude_identity(ws, ref, detail.summary.channel.value)
        _tick_some(ws, ref, rng, 1.0, shop)
        _carry_out(ws, ref, types)
    yield later(rng.uniform(2, 12))
    if plan == "closed_granted" and i % 32 == 16:   # one reply went out late: registers are rarely perfect
        yield later(rng.uniform(30, 36))
    if plan == "closed_withdrawn":
        cases.decide(ws, ref, "withdrawn", note="The subject wrote that the request is withdrawn.")
        yield later(rng.uniform(0.1, 2))
        cases.close(ws, ref)
        return
    if plan == "closed_refused":
        _decide_each(ws, ref, types, ["refused"] * len(types), lang, ground="art12_2_identity")
    elif plan == "decided" and i % 32 == 21:   # a refusal waiting for the manager's approval: no reply yet
        _decide_each(ws, ref, types, ["refused"] * len(types), lang)
        approvals.request_approval(ws, ref, "refusal", "Please review the grounds before the letter goes.")
        return
    elif plan == "closed_partly":
        _decide_each(ws, ref, types, ["partly_granted"] + ["granted"] * (len(types) - 1), lang)
    else:
        _decide_each(ws, ref, types, ["granted"] * len(types), lang)
    yield later(rng.uniform(0.02, 0.5))
    # One decided reply still waits in the outbox: the case shows "decided, reply not sent".
    demo_letters.send_decision_reply(ws, ref, lang, queue_only=plan == "decided" and i % 32 == 5)
    if plan != "decided":
        yield later(rng.uniform(0.1, 2))
        cases.close(ws, ref)


def _conclude_identity(ws: Workspace, ref: str, channel: str) -> None:
    """How the subject was identified, as the officer records it before deciding (EDPB 01/2022 §§ 60-78)."""
    detail = queries.get_case(ws, ref)
    if any(s.result in ("verified", "failed") and s.method != "clarification" for s in detail.identity_steps):
        return
    if channel in ("email", "web_form"):
        cases.record_identity_check(ws, ref, "known_address", "verified",
                                    "Request sent from the known e-mail address.")
    elif channel == "in_person":
        cases.record_identity_check(ws, ref, "in_person", "verified", "Customer seen at the counter; account shown.")
    else:
        cases.record_identity_check(ws, ref, "no_doubt", "verified",
                                    "Customer number and last order given match the account; no reasonable doubt.")


def _carry_out(ws: Workspace, ref: str, types: tuple[str, ...]) -> None:
    """What was done at each recipient: the change (invoices kept, never 'erased'), then the Art. 19 notices."""
    from megacase.services.privacy import processor_steps
    steps = processor_steps.processor_steps(ws, ref)
    for row in steps:
        if row.act is not None and not row.act.done:
            if "erasure" in types and row.processor in INVOICE_HOLDERS:
                processor_steps.record_kept(ws, ref, row.processor, processor_steps.INVOICE_GROUND,
                                            "Invoices and payment records kept; no longer used.")
            else:
                processor_steps.record_done(ws, ref, row.processor, "Done in the system's back office.")
    for row in steps:
        if row.notify is None or row.notify.done:
            continue
        if row.processor in INVOICE_HOLDERS or row.processor in NO_DATA_HELD:
            reason = ("Nothing was changed there: the data are kept under Art. 17(3)(b)"
                      if row.processor in INVOICE_HOLDERS and "erasure" in types
                      else processor_steps.NOTICE_EXEMPTIONS[0])
            processor_steps.record_no_notice(ws, ref, row.processor, reason)
        else:
            demo_letters.send(ws, ref, "art19-notice", LetterOptions(processor=row.processor))


def _decide_each(ws: Workspace, ref: str, types: tuple[str, ...], outcomes: list[str], lang: str,
                 ground: str | None = None) -> None:
    """One decision per right, each with its ground and the reasons the subject reads (in their language)."""
    for right, outcome in zip(types, outcomes):
        code = None
        if outcome != "granted":
            code = ground or (PARTLY_GROUND if outcome == "partly_granted" else REFUSAL_GROUND)[right]
        cases.decide(ws, ref, outcome, code, "Checked against the register and the systems searched.", right=right,
                     reasons=REASONS[code][lang] if code else None)


def _office_hours(moment: datetime, rng: random.Random) -> datetime:
    """The officer works on Belgian working days, 8:00 to 18:00: later work waits for the next morning."""
    local = moment.astimezone(TZ)
    if 8 <= local.hour < 18 and is_working_day(local.date()):
        return moment
    day = local.date() + timedelta(days=1) if local.hour >= 18 else local.date()
    while not is_working_day(day):
        day += timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 8, rng.randint(0, 59), tzinfo=TZ)
    return start.astimezone(moment.tzinfo)


def _tick_some(ws: Workspace, ref: str, rng: random.Random, share: float, shop: DemoSystems) -> None:
    """Work some of the case's steps: searches answered by the systems (connector or export file)."""
    detail = queries.get_case(ws, ref)
    for item in detail.checklist:
        if rng.random() >= share:
            continue
        if item.action == "Search":   # the change and the Art. 19 notice are recorded by _carry_out
            shop.search(ws, ref, item.processor, detail.subject, rng)
