"""Silvasoft (invoicing and accounting) REST API, read only.

Base https://rest-api.silvasoft.nl/rest; every call carries the headers ``Username`` (the account's e-mail
address) and ``ApiKey`` (Instellingen › API). Endpoints used, from Silvasoft's REST API manual:

- ``GET /listcustomers/?Email=<email>``: the customer relation (name, address, customer number);
- ``GET /listsalesinvoices/?CustomerNumber=<n>&Limit=&Offset=``: their sales invoices, paged.

Nothing is erased here: invoices stay ten years under the Belgian VAT Code (Art. 17(3)(b) GDPR), so the
erasure step of this system can only be "kept" with that ground.
"""

from __future__ import annotations

from megacase.i18n import _, ngettext
from megacase.services.systems.connectors.base import Collected, ErasureAnswer, ErasurePlan, SubjectRef, raw_of
from megacase.services.systems.http import Http

LIMIT = 100


def default_base_url(_credential: str | None) -> str:
    return "https://rest-api.silvasoft.nl/rest"


def headers_for(credential: str) -> dict[str, str]:
    """The credential is ``username:apikey`` (the API key itself holds no colon)."""
    user, _colon, key = credential.rpartition(":")
    return {"Username": user, "ApiKey": key}


class Silvasoft:
    name = "Silvasoft"

    def __init__(self, http: Http):
        self.http = http

    def test(self) -> str:
        self.http.get_json("listcustomers/", {"Limit": 1})
        return _("Silvasoft answered")

    def collect(self, subject: SubjectRef) -> Collected:
        answer = self.http.get_json("listcustomers/", {"Email": subject.email}, ok_missing=True) or []
        customers = [c for c in answer if (c.get("Email") or "").lower() == subject.email.lower()]
        documents, identity, invoices = [answer], [], []
        for c in customers:
            identity.append({"customer_number": c.get("CustomerNumber"), "name": c.get("Name"),
                             "email": c.get("Email"), "address": c.get("Address"), "zip": c.get("ZipCode"),
                             "city": c.get("City"), "country": c.get("Country")})
            offset = 0
            while True:
                page = self.http.get_json("listsalesinvoices/", {"CustomerNumber": c.get("CustomerNumber"),
                                                                 "Limit": LIMIT, "Offset": offset},
                                          ok_missing=True) or []
                documents.append(page)
                invoices += [{"invoice": i.get("InvoiceNumber"), "date": i.get("InvoiceDate"),
                              "total": i.get("TotalAmountIncludingTax"), "status": i.get("Status")} for i in page]
                if len(page) < LIMIT:
                    break
                offset += LIMIT
        summary = _("{customers}, {invoices}").format(
            customers=ngettext("{n} customer", "{n} customers", len(customers)).format(n=len(customers)),
            invoices=ngettext("{n} invoice", "{n} invoices", len(invoices)).format(n=len(invoices))
        ) if customers else _("no customer")
        return Collected({"identity": identity, "invoices": invoices}, raw_of(documents), summary)

    def plan_erasure(self, subject: SubjectRef, objection: bool = False) -> ErasurePlan:
        return ErasurePlan((), "kept", _("invoices are kept for 10 years (Art. 17(3)(b)): nothing is erased"))

    def erase(self, subject: SubjectRef, objection: bool = False) -> ErasureAnswer:
        return ErasureAnswer("kept", {"automatic": False}, _("kept under the 10-year VAT retention"))
