"""`megacase backup [list | folder [DIR] | verify FILE]` and `megacase restore FILE`.

`backup` prints the file it wrote; `backup verify` exits 0 when the backup is sound and 1 when it
is not; `restore` verifies first and replaces nothing when the backup fails (exit 1).
"""

from __future__ import annotations

from pathlib import Path
from megacase.i18n import _

EXIT_OK, EXIT_CHECK_FAILED = 0, 1


def register(subparsers, common) -> None:
    bk = subparsers.add_parser("backup", parents=[common],
                               help=_("back up the register now (prints the file); list, folder, verify FILE"))
    bks = bk.add_subparsers(dest="backup_command", parser_class=type(bk))
    bk.set_defaults(func=cmd_backup)
    bks.add_parser("list", parents=[common], help=_("the backups in the backup folder, newest first"))
    fo = bks.add_parser("folder", parents=[common], help=_("print, or set, the folder backups go to"))
    fo.add_argument("folder", nargs="?", help=_("the new backup folder (e.g. on a network drive)"))
    fo.add_argument("--default", action="store_true", help=_("back to the default folder inside the profile"))
    ve = bks.add_parser("verify", parents=[common], help=_("check a backup: exit 0 sound, 1 not"))
    ve.add_argument("file")
    rs = subparsers.add_parser("restore", parents=[common],
                               help=_("replace the register with a verified backup (the current one is kept "
                                      "aside)"))
    rs.add_argument("file")
    rs.set_defaults(func=cmd_restore)


def _data_dir(args) -> Path:
    from megacase.config import resolve_data_dir
    return resolve_data_dir(args.data_dir)


def _key(args, backup: Path) -> bytes:
    from megacase.app import read_passphrase
    from megacase.errors import InputError, NeedPassphrase
    from megacase.services.integrity.backup import key_for
    from megacase.store.keys import KeyStore
    try:
        return key_for(_data_dir(args), backup, KeyStore(), None)
    except NeedPassphrase:
        passphrase = read_passphrase(args)
        if passphrase is None:
            raise InputError(_("The key is not in the keyring: give the recovery passphrase with "
                               "--passphrase-file or MEGACASE_PASSPHRASE.")) from None
        return key_for(_data_dir(args), backup, KeyStore(), passphrase)


def cmd_backup(args) -> int:
    from megacase.services.integrity import backup
    from megacase.store import backups
    sub = getattr(args, "backup_command", None)
    if sub == "verify":
        path = Path(args.file).expanduser()
        report = backup.verify_backup(path, _key(args, path))
        print(report.summary())
        return EXIT_OK if report.ok else EXIT_CHECK_FAILED
    if sub == "folder":
        if args.folder or args.default:
            print(backups.set_backup_folder(_data_dir(args), None if args.default else Path(args.folder)))
        else:
            print(backups.backup_folder(_data_dir(args)))
        return EXIT_OK
    if sub == "list":
        for b in backups.list_backups(backups.backup_folder(_data_dir(args))):
            print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}Z  {b.size:>12,d}  {b.path}")
        return EXIT_OK
    from megacase.app import unlock_for_command
    ws = unlock_for_command(args)          # any holder of the key may back up: a backup changes nothing
    print(backup.back_up(ws))
    return EXIT_OK


def cmd_restore(args) -> int:
    from megacase.app import acting_user
    from megacase.services.integrity import backup
    path = Path(args.file).expanduser()
    key = _key(args, path)
    try:
        result = backup.restore(_data_dir(args), path, key, acting_user(getattr(args, "user", None)))
    except backup.BackupRejected as exc:
        print(f"megacase: {exc}", file=__import__("sys").stderr)
        return EXIT_CHECK_FAILED
    print(_("Restored the register from {restored_from} ({events} audit events).").format(
              restored_from=result.restored_from, events=result.report.events))
    if result.kept_aside:
        print(_("The register it replaced is kept as {kept_aside}.").format(kept_aside=result.kept_aside))
    return EXIT_OK
