"""`megacase systems list|test|configure|findings`, `megacase collect`, `megacase withhold`, `megacase package`
and `megacase erase-at`: the subject's data in the shop's systems, gathered, delivered and erased with receipts."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

from megacase.errors import InputError
from megacase.i18n import _

EXIT_OK, EXIT_FAILED = 0, 1


def register(subparsers, common) -> None:
    sy = subparsers.add_parser("systems", parents=[common], help=_("the shop's systems and their connectors"))
    sys_ = sy.add_subparsers(dest="systems_command", required=True, parser_class=type(sy))
    ls = sys_.add_parser("list", parents=[common], help=_("every system of the register, its connector and its "
                                                          "state"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    test = sys_.add_parser("test", parents=[common], help=_("test a connector with one harmless call"))
    test.add_argument("name")
    test.set_defaults(func=cmd_test)
    cf = sys_.add_parser("configure", parents=[common], help=_("base URL, options and credential of a connector"))
    cf.add_argument("name")
    cf.add_argument("--base-url", help=_("the API's address with its version path (default: the vendor's)"))
    cf.add_argument("--credential", action="store_true",
                    help=_("store the credential in the keyring (asked, or read from MEGACASE_<NAME>_KEY)"))
    cf.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                    help=_("a connector option: mailboxes=a@…,b@… (Office 365), property=ID (Google Analytics)"))
    cf.set_defaults(func=cmd_configure)
    fd = sys_.add_parser("findings", parents=[common], help=_("what each system held for a case (with ids)"))
    fd.add_argument("reference")
    fd.add_argument("--json", action="store_true")
    fd.set_defaults(func=cmd_findings)

    co = subparsers.add_parser("collect", parents=[common],
                               help=_("record what a system holds for a case's subject (connector, export "
                                      "file, or nothing held)"))
    co.add_argument("reference")
    co.add_argument("--system", help=_("one system (default: every system with a ready connector)"))
    co.add_argument("--file", help=_("an export file saved from the system (CSV, JSON, XLSX or PDF)"))
    co.add_argument("--nothing-held", action="store_true", help=_("the system holds nothing on the subject"))
    co.add_argument("--how", help=_("with --nothing-held: how the system was searched"))
    co.set_defaults(func=cmd_collect)

    wh = subparsers.add_parser("withhold", parents=[common],
                               help=_("leave a row or field that concerns others out of the access package "
                                      "(Art. 15(4))"))
    wh.add_argument("reference")
    wh.add_argument("--finding", type=int, required=True, help=_("the finding's id (megacase systems findings "
                                                                 "REF)"))
    wh.add_argument("--category", required=True)
    wh.add_argument("--row", type=int, required=True, help=_("the row's number in the category, from 1"))
    wh.add_argument("--field", help=_("only this field of the row"))
    wh.add_argument("--reason", required=True)
    wh.set_defaults(func=cmd_withhold)

    pk = subparsers.add_parser("package", parents=[common], help=_("write the access package of a case"))
    pk.add_argument("reference")
    pk.add_argument("--out", required=True, help=_("the PDF to write; with --portability the ZIP goes beside it"))
    pk.add_argument("--portability", action="store_true", help=_("also the ZIP of JSON and CSV per system "
                                                                 "(Art. 20)"))
    pk.add_argument("--protect", action="store_true", help=_("encrypt the PDF and the ZIP (AES-256); the "
                                                             "password is printed once"))
    pk.set_defaults(func=cmd_package)

    ea = subparsers.add_parser("erase-at", parents=[common],
                               help=_("erase the subject at one system (dry run first), keeping its answer as "
                                      "receipt"))
    ea.add_argument("reference")
    ea.add_argument("--system", required=True)
    ea.add_argument("--dry-run", action="store_true", help=_("show and record what would be erased; change "
                                                             "nothing"))
    ea.add_argument("--identifier", help=_("Google Analytics: the subject's client id (_ga cookie) or user id"))
    ea.set_defaults(func=cmd_erase_at)


def _ws(args):
    from megacase.app import open_workspace
    return open_workspace(args)


def cmd_list(args) -> int:
    from megacase.services import systems
    rows = systems.list_systems(_ws(args))
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    print("{:<18} {:<11} {:<12} {:<44} {}".format(_("SYSTEM"), _("CONNECTOR"), _("CREDENTIAL"), _("BASE URL"),
                                                  _("LEGAL HOLD")))
    files_only, yes = _("files only"), _("yes")
    for r in rows:
        print(f"{r.processor:<18} {r.connector or files_only:<11} {r.credential:<12} {(r.base_url or '—')[:44]:<44} "
              f"{yes if r.hold_ground else ''}")
    return EXIT_OK


def cmd_test(args) -> int:
    from megacase.services import systems
    from megacase.services.systems.http import ConnectorError
    try:
        print(systems.test_connection(_ws(args), args.name))
    except ConnectorError as exc:
        print(str(exc))
        return EXIT_FAILED
    return EXIT_OK


def _read_credential(name: str, env_var: str) -> str:
    value = os.environ.get(env_var)
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(_("Credential for {name}: ").format(name=name))
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise InputError(_("Give the credential at the prompt, on standard input, or in {env_var}.").format(
                             env_var=env_var))
    return line.strip()


def cmd_configure(args) -> int:
    from megacase.services import systems
    from megacase.services.systems.connections import require_spec
    spec = require_spec(args.name)
    options = {}
    for text in args.option:
        if "=" not in text:
            raise InputError(_("'{text}' is not NAME=VALUE.").format(text=text))
        k, v = text.split("=", 1)
        options[k.strip()] = v.strip()
    credential = _read_credential(spec.processor, spec.env_var) if args.credential else None
    state = systems.configure(_ws(args), args.name, base_url=args.base_url, options=options or None,
                              credential=credential)
    print(f"{state.processor}: " + (state.base_url or _("export files only")) + "; "
          + _("credential {state}").format(state=state.credential)
          + ("; " + _("options {options}").format(options=state.options) if state.options else ""))
    return EXIT_OK


def _finding_line(f) -> str:
    cats = ", ".join(f.category_names) or "—"
    return (f"#{f.id:<4} {f.processor:<17} {f.kind:<8} {f.label_text:<28} {f.row_count:>4} rows  {cats}  "
            f"{f.at:%Y-%m-%d %H:%M} {f.by}  sha256 {f.sha256[:16]}…")


def cmd_findings(args) -> int:
    from megacase.services import systems
    rows = systems.case_findings(_ws(args), args.reference)
    if args.json:
        print(json.dumps([f.as_json() for f in rows], ensure_ascii=False, indent=2))
    else:
        for f in rows:
            print(_finding_line(f))
    return EXIT_OK


def cmd_collect(args) -> int:
    from megacase.services import systems
    ws = _ws(args)
    if args.nothing_held or args.file:
        if not args.system:
            raise InputError(_("--file and --nothing-held need --system NAME."))
        if args.nothing_held:
            if args.file:
                raise InputError(_("Give either --file or --nothing-held, not both."))
            if not args.how:
                raise InputError(_("--nothing-held needs --how TEXT: how the system was searched."))
            print(_finding_line(systems.record_nothing_held(ws, args.reference, args.system, args.how)))
        else:
            print(_finding_line(systems.import_path(ws, args.reference, args.system, args.file)))
        return EXIT_OK
    if args.how:
        raise InputError(_("--how goes with --nothing-held."))
    if args.system:
        print(_finding_line(systems.collect_connector(ws, args.reference, args.system)))
        return EXIT_OK
    failed = False
    for r in systems.collect_all(ws, args.reference):
        if r.finding is not None:
            print(_finding_line(r.finding))
        else:
            print(" " * 6 + _("{system:<17} not collected: {error}").format(system=r.system, error=r.error))
            failed = failed or not r.error.startswith("no connector")
    return EXIT_FAILED if failed else EXIT_OK


def cmd_withhold(args) -> int:
    from megacase.services import systems
    if args.row < 1:
        raise InputError(_("--row counts from 1."))
    f = systems.withhold(_ws(args), args.reference, args.finding, args.category, args.row - 1, args.field,
                         args.reason)
    print(_("{processor}: {count} item(s) withheld from the package.").format(
              processor=f.processor, count=len(f.withheld)))
    return EXIT_OK


def cmd_package(args) -> int:
    from megacase.services import systems
    out = Path(args.out)
    package = systems.build_package(_ws(args), args.reference, portability=args.portability, protect=args.protect)
    targets = [out, out.with_suffix(".zip")][:len(package.files)]     # the PDF first, then the ZIP
    try:
        for f, path in zip(package.files, targets):
            path.write_bytes(f.data)
            print(f"{path}  sha256 {package.sha256[f.filename]}")
    except OSError as exc:
        raise InputError(_("Cannot write {filename}: {strerror}.").format(
                             filename=exc.filename, strerror=exc.strerror)) from None
    if package.password:
        print(_("Password (give it by another channel; it is not kept): {password}").format(
                  password=package.password))
    return EXIT_OK


def cmd_erase_at(args) -> int:
    from megacase.services import systems
    ws = _ws(args)
    if args.dry_run:
        step = systems.dry_run(ws, args.reference, args.system, args.identifier)
        print(_("{system} (dry run): {summary}").format(system=step.system, summary=step.plan.summary))
        for action in step.plan.actions:
            print("  " + _("would call {action}").format(action=action))
        return EXIT_OK
    step = systems.erase(ws, args.reference, args.system, args.identifier)
    f = step.finding
    print(f"{step.system}: {f.label_text.lower()}{' — ' + f.ground if f.ground else ''}: {f.summary}")
    print("  " + _("receipt sha256 {sha256}").format(sha256=f.sha256))
    return EXIT_OK if f.outcome != "task" else EXIT_FAILED
