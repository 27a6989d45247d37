"""Finding a case by its reference: the one lookup every service uses."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from megacase.errors import NotFound
from megacase.i18n import _
from megacase.store.orm import Case


def load_case(session: Session, reference: str | None, *options) -> Case:
    """The case with this reference (any case, spaces trimmed), loaded with ``options``; NotFound otherwise."""
    query = select(Case).where(Case.reference == (reference or "").strip().upper())
    case = session.scalar(query.options(*options) if options else query)
    if case is None:
        raise NotFound(_("No case with reference '{reference}'.").format(reference=reference))
    return case
