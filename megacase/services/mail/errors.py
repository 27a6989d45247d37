"""Why a letter did not leave, in one line an officer can act on.

Every transport turns what went wrong into a ``DeliveryError`` with a ``kind``:
``dns``, ``tls``, ``auth`` (incl. Exchange Online's refusal of Basic authentication),
``signin`` (the Microsoft sign-in must be done again), ``relay``, ``size``,
``recipient``, ``connect``, ``refused`` (any other refusal) or ``uncertain``.
Server texts may quote addresses: they are scrubbed before they are shown or stored.
"""

from __future__ import annotations

import re
import socket
import ssl

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
    The message is scrubbed of addresses and fit to show and store.
    """

    def __init__(self, message: str, permanent: bool = False, uncertain: bool = False, kind: str = "refused"):
        super().__init__(scrub(message))
        self.permanent, self.uncertain, self.kind = permanent, uncertain, kind


class SignInRequired(DeliveryError):
    """The stored Microsoft sign-in can no longer be refreshed: a person must sign in again."""

    def __init__(self, why: str, first: bool = False):
        super().__init__(f"Sign in to Office 365{'' if first else ' again'} ({why}): Tools › Mail… › Sign in with a "
                         "code, or `megacase mail signin`; the letter waits in the outbox.", kind="signin")


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


def refusal(code: int, resp: bytes | str, what: str, oauth: bool = False) -> DeliveryError:
    """One line for an SMTP refusal at any step; auth and relay problems leave the letter queued."""
    text = reply_text(code, resp)
    kind = classify_reply(code, text)
    if kind == "basic-auth-disabled":
        return DeliveryError(f"Office 365 refused the password login: Basic authentication is disabled ({text}). "
                             "Switch to Office 365 sign-in: megacase mail setup --transport smtp-oauth (or graph).",
                             kind="auth")
    if kind == "auth":
        if oauth:
            return DeliveryError(f"The mail server refused the Office 365 token ({text}): check that the app has "
                                 "SMTP.Send and that SMTP AUTH is enabled for the mailbox.", kind="auth")
        return DeliveryError(f"The mail server did not accept the user name and password ({text}).", kind="auth")
    if kind == "size":
        return DeliveryError(f"The letter is too large for the mail server ({text}).", permanent=True, kind="size")
    if kind == "relay":
        return DeliveryError(f"The mail server refuses to relay this letter ({text}): the user may not send as the "
                             "sender address, or must log in.", kind="relay")
    return DeliveryError(f"The mail server refused {what}: {text}", permanent=code >= 500,
                         kind="recipient" if what == "the recipient" else "refused")


def network_failure(exc: BaseException, host: str, port: int) -> DeliveryError:
    """DNS, TLS or connection trouble before anything was handed over: the letter waits."""
    if isinstance(exc, socket.gaierror):
        return DeliveryError(f"Cannot find the mail server {host}: its name does not resolve (DNS). Check the "
                             "server name and the network; the letter waits in the outbox.", kind="dns")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return DeliveryError(f"The certificate of {host} could not be verified ({exc.verify_message}); "
                             "nothing was sent.", kind="tls")
    if isinstance(exc, ssl.SSLError):
        return DeliveryError(f"The encrypted connection (TLS) to {host}:{port} failed ({exc.reason or exc}): check "
                             "the security setting (STARTTLS on port 587, TLS on 465).", kind="tls")
    what = exc.strerror if isinstance(exc, OSError) and exc.strerror else (str(exc) or type(exc).__name__)
    return DeliveryError(f"Cannot reach the mail server {host}:{port} ({what}); the letter waits in the outbox.",
                         kind="connect")
