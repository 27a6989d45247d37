"""Why a letter did not leave, in one line an officer can act on.

Every transport turns what went wrong into a ``DeliveryError`` with a ``kind``:
``dns``, ``tls``, ``auth`` (incl. Exchange Online's refusal of Basic authentication),
``signin`` (the Microsoft sign-in must be done again), ``relay``, ``size``,
``recipient``, ``connect``, ``refused`` (any other refusal) or ``uncertain``.
The messages are in the officer's language and keep their English for the record
(``i18n.Message``); what follows for the letter is said by the outbox.
Server texts may quote addresses: they are scrubbed before they are shown or stored.
"""

from __future__ import annotations

import re
import socket
import ssl

from megacase import i18n
from megacase.i18n import _

_ADDRESS = re.compile(r"[^\s<>\"',;:()]+@[^\s<>\"',;:()]+")

# Exchange Online's answers when a password login is refused because Basic authentication is off
# (535 5.7.139 "Authentication unsuccessful, basic authentication is disabled"; 550 5.7.30 "Basic
# authentication is not supported for Client Submission"; 535 5.7.3 when SMTP AUTH is disabled).
BASIC_AUTH_DISABLED = ("5.7.139", "5.7.30")
RELAY_CODES = ("5.7.1", "5.7.54", "5.7.60", "5.7.64")
SIZE_CODES = ("5.3.4", "5.2.3", "4.3.1")


def scrub(text: str) -> str:
    """Server messages may quote the recipient: never keep an address in an error or reply we store."""
    return _ADDRESS.sub("<address>", text)[:300]


class DeliveryError(Exception):
    """A message was not delivered.

    ``permanent``: the server refused this message for good (sending it again will not help);
    ``uncertain``: the connection broke after the message was handed over, so it may have arrived.
    The message says what went wrong, not what happens next (the letter waits, nothing was fetched): the
    caller adds that. Written with ``_()`` and scrubbed of addresses, it is fit to show and, as
    ``i18n.to_record`` / ``i18n.english``, to store.
    """

    def __init__(self, message: str, permanent: bool = False, uncertain: bool = False, kind: str = "refused"):
        super().__init__(message if isinstance(message, i18n.Message) else scrub(message))
        self.permanent, self.uncertain, self.kind = permanent, uncertain, kind

    @property
    def message(self) -> str:
        return self.args[0]


class SignInRequired(DeliveryError):
    """The stored Microsoft sign-in can no longer be refreshed: a person must sign in again.

    ``why`` is a translated reason (``_()``)."""

    def __init__(self, why: str, first: bool = False):
        text = (_("Sign in to Office 365 ({why}): Tools › Mail… › Sign in with a code, or `megacase mail signin`.")
                if first else
                _("Sign in to Office 365 again ({why}): Tools › Mail… › Sign in with a code, or "
                  "`megacase mail signin`."))
        super().__init__(text.format(why=why), kind="signin")


def reply_text(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return scrub(f"{code} {' '.join(text.split())}")


def classify_reply(code: int, text: str) -> str | None:
    """The kind of an SMTP refusal that is not about this one letter (auth, relay, size), else None."""
    if any(c in text for c in BASIC_AUTH_DISABLED) or "basic authentication" in text.lower():
        return "basic-auth-disabled"
    if code in (530, 535) or "5.7.8" in text or "5.7.3 " in text:
        return "auth"
    if code == 552 or any(c in text for c in SIZE_CODES) or "size" in text.lower():
        return "size"
    if any(c in text for c in RELAY_CODES) or "relay" in text.lower() or "send as" in text.lower():
        return "relay"
    return None


def _refused_step(step: str, text: str) -> str:
    """Whole sentences per step, so that each language can build its own."""
    if step == "recipient":
        return _("The mail server refused the recipient: {reply}").format(reply=text)
    if step == "sender":
        return _("The mail server refused the sender address: {reply}").format(reply=text)
    if step == "login":
        return _("The mail server refused the login: {reply}").format(reply=text)
    return _("The mail server refused the message: {reply}").format(reply=text)


def refusal(code: int, resp: bytes | str, step: str, oauth: bool = False) -> DeliveryError:
    """One line for an SMTP refusal at a ``step`` (recipient, sender, login, message); auth and relay problems
    leave the letter queued."""
    text = reply_text(code, resp)
    kind = classify_reply(code, text)
    if kind == "basic-auth-disabled":
        return DeliveryError(_("Office 365 refused the password login: Basic authentication is disabled ({reply}). "
                               "Switch to Office 365 sign-in: megacase mail setup --transport smtp-oauth (or graph)."
                               ).format(reply=text), kind="auth")
    if kind == "auth" or step == "login":   # a 535 says "authentication" whatever the text
        if oauth:
            return DeliveryError(_("The mail server refused the Office 365 token ({reply}): check that the app has "
                                   "SMTP.Send and that SMTP AUTH is enabled for the mailbox.").format(reply=text),
                                 kind="auth")
        if kind == "auth":
            return DeliveryError(_("The mail server did not accept the user name and password ({reply})."
                                   ).format(reply=text), kind="auth")
    if kind == "size":
        return DeliveryError(_("The letter is too large for the mail server ({reply}).").format(reply=text),
                             permanent=True, kind="size")
    if kind == "relay":
        return DeliveryError(_("The mail server refuses to relay this letter ({reply}): the user may not send as the "
                               "sender address, or must log in.").format(reply=text), kind="relay")
    return DeliveryError(_refused_step(step, text), permanent=code >= 500 and step != "login",
                         kind="auth" if step == "login" else "recipient" if step == "recipient" else "refused")


MAIL_SERVER, MAILBOX_SERVER = "mail", "mailbox"


def network_failure(exc: BaseException, host: str, port: int, server: str = MAIL_SERVER) -> DeliveryError:
    """DNS, TLS or connection trouble before anything was handed over (``server``: the mail server that sends,
    or the mailbox server that MegaCase reads)."""
    mailbox = server == MAILBOX_SERVER
    if isinstance(exc, socket.gaierror):
        text = (_("Cannot find the mailbox server {host}: its name does not resolve (DNS). Check the server name "
                  "and the network.") if mailbox else
                _("Cannot find the mail server {host}: its name does not resolve (DNS). Check the server name and "
                  "the network."))
        return DeliveryError(text.format(host=host), kind="dns")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return DeliveryError(_("The certificate of {host} could not be verified ({reason}); nothing was sent."
                               ).format(host=host, reason=scrub(str(exc.verify_message))), kind="tls")
    if isinstance(exc, ssl.SSLError):
        return DeliveryError(_("The encrypted connection (TLS) to {host}:{port} failed ({reason}): check the "
                               "security setting (STARTTLS on port 587, TLS on 465).").format(
                                   host=host, port=port, reason=scrub(str(exc.reason or exc))), kind="tls")
    what = exc.strerror if isinstance(exc, OSError) and exc.strerror else (str(exc) or type(exc).__name__)
    text = (_("Cannot reach the mailbox server {host}:{port} ({reason}).") if mailbox else
            _("Cannot reach the mail server {host}:{port} ({reason})."))
    return DeliveryError(text.format(host=host, port=port, reason=scrub(what)), kind="connect")
