"""A register whose systems point at the loopback server, with their credentials in the (in-memory) keyring."""

from __future__ import annotations

from megacase.services import systems
from megacase.services.systems.loopback import CREDENTIALS, LoopbackSystems, demo_data

EMAIL, NAME, NUMBER = "helene.dubois@skynet.be", "Hélène Dubois", "C-104233"
NAMES = {"mailchimp": "MailChimp", "lightspeed": "Lightspeed", "office365": "Office 365",
         "google_analytics": "Google Analytics", "silvasoft": "Silvasoft"}
OPTIONS = {"office365": {"mailboxes": "info@megasecurity.eu"}, "google_analytics": {"property": "318207451"}}


def no_sleep(_seconds: float) -> None:
    """Retries are tested for their count and order, not their waiting."""


def point_all(ws, server: LoopbackSystems, credentials: bool = True) -> None:
    for key, name in NAMES.items():
        systems.configure(ws, name, base_url=server.base_url(key), options=OPTIONS.get(key),
                          credential=CREDENTIALS[key] if credentials else None)


def start_server(email=EMAIL, name=NAME, number=NUMBER) -> LoopbackSystems:
    return LoopbackSystems(demo_data(email, name, number)).start()
