"""`megacase remind`, `megacase digest send` and `megacase settings show|set`.

`remind` is meant for a scheduled task: it prints what is overdue, due soon, or
near the end of the extension notice window, and exits 1 when anything is overdue.
"""

from __future__ import annotations

import json
from megacase.i18n import _, ngettext

EXIT_OK, EXIT_CHECK_FAILED = 0, 1


def register(subparsers, common) -> None:
    rm = subparsers.add_parser("remind", parents=[common],
                               help=_("print what is due and overdue (exit 1 when anything is overdue)"))
    rm.add_argument("--days", type=int, help=_("due within this many working days (default: the register's "
                                               "setting)"))
    rm.add_argument("--new", action="store_true", help=_("only reminders not acknowledged yet"))
    rm.add_argument("--ack", action="store_true", help=_("acknowledge what is printed (an officer)"))
    rm.add_argument("--json", action="store_true")
    rm.set_defaults(func=cmd_remind)

    dg = subparsers.add_parser("digest", parents=[common], help=_("the daily e-mail digest to an internal "
                                                                  "address"))
    dgs = dg.add_subparsers(dest="digest_command", required=True, parser_class=type(dg))
    send = dgs.add_parser("send", parents=[common], help=_("send today's digest if enabled and not sent yet"))
    send.add_argument("--force", action="store_true", help=_("send even if disabled or already sent today"))
    send.set_defaults(func=cmd_digest_send)
    show = dgs.add_parser("show", parents=[common], help=_("print today's digest without sending it"))
    show.set_defaults(func=cmd_digest_show)

    st = subparsers.add_parser("settings", parents=[common], help=_("the register's shared settings"))
    sts = st.add_subparsers(dest="settings_command", required=True, parser_class=type(st))
    sts.add_parser("show", parents=[common]).set_defaults(func=cmd_settings_show)
    sv = sts.add_parser("set", parents=[common], help=_("e.g. settings set review.four_eyes on"))
    sv.set_defaults(needs="administer")
    sv.add_argument("key")
    sv.add_argument("value")
    sv.set_defaults(func=cmd_settings_set)


def cmd_remind(args) -> int:
    from megacase.app import open_workspace
    from megacase.errors import InputError
    from megacase.services.review import reminders
    if args.days is not None and args.days < 0:
        raise InputError(_("--days cannot be negative."))
    ws = open_workspace(args)
    rows = reminders.pending(ws) if args.new else reminders.current(ws, due_soon_days=args.days)
    if args.new and args.days is not None:
        rows = [r for r in rows if r.kind != reminders.DUE_SOON or r.working_days_left <= args.days]
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
    elif not rows:
        print(_("Nothing due: no case is overdue or due within the lead time ({today}).").format(
                  today=ws.today().isoformat()))
    else:
        for r in rows:
            owner = f"  [{r.owner}]" if r.owner else ""
            print(f"{_(r.kind_label).upper():<17} {r.message}{owner}")
    if args.ack and rows:
        count = reminders.acknowledge(ws, rows)
        if not args.json:
            print(ngettext("Acknowledged {count} reminder.", "Acknowledged {count} reminders.", count).format(
                count=count))
    return EXIT_CHECK_FAILED if any(r.kind == reminders.OVERDUE for r in rows) else EXIT_OK


def cmd_digest_send(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.review import digest
    ws = open_workspace(args)
    sent = digest.send(ws, force=args.force)
    if sent is None:
        print(_("No digest sent: it is switched off (settings set digest.enabled on) or was sent today already."))
    else:
        print(_("Digest sent: {subject_line}").format(subject_line=sent.subject_line))
    return EXIT_OK


def cmd_digest_show(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.review import digest
    d = digest.compose(open_workspace(args))
    print(_("Subject: {subject_line}").format(subject_line=d.subject_line) + f"\n\n{d.body}", end="")
    return EXIT_OK


def cmd_settings_show(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import settings
    for spec, value in settings.all_values(open_workspace(args)):
        shown = ("on" if value else "off") if spec.kind is bool else (value if value != "" else _("(not set)"))
        print(f"{spec.key:<36} {str(shown):<24} {_(spec.label)}")
    return EXIT_OK


def cmd_settings_set(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import settings
    ws = open_workspace(args)
    if settings.is_mail_route(args.key):     # where mail goes: a request a manager approves
        from megacase.services.mail import mail_routes
        change = mail_routes.request_change(ws, {args.key: args.value})
        if change is not None and change.pending:
            print(_("Change {change_id} waits for a manager's approval (megacase route approve {change_id}); "
                    "{key} is unchanged until then.").format(change_id=change.id, key=args.key))
            return EXIT_OK
        value = settings.get(ws, args.key)
    else:
        value = settings.set_value(ws, args.key, args.value)
    print(f"{args.key} = {('on' if value else 'off') if isinstance(value, bool) else value}")
    return EXIT_OK
