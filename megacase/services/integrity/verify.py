"""The one verification of the register: the hash chain, the anchors outside the
database, and (``state``) the current rows against the events that set them.

Events are streamed in order as plain rows, 500 at a time (no ORM objects: at 2,000,000
events loading them took most of the time, and one long fetch would hold the interpreter
and freeze the window that runs the check at start); each event's canonical bytes are
written directly (``audit_chain.event_bytes``). Each anchor is compared with the event of
its number as the walk passes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

import base64
import hashlib
import json

from megacase.domain.audit_chain import GENESIS, event_bytes
from megacase.i18n import _, ngettext
from megacase.services.integrity import anchors as anchor_store
from megacase.services.workspace import TZ, Workspace
from megacase.store.orm import AuditEvent


@dataclass
class IntegrityReport:
    """What ``audit.verify`` returns. ``ok``, ``count``, ``head``, ``broken_seq`` and ``problem``
    keep the meaning they had for the chain alone; ``findings`` names every problem found."""
    ok: bool
    count: int
    head: str
    head_seq: int = 0
    broken_seq: int | None = None
    problem: str = ""
    findings: list[str] = field(default_factory=list)
    anchors_checked: int = 0
    newest_anchor: anchor_store.Anchor | None = None
    state_checked: int = 0          # rows compared with their events (0 when the state check did not run)
    state_ok: bool = True
    state_differences: list[str] = field(default_factory=list)

    @property
    def chain_ok(self) -> bool:
        """The chain, its anchors and its signatures hold (whatever the current rows say)."""
        return self.broken_seq is None and not [f for f in self.findings if f not in self.state_differences]

    def summary_line(self) -> str:
        if self.ok:
            extra = "; " + (_("{count} anchors agree").format(count=self.anchors_checked) if self.anchors_checked
                            else _("no anchor found"))
            state = "; " + _("{count} records equal their events").format(count=self.state_checked) \
                if self.state_checked else ""
            return _("Audit trail intact: {count} events, head {head}").format(count=self.count, head=self.head) \
                + extra + state
        if self.broken_seq is not None:
            return _("Audit trail BROKEN at event {seq}: {problem}").format(seq=self.broken_seq, problem=self.problem)
        return _("Audit trail BROKEN: {problem}").format(problem=self.problem)


def _when(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


VERIFY_BATCH = 500


def _details_of(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return {"unreadable": text}      # as events.body_of reads it


def _hash_of(row) -> str:
    """``chain_hash(prev_hash, body_of(row))`` from a plain row (the same bytes, see audit_chain.event_bytes)."""
    secret = base64.b64encode(row.secret).decode("ascii") if row.secret is not None else None
    data = event_bytes(row.seq, row.at, row.actor, row.kind, row.case_id, row.subject_id, _details_of(row.details),
                       secret)
    return hashlib.sha256(row.prev_hash.encode("ascii") + data).hexdigest()


def verify_chain_and_anchors(ws: Workspace, extra_files=(), with_anchors: bool = True) -> IntegrityReport:
    found = anchor_store.read_all(ws.engine) if with_anchors else anchor_store.AnchorSet([], [], [])
    for path in extra_files:
        more = anchor_store.read_file(path, source=path.name)
        found.anchors.extend(more.anchors)
        found.unreadable.extend(more.unreadable)
    by_seq: dict[int, list[anchor_store.Anchor]] = {}
    for a in found.anchors:
        by_seq.setdefault(a.seq, []).append(a)
    report = IntegrityReport(True, 0, GENESIS, newest_anchor=max(found.anchors, key=lambda a: a.seq, default=None))
    report.findings.extend(_("{line} (anchor ignored)").format(line=u) for u in found.unreadable)
    signatures = _SignatureCheck(ws, found.pins)
    restored_at = {r.seq + 1 for r in found.restores}    # each restore mark is followed by its event
    prev, last_seq = GENESIS, 0
    rewrites: list[tuple[int, anchor_store.Anchor]] = []
    t = AuditEvent.__table__
    with ws.reading() as session:
        rows = session.connection().execution_options(yield_per=VERIFY_BATCH).execute(
            select(t.c.seq, t.c.at, t.c.actor, t.c.kind, t.c.case_id, t.c.subject_id, t.c.details, t.c.secret,
                   t.c.prev_hash, t.c.hash, t.c.signing_key_id, t.c.signature).order_by(t.c.seq))
        for row in rows:
            if report.broken_seq is None:
                if row.prev_hash != prev:
                    report.broken_seq = row.seq
                    report.findings.append(_("event {seq} does not follow the previous event "
                                             "(a row was removed or reordered)").format(seq=row.seq))
                elif _hash_of(row) != row.hash:
                    report.broken_seq = row.seq
                    report.findings.append(_("event {seq} was changed after it was recorded "
                                             "(its hash does not match)").format(seq=row.seq))
                else:
                    report.count += 1
                    report.head, report.head_seq = row.hash, row.seq
            for a in by_seq.pop(row.seq, ()):
                report.anchors_checked += 1
                if a.hash != row.hash:
                    rewrites.append((row.seq, a))
            if row.seq in restored_at:
                restored_at.discard(row.seq)
                if row.kind != "register.restored":
                    report.findings.append(_("the anchor file notes a restore after event {before}, but event "
                                             "{seq} is not the restore").format(before=row.seq - 1, seq=row.seq))
            signatures.check(row)
            prev, last_seq = row.hash, row.seq
    report.findings.extend(signatures.findings())
    if rewrites:
        seq, a = rewrites[0]   # the earliest: every anchor after it disagrees as a consequence
        finding = _("event {seq} is not the event an anchor of {when} saw ({source}): the chain was rewritten"
                    ).format(seq=seq, when=_when(a.at), source=a.source)
        if len(rewrites) > 1:
            finding += "; " + ngettext("{n} later anchor disagrees too", "{n} later anchors disagree too",
                                       len(rewrites) - 1).format(n=len(rewrites) - 1)
        report.findings.append(finding)
    if restored_at:
        report.findings.append(_("the anchor file notes a restore after event {before}, but the register does "
                                 "not record it").format(before=min(restored_at) - 1))
    later = [a for seq_anchors in by_seq.values() for a in seq_anchors if a.seq > last_seq]
    if later:
        a = max(later, key=lambda x: x.seq)
        report.anchors_checked += len(later)
        report.findings.append(_("the register ends at event {last}; an anchor of {when} saw event {seq} "
                                 "({source}): events were removed").format(last=last_seq, when=_when(a.at),
                                                                          seq=a.seq, source=a.source))
    report.ok = not report.findings
    report.problem = report.findings[0] if report.findings else ""
    return report


class _SignatureCheck:
    """Every event signed, by a key the register holds and the anchor file pinned, in its actor's name."""

    def __init__(self, ws: Workspace, pins):
        from megacase.services.integrity.signing import WORKSTATION
        from megacase.store.orm import SigningKey, User
        self.workstation = WORKSTATION
        with ws.reading() as session:
            self.keys = {k.id: k for k in session.execute(select(SigningKey)).scalars()}
            self.users = set(session.scalars(select(User.name)))
        self.user_since: dict[str, str] = {}
        for k in self.keys.values():
            if k.owner != WORKSTATION:
                at = k.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                self.user_since[k.owner] = min(at, self.user_since.get(k.owner, at))
        self.pins = {p.key_id: p for p in pins}
        self.problems: list[str] = []
        self.signed_seen = False

    def check(self, row) -> None:
        if row.signing_key_id is None:
            if self.signed_seen:
                self.problems.append(_("event {seq} is not signed").format(seq=row.seq))
            return
        self.signed_seen = True
        key = self.keys.get(row.signing_key_id)
        from megacase.services.integrity.signing import valid
        if key is None:
            self.problems.append(_("event {seq} is signed with key {key}, which the register does not hold"
                                   ).format(seq=row.seq, key=row.signing_key_id))
        elif not valid(key.public_key, row.signature, row.hash):
            self.problems.append(_("event {seq} is not signed by the key it names ({owner}'s): it was "
                                   "changed or re-hashed without that key").format(seq=row.seq, owner=key.owner))
        elif key.owner != self.workstation and key.owner != row.actor:
            self.problems.append(_("event {seq} is in {actor}'s name but signed with {owner}'s key").format(
                seq=row.seq, actor=row.actor, owner=key.owner))
        elif key.owner == self.workstation and row.at >= self.user_since.get(row.actor, "~"):
            self.problems.append(_("event {seq} is in {actor}'s name but not signed with {actor}'s own key").format(
                seq=row.seq, actor=row.actor))

    def findings(self) -> list[str]:
        out = []
        if self.problems:
            first = self.problems[0]
            if len(self.problems) > 1:
                first += " " + ngettext("(and {n} more event)", "(and {n} more events)", len(self.problems) - 1
                                        ).format(n=len(self.problems) - 1)
            out.append(first)
        if self.pins:
            for key in self.keys.values():
                pin = self.pins.get(key.id)
                if pin is None:
                    out.append(_("signing key {key} ({owner}) was never pinned in the anchor file: it was added "
                                 "behind the application's back").format(key=key.id, owner=key.owner))
                elif pin.public_hex != bytes(key.public_key).hex() or pin.owner != key.owner:
                    out.append(_("signing key {key} ({owner}) is not the key the anchor file pinned").format(
                        key=key.id, owner=key.owner))
        return out


def verify_with_files(ws: Workspace, anchor_files) -> IntegrityReport:
    """``verify``, also comparing with anchors kept elsewhere (a copy of the anchor file, a noted head)."""
    return verify(ws, extra_files=anchor_files)


def verify(ws: Workspace, with_state: bool = True, extra_files=(), with_anchors: bool = True) -> IntegrityReport:
    report = verify_chain_and_anchors(ws, extra_files, with_anchors)
    if with_state:
        from megacase.services.integrity import state
        checked, differences = state.compare(ws)
        report.state_checked, report.state_differences = checked, differences
        report.state_ok = not differences
        report.findings.extend(differences)
    report.ok = not report.findings
    report.problem = report.findings[0] if report.findings else ""
    if len(report.findings) > 1:
        report.problem += " " + ngettext("(and {n} more)", "(and {n} more)", len(report.findings) - 1).format(
            n=len(report.findings) - 1)
    return report


def head_label(ws: Workspace) -> str:
    """The head as printed in reports, case files and the digest: a witness kept outside the register."""
    current = head(ws)
    return _("event {seq} {hash}").format(seq=current[0], hash=current[1]) if current else _("no event yet")


def head(ws: Workspace) -> tuple[int, str, str] | None:
    """The current head: (sequence number, hash, time of the event) or None for an empty register."""
    with ws.reading() as session:
        row = session.execute(select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at)
                              .order_by(AuditEvent.seq.desc()).limit(1)).first()
        return (row.seq, row.hash, row.at) if row else None
