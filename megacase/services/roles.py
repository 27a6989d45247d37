"""Who may do what: one table of roles and capabilities, asked by services, window and command line.

Each action declares the capability it needs (a service calls ``require``; the window's
``add_action(..., needs=...)`` and the command line's ``set_defaults(needs=...)`` ask ``can``);
``GRANTS`` says which role holds which capability. Roles:

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

# Capabilities: what an action needs.
READ = "read"                                    # lists, cases, reports, exports, audit verify
WORK_CASES = "work_cases"                        # open, change, write and send
REVIEW = "review"                                # approve or send back (four-eyes), the reviewer's comment action
COMMENT = "comment"                              # a comment on a case (services.approvals.add_comment)
ACKNOWLEDGE_REMINDERS = "acknowledge_reminders"
ADMINISTER = "administer"                        # register settings, the users dialog (its own rule in services.users)
MANAGER_SETTINGS = "manager_settings"            # settings an officer must not switch off (four-eyes)
MANAGE_USERS = "manage_users"                    # add users, reset passwords (once the register has a manager)
SEE_KEPT_INVOICES = "see_kept_invoices"          # the invoice data kept after an erasure (Art. 17(3)(b))
CHANGE_PASSPHRASE = "change_passphrase"          # the recovery passphrase of the register

GRANTS: dict[str, frozenset[str]] = {
    OFFICER: frozenset({READ, WORK_CASES, COMMENT, ACKNOWLEDGE_REMINDERS, ADMINISTER, CHANGE_PASSPHRASE}),
    MANAGER: frozenset({READ, REVIEW, COMMENT, ADMINISTER, MANAGER_SETTINGS, MANAGE_USERS, SEE_KEPT_INVOICES,
                        CHANGE_PASSPHRASE}),
    VIEWER: frozenset({READ}),
}
CAPABILITIES = frozenset().union(*GRANTS.values())

_NOT_IDENTIFIED = ("This register has users: identify yourself first (in the window at unlock; on the command line "
                   "with --user NAME and the password in MEGACASE_USER_PASSWORD or at the prompt).")
# What a role that lacks a capability is told (a viewer is always asked to identify first).
_REFUSALS = {
    WORK_CASES: "A manager reviews cases but cannot change them; ask an officer.",
    REVIEW: "{what} is for a manager (four-eyes review); an officer cannot do it.",
    MANAGER_SETTINGS: "{what} is for a manager (four-eyes review); an officer cannot do it.",
    MANAGE_USERS: "Only a manager adds users or resets passwords once the register has a manager.",
    SEE_KEPT_INVOICES: "{what} is for a manager (four-eyes review); an officer cannot do it.",
    ACKNOWLEDGE_REMINDERS: "Reminders are the officer's; a manager has the review.",
}


def viewer(name: str | None = None) -> Actor:
    """Someone who unlocked the register without proving who they are.

    A name given without its password is only a claim: the audit trail records it as such,
    so no event (an export, say) is ever attributed to a user who did not sign in.
    """
    return Actor(f"{name} (not identified)" if name else "viewer", VIEWER)


def can(ws: Workspace, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")
    return capability in GRANTS.get(ws.actor.role, frozenset())


def require(ws: Workspace, capability: str, what: str = "This") -> None:
    """Raise PermissionDenied unless the acting user's role grants ``capability``."""
    if can(ws, capability):
        return
    if ws.actor.role not in ROLES:
        raise PermissionDenied(_NOT_IDENTIFIED)
    raise PermissionDenied(_REFUSALS.get(capability, "{what} is not for a {role}.").format(
        what=what, role=ROLE_LABELS.get(ws.actor.role, ws.actor.role).lower()))


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


def require_manager(ws: Workspace, what: str = "This") -> None:
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
