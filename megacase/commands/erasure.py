"""`megacase erase REF`, `megacase retention --dry-run|--apply [--years N]`, `megacase invoices list`,
`megacase restriction start|lift|status REF` and `megacase objection direct-marketing REF`."""

from __future__ import annotations

import json
from datetime import date

from megacase.errors import InputError
from megacase.i18n import _

EXIT_OK = 0


def register(subparsers, common) -> None:
    er = subparsers.add_parser("erase", parents=[common],
                               help=_("forget the subject of a granted erasure case everywhere in MegaCase"))
    er.add_argument("reference")
    er.add_argument("--dry-run", action="store_true", help=_("show what the erasure would do and what blocks it"))
    er.add_argument("--invoices", help=_("invoice references kept under Art. 17(3)(b), e.g. 'F-2026-0042, "
                                         "F-2026-0107'"))
    er.add_argument("--last-invoice", help=_("date of the last of those invoices, YYYY-MM-DD (starts the 10 "
                                             "years)"))
    er.set_defaults(func=cmd_erase)

    rt = subparsers.add_parser("retention", parents=[common],
                               help=_("reduce old closed cases to skeletons and purge ended invoice terms"))
    mode = rt.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help=_("list what would change (the default)"))
    mode.add_argument("--apply", action="store_true", help=_("carry it out (audited)"))
    rt.add_argument("--years", type=int, help=_("first set the retention period of closed cases, in years"))
    rt.add_argument("--json", action="store_true")
    rt.set_defaults(func=cmd_retention)

    inv = subparsers.add_parser("invoices", parents=[common], help=_("invoice data kept after erasures "
                                                                     "(manager only)"))
    invs = inv.add_subparsers(dest="invoices_command", required=True, parser_class=type(inv))
    il = invs.add_parser("list", parents=[common])
    il.add_argument("--all", action="store_true", help=_("also the purged rows"))
    il.set_defaults(func=cmd_invoices, needs="see_kept_invoices")

    rs = subparsers.add_parser("restriction", parents=[common], help=_("restriction of processing (Art. 18)"))
    rss = rs.add_subparsers(dest="restriction_command", required=True, parser_class=type(rs))
    start = rss.add_parser("start", parents=[common], help=_("restrict the subject's data from today"))
    start.add_argument("reference")
    start.add_argument("--ground", required=True, choices=("accuracy", "unlawful", "legal_claims",
                                                           "objection_pending"), help=_("the Art. 18(1) ground"))
    lift = rss.add_parser("lift", parents=[common], help=_("lift it (after the restriction-lifting letter was "
                                                           "sent)"))
    lift.add_argument("reference")
    lift.add_argument("--reason", required=True)
    status = rss.add_parser("status", parents=[common])
    status.add_argument("reference")
    for p, what in ((start, "start"), (lift, "lift"), (status, "status")):
        p.set_defaults(func=cmd_restriction, what=what)

    ob = subparsers.add_parser("objection", parents=[common], help=_("objection (Art. 21)"))
    obs = ob.add_subparsers(dest="objection_command", required=True, parser_class=type(ob))
    dm = obs.add_parser("direct-marketing", parents=[common],
                        help=_("mark an objection as one to direct marketing: it can only be granted (Art. "
                               "21(3))"))
    dm.add_argument("reference")
    dm.add_argument("--undo", action="store_true", help=_("it is not about direct marketing after all"))
    dm.set_defaults(func=cmd_direct_marketing, needs="work_cases")


def _ws(args):
    from megacase.app import open_workspace
    return open_workspace(args)


def _invoices(args):
    from megacase.services.privacy.erasure import InvoiceKeep
    if not args.invoices and not args.last_invoice:
        return None
    if not (args.invoices and args.last_invoice):
        raise InputError(_("Give both --invoices and --last-invoice (the date the 10-year term counts from)."))
    try:
        last = date.fromisoformat(args.last_invoice)
    except ValueError:
        raise InputError(_("'{last_invoice}' is not a date in YYYY-MM-DD form.").format(
                             last_invoice=args.last_invoice)) from None
    return InvoiceKeep(args.invoices, last)


def cmd_erase(args) -> int:
    from megacase.errors import RuleViolation
    from megacase.services.privacy import erasure
    from megacase.services.privacy.processor_steps import ground_text
    ws = _ws(args)
    invoices = _invoices(args)
    ready = erasure.readiness(ws, args.reference)
    if args.dry_run or not ready.ready:
        print(_("Erasure of subject {subject_reference} (case {reference}):").format(
                  subject_reference=ready.subject_reference, reference=ready.reference))
        print(_("  cases reduced to their skeleton: {cases}").format(cases=', '.join(ready.cases)))
        for processor, _categories, ground in ready.kept:
            print(_("  kept at {processor}: {ground}").format(processor=processor, ground=ground_text(ground)))
        if invoices:
            print(_("  invoice references kept until {retain_until} (manager only)").format(
                      retain_until=erasure.retain_until(invoices.last_invoice_on).isoformat()))
        for blocker in ready.blockers:
            print(_("  BLOCKED: {blocker}").format(blocker=blocker))
        if not ready.ready and not args.dry_run:
            raise RuleViolation(erasure.cannot_erase_yet(ready.blockers))
        return EXIT_OK
    result = erasure.erase(ws, args.reference, invoices)
    print(_("Subject {subject_reference} erased: cases {cases} are anonymous skeletons; the subject's key is "
            "destroyed.").format(subject_reference=result.subject_reference, cases=', '.join(result.cases)))
    if result.invoice_retention_id:
        print(_("Invoice references kept until {retain_until} in the invoice retention area (manager only).").format(
                  retain_until=result.retain_until.isoformat()))
    if not result.compacted:
        print(_("Warning: another program had the register open; close it and run 'megacase retention --apply' "
                "to rewrite the database file."))
    print(_(result.outside))
    return EXIT_OK


def cmd_retention(args) -> int:
    from megacase.services.privacy import retention
    ws = _ws(args)
    if args.years is not None:
        retention.set_years(ws, args.years)
    plan = retention.apply(ws) if args.apply else retention.plan(ws)
    if args.json:
        print(json.dumps({"applied": bool(args.apply), **plan.as_json()}, ensure_ascii=False, indent=2))
    else:
        print((_("Applied.") if args.apply else _("Dry run (nothing changed).")) + " " + plan.lines()[0])
        for line in plan.lines()[1:]:
            print(f"  {line}")
    return EXIT_OK


def cmd_invoices(args) -> int:
    from megacase.services.privacy import invoice_retention
    rows = invoice_retention.list_retained(_ws(args), include_purged=args.all)
    print("{:>3}  {:<10}  {:<14} {:<8} {}".format("#", _("UNTIL"), _("CASE"), _("SUBJECT"), _("HOLDER / INVOICES")))
    for r in rows:
        holder = "[purged]" if r.purged else f"{r.holder_name or ''}, {r.holder_address or ''}"
        print(f"{r.id:>3}  {r.retain_until.isoformat():<10}  {r.case_reference or '':<14} {r.subject_reference:<8} "
              f"{holder}: {r.invoice_refs}")
    return EXIT_OK


def cmd_restriction(args) -> int:
    from megacase.services.privacy import restriction
    ws = _ws(args)
    if args.what == "start":
        info = restriction.start(ws, args.reference, args.ground)
    elif args.what == "lift":
        info = restriction.lift(ws, args.reference, args.reason)
    else:
        info = restriction.status(ws, args.reference)
    state = _("restricted since {date}").format(date=info.restricted_since.isoformat()) if info.restricted \
        else _("not restricted")
    notice = ("; " + _("lifting notice sent on {date}").format(date=info.lifting_notice_sent_on.isoformat())
              if info.lifting_notice_sent_on else "")
    suspended = "; " + _("processing suspended (objection)") if info.processing_suspended else ""
    print(f"{info.subject_reference}: {state}{notice}{suspended}")
    return EXIT_OK


def cmd_direct_marketing(args) -> int:
    from megacase.services.privacy import restriction
    on = restriction.mark_direct_marketing(_ws(args), args.reference, not args.undo)
    print(f"{args.reference.upper()}: " + (_("objection to direct marketing: it can only be granted (Art. 21(3))")
                                           if on else _("not an objection to direct marketing")))
    return EXIT_OK
