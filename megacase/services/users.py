"""The register's users: officers and managers, each with an Argon2-hashed password.

A register without users works as before: whoever unlocks it acts as an officer
named after the operating-system account. Once users exist, each session names
its user and proves it with the password; the Workspace's Actor is built from it.

Who may add users: anyone who can unlock the register may add users while it has
no manager yet (the first officer, then the first manager); once a manager exists
only a manager adds users or resets another user's password, so an officer cannot
make themself a manager to approve their own refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from megacase.errors import InputError, NotFound, PermissionDenied
from megacase.i18n import _
from megacase.services import roles
from megacase.services.integrity import audit
from megacase.services.integrity import signing
from megacase.services.workspace import Actor, Workspace, to_local
from megacase.store.orm import User

MIN_PASSWORD = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,39}$")

# Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile). Tests swap in a cheaper hasher;
# verification always uses the parameters stored in the hash itself.
HASHER = PasswordHasher()
_dummy_hash: str | None = None


class AuthenticationFailed(InputError):
    """Wrong user name or password (deliberately not saying which)."""


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: str
    active: bool
    created_at: datetime


def _info(u: User) -> UserInfo:
    return UserInfo(u.name, u.role, bool(u.active), to_local(u.created_at))


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise InputError(_("A user name is 1 to 40 letters, digits, dots, dashes or underscores (e.g. "
                           "'sophie')."))
    return name


def check_password(password: str) -> str:
    if password is None or len(password) < MIN_PASSWORD:
        raise InputError(_("A password needs at least {min_password} characters.").format(
                             min_password=MIN_PASSWORD))
    if password != password.strip():
        raise InputError(_("A password cannot begin or end with a space."))
    return password


def check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in roles.ROLES:
        raise InputError(_("Unknown role '{role}': use officer or manager.").format(role=role))
    return role


def _find(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.name) == (name or "").strip().lower()))


def _has_manager(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User).where(User.role == roles.MANAGER,
                                                                      User.active.is_(True))) > 0


def has_users(ws: Workspace) -> bool:
    with ws.reading() as session:
        return session.scalar(select(func.count()).select_from(User).where(User.active.is_(True))) > 0


def list_users(ws: Workspace, include_inactive: bool = False) -> list[UserInfo]:
    with ws.reading() as session:
        q = select(User).order_by(User.name)
        if not include_inactive:
            q = q.where(User.active.is_(True))
        return [_info(u) for u in session.execute(q).scalars()]


def _require_user_admin(session: Session, ws: Workspace) -> None:
    if _has_manager(session):
        if ws.actor.role != roles.MANAGER:
            raise PermissionDenied(_("Only a manager adds users or resets passwords once the register has a "
                                     "manager."))
    elif session.scalar(select(func.count()).select_from(User)) > 0:
        roles.require_identified(ws)


def add_user(ws: Workspace, name: str, role: str, password: str) -> UserInfo:
    name, role, password = check_name(name), check_role(role), check_password(password)
    hashed = HASHER.hash(password)
    with ws.transaction() as session:
        _require_user_admin(session, ws)
        if _find(session, name) is not None:
            raise InputError(_("There is already a user called '{name}'.").format(name=name))
        user = User(name=name, role=role, password_hash=hashed, active=True, created_at=ws.now_naive())
        session.add(user)
        session.flush()
        key_id, _private = signing.new_user_key(session, ws, name, password, _kdf_cost())
        audit.record(session, ws, "user.added", details={"user": name, "role": role, "signing_key": key_id})
        return _info(user)


def set_password(ws: Workspace, name: str, password: str) -> None:
    """A user changes their own password; a manager may reset anyone's."""
    roles.require_identified(ws)   # a viewer named like the user has not proved who they are
    password = check_password(password)
    hashed = HASHER.hash(password)
    with ws.transaction() as session:
        user = _find(session, name)
        if user is None:
            raise NotFound(_("No user called '{name}'.").format(name=name))
        if user.name != ws.actor.name:
            _require_user_admin(session, ws)
        user.password_hash = hashed
        # A new signing key under the new password (a manager's reset cannot unwrap the old one); older
        # keys stay for the events they signed.
        key_id, _private = signing.new_user_key(session, ws, user.name, password, _kdf_cost())
        audit.record(session, ws, "user.password_changed", details={"user": user.name, "signing_key": key_id})


def deactivate(ws: Workspace, name: str) -> None:
    with ws.transaction() as session:
        _require_user_admin(session, ws)
        user = _find(session, name)
        if user is None:
            raise NotFound(_("No user called '{name}'.").format(name=name))
        if user.name == ws.actor.name:
            raise InputError(_("You cannot deactivate yourself."))
        user.active = False
        audit.record(session, ws, "user.deactivated", details={"user": user.name})


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = HASHER.hash("no such user: spend the same time")
    return _dummy_hash


def authenticate(ws: Workspace, name: str, password: str, via: str = "window") -> Actor:
    """The Actor for a user name and password, or AuthenticationFailed.

    An unknown name costs the same Argon2 verification as a wrong password, and both give the
    same message, so the answer does not tell which names exist. Both outcomes are audit events.
    """
    with ws.reading() as session:
        user = _find(session, name)
        stored = user.password_hash if user is not None and user.password_hash else _dummy()
        try:
            ok = HASHER.verify(stored, password or "") and user is not None and user.password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        active = bool(user.active) if user is not None else False
        actor = Actor(user.name, user.role) if user is not None else None
        rehash = ok and HASHER.check_needs_rehash(stored)
    if not ok:
        with ws.transaction() as session:
            audit.record(session, ws, "user.sign_in_failed", details={"via": via})
        raise AuthenticationFailed(_("The user name or the password is not correct."))
    if not active:
        raise AuthenticationFailed(_("The user '{name}' has been deactivated; ask a manager.").format(
                                       name=actor.name))
    with ws.transaction() as session:
        if rehash:
            session.get(User, _find(session, actor.name).id).password_hash = HASHER.hash(password)
        actor = _with_key(session, ws, actor, password)
        audit.record(session, ws.as_actor(actor), "user.signed_in",
                     details={"user": actor.name, "role": actor.role, "via": via})
    return actor


def _kdf_cost() -> signing.KdfCost:
    """The signing key is wrapped at the cost the passwords are hashed at."""
    return signing.KdfCost(HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism)


def _with_key(session: Session, ws: Workspace, actor: Actor, password: str) -> Actor:
    """The actor holding their unwrapped signing key (a user from before signing gets one now)."""
    found = signing.user_key(session, actor.name, password)
    if found is None:
        found = signing.new_user_key(session, ws, actor.name, password, _kdf_cost())
    key_id, private = found
    return Actor(actor.name, actor.role, signing_key=private, signing_key_id=key_id)


def signing_actor(ws: Workspace, name: str, password: str) -> Actor:
    """A user able to sign events, without a sign-in event (the demo's officer and manager)."""
    with ws.transaction() as session:
        user = _find(session, name)
        if user is None or not HASHER.verify(user.password_hash, password):
            raise AuthenticationFailed(_("The user name or the password is not correct."))
        return _with_key(session, ws, Actor(user.name, user.role), password)


def identify(ws: Workspace, name: str | None, password: str | None, via: str = "window") -> Workspace:
    """The Workspace to work in after unlock.

    No users in the register: the current actor (an officer named after the OS account) as before.
    Users exist: the authenticated user (AuthenticationFailed without a name and password).
    """
    if not has_users(ws):
        return ws
    if not name or password is None:
        raise AuthenticationFailed(_("This register has users: give your user name and password."))
    return ws.as_actor(authenticate(ws, name, password, via))
