"""A real SMTP server on loopback for the letter tests: restartable on its port, optionally STARTTLS + AUTH.

aiosmtpd's Controller runs the server in a thread; port 0 cannot be used (the
controller connects to its own port to check it is up), so a free port is
bound first and handed over.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self):
        return message_from_bytes(self.data, policy=default)


@dataclass
class Handler:
    messages: list[Delivered] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)       # recipients answered with 550
    refuse_reply: str = "550 5.1.1 <{address}>: Recipient address rejected"
    data_reply: str | None = None      # the answer after the message, instead of 250 (a content filter's refusal)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse_reply.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.messages.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return f"250 2.0.0 Ok: queued as TEST{len(self.messages)}"


@dataclass
class OAuthHandler(Handler):
    """Also offers XOAUTH2 (Exchange Online's token login) and checks the bearer token with ``token_check``."""
    token_check: object = None         # (user, token) -> bool
    token_logins: list[str] = field(default_factory=list)

    async def auth_XOAUTH2(self, server, args):
        import base64
        blob = args[1] if len(args) > 1 else ""
        try:
            fields = dict(f.split("=", 1) for f in base64.b64decode(blob).decode().split("\x01") if "=" in f)
            user, token = fields["user"], fields["auth"].removeprefix("Bearer ")
        except (ValueError, KeyError):
            return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot decode the XOAUTH2 response")
        if self.token_check(user, token):
            self.token_logins.append(user)
            return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False, message="535 5.7.3 Authentication unsuccessful")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting only that certificate) for 127.0.0.1."""
    import tempfile
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    folder = Path(tempfile.mkdtemp())
    (folder / "c.pem").write_bytes(cert_pem)
    (folder / "k.pem").write_bytes(key_pem)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "c.pem", folder / "k.pem")
    client = ssl.create_default_context(cadata=cert_pem.decode("ascii"))
    return server, client


class LoopbackSmtp:
    def __init__(self, tls_context: ssl.SSLContext | None = None, credentials: tuple[str, str] | None = None,
                 token_check=None, refuse_logins_with: str | None = None, size_limit: int | None = None):
        """``token_check``: offer XOAUTH2 and accept the tokens it accepts; ``refuse_logins_with``: answer every
        password login with this reply (e.g. Exchange's 535 5.7.139 for Basic authentication switched off)."""
        self.port = free_port()
        self.handler = OAuthHandler(token_check=token_check) if token_check else Handler()
        self.tls_context, self.credentials = tls_context, credentials
        self.refuse_logins_with = refuse_logins_with
        self.size_limit = size_limit
        self.logins: list[str] = []
        self._controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if self.refuse_logins_with:
            return AuthResult(success=False, handled=False, message=self.refuse_logins_with)
        ok = self.credentials is not None and (auth_data.login.decode(), auth_data.password.decode()) == \
            self.credentials
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    def start(self) -> "LoopbackSmtp":
        kwargs = {}
        if self.size_limit is not None:
            kwargs["data_size_limit"] = self.size_limit
        if self.tls_context is not None:
            kwargs.update(tls_context=self.tls_context, require_starttls=True)
        if self.credentials is not None or self.refuse_logins_with or self.handler_offers_tokens:
            # On loopback without TLS, logins are allowed (the client refuses them anywhere else).
            kwargs.update(authenticator=self._authenticate, auth_require_tls=self.tls_context is not None or (
                self.credentials is not None and not self.refuse_logins_with))
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    @property
    def handler_offers_tokens(self) -> bool:
        return isinstance(self.handler, OAuthHandler)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[Delivered]:
        return self.handler.messages


def point_at(ws, server: LoopbackSmtp, security: str = "none", user: str | None = None) -> None:
    from megacase.services import mail
    mail.configure(ws, "127.0.0.1", server.port, security, user=user, sender="privacy@megasecurity.eu")
