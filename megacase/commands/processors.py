"""`megacase processors list|show|edit|add|deactivate|activate`, `megacase steps list|done|kept|notified|no-notice|undo`.

The processor register, and what was done at each processor for one case
(erased or kept under a ground; the Art. 19 notice sent on a date, or why not).
"""

from __future__ import annotations

import json
from datetime import date

from megacase.errors import InputError
from megacase.i18n import N_, _

EXIT_OK = 0
_EDITABLE = ("role", "purposes", "categories", "retention", "location", "contact", "notice_channel",
             "notice_language")


def _field_options(p, required=()) -> None:
    for field in _EDITABLE:
        flag = "--" + field.replace("_", "-")
        p.add_argument(flag, dest=field, required=field in required)


def register(subparsers, common) -> None:
    pr = subparsers.add_parser("processors", parents=[common], help=_("the processor register (Art. 15(1)(c), "
                                                                      "Art. 19)"))
    prs = pr.add_subparsers(dest="processors_command", required=True, parser_class=type(pr))
    ls = prs.add_parser("list", parents=[common], help=_("every processor, with its role and categories of data"))
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--active", action="store_true", help=_("only the processors in use"))
    ls.set_defaults(func=cmd_list)
    show = prs.add_parser("show", parents=[common], help=_("one processor in full"))
    show.add_argument("name")
    show.set_defaults(func=cmd_show)
    edit = prs.add_parser("edit", parents=[common], help=_("change fields of a processor (one audited action)"))
    edit.add_argument("name")
    edit.add_argument("--rename", dest="new_name")
    _field_options(edit)
    edit.set_defaults(func=cmd_edit)
    add = prs.add_parser("add", parents=[common], help=_("a new processor (joins the checklists of new cases)"))
    add.add_argument("name")
    _field_options(add, required=("role", "categories"))
    add.set_defaults(func=cmd_add)
    for name, active, helptext in (("deactivate", False, N_("deactivate a processor for the checklists of new cases")),
                                   ("activate", True, N_("activate a processor for the checklists of new cases"))):
        p = prs.add_parser(name, parents=[common], help=_(helptext))
        p.add_argument("name")
        p.set_defaults(func=cmd_set_active, active=active)

    st = subparsers.add_parser("steps", parents=[common],
                               help=_("what was done at each processor for a case, and the Art. 19 notices"))
    sts = st.add_subparsers(dest="steps_command", required=True, parser_class=type(st))
    sl = sts.add_parser("list", parents=[common], help=_("the processor steps of a case"))
    sl.add_argument("reference")
    sl.add_argument("--json", action="store_true")
    sl.set_defaults(func=cmd_steps_list)
    done = sts.add_parser("done", parents=[common], help=_("carried out there (erasure: erased, or nothing "
                                                           "held)"))
    kept = sts.add_parser("kept", parents=[common], help=_("erasure: the data there are kept under a legal "
                                                           "ground"))
    kept.add_argument("--ground", help=_("the legal ground (default: the 10-year invoice retention, Art. "
                                         "17(3)(b))"))
    notified = sts.add_parser("notified", parents=[common],
                              help=_("the Art. 19 notice left the outbox (give its letter id; sending it "
                                     "records this)"))
    notified.add_argument("--letter", type=int, help=_("the id of the art19-notice letter that left to this "
                                                       "recipient"))
    no_notice = sts.add_parser("no-notice", parents=[common], help=_("no Art. 19 notice, and why"))
    no_notice.add_argument("--reason", required=True)
    undo = sts.add_parser("undo", parents=[common], help=_("reopen a step recorded by mistake"))
    undo.add_argument("--step", choices=("act", "notify"), required=True)
    for p, action in ((done, "done"), (kept, "kept"), (notified, "notified"), (no_notice, "no_notice"),
                      (undo, "undo")):
        p.add_argument("reference")
        p.add_argument("processor")
        if action != "undo":
            p.add_argument("--note")
        if action in ("done", "kept", "notified"):
            p.add_argument("--on", help=_("the day it was done or sent, YYYY-MM-DD (default: today)"))
        p.set_defaults(func=cmd_step, step_action=action)


def _ws(args):
    from megacase.app import open_workspace
    return open_workspace(args)


def cmd_list(args) -> int:
    from megacase.services.privacy import processors
    rows = processors.list_processors(_ws(args), include_inactive=not args.active)
    if args.json:
        print(json.dumps([p.as_json() for p in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    print("{:<18} {:<6}  {:<44} {}".format(_("PROCESSOR"), _("ACTIVE"), _("ROLE"), _("CATEGORIES")))
    for p in rows:
        gaps = f"  [{'; '.join(p.notice_gaps)}]" if p.notice_gaps else ""   # what the register still lacks
        active = _("yes") if p.active else _("no")
        print(f"{p.name:<18} {active:<6}  {p.role[:44]:<44} {p.categories}{gaps}")
    return EXIT_OK


def _print_processor(p) -> None:
    from megacase.services.privacy.processors import FIELDS
    print(p.name + ("" if p.active else "  " + _("(inactive)")))
    for field, (label, _optional) in FIELDS.items():
        if field != "name":
            print(f"  {_(label)}: {getattr(p, field) or '—'}")


def cmd_show(args) -> int:
    from megacase.services.privacy import processors
    _print_processor(processors.get_processor(_ws(args), args.name))
    return EXIT_OK


def _given(args) -> dict:
    return {f: getattr(args, f) for f in _EDITABLE if getattr(args, f) is not None}


def cmd_edit(args) -> int:
    from megacase.services.privacy import processors
    changes = _given(args)
    if args.new_name:
        changes["name"] = args.new_name
    if not changes:
        raise InputError(_("Nothing to change: give at least one of --role, --purposes, --categories, "
                           "--retention, --location, --contact, --notice-channel, --rename."))
    _print_processor(processors.update_processor(_ws(args), args.name, **changes))
    return EXIT_OK


def cmd_add(args) -> int:
    from megacase.services.privacy import processors
    values = _given(args)
    p = processors.add_processor(_ws(args), args.name, values.pop("role"), values.pop("categories"), **values)
    _print_processor(p)
    return EXIT_OK


def cmd_set_active(args) -> int:
    from megacase.services.privacy import processors
    p = processors.set_active(_ws(args), args.name, args.active)
    print(f"{p.name}: " + (_("active") if p.active else _("inactive")))
    return EXIT_OK


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(_("'{text}' is not a date in YYYY-MM-DD form.").format(text=text)) from None


def _step_text(step) -> str:
    if step is None:
        return "—"
    text = step.label_text
    if step.ground:
        text += f" ({step.ground})"
    return text


def cmd_steps_list(args) -> int:
    from megacase.services.privacy import processor_steps
    rows = processor_steps.processor_steps(_ws(args), args.reference)
    if args.json:
        def step(s):
            return None if s is None else {"status": s.status, "on": s.on.isoformat() if s.on else None,
                                           "by": s.by, "ground": s.ground, "note": s.note}
        print(json.dumps([{"processor": r.processor, "categories": r.categories, "act": step(r.act),
                           "notify": step(r.notify)} for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    print("{:<18} {:<34} {}".format(_("PROCESSOR"), _("ACTION"), _("ART. 19 NOTICE")))
    for r in rows:
        print(f"{r.processor:<18} {_step_text(r.act)[:34]:<34} {_step_text(r.notify)}")
    return EXIT_OK


def cmd_step(args) -> int:
    from megacase.services.privacy import processor_steps as ps
    ws, ref, proc = _ws(args), args.reference, args.processor
    action = args.step_action
    if action == "done":
        row = ps.record_done(ws, ref, proc, args.note, _day(args.on))
    elif action == "kept":
        row = ps.record_kept(ws, ref, proc, args.ground or ps.INVOICE_GROUND, args.note, _day(args.on))
    elif action == "notified":
        row = ps.record_notice(ws, ref, proc, _day(args.on), args.note, letter_id=args.letter)
    elif action == "no_notice":
        row = ps.record_no_notice(ws, ref, proc, args.reason, args.note)
    else:
        row = ps.reopen_step(ws, ref, proc, args.step)
    print(_("{reference} {processor}: {step}; notice: {notice}").format(
              reference=ref.upper(), processor=row.processor, step=_step_text(row.act), notice=_step_text(row.notify)))
    return EXIT_OK
