"""Who may do what for the acting user: the table of ``domain.capabilities``, enforced.

Each action declares the capability it needs (a service calls ``require``; the window's
``add_action(..., needs=...)`` and the command line's ``set_defaults(needs=...)`` ask ``can``).
"""

from __future__ import annotations

from dataclasses import dataclass

from megacase.domain.capabilities import (ACKNOWLEDGE_REMINDERS, ADMINISTER, CAPABILITIES, CHANGE_PASSPHRASE,  # noqa: F401
                                          COMMENT, GRANTS, MANAGE_USERS, MANAGER, MANAGER_SETTINGS, OFFICER, READ,
                                          REVIEW, ROLE_LABELS, ROLES, SEE_KEPT_INVOICES, VIEWER, WORK_CASES, grants)
from megacase.errors import PermissionDenied
from megacase.i18n import N_, _
from megacase.services.workspace import Actor, Workspace

_NOT_IDENTIFIED = N_("This register has users: identify yourself first (in the window at unlock; on the command "
                      "line with --user NAME and the password in MEGACASE_USER_PASSWORD or at the prompt).")
# What a role that lacks a capability is told (a viewer is always asked to identify first).
_REFUSALS = {
    WORK_CASES: N_("A manager reviews cases but cannot change them; ask an officer."),
    REVIEW: N_("{what} is for a manager (four-eyes review); an officer cannot do it."),
    MANAGER_SETTINGS: N_("{what} is for a manager (four-eyes review); an officer cannot do it."),
    MANAGE_USERS: N_("Only a manager adds users or resets passwords once the register has a manager."),
    SEE_KEPT_INVOICES: N_("{what} is for a manager (four-eyes review); an officer cannot do it."),
    ACKNOWLEDGE_REMINDERS: N_("Reminders are the officer's; a manager has the review."),
}


def viewer(name: str | None = None) -> Actor:
    """Someone who unlocked the register without proving who they are.

    A name given without its password is only a claim: the audit trail records it as such,
    so no event (an export, say) is ever attributed to a user who did not sign in.
    """
    return Actor(f"{name} (not identified)" if name else "viewer", VIEWER)


def can(ws: Workspace, capability: str) -> bool:
    return grants(ws.actor.role, capability)


def require(ws: Workspace, capability: str, what: str = N_("This")) -> None:
    """Raise PermissionDenied unless the acting user's role grants ``capability``.

    ``what`` is the action, an English text marked ``N_()`` (translated here) or already translated."""
    if can(ws, capability):
        return
    if ws.actor.role not in ROLES:
        raise PermissionDenied(_(_NOT_IDENTIFIED))
    refusal = _REFUSALS.get(capability, N_("{what} is not for a {role}."))
    role = _(ROLE_LABELS.get(ws.actor.role, ws.actor.role)).lower()
    raise PermissionDenied(_(refusal).format(what=_(what), role=role))


def is_officer(ws: Workspace) -> bool:
    return ws.actor.role == OFFICER


def is_manager(ws: Workspace) -> bool:
    return ws.actor.role == MANAGER


# The checks services call, each one capability of the table.
def require_identified(ws: Workspace) -> None:
    require(ws, ADMINISTER)


def require_officer(ws: Workspace) -> None:
    """Changing case data or sending: officers only."""
    require(ws, WORK_CASES)


def require_manager(ws: Workspace, what: str = N_("This")) -> None:
    require(ws, REVIEW, what)


@dataclass(frozen=True)
class Capabilities:
    """What the acting user may do, read from ``GRANTS`` (for views that branch on several at once)."""

    works_cases: bool           # open, change, write and send: officers
    reviews: bool               # approve or send back: managers
    comments: bool              # a comment: any identified user
    acknowledges_reminders: bool
    manages_users: bool         # a manager, or anyone while the register has no manager (see services.users)


def capabilities(ws: Workspace) -> Capabilities:
    return Capabilities(works_cases=can(ws, WORK_CASES), reviews=can(ws, REVIEW), comments=can(ws, COMMENT),
                        acknowledges_reminders=can(ws, ACKNOWLEDGE_REMINDERS), manages_users=can(ws, MANAGE_USERS))
