"""`megacase letter …`, `megacase outbox …`, `megacase import-eml FILE` and `megacase config smtp …`.

A letter is addressed by case reference; ``--to`` is only the checked override of
the known-address rule (it needs ``--reason`` and a verified identity on the case).
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import sys
from datetime import date
from pathlib import Path
from megacase import i18n
from megacase.i18n import N_, _

EXIT_OK, EXIT_CHECK_FAILED = 0, 1
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def register(subparsers, common) -> None:
    lt = subparsers.add_parser("letter", parents=[common], help=_("letter templates, previews and sending"))
    lts = lt.add_subparsers(dest="letter_command", required=True, parser_class=type(lt))
    lts.add_parser("templates", parents=[common], help=_("the template ids, one per line")).set_defaults(
        func=cmd_templates)
    for name, helptext in (("preview", N_("print the letter as it would go out")),
                           ("send", N_("save the letter in the outbox and send it to the known address"))):
        c = lts.add_parser(name, parents=[common], help=_(helptext))
        c.add_argument("reference")
        c.add_argument("template")
        c.add_argument("--processor", help=_("art19-notice: the processor it goes to"))
        c.add_argument("--requested", help=_("identity-request: what is asked (default: the open identity step)"))
        c.add_argument("--fee-amount", help=_("fee-notice: e.g. '25,00 EUR'"))
        c.add_argument("--fee-reason")
        c.add_argument("--lift-on", help=_("restriction: the day it is lifted, YYYY-MM-DD"))
        c.add_argument("--restriction-reason")
        c.add_argument("--kept", action="append", default=[], metavar="WHAT|GROUND",
                       help=_("erasure: data kept and the legal ground (repeatable)"))
        c.set_defaults(func=cmd_preview if name == "preview" else cmd_send)
    send = lts.choices["send"]
    send.add_argument("--to", help=_("another address: only with --reason and a verified identity on the case"))
    send.add_argument("--post", metavar="ADDRESS", help=_("record the letter as posted to this postal address "
                                                          "(you print and post it): only with --reason and a "
                                                          "verified identity"))
    send.add_argument("--reason", help=_("why the letter goes to --to or --post (recorded in the audit trail)"))
    send.add_argument("--body-file", help=_("the text to send instead of the rendered one (UTF-8)"))
    send.add_argument("--attach", action="append", default=[], metavar="FILE", help=_("attach a file (repeatable)"))
    send.add_argument("--access-copy", action="store_true", help=_("attach the PDF copy of the subject's data"))
    send.add_argument("--protect", action="store_true",
                      help=_("protect the PDF copy with a password (printed here; give it by another channel)"))
    send.add_argument("--portability", action="store_true", help=_("attach the data as JSON and CSV"))

    ob = subparsers.add_parser("outbox", parents=[common], help=_("letters waiting to be sent"))
    obs = ob.add_subparsers(dest="outbox_command", required=True, parser_class=type(ob))
    ls = obs.add_parser("list", parents=[common], help=_("letters not sent yet (--all: with the sent ones)"))
    ls.add_argument("--all", action="store_true")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_outbox_list)
    obs.add_parser("retry", parents=[common], help=_("send every waiting letter once (exit 1 if any still "
                                                     "waits)")) \
        .set_defaults(func=cmd_outbox_retry)
    rs = obs.add_parser("resolve", parents=[common], help=_("a letter whose sending was interrupted: did it "
                                                            "arrive?"))
    rs.add_argument("letter_id", type=int)
    group = rs.add_mutually_exclusive_group(required=True)
    group.add_argument("--arrived", action="store_true", help=_("found in the sent items: mark it sent"))
    group.add_argument("--not-arrived", action="store_true", help=_("not found: put it back in the queue"))
    rs.add_argument("--note", required=True, help=_("what was checked"))
    rs.set_defaults(func=cmd_outbox_resolve)

    im = subparsers.add_parser("import-eml", parents=[common],
                               help=_("open a case from a saved e-mail (.eml, or Outlook's .msg)"))
    im.add_argument("file")
    im.add_argument("--type", dest="types", action="append", help=_("request type (default: guessed from the "
                                                                    "text)"))
    im.add_argument("--subject-id", type=int, help=_("the existing subject, when the sender is not their known "
                                                     "address"))
    im.add_argument("--name", help=_("register the sender as a new subject with this name"))
    im.add_argument("--language", default="fr")
    im.set_defaults(func=cmd_import_eml)

    cf = subparsers.add_parser("config", parents=[common], help=_("configure the application"))
    cfs = cf.add_subparsers(dest="config_command", required=True, parser_class=type(cf))
    # Not parents=[common]: here --user is the mail server's user. The acting user is named before
    # the subcommand (megacase --user alice config smtp --user privacy@…).
    sm = cfs.add_parser("smtp", help=_("the mail server letters are sent through (same as: mail setup)"))
    sm.add_argument("--data-dir", default=argparse.SUPPRESS)
    sm.add_argument("--passphrase-file", default=argparse.SUPPRESS)
    sm.add_argument("--host")
    sm.add_argument("--port", type=int)
    sm.add_argument("--security", choices=("none", "starttls", "tls"))
    sm.add_argument("--user", dest="smtp_user", help=_("the user name on the mail server (often the sender "
                                                       "address)"))
    sm.add_argument("--sender", help=_("the From address of letters"))
    sm.add_argument("--password", action="store_true",
                    help=_("store the password in the keyring (from MEGACASE_SMTP_PASSWORD, or asked)"))
    sm.set_defaults(func=cmd_config_smtp)


def _options(args):
    from megacase.errors import InputError
    from megacase.services.letters.letters import LetterOptions
    lift = None
    if args.lift_on:
        try:
            lift = date.fromisoformat(args.lift_on)
        except ValueError:
            raise InputError(_("'{lift_on}' is not a date in YYYY-MM-DD form.").format(lift_on=args.lift_on)) from None
    kept = []
    for item in args.kept:
        what, sep, ground = item.partition("|")
        if not sep or not what.strip() or not ground.strip():
            raise InputError(_("--kept takes 'WHAT|GROUND', e.g. 'your invoices|Art. 17(3)(b) GDPR'."))
        kept.append((what.strip(), ground.strip()))
    return LetterOptions(identity_requested=args.requested, fee_amount=args.fee_amount, fee_reason=args.fee_reason,
                         restriction_lift_on=lift, restriction_reason=args.restriction_reason, kept=tuple(kept),
                         processor=args.processor)


def cmd_templates(args) -> int:
    from megacase.services.letters import templates
    for template_id in templates.template_ids():
        print(f"{template_id:<28} {_(templates.title_of(template_id))}")
    return EXIT_OK


def cmd_preview(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.letters import letters
    draft = letters.preview(open_workspace(args), args.reference, args.template, _options(args))
    kind = {"known_address": _("known address"), "processor": _("processor contact")}.get(draft.recipient_kind, "")
    print(_("To: {recipient} ({kind}; language {language})").format(
              recipient=draft.recipient, kind=kind, language=draft.language))
    print(_("Subject: {subject_line}").format(subject_line=draft.subject_line))
    print()
    print(draft.body)
    if draft.gaps:
        print("\n" + _("Not ready to send: fill {gaps}").format(gaps=", ".join(draft.gaps)), file=sys.stderr)
    return EXIT_OK


def _read_file(path: str, limit: int = MAX_ATTACHMENT_BYTES) -> bytes:
    """Bounded while reading (a /dev/zero or a pipe never says how big it is)."""
    from megacase.services.user_files import read_bounded
    return read_bounded(path, limit)


def cmd_send(args) -> int:
    from megacase.app import open_workspace
    from megacase.errors import InputError
    from megacase.services.letters import attachments, letters
    from megacase.services.records import OutgoingFile
    from megacase.services.letters.recipients import AddressOverride
    if args.to and args.post:
        raise InputError(_("Choose --to (another e-mail address) or --post (a postal address), not both."))
    if bool(args.to or args.post) != bool(args.reason):
        raise InputError(_("--to or --post and --reason go together: another address needs the reason it is "
                           "used."))
    if args.post:
        if args.protect:
            raise InputError(_("A posted copy is printed: --protect applies to e-mail only."))
        ws = open_workspace(args)
        body = _read_file(args.body_file, 1024 * 1024).decode("utf-8", "replace") if args.body_file else None
        # Enclosures are printed and posted with the letter; the register keeps them as what went.
        enclosed = [attachments.access_copy(ws, args.reference)[0]] if args.access_copy else []
        if args.portability:
            enclosed.extend(attachments.portability_files(ws, args.reference))
        letter_id = letters.post_letter(ws, args.reference, args.template,
                                        AddressOverride(args.post.replace("\\n", "\n"), args.reason, postal=True),
                                        options=_options(args), body=body, enclosures=tuple(enclosed))
        print(_("{reference}: letter {letter_id} recorded as posted; print it with 'megacase letter preview' "
                "and post it.").format(reference=args.reference.upper(), letter_id=letter_id))
        return EXIT_OK
    if args.protect and not args.access_copy:
        raise InputError(_("--protect applies to --access-copy."))
    ws = open_workspace(args)
    files, password = [], None
    if args.access_copy:
        copy, password = attachments.access_copy(ws, args.reference, protect=args.protect)
        files.append(copy)
    if args.portability:
        files.extend(attachments.portability_files(ws, args.reference))
    for path in args.attach:
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        files.append(OutgoingFile(Path(path).name, mime, _read_file(path)))
    if sum(len(f.data) for f in files) > MAX_ATTACHMENT_BYTES:
        raise InputError(_("The attachments are too large together for one e-mail (20 MB)."))
    body = _read_file(args.body_file, 1024 * 1024).decode("utf-8", "replace") if args.body_file else None
    override = AddressOverride(args.to, args.reason) if args.to else None
    result = letters.send_letter(ws, args.reference, args.template, options=_options(args), body=body,
                                 attachments=tuple(files), override=override)
    if result.sent:
        print(_("{reference}: letter {letter_id} sent ({server_reply}), Message-ID {message_id}").format(
                  reference=result.reference, letter_id=result.letter_id, server_reply=result.server_reply,
                  message_id=result.message_id))
    else:
        print(_("{reference}: letter {letter_id} {status}: {error}").format(
                  reference=result.reference, letter_id=result.letter_id, status=result.status, error=result.error))
    if password:
        print(_("Password of the PDF copy (give it to the subject by telephone, never by e-mail): {password}").format(
                  password=password))
    return EXIT_OK if result.sent else EXIT_CHECK_FAILED


def cmd_outbox_list(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.letters import outbox
    rows = outbox.list_outbox(open_workspace(args), include_sent=args.all)
    if args.json:
        print(json.dumps([{"letter": r.letter_id, "reference": r.reference, "template": r.template_id,
                           "status": r.status, "attempts": r.attempts, "created_at": r.created_at.isoformat(),
                           "sent_at": r.sent_at.isoformat() if r.sent_at else None, "message_id": r.message_id,
                           "last_error": i18n.english(r.last_error) if r.last_error else None} for r in rows],
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(_("The outbox is empty: every letter was sent."))
    for r in rows:
        when = (_("sent {moment}").format(moment=f"{r.sent_at:%Y-%m-%d %H:%M}") if r.sent_at
                else _("saved {moment}").format(moment=f"{r.created_at:%Y-%m-%d %H:%M}"))
        print(_("{letter_id:>5}  {reference:<15} {template_id:<27} {status:<9} {when}  attempts "
                "{attempts}{error}").format(
                  letter_id=r.letter_id, reference=r.reference, template_id=r.template_id, status=r.status, when=when,
                  attempts=r.attempts, error='  ' + r.last_error if r.last_error and not r.sent_at else ''))
    return EXIT_OK


def cmd_outbox_retry(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.letters import outbox
    results = outbox.retry(open_workspace(args))
    if not results:
        print(_("Nothing waits in the outbox."))
    for r in results:
        print(f"{r.letter_id:>5}  {r.reference:<15} {r.status}: {r.server_reply or r.error}")
    return EXIT_OK if all(r.sent for r in results) else EXIT_CHECK_FAILED


def cmd_outbox_resolve(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.letters import outbox
    outbox.resolve_uncertain(open_workspace(args), args.letter_id, arrived=args.arrived, note=args.note)
    print((_("Letter {letter}: marked sent.") if args.arrived else _("Letter {letter}: back in the outbox.")).format(
        letter=args.letter_id))
    return EXIT_OK


def cmd_import_eml(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.intake import eml_import, msg_import
    from megacase.services.cases.subjects import NewSubject
    data = _read_file(args.file, eml_import.MAX_BYTES)
    data, delivered = msg_import.as_eml(data)     # a .msg: its mailbox delivery time
    ws = open_workspace(args)
    new = None
    if args.name:
        new = NewSubject(args.name, eml_import.parse_eml(data).sender, args.language)
    detail = eml_import.import_eml(ws, data, args.types, subject_id=args.subject_id, new_subject=new,
                                   delivered_at=delivered)
    s = detail.summary
    identified = _("identified by the known address") if detail.identified_by_known_address else _("not identified")
    print(_("{reference}: {types}, received {received_at:%Y-%m-%d %H:%M}, due {due}, subject "
            "{reference2} ({identified})").format(
              reference=s.reference, types=s.types_text, received_at=s.received_at, due=s.due.isoformat(),
              reference2=detail.subject.reference, identified=identified))
    return EXIT_OK


def cmd_config_smtp(args) -> int:
    import getpass

    from megacase.app import open_workspace
    from megacase.errors import InputError
    from megacase.services import mail
    ws = open_workspace(args)
    current = mail.load_settings(ws)
    if any(v is not None for v in (args.host, args.port, args.security, args.smtp_user, args.sender)):
        change = mail.request_configuration(ws, args.host or current.host, args.port or current.port,
                                            args.security or current.security,
                                            args.smtp_user if args.smtp_user is not None else current.user,
                                            args.sender)
        if change is not None and change.pending:
            print(_("Change {change_id} of the mail server waits for a manager's approval (megacase route "
                    "approve {change_id}); nothing changed yet.").format(change_id=change.id))
        current = mail.load_settings(ws)
    if args.password:
        password = os.environ.get(mail.PASSWORD_ENV)
        if not password and sys.stdin is not None and sys.stdin.isatty():
            password = getpass.getpass(_("Password of {user} on {host}: ").format(user=current.user, host=current.host))
        if not password:
            raise InputError(_("Give the password in {password_env} or at the prompt.").format(
                                 password_env=mail.PASSWORD_ENV))
        mail.store_password(current, password)
    stored = _("set") if mail.password_for(current) else _("not set")
    print(_("Mail server: {host}:{port} ({security}), user {user}, sender {sender}, password {stored}").format(
              host=current.host, port=current.port, security=current.security, user=current.user or _("(none)"),
              sender=current.sender or _("(not set)"), stored=stored))
    return EXIT_OK
