"""Fill a register with many realistic cases, fast: ``python bench/generate.py --cases 10000 --out DIR``.

Each case has the shape of a worked request: a subject, one or two request types, about
twenty audit events, two or three letters, an identity step (with its suspension) for about
a third of the cases, the processor checklist, a note now and then. Cases are spread so
that one year holds about 10,000 of them; the oldest are closed, the newest still open,
some overdue, suspended or extended.

Rows are written in bulk through the store layer (SQLAlchemy Core inserts on the real
SQLCipher file) with the same helpers the services use to seal personal fields
(``subject_crypto.seal`` under a per-subject key), to chain the audit trail
(``events._body`` + ``audit_chain.chain_hash``), to sign each event (the workstation's
key, ``signing.signer``) and to record the values of the rows an action changed
(``state`` snapshots: the subject with its first event, each letter with its sending, the
case and its per-right answers with the case's last event). So ``megacase audit verify``
passes (chain, signatures, anchors, rows against their events) and every sealed field
opens. Calling the services for each step would take hours at 100,000 cases; this takes
minutes.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import time
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from megacase.domain.audit_chain import chain_hash  # noqa: E402
from megacase.domain.deadlines import Suspension  # noqa: E402
from megacase.domain.grounds import ground_label  # noqa: E402
from megacase.domain.letter_types import required_letters  # noqa: E402
from megacase.services.integrity import anchors, signing, state  # noqa: E402
from megacase.services.integrity.events import _body  # noqa: E402
from megacase.services.workspace import TZ, Actor, Workspace  # noqa: E402
from megacase.store.orm import (AuditEvent, Case, CaseAnswer, CaseType, ChecklistItem, IdentityStep,  # noqa: E402
                                Letter, Note, Processor, Subject, SubjectKey, SuspensionRow)
from megacase.store.subject_crypto import new_subject_key, seal  # noqa: E402

PASSPHRASE = "benchmark recovery passphrase"
CASES_PER_YEAR = 10_000
BATCH = 1_000
OFFICERS = ("sophie", "thomas", "lena")

FIRST = ("Hélène", "Jérôme", "Françoise", "Anaïs", "Maëlle", "Inès", "Céline", "Noël", "Sébastien", "Zoë", "Jeroen",
         "Anneleen", "Björn", "Eline", "Wouter", "Lotte", "Raphaël", "Sofie", "Ruben", "Emily", "Oliver", "Siobhán",
         "Chloé", "Mateusz", "Ana")
LAST = ("Dubois", "Lefèvre", "Maréchal", "Dupont", "Lemaître", "Benali", "Desmet", "Lambert", "Goossens", "Peeters",
        "Claes", "Vermeulen", "De Smedt", "Maes", "Willems", "Janssens", "Verstraete", "Wouters", "Carter", "Hughes",
        "O'Neill", "Martin", "Wójcik", "Ferreira", "Van den Bossche")
DOMAINS = ("skynet.be", "proximus.be", "gmail.com", "telenet.be", "outlook.be", "hotmail.com", "voo.be")
STREETS = ("Rue de l'Église", "Avenue Louise", "Meir", "Kortrijksesteenweg", "Rue Haute", "Markt", "Diestsestraat")
TYPE_MIX = (("access",), ("access",), ("access",), ("erasure",), ("erasure",), ("rectification",),
            ("restriction",), ("portability",), ("objection",), ("access", "portability"), ("erasure", "objection"))
CHANNELS = ("email", "email", "email", "web_form", "web_form", "post", "phone")
ACTIONS_FOR = {"access": ("search",), "portability": ("search",), "rectification": ("act", "notify"),
               "erasure": ("act", "notify"), "restriction": ("act", "notify"), "objection": ("act",),
               "automated_decision": ()}
GROUND_LABEL = ground_label("art12_2_identity")   # the case's one-line ground, as the decision service writes it
REFUSAL_REASONS = "Nous n'avons pas pu établir votre identité avec les éléments fournis."
BODY = ("Madame, Monsieur,\n\nNous accusons réception de votre demande du {day}. Conformément à l'article 12 du "
        "RGPD, nous y répondrons au plus tard le {due}. Référence : {ref}.\n\n" + "Texte de la lettre. " * 30 +
        "\n\nLe délégué à la protection des données\nMega Security")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Chain:
    """Audit events appended in order, hashed and signed exactly as ``integrity.audit.record`` does."""

    def __init__(self, seq: int, prev: str, signer: tuple[int, bytes]):
        self.seq, self.prev = seq, prev
        self.key_id, self.private = signer
        self.rows: list[dict] = []

    def add(self, at: datetime, actor: str, kind: str, case_id, subject_id, details: dict, secret: bytes | None):
        self.seq += 1
        stamp = _iso(at)
        body = _body(self.seq, stamp, actor, kind, case_id, subject_id, details, secret)
        digest = chain_hash(self.prev, body)
        self.rows.append(dict(seq=self.seq, at=stamp, actor=actor, kind=kind, case_id=case_id, subject_id=subject_id,
                              details=json.dumps(details, sort_keys=True, ensure_ascii=False), secret=secret,
                              prev_hash=self.prev, hash=digest, signing_key_id=self.key_id,
                              signature=signing.sign(self.private, digest)))
        self.prev = digest

    def attach(self, entries: list[dict]) -> None:
        """The rows an action changed, written into its last event (nothing follows it yet: re-hashed, re-signed)."""
        row = self.rows[-1]
        details = json.loads(row["details"])
        merged = {(e["t"], str(e["id"])): e for e in details.get(state.ROWS, []) + entries}   # newer values win
        details[state.ROWS] = sorted(merged.values(), key=lambda e: (e["t"], str(e["id"])))
        row["details"] = json.dumps(details, sort_keys=True, ensure_ascii=False)
        body = _body(row["seq"], row["at"], row["actor"], row["kind"], row["case_id"], row["subject_id"], details,
                     row["secret"])
        row["hash"] = self.prev = chain_hash(row["prev_hash"], body)
        row["signature"] = signing.sign(self.private, row["hash"])


def _snapshot(table: str, row: dict, key: bytes, subject_id: int) -> dict:
    """What ``state.snapshot_of`` records for a row, from the plain values about to be inserted."""
    spec = state.BY_TABLE[table]
    ident = row[spec.pk]
    entry: dict = {"t": table, "id": ident}
    values = {c: state._plain(row[c]) for c in spec.clear}
    values.update({c: state._digest(row[c]) for c in spec.digested})
    personal = {c: row[c] for c in spec.sealed if row[c] is not None}
    values.update({c: None for c in spec.sealed if c not in personal})
    if personal:
        blob = _seal_json(key, personal, f"state:{table}:{ident}")
        entry["sealed"], entry["k"] = base64.b64encode(blob).decode("ascii"), subject_id
    entry["v"] = values
    return entry


def _seal_json(key: bytes, value, context: str) -> bytes:
    return seal(key, json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"), context)


TABLES = (Subject, SubjectKey, Case, CaseType, CaseAnswer, IdentityStep, SuspensionRow, ChecklistItem, Letter, Note)


class _Batch:
    def __init__(self):
        self.tables: dict[type, list[dict]] = {t: [] for t in TABLES}

    def add(self, table, **row) -> None:
        self.tables[table].append(row)


def _plan(rng: random.Random, received: date, today: date) -> str:
    age = (today - received).days
    if age > 120:
        return rng.choice(("closed",) * 12 + ("closed_refused", "closed_withdrawn"))
    if age > 45:
        return rng.choice(("closed",) * 6 + ("decided", "overdue", "extended"))
    return rng.choice(("closed", "decided", "in_progress", "in_progress", "received", "awaiting", "awaiting",
                       "extended", "overdue"))


def _one_case(b: _Batch, chain: _Chain, rng: random.Random, ids: dict, processors: list[tuple[int, str]],
              received_at: datetime, today: date, now: datetime) -> None:
    sid, cid = ids["subject"], ids["case"]
    ids["subject"] += 1
    ids["case"] += 1
    officer = rng.choice(OFFICERS)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    local_part = f"{_ascii(first)}.{_ascii(last)}".lower().replace(" ", "").replace("'", "")
    email = f"{local_part}.{sid}@{rng.choice(DOMAINS)}"
    lang = rng.choice(("fr", "fr", "nl", "nl", "en"))
    key = new_subject_key()
    local = received_at.replace(tzinfo=timezone.utc).astimezone(TZ)
    received_on = local.date()
    sref = f"S-{sid:05d}"
    ref = f"DSR-{received_on.year}-{ids.setdefault(received_on.year, 0) + 1:04d}"
    ids[received_on.year] += 1
    types = rng.choice(TYPE_MIX)
    plan = _plan(rng, received_on, today)
    t = received_at                         # the clock of this case's life, moved step by step

    def step(hours_min: float, hours_max: float) -> datetime:
        nonlocal t
        t = min(t + timedelta(hours=rng.uniform(hours_min, hours_max)), now - timedelta(minutes=1))
        return t

    def event(kind: str, details: dict, personal: dict | None = None) -> None:
        secret = _seal_json(key, personal, f"audit:{kind}") if personal else None
        chain.add(t, officer, kind, cid if kind != "subject.created" else None, sid, details, secret)

    subject = dict(id=sid, reference=sref, name=name, email=email, language=lang, created_at=received_at,
                   postal_address=f"{rng.choice(STREETS)} {rng.randint(1, 300)}, {rng.randint(1000, 9999)} Belgique",
                   customer_number=f"C-{100000 + sid}", processing_suspended="objection" in types and plan != "closed",
                   restricted_since=None, anonymised_at=None)
    b.add(Subject, **subject)
    b.add(SubjectKey, subject_id=sid, key=key, destroyed_at=None)
    event("subject.created", {"subject": sref, "language": lang}, {"name": name, "email": email})
    chain.attach([_snapshot("subjects", subject, key, sid)])
    summary = "Demande de copie de toutes les données et de la liste des sous-traitants."
    event("case.opened", {"reference": ref, "subject": sref, "channel": "email", "received_at": _iso(received_at),
                          "request_types": list(types), "linked_to": None,
                          "processing_suspended": "objection" in types}, {"summary": summary})
    for pos, rt in enumerate(types):
        b.add(CaseType, case_id=cid, request_type=rt, position=pos)
    suspensions: list[Suspension] = []
    state, outcome, decided_at, closed_at, extended, ext_at = "received", None, None, None, False, None

    def letter(template: str) -> None:
        lid = ids["letter"]
        ids["letter"] += 1
        at = step(1, 20)
        sent = at + timedelta(minutes=2)
        row = dict(id=lid, case_id=cid, template_id=template, language=lang, status="sent",
                   recipient_enc=seal(key, email.encode(), "letter:recipient"),
                   subject_enc=seal(key, f"{ref}: {template}".encode(), "letter:subject"),
                   body_enc=seal(key, BODY.format(day=received_on, due="", ref=ref).encode(), "letter:body"),
                   eml_enc=None, eml_sha256=None, override_reason=None, created_at=at, created_by=officer,
                   sent_at=sent, message_id=f"<{lid}.{cid}@megasecurity.eu>",
                   server_reply="250 OK", attempts=1, last_error=None)
        b.add(Letter, **row)
        event("letter.queued", {"reference": ref, "letter_id": lid, "template": template, "language": lang},
              {"recipient": email})
        t_sent = sent
        event("letter.sent", {"reference": ref, "letter_id": lid, "message_id": f"<{lid}.{cid}@megasecurity.eu>",
                              "sent_at": _iso(t_sent)})
        chain.attach([_snapshot("letters", row, key, sid)])

    letter("acknowledgement")
    if plan in ("received",):
        pass
    else:
        asks = plan == "awaiting" or rng.random() < 0.3
        step(2, 30)
        event("case.work_started", {"reference": ref, "state": "in_progress"})
        state = "in_progress"
        if asks:
            step_id = ids["step"]
            ids["step"] += 1
            asked = step(1, 24)
            letter("identity-request")
            open_step = plan == "awaiting"
            answered = None if open_step else step(24, 24 * 6)
            b.add(IdentityStep, id=step_id, case_id=cid, method="additional_info",
                  asked="Customer number and the date of the last order", reason="Request from another address",
                  asked_at=asked, asked_by=officer, answer=None if open_step else "Given",
                  answered_at=answered, result="pending" if open_step else "verified",
                  decided_by=None if open_step else officer)
            started = asked.replace(tzinfo=timezone.utc).astimezone(TZ).date()
            ended = answered.replace(tzinfo=timezone.utc).astimezone(TZ).date() if answered else None
            b.add(SuspensionRow, case_id=cid, reason="identity", started_on=started, ended_on=ended,
                  identity_step_id=step_id)
            suspensions.append(Suspension(started, ended))
            t = asked
            event("identity.asked", {"reference": ref, "state": "awaiting_identity", "method": "additional_info"},
                  {"asked": "Customer number and the date of the last order"})
            if open_step:
                state = "awaiting_identity"
            else:
                t = answered
                event("identity.answered", {"reference": ref, "state": "in_progress", "step": step_id},
                      {"answer": "Given"})
                event("identity.checked", {"reference": ref, "state": "in_progress", "result": "verified"})
        if plan == "extended":
            extended, ext_at = True, step(24, 24 * 10)
            event("case.extended", {"reference": ref, "state": state, "reason_code": "complexity"},
                  {"reason": "Many systems to search"})
            letter("extension")
    actions = [a for rt in types for a in ACTIONS_FOR[rt]]
    done = plan.startswith("closed") or plan == "decided"
    for pid, pname in processors:
        for action in dict.fromkeys(actions):
            item_done = done or (state == "in_progress" and rng.random() < 0.4)
            at = step(0.1, 3) if item_done else None
            b.add(ChecklistItem, case_id=cid, processor_id=pid, action=action, done_at=at,
                  done_by=officer if item_done else None, note=None, keep_ground=None)
            if item_done:
                event("checklist.done", {"reference": ref, "processor": pname, "action": action})
    if rng.random() < 0.25:
        at = step(1, 10)
        b.add(Note, case_id=cid, body_enc=seal(key, b"Called the subject back about the scope.", "note"),
              author=officer, created_at=at)
        event("case.note_added", {"reference": ref, "state": state}, {"note": "Called the subject back."})
    answers: list[dict] = []
    legal_ground = None
    if done:
        outcome = {"closed_refused": "refused", "closed_withdrawn": "withdrawn"}.get(plan, "granted")
        decided_at = step(2, 24 * 6)
        state = "decided"
        ground = "art12_2_identity" if outcome == "refused" else None
        legal_ground = GROUND_LABEL if ground else None
        for rt in types:       # one answer per right, as the decision service records them
            answers.append(dict(id=ids["answer"], case_id=cid, request_type=rt, outcome=outcome, legal_ground=ground,
                                reasons=REFUSAL_REASONS if ground else None, evidence_refs=None,
                                evidence_attachment_id=None, no_data_reason=None, decided_at=decided_at,
                                decided_by=officer))
            ids["answer"] += 1
        event("case.decided", {"reference": ref, "state": "decided", "outcome": outcome, "rights": list(types),
                               "all_rights_decided": True}, {"note": "Replied with the copy."})
        chain.attach([_snapshot("case_answers", a, key, sid) for a in answers])
        # the letters that answer every right (domain.letter_types): one of each required group, once
        replies = dict.fromkeys(group[0] for rt in types for group in required_letters(rt, outcome))
        for template in replies:
            letter(template)
        if plan != "decided":
            closed_at = step(1, 48)
            state = "closed"
            event("case.closed", {"reference": ref, "state": "closed"})
    if plan == "overdue":
        state = "in_progress"
    case = dict(id=cid, reference=ref, subject_id=sid, channel=rng.choice(CHANNELS), received_at=received_at,
                received_on=received_on, state=state, outcome=outcome, legal_ground=legal_ground,
                decision_note=None, decided_at=decided_at, closed_at=closed_at, extended=extended,
                extension_reason="Many systems to search" if extended else None, extended_at=ext_at,
                extension_notice_on=ext_at.replace(tzinfo=timezone.utc).astimezone(TZ).date() if ext_at else None,
                identified_by_known_address=True, linked_case_id=None, owner=officer, summary=summary,
                created_at=received_at, skeleton_since=None, direct_marketing=False)
    b.add(Case, **case)
    for a in answers:
        b.add(CaseAnswer, **a)
    # the case's last event records its row as it now stands (the state check compares the last recorded values)
    chain.attach([_snapshot("cases", case, key, sid)] + [_snapshot("case_answers", a, key, sid) for a in answers])


def _received_times(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """Receipt times over the last ``count / 10,000`` years (at least one), oldest first."""
    span = max(1.0, count / CASES_PER_YEAR) * 365 * 24 * 3600
    seconds = sorted(rng.uniform(3600, span) for _ in range(count))
    return [(now - timedelta(seconds=s)).replace(microsecond=0) for s in reversed(seconds)]


def fill(ws: Workspace, count: int, seed: int = 18, progress=None) -> None:
    """Append ``count`` generated cases to the open register ``ws`` (its clock is 'now')."""
    rng = random.Random(seed)
    now = ws.now_naive()
    today = ws.today()
    with ws.transaction() as session:
        processors = [(p.id, p.name) for p in session.execute(select(Processor).order_by(Processor.id)).scalars()]
        last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
        ids = {"subject": (session.scalar(select(Subject.id).order_by(Subject.id.desc()).limit(1)) or 0) + 1,
               "case": (session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0) + 1,
               "letter": (session.scalar(select(Letter.id).order_by(Letter.id.desc()).limit(1)) or 0) + 1,
               "step": (session.scalar(select(IdentityStep.id).order_by(IdentityStep.id.desc()).limit(1)) or 0) + 1,
               "answer": (session.scalar(select(CaseAnswer.id).order_by(CaseAnswer.id.desc()).limit(1)) or 0) + 1}
        signer = signing.signer(session, ws)     # the workstation's key, as for events made without a signed-in user
    chain = _Chain(last.seq if last else 0, last.hash if last else "0" * 64, signer)
    times = _received_times(rng, count, now)
    for start in range(0, count, BATCH):
        batch = _Batch()
        for received_at in times[start:start + BATCH]:
            _one_case(batch, chain, rng, ids, processors, received_at, today, now)
        with ws.transaction() as session:
            for table in TABLES:
                if batch.tables[table]:
                    session.execute(insert(table), batch.tables[table])
            session.execute(insert(AuditEvent), chain.rows)
        chain.rows = []
        anchors.write(ws.engine, chain.seq, chain.prev, ws.now())     # the head, outside the database
        if progress:
            progress(min(start + BATCH, count), count)


def big_case(ws: Workspace, events: int = 500) -> str:
    """Make the newest open case a 500-event case (notes and checklist toggles), as in a long dispute."""
    with ws.transaction() as session:
        case = session.scalar(select(Case).where(Case.state == "in_progress").order_by(Case.id.desc()).limit(1))
        key = session.get(SubjectKey, case.subject_id).key
        last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
        chain = _Chain(last.seq, last.hash, signing.signer(session, ws))
        have = session.query(AuditEvent).filter(AuditEvent.case_id == case.id).count()
        at = ws.now_naive() - timedelta(hours=1)
        notes = []
        for i in range(max(0, events - have)):
            secret = _seal_json(key, {"note": f"Exchange {i} with the subject about the scope."}, "audit:case.note_added")
            chain.add(at, case.owner or "sophie", "case.note_added", case.id, case.subject_id,
                      {"reference": case.reference, "state": case.state}, secret)
            if i % 10 == 0:
                notes.append(dict(case_id=case.id, body_enc=seal(key, f"Exchange {i}".encode(), "note"),
                                  author=case.owner or "sophie", created_at=at))
        if chain.rows:              # none when the register was given its big case before
            session.execute(insert(AuditEvent), chain.rows)
        if notes:
            session.execute(insert(Note), notes)
    if chain.rows:
        anchors.write(ws.engine, chain.seq, chain.prev, ws.now())
    return case.reference


def create(folder: Path, count: int, clock=None, seed: int = 18, progress=None, scrypt_n: int = 2**14) -> Workspace:
    """A new register in ``folder`` holding ``count`` generated cases (in-memory or real keyring as configured)."""
    from megacase.services.session import create_profile
    from megacase.store.keys import KeyStore
    kwargs = {"clock": clock} if clock else {}
    ws = create_profile(folder, PASSPHRASE, KeyStore(), Actor("sophie", "officer"), scrypt_n=scrypt_n, **kwargs)
    fill(ws, count, seed, progress)
    return ws


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True, help="an empty folder for the new register")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args(argv)
    if args.cases < 1:
        print("--cases must be at least 1", file=sys.stderr)
        return 2
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty: choose a new folder", file=sys.stderr)
        return 2
    import keyring
    from megacase.store.memory_keyring import MemoryKeyring
    keyring.set_keyring(MemoryKeyring())   # the register opens with the recovery passphrase printed below
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r{done:>7} / {total} cases  {time.perf_counter() - start:6.1f} s", end="", file=sys.stderr)

    ws = create(args.out, args.cases, seed=args.seed, progress=progress)
    ws.engine.dispose()
    print(file=sys.stderr)
    print(f"{args.cases} cases in {args.out} ({time.perf_counter() - start:.1f} s); "
          f"recovery passphrase: {PASSPHRASE!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
