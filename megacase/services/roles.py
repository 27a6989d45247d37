"""Who may do what: the role checks every mutating service calls first.

- officer: works cases (the only role that changes case data or sends letters);
- manager: reviews everything, approves or sends back refusals, fee requests
  and extensions (four-eyes), comments, manages users and the four-eyes setting;
- viewer: someone who unlocked a register that has users without saying who
  they are (e.g. a scheduled ``megacase remind``): may read, may change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from megacase.errors import PermissionDenied
from megacase.services.workspace import Actor, Workspace

OFFICER, MANAGER, VIEWER = "officer", "manager", "viewer"
ROLES = (OFFICER, MANAGER)
ROLE_LABELS = {OFFICER: "Officer", MANAGER: "Manager", VIEWER: "Viewer (not identified)"}

_NOT_IDENTIFIED = ("This register has users: identify yourself first (in the window at unlock; on the command line "
                   "with --user NAME and the password in MEGACASE_USER_PASSWORD or at the prompt).")


def viewer(name: str | None = None) -> Actor:
    """Someone who unlocked the register without proving who they are.

    A name given without its password is only a claim: the audit trail records it as such,
    so no event (an export, say) is ever attributed to a user who did not sign in.
    """
    return Actor(f"{name} (not identified)" if name else "viewer", VIEWER)


def is_officer(ws: Workspace) -> bool:
    return ws.actor.role == OFFICER


def is_manager(ws: Workspace) -> bool:
    return ws.actor.role == MANAGER


def require_identified(ws: Workspace) -> None:
    if ws.actor.role not in ROLES:
        raise PermissionDenied(_NOT_IDENTIFIED)


def require_officer(ws: Workspace) -> None:
    """Changing case data or sending: officers only."""
    if ws.actor.role == MANAGER:
        raise PermissionDenied("A manager reviews cases but cannot change them; ask an officer.")
    if ws.actor.role != OFFICER:
        raise PermissionDenied(_NOT_IDENTIFIED)


def require_manager(ws: Workspace, what: str = "This") -> None:
    if ws.actor.role == OFFICER:
        raise PermissionDenied(f"{what} is for a manager (four-eyes review); an officer cannot do it.")
    if ws.actor.role != MANAGER:
        raise PermissionDenied(_NOT_IDENTIFIED)


@dataclass(frozen=True)
class Capabilities:
    """What the window may offer the acting user (the services enforce the same rules)."""

    works_cases: bool           # open, change, write and send: officers
    reviews: bool               # approve or send back: managers
    comments: bool              # a reviewer's comment: any identified user
    acknowledges_reminders: bool
    manages_users: bool         # a manager, or anyone while the register has no manager (see services.users)


def capabilities(ws: Workspace) -> Capabilities:
    role = ws.actor.role
    return Capabilities(works_cases=role == OFFICER, reviews=role == MANAGER, comments=role in ROLES,
                        acknowledges_reminders=role == OFFICER, manages_users=role == MANAGER)
