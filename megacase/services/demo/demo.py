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
from megacase.services.cases.subjects import NewSubject
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
    demo_letters.prepare(demo, Workspace(ws.engine, manager, clock))
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
    while queue:
        moment, i, life = heapq.heappop(queue)
        clock.now = min(moment, real_now)
        try:
            heapq.heappush(queue, (life.send(None), i, life))
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

    yield moment
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
    if plan in ("closed_granted", "closed_partly", "closed_refused", "extended") and rng.random() < 0.6:
        yield later(rng.uniform(0.5, 3))
        cases.ask_subject(ws, ref, "additional_info", "The order number of your last purchase.")
        demo_letters.send(ws, ref, "identity-request")
        yield later(rng.uniform(2, 9))
        cases.record_answer(ws, ref, "Order number given; matches the customer account.", "verified")
    if plan in ("overdue", "in_progress"):
        yield later(rng.uniform(0.5, 3))
        _tick_some(ws, ref, rng, 0.4)
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
        _tick_some(ws, ref, rng, 0.6)
        return
    yield later(rng.uniform(1, 8))
    _tick_some(ws, ref, rng, 1.0)
    yield later(rng.uniform(2, 12))
    if plan == "closed_granted" and i % 32 == 16:   # one reply went out late: registers are rarely perfect
        yield later(rng.uniform(30, 36))
    outcome = {"closed_granted": "granted", "closed_partly": "partly_granted", "closed_refused": "refused",
               "closed_withdrawn": "withdrawn", "decided": "granted"}[plan]
    ground = {"partly_granted": "Art. 17(3)(b) GDPR: invoices kept 10 years (Belgian VAT and accounting law)",
              "refused": "Art. 12(5) GDPR: manifestly excessive, fourth identical request in three months"}.get(outcome)
    if plan == "decided" and i % 32 == 21:   # a refusal waiting for the manager's approval
        outcome, ground = "refused", "Art. 12(5) GDPR: manifestly unfounded, the account was closed in 2019"
        cases.decide(ws, ref, outcome, ground, "Reply drafted; awaiting the manager's review.")
        approvals.request_approval(ws, ref, "refusal", "Account closed in 2019; nothing left to give.")
        return
    cases.decide(ws, ref, outcome, ground, "Reply sent to the known e-mail address.")
    yield later(rng.uniform(0.02, 0.5))
    demo_letters.send_decision_reply(ws, ref, types, outcome, lang)
    if plan != "decided":
        yield later(rng.uniform(0.1, 2))
        cases.close(ws, ref)


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


def _tick_some(ws: Workspace, ref: str, rng: random.Random, share: float) -> None:
    detail = queries.get_case(ws, ref)
    for item in detail.checklist:
        if rng.random() < share:
            checklist.mark_item(ws, item.id, True, "Checked; nothing further to do." if item.action != "Search"
                                else "Searched by customer number and e-mail address.")
