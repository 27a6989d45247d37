"""`megacase route list|approve ID|send-back ID`: changes of where mail goes, and their four-eyes review."""

from __future__ import annotations

EXIT_OK = 0

from megacase.i18n import _

def register(subparsers, common) -> None:
    rt = subparsers.add_parser("route", parents=[common],
                               help=_("changes of where mail goes (sender, privacy contact, mail server, "
                                      "notice addresses) and their approval by a manager"))
    rts = rt.add_subparsers(dest="route_command", required=True, parser_class=type(rt))
    ls = rts.add_parser("list", parents=[common], help=_("changes waiting for approval"))
    ls.add_argument("--all", action="store_true", help=_("every change ever asked for"))
    ls.set_defaults(func=cmd_route_list)
    ok = rts.add_parser("approve", parents=[common], help=_("a manager approves change ID: it takes effect"))
    ok.add_argument("id", type=int)
    ok.add_argument("--comment")
    ok.set_defaults(func=cmd_route_approve)
    back = rts.add_parser("send-back", parents=[common], help=_("a manager refuses change ID, with a comment"))
    back.add_argument("id", type=int)
    back.add_argument("--comment", required=True)
    back.set_defaults(func=cmd_route_send_back)


def _line(c) -> str:
    what = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in sorted(c.changes.items()))
    return f"{c.id:>4}  {c.status:<9} {c.target:<24} by {c.requested_by} {c.requested_at:%Y-%m-%d %H:%M}  {what}"


def cmd_route_list(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.mail import mail_routes
    rows = mail_routes.list_changes(open_workspace(args), pending_only=not args.all)
    for c in rows:
        print(_line(c))
    if not rows:
        print(_("No change of where mail goes is waiting for approval."))
    return EXIT_OK


def cmd_route_approve(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.mail import mail_routes
    print(_("Approved, in force: ") + _line(mail_routes.approve(open_workspace(args), args.id, args.comment)))
    return EXIT_OK


def cmd_route_send_back(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.mail import mail_routes
    print(_("Sent back, nothing changed: ") + _line(mail_routes.send_back(open_workspace(args), args.id, args.comment)))
    return EXIT_OK
