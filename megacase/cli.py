"""The command line: a scriptable face of the same services as the window.

Exit codes: 0 success, 1 a check failed, 2 a usage or input error (one line on stderr).
Help and messages speak the officer's language (``--lang``, read before the parser is built);
machine-readable output (``--json``, CSV, the anchor line) and exit codes never change with it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date, datetime
from pathlib import Path

from megacase import desktop_check, i18n
from megacase.app import new_profile, open_workspace
from megacase.errors import InputError, MegaCaseError
from megacase.domain.grounds import ground_label
from megacase.i18n import N_, _

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2

# argparse's own words (usage, section titles, -h, its errors) in the officer's language: argparse looks up
# its module-level ``_``/``ngettext`` when it formats, so they are pointed at the catalogue (English unchanged).
ARGPARSE_MESSAGES = (N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
                     N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
                     N_("argument %(argument_name)s: %(message)s"),
                     N_("invalid choice: %(value)r (choose from %(choices)s)"),
                     N_("invalid %(type)s value: %(value)r"), N_("expected one argument"),
                     N_("one of the arguments %s is required"), N_("not allowed with argument %s"),
                     N_("ambiguous option: %(option)s could match %(matches)s"))


class UsageError(MegaCaseError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, no usage dump
        raise UsageError(f"{self.prog}: {message}")


# A right's status (services.cases.decisions) as `case show` prints it; "decided, reply not sent" is the domain's.
RIGHT_STATUS = {"answered": N_("answered"), "withdrawn": N_("withdrawn"), "undecided": N_("undecided")}

CASE_HELP = {
    "list": N_("the cases: state, due date, days left, rights, subject"),
    "show": N_("one case in full"),
    "start": N_("start work on a received case"),
    "close": N_("close a decided case once every reply has left"),
    "extend": N_("extend the deadline by two months (Art. 12(3)), with the reason"),
    "reopen": N_("reopen a decided or closed case, with the reason"),
    "decide": N_("record the decision on a right: outcome, legal ground, reasons"),
    "ask": N_("ask the subject for identity or clarification (the deadline is suspended)"),
    "answer": N_("record the subject's answer (the deadline runs again)"),
    "note": N_("add a note to the case"),
    "no-data": N_("record that no data is held on the subject, with the reason"),
}


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    d = argparse.SUPPRESS if suppress else None
    parser.add_argument("--data-dir", default=d, help=_("profile folder (default: the platform's data folder)"))
    parser.add_argument("--passphrase-file", default=d, help=_("file holding the recovery passphrase"))
    parser.add_argument("--user", default=d, help=_("acting user name recorded in the audit trail"))
    parser.add_argument("--lang", default=d, choices=("fr", "nl", "en"),
                        help=_("language of the interface and messages (default: MEGACASE_LANG, else the "
                               "system's)"))
    if not suppress:
        parser.add_argument("--self-test", action="store_true",
                            help=_("check this installation end to end on a throw-away register, then exit"))


def _translate_argparse() -> None:
    argparse._ = _
    argparse.ngettext = i18n.ngettext


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the language installed now (``main`` installs it from ``--lang`` first)."""
    _translate_argparse()
    common = _Parser(add_help=False)
    _global_options(common, suppress=True)
    p = _Parser(prog="megacase", description=_("Data subject request case management (Mega Security)."))
    _global_options(p, suppress=False)
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    sub.add_parser("gui", parents=[common], help=_("start the desktop application (the default)"))
    sub.add_parser("init", parents=[common], help=_("create a new encrypted profile"))
    demo = sub.add_parser("demo", parents=[common], help=_("create a new profile filled with demo data"))
    demo.add_argument("--cases", type=int, default=40)

    case = sub.add_parser("case", parents=[common], help=_("list, show, open and work cases"))
    cs = case.add_subparsers(dest="case_command", required=True, parser_class=_Parser)
    # Each subcommand names the capability it needs (services.roles): checked once the user is known.
    ls = cs.add_parser("list", parents=[common], help=_(CASE_HELP["list"]))
    ls.set_defaults(needs="read")
    ls.add_argument("--overdue", action="store_true", help=_("only the overdue cases"))
    ls.add_argument("--open", action="store_true", help=_("only the open cases"))
    ls.add_argument("--json", action="store_true", help=_("machine-readable output (JSON, never translated)"))
    show = cs.add_parser("show", parents=[common], help=_(CASE_HELP["show"]))
    show.set_defaults(needs="read")
    show.add_argument("reference")
    show.add_argument("--json", action="store_true", help=_("machine-readable output (JSON, never translated)"))
    op = cs.add_parser("open", parents=[common], help=_("open a case for a new or existing subject"))
    op.set_defaults(needs="work_cases")
    op.add_argument("--type", dest="types", action="append", required=True,
                    help=_("request type (repeatable): access, rectification, erasure, restriction, "
                           "portability, objection, automated_decision"))
    op.add_argument("--channel", default="email")
    op.add_argument("--received", help=_("time of receipt, ISO 8601 (default: now)"))
    op.add_argument("--subject-id", type=int)
    op.add_argument("--name")
    op.add_argument("--email")
    op.add_argument("--language", default="fr")
    op.add_argument("--address")
    op.add_argument("--customer-number")
    op.add_argument("--summary")
    for name, extra in (("start", []), ("close", []), ("extend", ["--reason"]), ("reopen", ["--reason"]),
                        ("decide", ["--outcome", "--ground", "--note", "--right", "--reasons"]),
                        ("ask", ["--method", "--asked", "--reason", "--queue-letter"]),
                        ("answer", ["--answer", "--result"]), ("note", ["--text"]), ("no-data", ["--reason"])):
        c = cs.add_parser(name, parents=[common], help=_(CASE_HELP[name]))
        c.set_defaults(needs="work_cases")
        c.add_argument("reference")
        for opt in extra:
            if opt == "--queue-letter":   # the identity or clarification letter goes to the outbox at once
                c.add_argument(opt, action="store_true")
                continue
            c.add_argument(opt, required=opt in ("--reason", "--outcome", "--asked", "--answer", "--result",
                                                 "--text", "--method") and not (name == "ask" and opt == "--reason"))
        if name == "decide":   # Art. 12(5): the earlier requests relied on, or a document of the case
            c.add_argument("--evidence", action="append", default=[], metavar="REF",
                           help=_("an earlier request of the same subject this decision relies on (repeatable)"))
            c.add_argument("--evidence-attachment", type=int, metavar="ID",
                           help=_("an attachment of the case that demonstrates the ground"))
    dl = sub.add_parser("deadline", parents=[common], help=_("print the due date of a request received on a date"))
    dl.add_argument("received", help=_("date of receipt, YYYY-MM-DD"))
    dl.add_argument("--extended", action="store_true")
    dl.add_argument("--suspended-days", type=int, default=0)

    au = sub.add_parser("audit", parents=[common], help=_("check the audit trail"))
    aus = au.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    verify = aus.add_parser("verify", parents=[common], help=_("check the hash chain, the signatures and the "
                                                               "register against its events"))
    verify.add_argument("--case", dest="case_ref", help=_("also report on this case"))
    verify.add_argument("--pdf", help=_("with --case: check this case file's printed hashes against the register"))
    verify.add_argument("--anchor-file", action="append", default=[],
                        help=_("also compare with the anchors in this file (a copy kept elsewhere); repeatable"))
    aus.add_parser("anchor", parents=[common], help=_("print the chain's head, to note or send elsewhere"))
    for module in _command_modules():
        module.register(sub, common)
    return p


def _command_modules():
    """Feature commands live in megacase/commands/*.py, each with register(subparsers, common).

    A module's register() adds its subparsers and sets ``func`` (handler taking args, returning an exit code).
    """
    import importlib
    import pkgutil

    import megacase.commands as pkg
    return [importlib.import_module(f"megacase.commands.{m.name}") for m in sorted(pkgutil.iter_modules(pkg.__path__),
                                                                                    key=lambda m: m.name)]


def cmd_init(args) -> int:
    ws, data_dir = new_profile(args)
    print(_("Created an encrypted MegaCase profile in {folder}.").format(folder=data_dir))
    print(_("Keep the recovery passphrase safe: it is the only way in if this computer's keyring is lost."))
    return EXIT_OK


def cmd_demo(args) -> int:
    from megacase.services.demo import demo
    refs: list[str] = []
    ws, data_dir = new_profile(args, fill=lambda staged: refs.extend(demo.populate(staged, count=args.cases)))
    print(_("Created a demo profile with {count} cases in {folder}.").format(count=len(refs), folder=data_dir))
    print(_("Sign in as sophie (officer, password 'sophie demo password') or marc (manager, 'marc demo "
            "password')."))
    return EXIT_OK


def _print_table(rows) -> None:
    print("{:<15} {:<23} {:<10} {:>5}  {:<28} {}".format(_("REFERENCE"), _("STATE"), _("DUE"), _("LEFT"), _("TYPES"),
                                                         _("SUBJECT")))
    for c in rows:
        left = f"{c.days_left:+d}" if c.is_open else ""
        flag = " " + _("OVERDUE") if c.overdue else (" " + _("suspended") if c.suspended else "")
        print(f"{c.reference:<15} {c.state_text[:23]:<23} {c.due.isoformat():<10} {left:>5}  "
              f"{c.types_text[:28]:<28} {c.subject_name} <{c.subject_email}>{flag}")


def cmd_case(args) -> int:
    from megacase.services.cases import cases, queries
    from megacase.services.cases.subjects import NewSubject
    ws = open_workspace(args)
    sub = args.case_command
    if sub == "list":
        rows = queries.list_cases(ws, overdue_only=args.overdue, open_only=args.open)
        if args.json:
            print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        else:
            _print_table(rows)
        return EXIT_OK
    if sub == "show":
        detail = queries.get_case(ws, args.reference)
        if args.json:
            print(json.dumps(detail.as_json(), ensure_ascii=False, indent=2))
        else:
            _print_detail(detail)
        return EXIT_OK
    if sub == "open":
        received = _parse_datetime(args.received) if args.received else ws.now()
        new_subject = None
        if args.subject_id is None:
            if not (args.name and args.email):
                raise InputError(_("Give --subject-id, or --name and --email for a new subject."))
            new_subject = NewSubject(args.name, args.email, args.language, args.address, args.customer_number)
        detail = cases.open_case(ws, cases.NewCase(tuple(args.types), args.channel, received, args.subject_id,
                                                   new_subject, args.summary))
        print(detail.reference)
        return EXIT_OK
    ref = args.reference
    if sub == "start":
        detail = cases.start_work(ws, ref)
    elif sub == "ask":
        detail = cases.ask_subject(ws, ref, args.method, args.asked, args.reason)
        if args.queue_letter and args.method != "in_person":
            from megacase.services.letters import letters
            template = "clarification-request" if args.method == "clarification" else "identity-request"
            queued = letters.queue_letter(ws, ref, template,
                                          options=letters.LetterOptions(identity_requested=args.asked))
            print(_("{reference}: {template} queued as letter {letter} (megacase outbox retry sends it)").format(
                reference=ref.upper(), template=template, letter=queued.letter_id))
    elif sub == "answer":
        detail = cases.record_answer(ws, ref, args.answer, args.result)
    elif sub == "extend":
        detail = cases.extend(ws, ref, args.reason)
    elif sub == "decide":
        detail = cases.decide(ws, ref, args.outcome, args.ground, args.note, right=args.right, reasons=args.reasons,
                              evidence=tuple(args.evidence), evidence_attachment=args.evidence_attachment)
    elif sub == "no-data":
        from megacase.services.cases import decisions
        decisions.record_no_data(ws, ref, args.reason)
        detail = queries.get_case(ws, ref)
    elif sub == "close":
        detail = cases.close(ws, ref)
    elif sub == "reopen":
        detail = cases.reopen(ws, ref, args.reason)
    else:
        detail = cases.add_note(ws, ref, args.text)
    print(_("{reference}: {state}, due {due}").format(reference=detail.reference, state=detail.summary.state_text,
                                                       due=detail.summary.due.isoformat()))
    return EXIT_OK


def _print_detail(d) -> None:
    s = d.summary
    print(f"{s.reference}  {_(s.state.label)}{' (' + _(s.outcome.label) + ')' if s.outcome else ''}")
    rows = [(_("Subject:"), f"{d.subject.display_name} <{d.subject.email or ''}>  [{d.subject.reference}, "
                            f"{d.subject.language}]"),
            (_("Requests:"), s.types_text),
            (_("Received:"), _("{moment} by {channel}").format(moment=f"{s.received_at:%Y-%m-%d %H:%M}",
                                                               channel=_(s.channel.label))),
            (_("Due:"), _("{due} ({days:+d} days)").format(due=s.due.isoformat(), days=s.days_left)
             + (" " + _("extended") if s.extended else "") + (" " + _("suspended") if s.suspended else ""))]
    if s.extension_possible:
        rows.append((_("Extension:"), _("possible until {date}").format(date=s.extension_last_day.isoformat())))
    rows += [(_("Identity:"), f"{step.method}: {step.asked} -> {step.result}") for step in d.identity_steps]
    for r in d.rights:
        outcome = _(r.outcome.label) if r.outcome else _("undecided")
        ground = f" ({_(ground_label(r.legal_ground))})" if r.legal_ground else ""
        letter = ", " + _("letter {letter}").format(letter=r.letter_id) if r.letter_id else ""
        status = _(RIGHT_STATUS.get(r.status, r.status))
        rows.append((_("Right:"), f"{_(r.right.label)}: {outcome}{ground} – {status}{letter}"))
    rows.append((_("Events:"), str(len(d.timeline))))
    width = max([10] + [len(head) for head, _value in rows]) + 1     # "Subject:   " in English
    for head, value in rows:
        print(f"{head:<{width}}{value}")


def _parse_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(_("'{text}' is not a date and time in ISO 8601 form (e.g. 2026-11-26T09:30).").format(
                             text=text)) from None


def cmd_deadline(args) -> int:
    from megacase.domain.deadlines import Suspension, compute_deadline
    try:
        received = date.fromisoformat(args.received)
    except ValueError:
        raise InputError(_("'{received}' is not a date in YYYY-MM-DD form.").format(received=args.received)) from None
    if args.suspended_days < 0:
        raise InputError(_("--suspended-days cannot be negative."))
    from datetime import timedelta
    susp = [Suspension(received, received + timedelta(days=args.suspended_days))] if args.suspended_days else []
    print(compute_deadline(received, susp, args.extended, today=received).due.isoformat())
    return EXIT_OK


def cmd_audit(args) -> int:
    from megacase.services.integrity import audit
    ws = open_workspace(args)
    if args.audit_command == "anchor":
        from megacase.services.integrity.verify import head
        current = head(ws)
        if current is None:
            print(_("The register holds no event yet."))
            return EXIT_OK
        seq, digest, at = current
        print(f"event {seq} {digest} {at}")
        return EXIT_OK
    if args.anchor_file:
        from megacase.services.integrity.verify import verify_with_files
        report = verify_with_files(ws, [Path(f) for f in args.anchor_file])
        print(report.summary_line())
        for finding in report.findings[1:]:
            print("  " + _("also: {finding}").format(finding=finding))
        return EXIT_OK if report.ok else EXIT_CHECK_FAILED
    if getattr(args, "case_ref", None) or getattr(args, "pdf", None):
        if not args.case_ref:
            raise InputError(_("--pdf needs --case REF: the case the file belongs to."))
        from megacase.commands.export import verify_case
        return verify_case(ws, args.case_ref, args.pdf)
    report = audit.verify(ws)
    print(report.summary_line())
    for finding in report.findings[1:]:
        print("  " + _("also: {finding}").format(finding=finding))
    return EXIT_OK if report.ok else EXIT_CHECK_FAILED


def cmd_gui(args) -> int:
    problem = desktop_check.display_problem()
    if problem:                  # Qt would abort the process instead (exit 134)
        print(f"megacase: {problem}", file=sys.stderr)
        return 2
    from megacase.ui.app import run_gui
    return run_gui(args)


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "case": cmd_case, "deadline": cmd_deadline, "audit": cmd_audit,
            "gui": cmd_gui, None: cmd_gui}


def _language_asked(argv: list[str]) -> str | None:
    """``--lang X`` (or ``--lang=X``) wherever it stands, read before the parser exists: its help is in X."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None, clock=None) -> int:
    """Run one command. ``clock`` replaces the system clock (tests walking a register through time)."""
    logging.basicConfig(level=os.environ.get("MEGACASE_LOG", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    argv = sys.argv[1:] if argv is None else list(argv)
    i18n.install(i18n.choose(_language_asked(argv)))
    try:
        args = build_parser().parse_args(argv)
        args.clock = clock
        i18n.install(i18n.choose(getattr(args, "lang", None)))
        if getattr(args, "self_test", False):
            from megacase.self_test import run_self_test
            return run_self_test()
        handler = getattr(args, "func", None) or COMMANDS[args.command]
        return handler(args)
    except MegaCaseError as exc:
        print(f"megacase: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:       # the computer's side: a folder that cannot be made, a full or read-only disk
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print("megacase: " + _("{problem}{where}: check the folder, its permissions and the free space.").format(
            problem=exc.strerror or exc, where=where), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("megacase: " + _("interrupted"), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader (e.g. `| head`) stopped listening: not an error of ours; keep Python quiet at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
