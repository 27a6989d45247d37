"""`megacase review`, `megacase approval list|request|approve|send-back`, `megacase comment` and
`megacase report overdue --pdf FILE --csv FILE`."""

from __future__ import annotations

EXIT_OK = 0


def _filter_args(p) -> None:
    p.add_argument("--at-risk-days", type=int, help="also cases due within this many working days "
                                                    "(default: the reminder lead time)")
    p.add_argument("--overdue-only", action="store_true", help="overdue cases only")
    p.add_argument("--owner", help="only cases owned by this user")


def register(subparsers, common) -> None:
    rv = subparsers.add_parser("review", parents=[common], help="the manager's review: overdue and at-risk cases")
    _filter_args(rv)
    rv.set_defaults(func=cmd_review)

    ap = subparsers.add_parser("approval", parents=[common], help="four-eyes approvals of refusals, fees, extensions")
    aps = ap.add_subparsers(dest="approval_command", required=True, parser_class=type(ap))
    ls = aps.add_parser("list", parents=[common], help="the approvals queue (pending requests)")
    ls.add_argument("--all", action="store_true", help="every request ever made, newest first")
    ls.set_defaults(func=cmd_approval_list)
    rq = aps.add_parser("request", parents=[common], help="an officer asks a manager to approve")
    rq.add_argument("reference")
    rq.add_argument("--kind", required=True, choices=("refusal", "fee", "extension"))
    rq.add_argument("--note", help="why (required for an extension: its reason)")
    rq.set_defaults(func=cmd_approval_request)
    ok = aps.add_parser("approve", parents=[common], help="a manager approves request ID")
    ok.add_argument("id", type=int)
    ok.add_argument("--comment")
    ok.set_defaults(func=cmd_approval_approve)
    back = aps.add_parser("send-back", parents=[common], help="a manager sends request ID back with a comment")
    back.add_argument("id", type=int)
    back.add_argument("--comment", required=True)
    back.set_defaults(func=cmd_approval_send_back)

    cm = subparsers.add_parser("comment", parents=[common], help="a reviewer's comment on a case")
    cm.add_argument("reference")
    cm.add_argument("--text", required=True)
    cm.set_defaults(func=cmd_comment)

    rp = subparsers.add_parser("report", parents=[common], help="reports for meetings and spreadsheets")
    rps = rp.add_subparsers(dest="report_command", required=True, parser_class=type(rp))
    od = rps.add_parser("overdue", parents=[common], help="overdue and at-risk cases as PDF and/or CSV")
    od.add_argument("--pdf", help="the PDF file to write")
    od.add_argument("--csv", help="the CSV file to write (UTF-8 with BOM)")
    od.add_argument("--csv-delimiter", default=",", help="field separator (default ','; ';' for a Belgian locale)")
    _filter_args(od)
    od.set_defaults(func=cmd_report_overdue)


def _filter(ws, args):
    from megacase.errors import InputError
    from megacase.services.review import review
    if args.at_risk_days is not None and args.at_risk_days < 0:
        raise InputError("--at-risk-days cannot be negative.")
    if args.overdue_only:
        days = None
    else:
        days = args.at_risk_days if args.at_risk_days is not None else review.default_filter(ws).at_risk_working_days
    return review.ReviewFilter(days, args.owner)


def cmd_review(args) -> int:
    from megacase.cli import open_workspace
    from megacase.services.review import approvals, review
    ws = open_workspace(args)
    f = _filter(ws, args)
    rows = review.items(ws, f)
    print(f"{f.describe()}, {ws.today().isoformat()}")
    for i in rows:
        print(f"{i.reference:<15} {i.status.replace('_', ' '):<8} due {i.summary.due.isoformat()}  "
              f"{i.lateness:<22} owner {i.summary.owner or '-':<10} {i.summary.types_label}")
        for w in i.waiting_on:
            print(f"{'':<17}waiting on: {w}")
        for e in i.extension_history:
            print(f"{'':<17}extension:  {e.at:%Y-%m-%d} {e.what}")
    if not rows:
        print("Nothing overdue or at risk.")
    queue = approvals.pending(ws)
    print(f"Approvals waiting: {len(queue)}" + (" (megacase approval list)" if queue else ""))
    return EXIT_OK


def _print_approval(a) -> None:
    reviewed = f"  {a.status_label.lower()} by {a.reviewed_by} {a.reviewed_at:%Y-%m-%d}" if a.reviewed_by else ""
    print(f"#{a.id:<4} {a.reference:<15} {a.kind_label:<12} {a.status_label:<18} asked by {a.requested_by} "
          f"{a.requested_at:%Y-%m-%d %H:%M}{reviewed}")
    if a.kind == "extension":
        print(f"{'':<6}extension notice possible until {a.extension_last_day.isoformat()}")
    elif a.legal_ground:
        print(f"{'':<6}ground: {a.legal_ground}")
    if a.note:
        print(f"{'':<6}note: {a.note}")
    if a.comment:
        print(f"{'':<6}comment: {a.comment}")


def cmd_approval_list(args) -> int:
    from megacase.cli import open_workspace
    from megacase.services.review import approvals
    ws = open_workspace(args)
    rows = approvals.history(ws) if args.all else approvals.pending(ws)
    if not rows:
        print("No approval is waiting." if not args.all else "No approval was ever requested.")
    for a in rows:
        _print_approval(a)
    return EXIT_OK


def cmd_approval_request(args) -> int:
    from megacase.cli import open_workspace
    from megacase.services.review import approvals
    a = approvals.request_approval(open_workspace(args), args.reference, args.kind, args.note)
    print(f"Request #{a.id}: {a.kind_label.lower()} on {a.reference} awaits a manager's approval.")
    return EXIT_OK


def cmd_approval_approve(args) -> int:
    from megacase.cli import open_workspace
    from megacase.services.review import approvals
    a = approvals.approve(open_workspace(args), args.id, args.comment)
    print(f"Request #{a.id} approved: the {a.kind_label.lower()} on {a.reference} may go ahead.")
    return EXIT_OK


def cmd_approval_send_back(args) -> int:
    from megacase.cli import open_workspace
    from megacase.services.review import approvals
    a = approvals.send_back(open_workspace(args), args.id, args.comment)
    print(f"Request #{a.id} sent back: the {a.kind_label.lower()} on {a.reference} is held.")
    return EXIT_OK


def cmd_comment(args) -> int:
    from megacase.cli import open_workspace
    from megacase.services.review import approvals
    approvals.add_comment(open_workspace(args), args.reference, args.text)
    print(f"Comment added to {args.reference.upper()}.")
    return EXIT_OK


def cmd_report_overdue(args) -> int:
    from megacase.cli import open_workspace
    from megacase.services.reports import overdue_report
    ws = open_workspace(args)
    report = overdue_report.export(ws, args.pdf, args.csv, _filter(ws, args), args.csv_delimiter)
    written = " and ".join(p for p in (args.pdf, args.csv) if p)
    print(f"Overdue report of {report.date_label}: {len(report.overdue)} overdue, {len(report.at_risk)} at risk; "
          f"written to {written}.")
    return EXIT_OK
