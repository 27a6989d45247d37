"""The demo's systems: its cases' search steps are answered by the real connectors against the loopback
server (holding each demo subject's data) and by realistic export files, so the demo register holds real
findings, sealed and hashed like any other. No credential is stored: the connectors are built here for the
run and forgotten; the server stops when the demo is made."""

from __future__ import annotations

import random
from contextlib import contextmanager
from typing import Iterator

import megacase.services.systems.collect as collect
from megacase.services.systems.connectors import ga4, graph, lightspeed, mailchimp, silvasoft
from megacase.services.systems.demo_exports import carrier_shipments_xlsx, paypal_activity_csv
from megacase.services.systems.http import Http
from megacase.services.systems.loopback import CREDENTIALS, LoopbackSystems, demo_data
from megacase.services.workspace import Workspace


def _address(text: str | None) -> tuple[str, str, str]:
    street, _, rest = (text or "Rue Haute 1, 1000 Bruxelles").partition(", ")
    zipcode, _, city = rest.partition(" ")
    return street, zipcode or "1000", city or "Bruxelles"


class DemoSystems:
    def __init__(self, server: LoopbackSystems):
        self.server = server

    def _connector(self, system: str):
        url = self.server.base_url
        if system == "Lightspeed":
            user, _, secret = CREDENTIALS["lightspeed"].partition(":")
            return lightspeed.Lightspeed(Http("Lightspeed", url("lightspeed"), auth=(user, secret)))
        if system == "MailChimp":
            return mailchimp.MailChimp(Http("MailChimp", url("mailchimp"), auth=("demo", CREDENTIALS["mailchimp"])))
        if system == "Office 365":
            return graph.Graph(Http("Office 365", url("office365"),
                                    headers={"Authorization": f"Bearer {CREDENTIALS['office365']}"}),
                               ["info@megasecurity.eu"])
        if system == "Silvasoft":
            return silvasoft.Silvasoft(Http("Silvasoft", url("silvasoft"),
                                            headers=silvasoft.headers_for(CREDENTIALS["silvasoft"])))
        return ga4.GoogleAnalytics(Http("Google Analytics", url("google_analytics"),
                                        headers={"Authorization": f"Bearer {CREDENTIALS['google_analytics']}"}),
                                   "318207451")

    def search(self, ws: Workspace, reference: str, system: str, subject, rng: random.Random) -> None:
        """Answer one search step of a demo case the way an officer would."""
        street, zipcode, city = _address(subject.postal_address)
        if system == "PayPal":
            collect.import_file(ws, reference, system, "Download.CSV",
                                paypal_activity_csv(subject.name, subject.email, street, zipcode, city))
        elif system == "Carriers":
            if rng.random() < 0.7:
                collect.import_file(ws, reference, system, "bpost-envois.xlsx",
                                    carrier_shipments_xlsx(subject.name, subject.email, street, zipcode, city))
            else:
                collect.record_nothing_held(ws, reference, system, "Searched the bpost and DPD portals by "
                                                                   "postcode and order numbers: no shipment.")
        else:
            self.server.data = demo_data(subject.email, subject.name, subject.customer_number or "C-000000",
                                         (street, zipcode, city))
            collect.collect_connector(ws, reference, system, connector=self._connector(system))


@contextmanager
def demo_systems() -> Iterator[DemoSystems]:
    server = LoopbackSystems(page_size=50).start()
    try:
        yield DemoSystems(server)
    finally:
        server.stop()
