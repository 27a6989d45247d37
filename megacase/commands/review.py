"""`megacase review`, `megacase approval list|request|approve|send-back`, `megacase comment` and
`megacase report overdue --pdf FILE --csv FILE`."""

from __future__ import annotations

EXIT_OK = 0

from megacase.i18n import _

def _filter_args(p) -> None:
    p.add_argument("--at-risk-days", type=int, help=_("also cases due within this many working days (default: "
                                                      "the reminder lead time)"))
    p.add_argument("--overdue-only", action="store_true", help=_("overdue cases only"))
    p.add_argument("--owner", help=_("only cases owned by this user"))


def register(subparsers, common) -> None:
    rv = subparsers.add_parser("review", parents=[common], help=_("the manager's review: overdue and at-risk "
                                                                  "cases"))
    _filter_args(rv)
    rv.set_defaults(func=cmd_review)

    ap = subparsers.add_parser("approval", parents=[common], help=_("four-eyes approvals of refusals, fees, "
                                                                    "extensions"))
    aps = ap.add_subparsers(dest="approval_command", required=True, parser_class=type(ap))
    ls = aps.add_parser("list", parents=[common], help=_("the approvals queue (pending requests)"))
    ls.add_argument("--all", action="store_true", help=_("every request ever made, newest first"))
    ls.set_defaults(func=cmd_approval_list)
    rq = aps.add_parser("request", parents=[common], help=_("an officer asks a manager to approve"))
    rq.add_argument("reference")
    rq.add_argument("--kind", required=True, choices=("refusal", "fee", "extension"))
    rq.add_argument("--note", help=_("why (required for an extension: its reason)"))
    rq.set_defaults(func=cmd_approval_request, needs="work_cases")
    ok = aps.add_parser("approve", parents=[common], help=_("a manager approves request ID"))
    ok.add_argument("id", type=int)
    ok.add_argument("--comment")
    ok.set_defaults(func=cmd_approval_approve, needs="review")
    back = aps.add_parser("send-back", parents=[common], help=_("a manager sends request ID back with a comment"))
    back.add_argument("id", type=int)
    back.add_argument("--comment", required=True)
    back.set_defaults(func=cmd_approval_send_back, needs="review")

    cm = subparsers.add_parser("comment", parents=[common], help=_("a reviewer's comment on a case"))
    cm.add_argument("reference")
    cm.add_argument("--text", required=True)
    cm.set_defaults(func=cmd_comment, needs="comment")

    rp = subparsers.add_parser("report", parents=[common], help=_("reports for meetings and spreadsheets"))
    rps = rp.add_subparsers(dest="report_command", required=True, parser_class=type(rp))
    od = rps.add_parser("overdue", parents=[common], help=_("overdue and at-risk cases as PDF and/or CSV"))
    od.add_argument("--pdf", help=_("the PDF file to write"))
    od.add_argument("--csv", help=_("the CSV file to write (UTF-8 with BOM)"))
    od.add_argument("--csv-delimiter", default=",", help=_("field separator (default ','; ';' for a Belgian "
                                                           "locale)"))
    _filter_args(od)
    od.set_defaults(func=cmd_report_overdue)


def _filter(ws, args):
    from megacase.errors import InputError
    from megacase.services.review import review
    if args.at_risk_days is not None and args.at_risk_days < 0:
        raise InputError(_("--at-risk-days cannot be negative."))
    if args.overdue_only:
        days = None
    else:
        days = args.at_risk_days if args.at_risk_days is not None else review.default_filter(ws).at_risk_working_days
    return review.ReviewFilter(days, args.owner)


def cmd_review(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.review import approvals, review
    ws = open_workspace(args)
    f = _filter(ws, args)
    rows = review.items(ws, f)
    print(f"{f.describe()}, {ws.today().isoformat()}")
    for i in rows:
        print(_("{reference:<15} {status:<8} due {due}  {lateness:<22} owner {owner:<10} {types}").format(
                  reference=i.reference, status=i.status.replace("_", " "), due=i.summary.due.isoformat(),
                  lateness=i.lateness, owner=i.summary.owner or "-", types=i.summary.types_text))
        for w in i.waiting_on:
            print(" " * 17 + _("waiting on: {what}").format(what=w))
        for e in i.extension_history:
            print(" " * 17 + _("extension:  {at:%Y-%m-%d} {what}").format(at=e.at, what=e.what))
    if not rows:
        print(_("Nothing overdue or at risk."))
    queue = approvals.pending(ws)
    print(_("Approvals waiting: {count}").format(count=len(queue)) + (" (megacase approval list)" if queue else ""))
    return EXIT_OK


def _print_approval(a) -> None:
    reviewed = "  " + _("{status} by {user} {day}").format(status=_(a.status_label).lower(), user=a.reviewed_by,
                                                             day=f"{a.reviewed_at:%Y-%m-%d}") if a.reviewed_by else ""
    print(_("#{id:<4} {reference:<15} {kind:<12} {status:<18} asked by {user} {moment}{reviewed}").format(
              id=a.id, reference=a.reference, kind=_(a.kind_label), status=_(a.status_label), user=a.requested_by,
              moment=f"{a.requested_at:%Y-%m-%d %H:%M}", reviewed=reviewed))
    if a.kind == "extension":
        print(" " * 6 + _("extension notice possible until {date}").format(date=a.extension_last_day.isoformat()))
    elif a.legal_ground:
        print(" " * 6 + _("ground: {ground}").format(ground=a.legal_ground))
    if a.note:
        print(" " * 6 + _("note: {note}").format(note=a.note))
    if a.comment:
        print(" " * 6 + _("comment: {comment}").format(comment=a.comment))


def cmd_approval_list(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.review import approvals
    ws = open_workspace(args)
    rows = approvals.history(ws) if args.all else approvals.pending(ws)
    if not rows:
        print(_("No approval is waiting.") if not args.all else _("No approval was ever requested."))
    for a in rows:
        _print_approval(a)
    return EXIT_OK


def cmd_approval_request(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.review import approvals
    a = approvals.request_approval(open_workspace(args), args.reference, args.kind, args.note)
    print(_("Request #{id}: {kind} on {reference} awaits a manager's approval.").format(
              id=a.id, kind=_(a.kind_label).lower(), reference=a.reference))
    return EXIT_OK


def cmd_approval_approve(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.review import approvals
    a = approvals.approve(open_workspace(args), args.id, args.comment)
    print(_("Request #{id} approved: the {kind} on {reference} may go ahead.").format(
              id=a.id, kind=_(a.kind_label).lower(), reference=a.reference))
    return EXIT_OK


def cmd_approval_send_back(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.review import approvals
    a = approvals.send_back(open_workspace(args), args.id, args.comment)
    print(_("Request #{id} sent back: the {kind} on {reference} is held.").format(
              id=a.id, kind=_(a.kind_label).lower(), reference=a.reference))
    return EXIT_OK


def cmd_comment(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.review import approvals
    approvals.add_comment(open_workspace(args), args.reference, args.text)
    print(_("Comment added to {reference}.").format(reference=args.reference.upper()))
    return EXIT_OK


def cmd_report_overdue(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.reports import overdue_report
    ws = open_workspace(args)
    report = overdue_report.export(ws, args.pdf, args.csv, _filter(ws, args), args.csv_delimiter)
    written = " and ".join(p for p in (args.pdf, args.csv) if p)
    print(_("Overdue report of {date_label}: {count} overdue, {count2} at risk; written to {written}.").format(
              date_label=report.date_label, count=len(report.overdue), count2=len(report.at_risk), written=written))
    return EXIT_OK
