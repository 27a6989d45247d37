"""Roles and capabilities: which role may do what, as one table (pure data, no database, no Qt).

Each action of the application names the capability it needs; ``GRANTS`` says which role
holds it. ``services.roles`` enforces it for the acting user; the window and the command
line offer an action only where it is granted.

- officer: works cases (the only role that changes case data or sends letters);
- manager: reviews everything, approves or sends back refusals, fee requests and
  extensions (four-eyes), comments, manages users and the four-eyes setting;
- viewer: someone who unlocked a register that has users without saying who they
  are (e.g. a scheduled ``megacase remind``): may read, may change nothing.
"""

from __future__ import annotations

from megacase.i18n import N_

OFFICER, MANAGER, VIEWER = "officer", "manager", "viewer"
ROLES = (OFFICER, MANAGER)
ROLE_LABELS = {OFFICER: N_("Officer"), MANAGER: N_("Manager"), VIEWER: N_("Viewer (not identified)")}

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


def grants(role: str, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")
    return capability in GRANTS.get(role, frozenset())
