"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests that send letters."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class Sink:
    port: int
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_sink():
    sink = Sink(free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def configure_mail(ws, sink: Sink) -> None:
    """Point the register's mail settings at the sink (no login: loopback, no encryption)."""
    from megacase.services import mail
    mail.configure(ws, "127.0.0.1", sink.port, "none", sender="privacy@megasecurity.eu")
