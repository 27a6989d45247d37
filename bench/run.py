"""MegaCase's speed figures on a generated register (``make bench``): 10,000 cases, or 100,000 with ``--large``.

Prints one line per figure, as a Markdown table: what was measured, its baseline measured in the
same run on the same register, the target, and whether it is met. The window's figures come from
``bench/window.py`` run in a process of its own (so its peak memory is the window's); each of
them also reports the longest freeze of the event loop (the widest gap between two beats of a
10 ms timer). A register is generated with ``bench/generate.py`` in a temporary folder unless
``--register DIR`` names one generated before.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import keyring  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench.generate import PASSPHRASE, big_case, create, fill  # noqa: E402
from megacase.domain.audit_chain import event_bytes  # noqa: E402
from megacase.services.cases import cases, queries  # noqa: E402
from megacase.services.cases.cases import NewCase  # noqa: E402
from megacase.services.cases.subjects import NewSubject  # noqa: E402
from megacase.services.integrity import audit  # noqa: E402
from megacase.services.integrity.verify import _details_of  # noqa: E402
from megacase.services.reports import case_file, register_report  # noqa: E402
from megacase.services.session import open_profile  # noqa: E402
from megacase.services.workspace import Actor, Workspace  # noqa: E402
from megacase.store import db  # noqa: E402
from megacase.store.keys import KeyStore  # noqa: E402
from megacase.store.memory_keyring import MemoryKeyring  # noqa: E402

WORKLOAD_CASES = 20
WORKLOAD_REGISTER = 2_000


def best(fn, repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by the machine's other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sql_time(ws: Workspace, sql: str, params: dict | None = None, repeat: int = 3) -> float:
    with ws.engine.connect() as conn:
        return best(lambda: conn.execute(text(sql), params or {}).fetchall(), repeat)


class Table:
    def __init__(self):
        self.lines = ["| figure | measured | baseline (same run) | target | met |", "| --- | --- | --- | --- | --- |"]

    def add(self, figure: str, measured: str, baseline: str, target: str, met: bool) -> None:
        line = f"| {figure} | {measured} | {baseline} | {target} | {'yes' if met else 'NO'} |"
        self.lines.append(line)
        print(line, flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def probe(*args: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, str(HERE / "window.py"), *args], capture_output=True, text=True, env=env,
                         timeout=3600)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"bench/window.py failed: {out.stderr[-2000:]}")
    return json.loads(lines[-1])


# --- the window -------------------------------------------------------------------------------------
def window_figures(t: Table, folder: Path, ws: Workspace) -> None:
    bare = probe("--bare")
    win = probe(str(folder))
    n = win["cases"]
    t.add(f"start to list filled ({n:,} cases)", ms(win["start"]["seconds"]),
          f"bare window, empty table: {ms(bare['start']['seconds'])}", "within 1 s of the bare window",
          win["start"]["seconds"] - bare["start"]["seconds"] <= 1.0)
    like = "%d%"
    search_sql = ("SELECT c.id, c.reference, s.name, s.email FROM cases c JOIN subjects s ON s.id = c.subject_id "
                  "WHERE lower(c.reference) LIKE :q OR lower(s.name) LIKE :q OR lower(s.email) LIKE :q")
    t.add("one keystroke in the search", ms(win["keystroke"]["seconds"]),
          f"SQL for the same rows: {ms(sql_time(ws, search_sql, {'q': like}))}", "under 50 ms",
          win["keystroke"]["seconds"] < 0.05)
    list_sql = ("SELECT c.id, c.reference, c.state, c.received_at, c.received_on, s.name, s.email FROM cases c "
                "JOIN subjects s ON s.id = c.subject_id ORDER BY c.received_at DESC")
    list_time = sql_time(ws, list_sql)
    quick = max(win["quick_filter"]["seconds"], win["clear_search"]["seconds"])
    t.add("a quick filter (All, Overdue, Open) or clearing the search", ms(quick),
          f"SQL for all rows: {ms(list_time)}", "under 50 ms", quick < 0.05)
    ref = win["select"]["reference"]
    select_sql = "SELECT * FROM cases WHERE reference = :r"
    sel = sql_time(ws, select_sql, {"r": ref}) + sql_time(
        ws, "SELECT a.* FROM audit_events a JOIN cases c ON c.id = a.case_id WHERE c.reference = :r", {"r": ref}) + \
        sql_time(ws, "SELECT l.* FROM letters l JOIN cases c ON c.id = l.case_id WHERE c.reference = :r", {"r": ref})
    t.add("selecting a case (its detail shown)", ms(win["select"]["seconds"]),
          f"SQL for its case, events, letters: {ms(sel)}", "under 50 ms", win["select"]["seconds"] < 0.05)
    agg = sql_time(ws, "SELECT state, count(*) FROM cases GROUP BY state") + sql_time(
        ws, "SELECT substr(received_on, 1, 7), count(*) FROM cases GROUP BY 1")
    t.add("dashboard shown", ms(win["dashboard"]["seconds"]), f"aggregate SQL: {ms(agg)}", "under 200 ms",
          win["dashboard"]["seconds"] < 0.2)
    t.add("refresh (F5): list, dashboard, reminders", ms(win["refresh"]["seconds"]),
          f"SQL for all rows: {ms(list_time)}", "under 200 ms", win["refresh"]["seconds"] < 0.2)
    t.add("peak memory of the window", f"{win['peak_mb']:.0f} MB", f"bare window: {bare['peak_mb']:.0f} MB",
          "under 400 MB", win["peak_mb"] < 400)
    for key, label in (("start", "start"), ("keystroke", "a keystroke"), ("quick_filter", "a quick filter"),
                       ("clear_search", "clearing the search"), ("select", "selecting a case"),
                       ("dashboard", "the dashboard"), ("refresh", "a refresh")):
        freeze = win[key]["freeze_ms"]
        t.add(f"longest freeze of the event loop during {label}", f"{freeze} ms",
              f"bare window: {bare['start']['freeze_ms']} ms", "under 100 ms", freeze < 100)


# --- services ---------------------------------------------------------------------------------------
def workload(ws: Workspace, tag: str) -> float:
    """What an officer does to a few cases, through the services: open, work, note, decide, reread (closing
    needs the reply to have left through the outbox: not part of this workload)."""
    start = time.perf_counter()
    received = ws.now() - timedelta(days=2)
    for i in range(WORKLOAD_CASES):
        d = cases.open_case(ws, NewCase(("access",), "email", received, new_subject=NewSubject(
            f"Sujet {tag} {i}", f"sujet.{tag}.{i}@exemple.be", "fr")))
        cases.start_work(ws, d.reference)
        cases.add_note(ws, d.reference, "Appel du sujet : il précise sa demande.")
        cases.decide(ws, d.reference, "granted")
        queries.get_case(ws, d.reference)
    return time.perf_counter() - start


def plain_sqlite(folder: Path, clock) -> Workspace:
    """The same schema and settings in a plain (unencrypted) SQLite file: the cost of the encryption."""
    from megacase.services import settings
    from megacase.services.integrity import state
    folder.mkdir(parents=True)
    # the register's engine as db.make_engine builds it, on a plain file: same pool, pragmas (the cipher one
    # is ignored), transactions and error translation
    engine = create_engine(f"sqlite:///{folder / 'plain.db'}", poolclass=NullPool,
                           connect_args={"timeout": db.BUSY_SECONDS})
    event.listen(engine, "connect", db._configure_connection)
    event.listen(engine, "begin", db._begin)
    event.listen(engine, "handle_error", db._translate_errors)
    db.upgrade(engine)
    ws = Workspace(engine, Actor("sophie", "officer"), clock)
    with ws.transaction() as session:          # the first events, as services.session.create_profile writes them
        settings.set_in(session, ws, settings.COMPANY_DOMAINS.key, settings.COMPANY_DOMAINS.default, record=False)
        created = audit.record(session, ws, "profile.created", details={"schema": "initial", "state_tracked": True})
        audit.attach_state(session, created, state.snapshot_all(session))
    return ws


def signature_time(ws: Workspace, count: int, sample: int = 10_000) -> float:
    """Seconds to check ``count`` events' signatures in a loop (a sample of ``sample``, scaled): the part
    of the verification that signing the events (issue 13) added."""
    from megacase.services.integrity.signing import valid
    with ws.engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT id, public_key FROM signing_keys")).all())
        rows = conn.execute(text("SELECT signing_key_id, signature, hash FROM audit_events ORDER BY seq LIMIT :n"),
                            {"n": sample}).all()
    start = time.perf_counter()
    for key_id, signature, digest in rows:
        valid(keys[key_id], signature, digest)
    return (time.perf_counter() - start) * count / max(1, len(rows))


def service_figures(t: Table, ws: Workspace, big_ref: str, tmp: Path) -> None:
    clock = ws.clock
    small = create(tmp / "cipher-small", WORKLOAD_REGISTER, clock=clock)
    plain = plain_sqlite(tmp / "plain-small", clock)
    fill(plain, WORKLOAD_REGISTER)
    workload(small, "warm"), workload(plain, "warm")
    rounds = [(workload(small, f"c{n}"), workload(plain, f"p{n}")) for n in range(3)]   # interleaved: same load
    cipher_s, plain_s = min(c for c, _p in rounds), min(p for _c, p in rounds)
    ratio = cipher_s / plain_s
    t.add(f"the same service workload ({WORKLOAD_CASES} cases opened to decided, {WORKLOAD_REGISTER:,}-case "
          "registers): SQLCipher", f"{ms(cipher_s)} ({ratio:.2f}x)", f"plain SQLite: {ms(plain_s)}", "under 1.3x",
          ratio < 1.3)

    start = time.perf_counter()
    report = audit.verify(ws)
    verify_s = time.perf_counter() - start
    assert report.ok, report.problem
    with ws.engine.connect() as conn:    # the same bytes, already in memory, hashed in a loop
        b64 = base64.b64encode
        blobs = [(prev.encode("ascii"), event_bytes(seq, at, actor, kind, case_id, subject_id, _details_of(details),
                                                    b64(secret).decode("ascii") if secret is not None else None))
                 for seq, at, actor, kind, case_id, subject_id, details, secret, prev in conn.execute(text(
                     "SELECT seq, at, actor, kind, case_id, subject_id, details, secret, prev_hash "
                     "FROM audit_events ORDER BY seq"))]

    def hash_loop():
        for prev, data in blobs:
            hashlib.sha256(prev + data).hexdigest()
    hash_s = best(hash_loop)
    blobs.clear()
    sign_s = signature_time(ws, report.count)
    t.add(f"audit verify ({report.count:,} events)", f"{ms(verify_s)} ({verify_s / hash_s:.1f}x)",
          f"hashing the same bytes in a loop: {ms(hash_s)}; checking each event's Ed25519 signature alone: "
          f"{ms(sign_s)}", "under 3x", verify_s / hash_s < 3)

    start = time.perf_counter()
    rendered = case_file.render_case_file(ws, big_ref)
    file_s = time.perf_counter() - start
    from megacase.services.reports.case_file_pdf import render
    collected = case_file.collect(ws, big_ref)
    layout_s = best(lambda: render(collected), 1)
    t.add(f"case file of a {rendered.integrity.case_events}-event case (chain verified)", ms(file_s),
          f"its PDF layout alone: {ms(layout_s)}", "under 1 s", file_s < 1)

    with ws.engine.connect() as conn:
        year, count = conn.execute(text("SELECT substr(received_on, 1, 4) y, count(*) n FROM cases GROUP BY y "
                                        "ORDER BY n DESC LIMIT 1")).one()
    pdf = tmp / "register.pdf"
    start = time.perf_counter()
    register_report.export_register(ws, int(year), pdf=pdf)
    report_s = time.perf_counter() - start
    rows_s = sql_time(ws, "SELECT * FROM cases WHERE received_on >= :a AND received_on < :b",
                      {"a": f"{year}-01-01", "b": f"{int(year) + 1}-01-01"})
    t.add(f"register report of {year}, PDF ({count:,} cases)", ms(report_s), f"SQL for its cases: {ms(rows_s)}",
          "under 5 s", report_s < 5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="100,000 cases instead of 10,000")
    parser.add_argument("--cases", type=int, help="another number of cases")
    parser.add_argument("--register", type=Path, help="a register made by bench/generate.py (else a new one)")
    args = parser.parse_args(argv)
    count = args.cases or (100_000 if args.large else 10_000)
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory(prefix="megacase-bench-") as tmp_name:
        tmp = Path(tmp_name)
        folder = args.register or tmp / "register"
        start = time.perf_counter()
        if args.register is None:
            ws = create(folder, count)
            print(f"generated {count:,} cases in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        else:
            ws = open_profile(folder, KeyStore(), PASSPHRASE, Actor("sophie", "officer"))
        big_ref = big_case(ws)
        ws.engine.dispose()
        print(f"MegaCase figures, {datetime.now():%Y-%m-%d}, {os.cpu_count()} cores, Python "
              f"{sys.version.split()[0]}\n")
        t = Table()
        print("\n".join(t.lines), flush=True)
        ws = open_profile(folder, KeyStore(), PASSPHRASE, Actor("sophie", "officer"))
        window_figures(t, folder, ws)
        service_figures(t, ws, big_ref, tmp)
        ws.engine.dispose()
        met = sum(1 for line in t.lines[2:] if line.endswith("| yes |"))
        print(f"\n{met} of {len(t.lines) - 2} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
