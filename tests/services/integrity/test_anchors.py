"""The chain's head outside the database: truncation and rewrite shown by the anchors."""

import json
import os
import stat

from sqlalchemy import select, text

from megacase import cli
from megacase.domain.audit_chain import chain_hash
from megacase.services.cases import cases
from megacase.services.integrity import audit
from megacase.services.integrity import anchors
from megacase.store import keys
from megacase.store.orm import AuditEvent
from tests.conftest import FAST_SCRYPT, PASSPHRASE


def _work(ws, open_access_case, n=3):
    first = open_access_case()
    refs = [first.reference] + [open_access_case(subject=first.subject.id).reference for _ in range(n - 1)]
    for ref in refs:
        cases.start_work(ws, ref)
    return refs


def test_every_commit_appends_the_head_to_a_private_file_and_the_keyring(ws, open_access_case, memory_keyring):
    _work(ws, open_access_case)
    path = anchors.anchor_path(ws.engine)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    lines = [a for a in map(json.loads, path.read_text().splitlines()) if "seq" in a]   # (key pins aside)
    with ws.reading() as s:
        head = s.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    assert lines[-1]["seq"] == head.seq and lines[-1]["hash"] == head.hash
    assert [l["seq"] for l in lines] == sorted(l["seq"] for l in lines)
    in_keyring = [json.loads(v) for (svc, name), v in memory_keyring.store.items() if name.endswith("-anchor")]
    assert in_keyring == [{"seq": head.seq, "hash": head.hash, "at": lines[-1]["at"]}]
    report = audit.verify(ws)
    assert report.ok and report.anchors_checked >= len(lines), report.findings


def cases_of(ws):
    from megacase.services.cases import queries
    return [c.reference for c in queries.list_cases(ws)]


def test_a_rolled_back_transaction_writes_no_anchor(ws, open_access_case):
    _work(ws, open_access_case, 1)
    before = anchors.anchor_path(ws.engine).read_text()
    try:
        with ws.transaction() as s:
            audit.record(s, ws, "case.note_added", details={"x": 1})
            raise RuntimeError("abandoned")
    except RuntimeError:
        pass
    assert anchors.anchor_path(ws.engine).read_text() == before


def test_deleting_the_newest_events_is_reported_as_truncation(ws, open_access_case, clock):
    _work(ws, open_access_case)
    clock.set("2027-04-02 10:14")
    cases.add_note(ws, cases_of(ws)[0], "a note")
    with ws.reading() as s:
        last = s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    with ws.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq > :k"), {"k": last - 4})
    report = audit.verify(ws)
    assert not report.ok
    assert (f"the register ends at event {last - 4}; an anchor of 2027-04-02 10:14 saw event {last}"
            in report.problem)


def test_a_rewritten_chain_is_reported_even_when_it_links_again(ws, open_access_case):
    _work(ws, open_access_case)
    # The attacker edits event 2 and re-hashes every event after it: the chain alone is intact again.
    with ws.transaction() as s:
        rows = s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        rows[1].actor = "mallory"
        prev = rows[0].hash
        for row in rows[1:]:
            row.prev_hash = prev
            row.hash = "0" * 64   # placeholder, recomputed below once the body is final
            s.flush()
            row.hash = chain_hash(prev, audit.body_of(row))
            prev = row.hash
    assert audit.verify_chain_only(ws).ok          # what the register alone says
    report = audit.verify(ws)
    assert not report.ok
    # events 2 and 3 were one transaction: the first anchor that saw the edit is event 3's
    rewritten = [f for f in report.findings if "anchor" in f]
    assert rewritten[0].startswith("event 3 is not the event an anchor of 2027-04-01")
    assert "the chain was rewritten" in rewritten[0]


def test_without_keyring_the_file_still_anchors(ws, open_access_case, monkeypatch):
    import keyring.errors

    def broken(*_a, **_k):
        raise keyring.errors.KeyringError("no keyring")
    monkeypatch.setattr(anchors.keyring, "set_password", broken)
    monkeypatch.setattr(anchors.keyring, "get_password", broken)
    _work(ws, open_access_case, 1)
    report = audit.verify(ws)
    assert report.ok and report.anchors_checked > 0


def test_cli_anchor_prints_the_head_and_verify_reads_a_copy(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    pfile = tmp_path / "pass.txt"
    pfile.write_text(PASSPHRASE)
    d = tmp_path / "demo"
    common = ["--data-dir", str(d), "--passphrase-file", str(pfile)]
    assert cli.main(["demo", "--cases", "4", *common]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "anchor", *common]) == 0
    out = capsys.readouterr().out
    seq = int(out.split()[1])
    assert out.startswith("event ") and len(out.split()[2]) == 64
    # A copy of the anchors kept elsewhere still speaks after the local file was deleted with the events.
    copy = tmp_path / "elsewhere.jsonl"
    copy.write_bytes((d / anchors.ANCHOR_FILE).read_bytes())
    (d / anchors.ANCHOR_FILE).unlink()
    from megacase.services.session import open_profile
    ws = open_profile(d, keys.KeyStore(), PASSPHRASE)
    with ws.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq > :k"), {"k": seq - 3})
    ws.engine.dispose()
    assert cli.main(["audit", "verify", "--anchor-file", str(copy), *common]) == 1
    out = capsys.readouterr().out
    assert f"the register ends at event {seq - 3}" in out and f"saw event {seq}" in out


def test_a_copy_of_the_register_is_verified_without_the_live_registers_anchors(ws, open_access_case, data_dir,
                                                                               tmp_path, keystore, clock):
    import shutil

    from megacase.services.session import open_profile
    _work(ws, open_access_case, 1)
    from megacase.services.integrity.backup import back_up
    copy = tmp_path / "backup"
    copy.mkdir()
    shutil.copy2(back_up(ws), copy / "megacase.db")     # SQLite's online backup: a consistent copy
    shutil.copy2(data_dir / "recovery.json", copy / "recovery.json")
    cases.add_note(ws, cases_of(ws)[0], "after the copy")     # the live register moves on
    backup = open_profile(copy, keystore, clock=clock)
    assert not audit.verify(backup).ok                        # the keyring saw later events of the live one
    assert audit.verify(backup, anchors=False).ok


def test_the_digest_and_the_register_report_print_the_head(ws, open_access_case):
    from megacase.services.reports import register_report
    from megacase.services.review import digest
    from megacase.services.integrity.verify import head
    _work(ws, open_access_case, 1)
    seq, digest_hash, _at = head(ws)
    assert f"Audit chain head: event {seq} {digest_hash}" in digest.compose(ws).body
    stats = register_report.compute(ws, 2027)
    assert stats.chain_head.startswith("event ") and len(stats.chain_head.split()[2]) == 64
    assert b"Audit chain head" in register_report.render_csv(stats)


def test_a_line_cut_short_by_a_crash_is_ignored_but_a_damaged_line_is_named(ws, open_access_case):
    _work(ws, open_access_case, 1)
    path = anchors.anchor_path(ws.engine)
    with open(path, "ab") as f:
        f.write(b'{"at": "2027-04-01T08:00:00Z", "ha')
    assert audit.verify(ws).ok
    cases.add_note(ws, cases_of(ws)[0], "the next anchor starts on a line of its own")
    assert audit.verify(ws).ok and path.read_text().splitlines()[-1].startswith('{"at"')
    path.write_bytes(path.read_bytes()[:-10] + b"\ngarbage\n")
    report = audit.verify(ws)
    assert not report.ok and any("is not an anchor" in f for f in report.findings)
