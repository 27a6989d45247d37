"""Benchmarks: the figures behind MegaCase's speed and memory targets (``make bench``).

Prints timings for what an officer waits on: unlocking with the recovery passphrase,
loading the case list of a large register, opening a case, exporting a 500-event case
file, checking the audit chain, and the deadline calculator. Runs on a real SQLCipher
register in a temporary folder with an in-memory keyring; touches nothing else.

Targets (on the 2-core reference machine): list of 2,000 cases < 1 s, case opened
< 0.2 s, 500-event case file < 10 s, unlock with the passphrase < 2 s.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import keyring

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from megacase.domain.deadlines import Suspension, compute_deadline  # noqa: E402
from megacase.services.cases import cases, queries  # noqa: E402
from megacase.services.integrity import audit
from megacase.services.reports import case_file
from megacase.services.session import create_profile, open_profile  # noqa: E402
from megacase.services.cases.subjects import NewSubject  # noqa: E402
from megacase.services.workspace import Actor  # noqa: E402
from megacase.store.keys import KeyStore  # noqa: E402
from megacase.store.memory_keyring import MemoryKeyring  # noqa: E402
from megacase.store.orm import Case, CaseType, Subject, SuspensionRow  # noqa: E402

PASSPHRASE = "benchmark recovery passphrase"
CASES = 2000
EVENTS = 500


def timed(label: str, fn, repeat: int = 1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    elapsed = (time.perf_counter() - start) / repeat
    print(f"{label:<52} {elapsed * 1000:10.1f} ms")
    return result


def _bulk_register(ws, count: int) -> None:
    """Many cases at once, straight through the ORM: only the list's speed is measured here."""
    now = ws.now_naive()
    with ws.transaction() as session:
        for i in range(count):
            subject = Subject(reference=f"S-B{i:05d}", name=f"Sujet Bénchmark {i}", email=f"sujet{i}@exemple.be",
                              language="fr", created_at=now, processing_suspended=False)
            session.add(subject)
            session.flush()
            received = now - timedelta(days=i % 120, hours=i % 9)
            case = Case(reference=f"DSR-2026-{i + 1:04d}", subject_id=subject.id, channel="email",
                        received_at=received, received_on=received.date(), state="in_progress", created_at=now,
                        extended=i % 7 == 0, identified_by_known_address=True)
            case.types = [CaseType(request_type="access", position=0)]
            session.add(case)
            session.flush()
            if i % 5 == 0:
                session.add(SuspensionRow(case_id=case.id, reason="identity", started_on=received.date(),
                                          ended_on=received.date() + timedelta(days=4)))


def main() -> int:
    keyring.set_keyring(MemoryKeyring())
    keystore = KeyStore()
    clock = lambda: datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="megacase-bench-") as tmp:
        folder = Path(tmp) / "register"
        ws = timed("create register (scrypt at shipped cost, migrations)",
                   lambda: create_profile(folder, PASSPHRASE, keystore, Actor("bench"), clock=clock))
        ws.engine.dispose()
        keyring.get_keyring().store.clear()
        ws = timed("unlock with the recovery passphrase", lambda: open_profile(folder, keystore, PASSPHRASE,
                                                                              Actor("bench"), clock=clock))
        timed(f"insert {CASES} cases (bulk, one transaction)", lambda: _bulk_register(ws, CASES))
        rows = timed(f"list {CASES} cases with deadlines", lambda: queries.list_cases(ws), repeat=3)
        assert len(rows) == CASES
        ref = rows[0].reference
        timed("open one case (detail, timeline)", lambda: queries.get_case(ws, ref), repeat=10)

        d = cases.open_case(ws, cases.NewCase(("access", "erasure"), "email", clock() - timedelta(days=3),
                                              new_subject=NewSubject("Hélène Dubois", "helene@exemple.be")))
        timed(f"record {EVENTS} notes (one transaction each)",
              lambda: [cases.add_note(ws, d.reference, f"Note {n}: appel de Mme Dubois, suivi.") for n in
                       range(EVENTS)])
        rendered = timed(f"render the case file of a {EVENTS}-event case",
                         lambda: case_file.render_case_file(ws, d.reference))
        print(f"{'  case file size':<52} {len(rendered.pdf) / 1024:10.1f} KiB")
        report = timed("verify the whole audit chain", lambda: audit.verify(ws))
        print(f"{'  events in the chain':<52} {report.count:10d}")

        def deadlines():
            day = date(2026, 1, 1)
            for n in range(10_000):
                compute_deadline(day + timedelta(days=n % 700), [Suspension(day, day + timedelta(days=n % 9))],
                                 extended=n % 2 == 0, today=day)
        timed("10,000 deadline computations", deadlines)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak resident memory':<52} {rss:10.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
