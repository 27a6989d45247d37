"""`megacase mail setup|test|signin|signout|fetch`, `megacase mailbox setup` and `megacase inbox …`.

``config smtp`` (megacase/commands/letters.py) stays as the older name of ``mail setup``
for a password login. Here ``--user`` is the mail server's user; the acting user is
named before the command (megacase --user alice mail setup --user privacy@…).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from megacase.i18n import _

EXIT_OK, EXIT_CHECK_FAILED = 0, 1


def _profile_options(p) -> None:
    p.add_argument("--data-dir", default=argparse.SUPPRESS)
    p.add_argument("--passphrase-file", default=argparse.SUPPRESS)


def register(subparsers, common) -> None:
    ml = subparsers.add_parser("mail", parents=[common], help=_("how letters leave, and fetching the privacy "
                                                                "mailbox"))
    mls = ml.add_subparsers(dest="mail_command", required=True, parser_class=type(ml))
    st = mls.add_parser("setup", help=_("choose and configure the transport letters leave by"))
    _profile_options(st)
    st.add_argument("--transport", choices=("smtp-password", "smtp-oauth", "graph"))
    st.add_argument("--host")
    st.add_argument("--port", type=int)
    st.add_argument("--security", choices=("none", "starttls", "tls"))
    st.add_argument("--user", dest="mail_user", help=_("the mailbox that signs in (often the sender address)"))
    st.add_argument("--sender", help=_("the From address of letters"))
    st.add_argument("--tenant", help=_("Office 365: the Entra tenant (ID or domain)"))
    st.add_argument("--client-id", help=_("Office 365: the application (client) ID of the app registration"))
    st.add_argument("--authority-host", help=_("Office 365 sign-in host (other Microsoft clouds only)"))
    st.add_argument("--graph-url", help=_("Microsoft Graph address (other Microsoft clouds only)"))
    st.add_argument("--password", action="store_true",
                    help=_("smtp-password: store the password in the keyring (from MEGACASE_SMTP_PASSWORD, or "
                           "asked)"))
    st.set_defaults(func=cmd_mail_setup)
    mls.add_parser("test", parents=[common], help=_("send a test message to the sender address (exit 1 if it "
                                                    "fails)")) \
        .set_defaults(func=cmd_mail_test)
    si = mls.add_parser("signin", parents=[common], help=_("sign in to Office 365 (the token is kept in the "
                                                           "keyring)"))
    si.add_argument("--device-code", action="store_true", help=_("sign in on another device with a code"))
    si.set_defaults(func=cmd_mail_signin)
    mls.add_parser("signout", parents=[common], help=_("forget the Office 365 sign-in kept in the keyring")) \
        .set_defaults(func=cmd_mail_signout)
    mls.add_parser("fetch", parents=[common], help=_("read new messages of the privacy mailbox into the inbox")) \
        .set_defaults(func=cmd_mail_fetch)

    mb = subparsers.add_parser("mailbox", parents=[common], help=_("the privacy mailbox requests and answers "
                                                                   "arrive in"))
    mbs = mb.add_subparsers(dest="mailbox_command", required=True, parser_class=type(mb))
    ms = mbs.add_parser("setup", help=_("configure the privacy mailbox (the password goes to the keyring)"))
    _profile_options(ms)
    ms.add_argument("--kind", required=True, choices=("imap", "graph", "none"))
    ms.add_argument("--host")
    ms.add_argument("--port", type=int)
    ms.add_argument("--security", choices=("none", "starttls", "tls"))
    ms.add_argument("--user", dest="mailbox_user", help=_("the mailbox's user (its address)"))
    ms.add_argument("--folder")
    ms.add_argument("--auth", choices=("password", "oauth"), help=_("IMAP: log in with a password or Office 365"))
    ms.add_argument("--poll-minutes", type=int)
    ms.add_argument("--since", metavar="YYYY-MM-DD", help=_("ignore messages received before this day ('' for "
                                                            "all)"))
    ms.add_argument("--password", action="store_true",
                    help=_("store the password in the keyring (from MEGACASE_MAILBOX_PASSWORD, or asked)"))
    ms.set_defaults(func=cmd_mailbox_setup)

    ib = subparsers.add_parser("inbox", parents=[common], help=_("messages from the privacy mailbox to act on"))
    ibs = ib.add_subparsers(dest="inbox_command", required=True, parser_class=type(ib))
    ls = ibs.add_parser("list", parents=[common], help=_("items to act on (--all: with those dealt with)"))
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--all", action="store_true")
    ls.set_defaults(func=cmd_inbox_list)
    sh = ibs.add_parser("show", parents=[common], help=_("print an item's text (nothing is rendered or opened)"))
    sh.add_argument("item", type=int)
    sh.set_defaults(func=cmd_inbox_show)
    op = ibs.add_parser("open", parents=[common], help=_("open a case from an item (received at the server's "
                                                         "time)"))
    op.add_argument("item", type=int)
    op.add_argument("--type", dest="types", action="append", help=_("request type (default: the guessed ones)"))
    op.add_argument("--subject-id", type=int, help=_("the existing subject, when the sender is not their known "
                                                     "address"))
    op.add_argument("--name", help=_("register the sender as a new subject with this name"))
    op.add_argument("--language", help=_("the new subject's language (default: the guessed one)"))
    op.set_defaults(func=cmd_inbox_open)
    lk = ibs.add_parser("link", parents=[common], help=_("file an item in an existing case"))
    lk.add_argument("item", type=int)
    lk.add_argument("reference")
    lk.set_defaults(func=cmd_inbox_link)
    dm = ibs.add_parser("dismiss", parents=[common], help=_("file an item as not a request, with the reason"))
    dm.add_argument("item", type=int)
    dm.add_argument("--reason", required=True)
    dm.set_defaults(func=cmd_inbox_dismiss)


def _secret(env: str, prompt: str) -> str:
    from megacase.errors import InputError
    value = os.environ.get(env)
    if not value and sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(prompt)
    if not value:
        raise InputError(_("Give the password in {env} or at the prompt.").format(env=env))
    return value


def describe(s) -> str:
    where = f"{s.host}:{s.port} ({s.security})" if s.transport != "graph" else s.graph_url
    office = _(", tenant {tenant}, app {app}").format(tenant=s.tenant or _("(not set)"),
                                                      app=s.client_id or _("(not set)")) \
        if s.uses_microsoft_sign_in else ""
    return _("Letters leave by {transport} through {where}, user {user}, sender {sender}").format(
        transport=s.transport, where=where, user=s.user or _("(none)"), sender=s.sender or _("(not set)")) + office


def cmd_mail_setup(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import mail
    ws = open_workspace(args)
    cur = mail.load_settings(ws)
    transport = args.transport or cur.transport
    host = args.host or cur.host
    saved = mail.configure(ws, host, args.port or cur.port, args.security or cur.security,
                           args.mail_user if args.mail_user is not None else cur.user, args.sender,
                           transport=transport, tenant=args.tenant, client_id=args.client_id,
                           authority_host=args.authority_host, graph_url=args.graph_url)
    if args.password:
        prompt = _("Password of {user} on {host}: ").format(user=saved.user, host=saved.host)
        mail.store_password(saved, _secret(mail.PASSWORD_ENV, prompt))
    print(describe(saved))
    if saved.transport == "smtp-password":
        print(_("Password: set") if mail.password_for(saved) else _("Password: not set"))
    else:
        signed = mail.sign_in_for(saved).signed_in_as()
        print(_("Office 365 sign-in: {signed}").format(signed=signed or _("nobody yet (megacase mail signin)")))
    return EXIT_OK


def cmd_mail_test(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import mail
    ws = open_workspace(args)
    result = mail.send_test_message(ws)
    said = _("Test message sent: {line}") if result.ok else _("Test message NOT sent: {line}")
    print(said.format(line=result.line))
    return EXIT_OK if result.ok else EXIT_CHECK_FAILED


def _sign_in(args):
    from megacase.app import open_workspace
    from megacase.errors import InputError
    from megacase.services import mail
    ws = open_workspace(args)
    s = mail.load_settings(ws)
    box = mail.load_mailbox(ws)
    if not (s.uses_microsoft_sign_in or (box.kind == "graph" or (box.kind == "imap" and box.auth == "oauth"))):
        raise InputError(_("Neither letters nor the mailbox use Office 365 sign-in: megacase mail setup "
                           "--transport smtp-oauth|graph first."))
    return s, box, mail.sign_in_for(s)


def cmd_mail_signin(args) -> int:
    from megacase.services.mail.errors import DeliveryError
    from megacase.services.mail.oauth import sign_in_scopes
    s, box, signin = _sign_in(args)
    scopes = sign_in_scopes(s, box.kind, box.auth)
    try:
        if args.device_code:
            flow = signin.begin_device_code(scopes)
            print(flow["message"], flush=True)
            user = signin.finish_device_code(flow)
        else:
            user = signin.sign_in_interactive(scopes, login_hint=s.user)
    except DeliveryError as exc:
        from megacase.errors import InputError
        raise InputError(str(exc)) from None
    print(_("Signed in to Office 365 as {user}; the sign-in is kept in the system keyring.").format(user=user))
    return EXIT_OK


def cmd_mail_signout(args) -> int:
    _s, _box, signin = _sign_in(args)
    signin.sign_out()
    print(_("The Office 365 sign-in was removed from the keyring."))
    return EXIT_OK


def cmd_mail_fetch(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.intake import fetch
    ws = open_workspace(args)
    print(fetch.fetch(ws).summary)
    return EXIT_OK


def cmd_mailbox_setup(args) -> int:
    from megacase.app import open_workspace
    from megacase.services import mail
    ws = open_workspace(args)
    box = mail.configure_mailbox(ws, "" if args.kind == "none" else args.kind, host=args.host, port=args.port,
                                 security=args.security, user=args.mailbox_user, folder=args.folder, auth=args.auth,
                                 poll_minutes=args.poll_minutes, since=args.since)
    if args.password:
        prompt = _("Password of {user} on {host}: ").format(user=box.user, host=box.host)
        mail.store_mailbox_password(box, _secret(mail.config.MAILBOX_PASSWORD_ENV, prompt))
    if not box.kind:
        print(_("No privacy mailbox is fetched."))
        return EXIT_OK
    where = f"{box.host}:{box.port} ({box.security}), " + _("login {auth}").format(auth=box.auth) \
        if box.kind == "imap" else "Microsoft Graph"
    since = _(", messages since {date}").format(date=box.since) if box.since else ""
    print(_("Privacy mailbox: {kind} {user} folder {folder} on {where}{since}; fetched every {poll_minutes} "
            "minutes while the window is open").format(
              kind=box.kind, user=box.user, folder=box.folder, where=where, since=since,
              poll_minutes=box.poll_minutes))
    if box.kind == "imap" and box.auth == "password":
        print(_("Password: set") if mail.mailbox_password_for(box) else _("Password: not set"))
    return EXIT_OK


def cmd_inbox_list(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.intake import inbox
    ws = open_workspace(args)
    items = inbox.list_items(ws, include_done=args.all)
    if args.json:
        print(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
        return EXIT_OK
    print("{:>5}  {:<16}  {:<10} {:<9} {:<14} {}".format(_("ITEM"), _("RECEIVED"), _("KIND"), _("STATUS"), _("CASE"),
                                                        _("SENDER / SUBJECT")))
    for i in items:
        flag = f"  [{i.flag}]" if i.flag else ""
        print(f"{i.id:>5}  {i.received_at:%Y-%m-%d %H:%M}  {i.kind:<10} {i.status:<9} {i.case_reference or '':<14} "
              f"{i.sender} / {i.subject_line}{flag}")
    return EXIT_OK


def cmd_inbox_show(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.intake import inbox
    print(inbox.message_text(open_workspace(args), args.item))
    return EXIT_OK


def cmd_inbox_open(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.intake import inbox
    from megacase.services.cases.queries import get_case
    from megacase.services.cases.subjects import NewSubject
    ws = open_workspace(args)
    item = inbox.get_item(ws, args.item)
    new = NewSubject(args.name, item.sender, args.language or item.language or "fr") if args.name else None
    ref = inbox.open_case(ws, args.item, args.types, subject_id=args.subject_id, new_subject=new)
    s = get_case(ws, ref).summary
    print(_("{ref}: {types}, received {received_at:%Y-%m-%d %H:%M} (server time), due {due}").format(
              ref=ref, types=s.types_text, received_at=s.received_at, due=s.due.isoformat()))
    return EXIT_OK


def cmd_inbox_link(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.intake import inbox
    ref = inbox.link(open_workspace(args), args.item, args.reference)
    print(_("Item {item} filed in {ref}.").format(item=args.item, ref=ref))
    return EXIT_OK


def cmd_inbox_dismiss(args) -> int:
    from megacase.app import open_workspace
    from megacase.services.intake import inbox
    inbox.dismiss(open_workspace(args), args.item, args.reason)
    print(_("Item {item} dismissed.").format(item=args.item))
    return EXIT_OK
