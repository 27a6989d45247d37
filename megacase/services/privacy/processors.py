"""The processor register: who holds which categories of the customers' data, and how to reach them.

Seeded by the first migration with the seven processors the privacy policy
names. The register feeds the Art. 15(1)(c) overview of an access reply and the
case file, the per-case checklist (search, act, notify) and the Art. 19 notices.
Processors are never deleted (old checklists refer to them): one that is no
longer used is made inactive and drops out of new checklists.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from megacase.domain.validation import require_text
from megacase.errors import InputError, NotFound
from megacase.i18n import N_, _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.workspace import Workspace
from megacase.store.orm import Processor

# Editable fields, their labels (translated where shown), and whether they may be left empty.
FIELDS: dict[str, tuple[str, bool]] = {
    "name": (N_("Name"), False),
    "role": (N_("Role (what they do for Mega Security)"), False),
    "purposes": (N_("Purposes of the processing"), True),
    "categories": (N_("Categories of personal data (comma-separated)"), False),
    "retention": (N_("Retention period or its criteria"), True),
    "location": (N_("Location and transfers outside the EEA (with their safeguards)"), True),
    "contact": (N_("Contact (privacy or DPO contact)"), True),
    "notice_channel": (N_("How to reach them for an Art. 19 notice"), True),
    "notice_language": (N_("Language of their Art. 19 notices (fr, nl or en)"), True),
}
# Contact details may name a person at the processor: the audit trail says they changed, not to what.
_NOT_IN_AUDIT = {"contact", "notice_channel"}
_UNCHANGED = object()


@dataclass(frozen=True)
class ProcessorInfo:
    id: int
    name: str
    role: str
    categories: str
    purposes: str | None
    retention: str | None
    location: str | None
    contact: str | None
    notice_channel: str | None
    active: bool
    notice_language: str | None = None

    @property
    def notice_gaps(self) -> list[str]:
        """What the register still lacks before an Art. 19 notice can go to this recipient."""
        gaps = []
        if not self.notice_channel and "@" not in (self.contact or ""):
            gaps.append(_("no address for Art. 19 notices"))
        if not self.notice_language:
            gaps.append(_("notice language not set"))
        return gaps

    @property
    def category_list(self) -> list[str]:
        return [c.strip() for c in self.categories.split(",") if c.strip()]

    def as_json(self) -> dict:
        data = asdict(self)
        data["categories"] = self.category_list
        return data


def info_of(p: Processor) -> ProcessorInfo:
    return ProcessorInfo(p.id, p.name, p.role, p.categories, p.purposes, p.retention, p.location, p.contact,
                         p.notice_channel, bool(p.active), p.notice_language)


def list_processors(ws: Workspace, include_inactive: bool = True) -> list[ProcessorInfo]:
    with ws.reading() as session:
        query = select(Processor).order_by(Processor.id)
        if not include_inactive:
            query = query.where(Processor.active.is_(True))
        return [info_of(p) for p in session.execute(query).scalars()]


def get_processor(ws: Workspace, name_or_id: str | int) -> ProcessorInfo:
    with ws.reading() as session:
        return info_of(find_in(session, name_or_id))


def find_in(session: Session, name_or_id: str | int) -> Processor:
    """A processor by id, or by name (case-insensitive)."""
    if isinstance(name_or_id, int) or str(name_or_id).strip().isdigit():
        row = session.get(Processor, int(name_or_id))
    else:
        row = session.scalar(select(Processor).where(func.lower(Processor.name) == str(name_or_id).strip().lower()))
    if row is None:
        known = ", ".join(session.scalars(select(Processor.name).order_by(Processor.id)))
        raise NotFound(_("No processor '{name_or_id}'. Known: {known}.").format(
                           name_or_id=name_or_id, known=known))
    return row


def _clean(field: str, value) -> str | None:
    if field not in FIELDS:
        raise InputError(_("Unknown processor field '{field}'. Known: {fields}.").format(
                             field=field, fields=', '.join(FIELDS)))
    label, optional = FIELDS[field]
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not text:
        if optional:
            return None
        raise InputError(_("{label}: this cannot be empty.").format(label=_(label)))
    if field == "notice_language":
        if text.lower() not in ("fr", "nl", "en"):
            raise InputError(_("{label}: use fr, nl or en.").format(label=_(label)))
        return text.lower()
    if field == "categories":
        parts = [c.strip() for c in text.split(",") if c.strip()]
        text = ", ".join(parts)
    return require_text(text, label, 100 if field == "name" else 2000)


def _audit_change(session: Session, ws: Workspace, kind: str, p: Processor, changes: dict) -> None:
    shown = {k: (v if k not in _NOT_IN_AUDIT else "changed") for k, v in changes.items()}
    audit.record(session, ws, kind, details={"processor": p.name, "processor_id": p.id, "changes": shown})


def update_processor(ws: Workspace, name_or_id: str | int, **changes) -> ProcessorInfo:
    """Change some fields of one processor (one action, one audit event naming what changed)."""
    roles.require_officer(ws)
    cleaned = {field: _clean(field, value) for field, value in changes.items()}
    with ws.transaction() as session:
        p = find_in(session, name_or_id)
        if "name" in cleaned and cleaned["name"].lower() != p.name.lower():
            if session.scalar(select(Processor).where(func.lower(Processor.name) == cleaned["name"].lower())):
                raise InputError(_("There is already a processor named '{name}'.").format(
                                     name=cleaned['name']))
        changed = {k: v for k, v in cleaned.items() if getattr(p, k) != v}
        # Where Art. 19 notices go: an officer asks, a manager approves (audited with old and new address).
        route = changed.pop("notice_channel", _UNCHANGED)
        for field, value in changed.items():
            setattr(p, field, value)
        if changed:
            _audit_change(session, ws, "processor.updated", p, changed)
        if route is not _UNCHANGED:
            from megacase.services.mail import mail_routes
            mail_routes.request_in(session, ws, {"notice_channel": route}, processor=p.id)
        return info_of(p)


def add_processor(ws: Workspace, name: str, role: str, categories: str, **other) -> ProcessorInfo:
    """A new processor (e.g. a new carrier): it joins the checklists of cases opened from now on."""
    roles.require_officer(ws)
    values = {"name": _clean("name", name), "role": _clean("role", role),
              "categories": _clean("categories", categories)}
    values.update({field: _clean(field, value) for field, value in other.items()})
    route = values.pop("notice_channel", None)
    with ws.transaction() as session:
        if session.scalar(select(Processor).where(func.lower(Processor.name) == values["name"].lower())):
            raise InputError(_("There is already a processor named '{name}'.").format(name=values['name']))
        p = Processor(active=True, **values)
        session.add(p)
        session.flush()
        _audit_change(session, ws, "processor.added", p, values)
        if route:   # its notice address, like any change of one, waits for a manager's approval
            from megacase.services.mail import mail_routes
            mail_routes.request_in(session, ws, {"notice_channel": route}, processor=p.id)
        return info_of(p)


def set_active(ws: Workspace, name_or_id: str | int, active: bool) -> ProcessorInfo:
    """Stop (or resume) using a processor: it leaves (or rejoins) the checklists of new cases."""
    roles.require_officer(ws)
    with ws.transaction() as session:
        p = find_in(session, name_or_id)
        if bool(p.active) != bool(active):
            p.active = bool(active)
            _audit_change(session, ws, "processor.updated", p, {"active": bool(active)})
        return info_of(p)


def overview(ws: Workspace) -> list[ProcessorInfo]:
    """The Art. 15(1)(c) overview for an access reply or a case file: the active processors, by name,
    with the categories of personal data each holds, its purposes, retention and location."""
    return list_processors(ws, include_inactive=False)
