"""`megacase passphrase change`: a new recovery passphrase for the register.

The new one comes from MEGACASE_NEW_PASSPHRASE or is asked twice on a terminal. Proof of the
key: the current passphrase when one is given (--passphrase-file or MEGACASE_PASSPHRASE), else
the key in this computer's keyring. ``recovery.json`` is replaced at once, never half written.
"""

from __future__ import annotations

import os
from megacase.i18n import _

EXIT_OK = 0


def register(subparsers, common) -> None:
    pp = subparsers.add_parser("passphrase", parents=[common], help=_("the register's recovery passphrase"))
    pps = pp.add_subparsers(dest="passphrase_command", required=True, parser_class=type(pp))
    change = pps.add_parser("change", parents=[common],
                            help=_("choose a new recovery passphrase (MEGACASE_NEW_PASSPHRASE or asked twice)"))
    change.set_defaults(func=cmd_passphrase_change, needs="change_passphrase")


def cmd_passphrase_change(args) -> int:
    from megacase.app import PASSPHRASE_ENV, open_workspace, read_new_passphrase, read_passphrase
    from megacase.errors import InputError
    from megacase.services.session import change_recovery_passphrase
    from megacase.store.keys import KeyStore
    ws = open_workspace(args)
    old = read_passphrase(args) if (getattr(args, "passphrase_file", None) or os.environ.get(PASSPHRASE_ENV)) \
        else None
    new = read_new_passphrase()
    if old is not None and new == old:
        raise InputError(_("The new recovery passphrase is the same as the current one."))
    change_recovery_passphrase(ws, KeyStore(), new, old)
    print(_("Recovery passphrase changed: {file} now opens with the new one. Keep it somewhere safe.").format(
              file=ws.data_dir / "recovery.json"))
    return EXIT_OK
