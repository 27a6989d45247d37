"""The composition root: the one place where a running MegaCase is put together.

The window (``megacase.ui.app``) and the command line (``megacase.cli`` and
``megacase/commands/``) both start here. At start this module chooses, once:

- the profile folder (``--data-dir``, ``MEGACASE_DATA_DIR`` or the platform's folder);
- the key: the keyring's, else the recovery passphrase (``MEGACASE_PASSPHRASE``, then
  the caller's way of asking: a prompt, a file or the unlock dialog);
- the clock (the system's; tests pass their own);
- the acting user (``--user``, ``MEGACASE_USER`` or the account's name; a register
  with users then asks who is working: the sign-in dialog or ``identify_cli``);
- the register's settings (declared once in ``services.settings``);
- the mail transport (``build_transport``: the seam where other transports plug in);
- external systems' connectors, later, beside the transport.

Everything below receives these through the ``Workspace``; nothing else picks an
implementation. No Qt here: the window passes its dialogs in as plain callables.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Callable

from megacase.config import resolve_data_dir
from megacase.errors import InputError, NeedPassphrase
from megacase.i18n import N_, _
from megacase.services import mail, roles, settings, users
from megacase.services.session import create_profile, default_actor, open_profile
from megacase.services.user_files import MAX_SECRET_FILE, read_bounded
from megacase.services.workspace import Actor, Workspace, system_clock
from megacase.store import profile
from megacase.store.keys import KeyStore

PASSPHRASE_ENV = "MEGACASE_PASSPHRASE"
NEW_PASSPHRASE_ENV = "MEGACASE_NEW_PASSPHRASE"
USER_ENV, PASSWORD_ENV = "MEGACASE_USER", "MEGACASE_USER_PASSWORD"

# How the caller asks for a passphrase: given a function that tries one (and raises on a wrong one),
# it returns that function's Workspace, or None when the person gives up (e.g. cancels a dialog).
AskPassphrase = Callable[[Callable[[str], Workspace]], "Workspace | None"]


def build_transport(ws: Workspace):
    """The mail transport of this register, chosen from its settings: SMTP with a password, SMTP with an
    Office 365 token (XOAUTH2) or Microsoft Graph sendMail (see ``services.mail``)."""
    return mail.transport_from_settings(ws)


def settings_registry() -> dict[str, settings.Setting]:
    """Every register setting, complete as soon as ``services.settings`` is imported."""
    return dict(settings.SPECS)


def acting_user(name: str | None = None) -> Actor:
    """Who claims to be working, before a register with users checks it (one rule for window and CLI)."""
    return default_actor(name)


def _wired(ws: Workspace) -> Workspace:
    ws.transport_factory = build_transport
    return ws


def unlock(data_dir: Path, keystore: KeyStore, actor: Actor, ask_passphrase: AskPassphrase,
           clock=system_clock) -> Workspace | None:
    """The register open: with the keyring's key, else ``MEGACASE_PASSPHRASE``, else as the caller asks.

    The one unlock of the window and the command line. Writes nothing on a failure.
    """
    def try_passphrase(passphrase: str) -> Workspace:
        return open_profile(data_dir, keystore, passphrase, actor, clock)

    try:
        ws = open_profile(data_dir, keystore, None, actor, clock)
    except NeedPassphrase:
        env = os.environ.get(PASSPHRASE_ENV)
        ws = try_passphrase(env) if env else ask_passphrase(try_passphrase)
    return _wired(ws) if ws is not None else None


def create(data_dir: Path, passphrase: str, keystore: KeyStore, actor: Actor, clock=system_clock,
           fill=None) -> Workspace:
    """A new register; ``fill(ws)`` (demo data) runs before it is moved into place (see ``create_profile``)."""
    return _wired(create_profile(data_dir, passphrase, keystore, actor, clock, fill=fill))


def reopen(data_dir: Path, actor: Actor, passphrase: str | None = None, clock=system_clock) -> Workspace:
    """The register opened again after a lock: with the keyring's key (``passphrase`` None) or the passphrase."""
    return _wired(open_profile(data_dir, KeyStore(), passphrase, actor, clock))


def profile_exists(data_dir: Path) -> bool:
    return profile.exists(data_dir)


# --- the command line's way of asking ----------------------------------------------------------------

def _tty() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def read_passphrase(args, confirm: bool = False, env: str = PASSPHRASE_ENV,
                    prompt: str = "Recovery passphrase: ") -> str | None:
    """From --passphrase-file, the environment or a prompt (asked twice with ``confirm``); None if none."""
    if getattr(args, "passphrase_file", None):
        raw = read_bounded(args.passphrase_file, MAX_SECRET_FILE, "the passphrase file")
        try:
            return raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise InputError(_("The passphrase file is not UTF-8 text.")) from None
    value = os.environ.get(env)
    if value:
        return value
    if _tty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat the passphrase: ") != first:
            raise InputError(_("The two passphrases differ."))
        return first
    return None


def read_new_passphrase() -> str:
    """A new recovery passphrase: MEGACASE_NEW_PASSPHRASE, or asked twice on a terminal."""
    value = os.environ.get(NEW_PASSPHRASE_ENV)
    if value:
        return value
    if _tty():
        first = getpass.getpass("New recovery passphrase: ")
        if getpass.getpass("Repeat the new passphrase: ") != first:
            raise InputError(_("The two passphrases differ."))
        return first
    raise InputError(_("Give the new recovery passphrase in {new_passphrase_env} or at the prompt.").format(
                         new_passphrase_env=NEW_PASSPHRASE_ENV))


def _ask_on_command_line(args) -> AskPassphrase:
    def ask(try_passphrase):
        passphrase = read_passphrase(args)
        if passphrase is None:
            raise InputError(_("The key is not in the keyring: give the recovery passphrase with "
                               "--passphrase-file or MEGACASE_PASSPHRASE."))
        return try_passphrase(passphrase)
    return ask


def identify_cli(ws: Workspace, args) -> Workspace:
    """Who the command acts as, once the register is unlocked.

    - a register without users: the actor is ``--user``/``MEGACASE_USER`` or the OS account, as an officer;
    - a register with users: ``--user NAME`` (or ``MEGACASE_USER``) with that user's password from
      ``MEGACASE_USER_PASSWORD`` or, on a terminal, a prompt. A wrong password stops the command (exit 2).
      Without a name or a password the command runs as an unidentified *viewer*: reading commands
      work, anything that changes the register is refused.
    """
    if not users.has_users(ws):
        return ws
    name = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if not name:
        return ws.as_actor(roles.viewer())
    password = os.environ.get(PASSWORD_ENV)
    if password is None and _tty():
        password = getpass.getpass(f"Password for {name}: ")
    if password is None:
        return ws.as_actor(roles.viewer(name))
    return users.identify(ws, name, password, via="command line")


def unlock_for_command(args) -> Workspace:
    """The register unlocked on the command line, no user identified: for what any holder of the key may do
    (a backup, which changes nothing)."""
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    return unlock(data_dir, KeyStore(), acting_user(getattr(args, "user", None)), _ask_on_command_line(args),
                  getattr(args, "clock", None) or system_clock)


def open_workspace(args) -> Workspace:
    """The command line's unlocked register, acting as the identified user.

    A subcommand that declares ``needs`` (a capability of ``services.roles``) is refused here, before
    it starts, when the user's role lacks it; the services check the same table again.
    """
    ws = identify_cli(unlock_for_command(args), args)
    needs = getattr(args, "needs", None)
    if needs:
        roles.require(ws, needs, N_("This command"))
    return ws


def new_profile(args, fill=None) -> tuple[Workspace, Path]:
    """``megacase init`` and ``megacase demo``: a new register with the passphrase chosen on the command line."""
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    profile.check_folder(data_dir)
    profile.refuse_existing(data_dir)    # before asking for a passphrase that would not be used
    passphrase = read_passphrase(args, confirm=True)
    if not passphrase:
        raise InputError(_("Choose a recovery passphrase: --passphrase-file FILE or MEGACASE_PASSPHRASE."))
    ws = create(data_dir, passphrase, KeyStore(), acting_user(getattr(args, "user", None)),
                getattr(args, "clock", None) or system_clock, fill=fill)
    return ws, data_dir
