"""`megacase grounds [--outcome OUTCOME]`: the legal grounds a decision may cite, by code (for `case decide --ground`)."""

from __future__ import annotations

EXIT_OK = 0

from megacase.i18n import _

def register(subparsers, common) -> None:
    g = subparsers.add_parser("grounds", parents=[common],
                              help=_("the legal grounds a partial grant, refusal or fee may cite (codes for "
                                     "--ground)"))
    g.add_argument("--outcome", choices=("partly_granted", "refused", "fee_requested"))
    g.set_defaults(func=cmd_grounds)


def cmd_grounds(args) -> int:
    from megacase.domain.grounds import GROUNDS
    from megacase.domain.requests import Outcome
    for g in GROUNDS:
        if args.outcome and Outcome(args.outcome) not in g.outcomes:
            continue
        evidence = "  " + _("(needs evidence: --evidence REF)") if g.needs_evidence else ""
        print(f"{g.code:<22} {_(g.label)}{evidence}")
    return EXIT_OK
