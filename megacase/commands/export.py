"""`megacase export case|register` and the case-file check behind `megacase audit verify --case REF [--pdf FILE]`."""

from __future__ import annotations

EXIT_OK, EXIT_CHECK_FAILED = 0, 1

from megacase.i18n import _

def register(subparsers, common) -> None:
    ex = subparsers.add_parser("export", parents=[common], help=_("case files and the register report for the "
                                                                  "authority"))
    exs = ex.add_subparsers(dest="export_command", required=True, parser_class=type(ex))
    case = exs.add_parser("case", parents=[common], help=_("the regulator's case file of one case (PDF)"))
    case.add_argument("reference")
    case.add_argument("--out", required=True, help=_("the PDF file to write"))
    # Not --lang: that is the interface's language; this is the document's (the case's own by default).
    case.add_argument("--language", choices=("fr", "nl", "en"), default=None,
                      help=_("write the case file in French, Dutch or English (default: the case's language)"))
    case.set_defaults(func=cmd_export_case)
    reg = exs.add_parser("register", parents=[common], help=_("the register report of one year (PDF and/or CSV)"))
    reg.add_argument("--year", type=int, required=True)
    reg.add_argument("--pdf", help=_("the PDF file to write"))
    reg.add_argument("--csv", help=_("the CSV file to write (UTF-8 with BOM)"))
    reg.add_argument("--csv-delimiter", default=",", help=_("field separator of the CSV (default ','; ';' "
                                                            "suits spreadsheets set to a Belgian locale)"))
    reg.add_argument("--language", choices=("fr", "nl", "en"), default=None,
                     help=_("write the PDF in French, Dutch or English (default: the interface language)"))
    reg.set_defaults(func=cmd_export_register)


def cmd_export_case(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.reports.case_file import export_case
    ws = open_workspace(args)
    result = export_case(ws, args.reference, args.out, args.language)
    chain = _("audit chain intact") if result.chain_ok else _("audit chain BROKEN (the file says where)")
    print(_("{reference}: case file ({language}) written to {path} ({events} events, {chain}); SHA-256 {sha256}")
          .format(reference=result.reference, language=result.language.upper(), path=result.path,
                  events=result.events, chain=chain, sha256=result.sha256))
    return EXIT_OK if result.chain_ok else EXIT_CHECK_FAILED


def cmd_export_register(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.reports.register_report import export_register
    ws = open_workspace(args)
    stats = export_register(ws, args.year, args.pdf, args.csv, args.csv_delimiter, language=args.language)
    written = " and ".join(p for p in (args.pdf, args.csv) if p)
    print(_("Register report {year}: {total} requests, {answered} answered; written to {written}").format(
              year=stats.year, total=stats.total, answered=stats.answered, written=written))
    return EXIT_OK


def verify_case(ws, reference: str, pdf: str | None) -> int:
    """Used by `megacase audit verify --case REF [--pdf FILE]`: prints the findings, returns the exit code."""
    from megacase.services.reports.case_file_check import check_case
    result = check_case(ws, reference, pdf)
    for line in result.notes:
        print(line)
    for line in result.findings:
        print(_("FAILED: {line}").format(line=line))
    print(f"{result.reference}: " + _("{count} events;").format(count=result.case_events) + " "
          + (_("case file matches the register.") if pdf and result.ok else
             _("check passed.") if result.ok else _("check FAILED.")))
    return EXIT_OK if result.ok else EXIT_CHECK_FAILED
