"""`megacase subject correct ID [--name N] [--address A]` and `megacase subject email REF NEW`."""

from __future__ import annotations

EXIT_OK = 0

from megacase.i18n import _

def register(subparsers, common) -> None:
    sj = subparsers.add_parser("subject", parents=[common], help=_("correct a subject's details"))
    sjs = sj.add_subparsers(dest="subject_command", required=True, parser_class=type(sj))
    fix = sjs.add_parser("correct", parents=[common], help=_("correct the name or postal address of subject ID"))
    fix.add_argument("subject_id", type=int)
    fix.add_argument("--name")
    fix.add_argument("--address", help=_("the postal address (one line, or lines separated by a newline)"))
    fix.set_defaults(func=cmd_subject_correct)
    em = sjs.add_parser("email", parents=[common],
                        help=_("replace the known e-mail address on rectification case REF (identity "
                               "verified); the old address is told by a letter"))
    em.add_argument("reference")
    em.add_argument("new_email")
    em.set_defaults(func=cmd_subject_email)


def cmd_subject_correct(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.cases import subject_corrections
    info = subject_corrections.correct_details(open_workspace(args), args.subject_id, name=args.name,
                                               postal_address=args.address)
    print(_("Subject {reference} corrected.").format(reference=info.reference))
    return EXIT_OK


def cmd_subject_email(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.cases import subject_corrections
    info = subject_corrections.change_known_email(open_workspace(args), args.reference, args.new_email)
    print(_("Subject {reference}: known address replaced; a letter to the former address is in the outbox.").format(
              reference=info.reference))
    return EXIT_OK
