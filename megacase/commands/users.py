"""`megacase user add|list|deactivate|passwd`.

Who the command line acts as is decided at start, in ``megacase.app.identify_cli``.

A new user's password comes from ``--password-file``, ``MEGACASE_NEW_USER_PASSWORD`` or a prompt
(asked twice); never from the command line itself, where other users could read it.
"""

from __future__ import annotations

import getpass
import os
import sys

from megacase.errors import InputError
from megacase.i18n import _

EXIT_OK = 0
NEW_PASSWORD_ENV = "MEGACASE_NEW_USER_PASSWORD"


def _tty() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def register(subparsers, common) -> None:
    user = subparsers.add_parser("user", parents=[common], help=_("the register's users (officer or manager)"))
    us = user.add_subparsers(dest="user_command", required=True, parser_class=type(user))
    add = us.add_parser("add", parents=[common], help=_("add a user with a role and a password"))
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("officer", "manager"))
    add.add_argument("--password-file", help=_("file holding the new password (or {variable}, or a "
                                               "prompt)").format(variable=NEW_PASSWORD_ENV))
    add.set_defaults(func=cmd_user_add)
    ls = us.add_parser("list", parents=[common], help=_("list the users"))
    ls.add_argument("--all", action="store_true", help=_("include deactivated users"))
    ls.set_defaults(func=cmd_user_list)
    off = us.add_parser("deactivate", parents=[common], help=_("stop a user from signing in (a manager's task)"))
    off.add_argument("name")
    off.set_defaults(func=cmd_user_deactivate)
    pw = us.add_parser("passwd", parents=[common], help=_("change your password (a manager may reset anyone's)"))
    pw.add_argument("name")
    pw.add_argument("--password-file")
    pw.set_defaults(func=cmd_user_passwd)


def _new_password(args) -> str:
    if args.password_file:
        from megacase.services.user_files import MAX_SECRET_FILE, read_bounded
        try:
            return read_bounded(args.password_file, MAX_SECRET_FILE, "the password file").decode("utf-8").rstrip(
                "\r\n")
        except UnicodeDecodeError:
            raise InputError(_("The password file is not UTF-8 text.")) from None
    env = os.environ.get(NEW_PASSWORD_ENV)
    if env:
        return env
    if _tty():
        first = getpass.getpass(_("New password for {name}: ").format(name=args.name))
        if getpass.getpass(_("Repeat the password: ")) != first:
            raise InputError(_("The two passwords differ."))
        return first
    raise InputError(_("Give the new password with --password-file, {variable} or at the prompt.").format(
                         variable=NEW_PASSWORD_ENV))


def cmd_user_add(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import users
    ws = open_workspace(args)
    info = users.add_user(ws, args.name, args.role, _new_password(args))
    print(_("Added {role} '{name}'. From now on each session names its user and password.").format(
              role=info.role, name=info.name))
    return EXIT_OK


def cmd_user_list(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import users
    ws = open_workspace(args)
    rows = users.list_users(ws, include_inactive=args.all)
    if not rows:
        print(_("No users: whoever unlocks the register acts as an officer named after the system account."))
    for u in rows:
        state = _("active") if u.active else _("deactivated")
        print(f"{u.name:<20} {u.role:<8} {state:<12} " + _("since {date}").format(date=f"{u.created_at:%Y-%m-%d}"))
    return EXIT_OK


def cmd_user_deactivate(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import users
    users.deactivate(open_workspace(args), args.name)
    print(_("Deactivated '{name}'.").format(name=args.name))
    return EXIT_OK


def cmd_user_passwd(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import users
    ws = open_workspace(args)
    users.set_password(ws, args.name, _new_password(args))
    print(_("Password of '{name}' changed.").format(name=args.name))
    return EXIT_OK
