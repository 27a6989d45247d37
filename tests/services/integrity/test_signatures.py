"""Events signed by who made them: a chain rebuilt with the register's key but no password shows."""

import base64
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from megacase.domain.audit_chain import GENESIS, chain_hash
from megacase.services import users
from megacase.services.cases import cases
from megacase.services.integrity import audit
from megacase.services.integrity import anchors, signing
from megacase.store.orm import AuditEvent, SigningKey

PASSWORD = "sophie's long password"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch):
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def signed_ws(ws, open_access_case):
    users.add_user(ws, "sophie", "officer", PASSWORD)
    users.add_user(ws, "marc", "manager", "marc's long password")
    sophie = ws.as_actor(users.authenticate(ws, "sophie", PASSWORD))
    ref = open_access_case().reference
    cases.start_work(sophie, ref)
    cases.add_note(sophie, ref, "Called the customer back.")
    return ws, sophie, ref


def _workstation_key(memory_keyring) -> bytes:
    [value] = [v for (_s, name), v in memory_keyring.store.items() if name.endswith(signing.KEYRING_SUFFIX)]
    return base64.b64decode(value)


def _rebuild(ws, edit, private: bytes, key_id: int):
    """The attacker's rewrite: edit events, then re-hash and re-sign the whole chain from genesis."""
    with ws.engine.begin() as conn:
        rows = conn.execute(select(AuditEvent).order_by(AuditEvent.seq)).all()
        prev = GENESIS
        for r in rows:
            row = AuditEvent(**r._asdict())
            edit(row)
            row.prev_hash = prev
            row.hash = chain_hash(prev, audit.body_of(row))
            conn.execute(AuditEvent.__table__.update().where(AuditEvent.seq == row.seq).values(
                actor=row.actor, details=row.details, prev_hash=row.prev_hash, hash=row.hash + "x"))
            prev = row.hash        # stored with a mark first: hashes are unique while the rows are rewritten
    with ws.engine.begin() as conn:
        for r in conn.execute(select(AuditEvent.seq, AuditEvent.hash)).all():
            real = r.hash[:-1] if r.hash.endswith("x") else r.hash
            conn.execute(AuditEvent.__table__.update().where(AuditEvent.seq == r.seq).values(
                hash=real, signing_key_id=key_id, signature=signing.sign(private, real)))


def test_an_untampered_register_with_users_verifies_and_every_event_is_signed(signed_ws):
    ws, sophie, ref = signed_ws
    report = audit.verify(ws)
    assert report.ok, report.findings
    with ws.reading() as s:
        rows = s.execute(select(AuditEvent.actor, SigningKey.owner).join(
            SigningKey, SigningKey.id == AuditEvent.signing_key_id)).all()
    assert len(rows) == report.count
    assert {owner for actor, owner in rows if actor == "sophie"} == {"sophie"}
    assert {owner for actor, owner in rows if actor == "alice"} == {signing.WORKSTATION}


def test_a_whole_chain_rebuilt_with_the_register_and_keyring_keys_but_no_password_is_detected(
        signed_ws, memory_keyring):
    ws, sophie, ref = signed_ws
    anchors.anchor_path(ws.engine).unlink()           # the attacker removes the local anchors as well
    with ws.reading() as s:
        workstation_id = s.scalar(select(SigningKey.id).where(SigningKey.owner == signing.WORKSTATION))

    def blame_sophie_less(row):
        if row.kind == "case.note_added":
            row.actor = "marc"
    _rebuild(ws, blame_sophie_less, _workstation_key(memory_keyring), workstation_id)
    assert audit.verify_chain_only(ws).ok              # the chain alone looks perfect
    report = audit.verify(ws)
    assert not report.ok
    [signed] = [f for f in report.findings if "own key" in f]
    assert "in sophie's name but not signed with sophie's own key (and " in signed, report.findings


def test_an_edited_event_keeps_a_signature_that_no_longer_matches(signed_ws):
    ws, sophie, ref = signed_ws
    with ws.engine.begin() as conn:
        seq = conn.execute(select(AuditEvent.seq).where(AuditEvent.kind == "case.note_added")).scalar_one()
        conn.execute(AuditEvent.__table__.update().where(AuditEvent.seq == seq).values(actor="marc"))
    report = audit.verify(ws)
    assert any(f.startswith(f"event {seq} was changed after it was recorded") for f in report.findings)


def test_a_key_swapped_in_the_database_is_caught_by_its_pin(signed_ws):
    ws, sophie, ref = signed_ws
    forged = signing.new_private()
    with ws.engine.begin() as conn:
        conn.execute(SigningKey.__table__.update().where(SigningKey.owner == "sophie")
                     .values(public_key=signing.public_of(forged)))
    report = audit.verify(ws)
    assert any("is not the key the anchor file pinned" in f for f in report.findings), report.findings


def test_a_password_reset_gives_a_new_key_and_old_events_still_verify(signed_ws):
    ws, sophie, ref = signed_ws
    marc = ws.as_actor(users.authenticate(ws, "marc", "marc's long password"))
    users.set_password(marc, "sophie", "sophie's new long password")
    sophie2 = ws.as_actor(users.authenticate(ws, "sophie", "sophie's new long password"))
    cases.add_note(sophie2, ref, "After the reset.")
    assert sophie2.actor.signing_key_id != sophie.actor.signing_key_id
    assert audit.verify(ws).ok
