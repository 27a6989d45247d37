"""Lightspeed eCom (C-Series) REST API (https://api.webshopapp.com/<language>; HTTP Basic auth with the shop's
API key and secret). Endpoints used, from Lightspeed's eCom API reference:

- ``GET /shop.json``: Test connection;
- ``GET /customers.json?email=<email>``: the customer (identity, contact, billing and shipping addresses);
- ``GET /orders.json?customer=<id>&page=&limit=``: their orders, 250 at most per page;
- ``GET /invoices.json?customer=<id>&page=&limit=``: their invoices;
- ``DELETE /customers/<id>.json``: erasure of the account (orders and invoices stay with the shop's records,
  which the accounting retention keeps; where the API refuses, the step becomes a task for the officer).
"""

from __future__ import annotations

from megacase.i18n import _, ngettext
from megacase.services.systems.connectors.base import Collected, ErasureAnswer, ErasurePlan, SubjectRef, raw_of
from megacase.services.systems.http import ConnectorError, Http

LIMIT = 250
_ADDRESS_FIELDS = ("Name", "Street", "Number", "Extension", "Zipcode", "City", "Region", "Country")


def default_base_url(_credential: str | None) -> str:
    return "https://api.webshopapp.com/nl"


def _address(customer: dict, kind: str) -> dict:
    row = {"type": kind}
    for f in _ADDRESS_FIELDS:
        value = customer.get(f"address{kind.capitalize()}{f}")
        if isinstance(value, dict):                     # country: {"code": "be", "title": "Belgium"}
            value = value.get("title") or value.get("code")
        if value not in (None, ""):
            row[f.lower()] = value
    return row


class Lightspeed:
    name = "Lightspeed"

    def __init__(self, http: Http):
        self.http = http

    def test(self) -> str:
        shop = self.http.get_json("shop.json").get("shop") or {}
        return _("Lightspeed answered for shop {shop}").format(shop=shop.get('id', '?'))

    def _customers(self, email: str) -> tuple[list[dict], dict]:
        answer = self.http.get_json("customers.json", {"email": email})
        found = [c for c in answer.get("customers") or [] if (c.get("email") or "").lower() == email.lower()]
        return found, answer

    def _paged(self, resource: str, customer_id) -> tuple[list[dict], list[dict]]:
        rows, pages, page = [], [], 1
        while True:
            answer = self.http.get_json(f"{resource}.json", {"customer": customer_id, "page": page, "limit": LIMIT})
            pages.append(answer)
            batch = answer.get(resource) or []
            rows.extend(batch)
            if len(batch) < LIMIT:
                return rows, pages
            page += 1

    def collect(self, subject: SubjectRef) -> Collected:
        customers, answer = self._customers(subject.email)
        documents = [answer]
        identity, addresses, orders, invoices = [], [], [], []
        for c in customers:
            identity.append({"customer_id": c.get("id"), "first_name": c.get("firstname"),
                             "last_name": c.get("lastname"), "email": c.get("email"), "phone": c.get("phone"),
                             "mobile": c.get("mobile"), "language": (c.get("language") or {}).get("code")
                             if isinstance(c.get("language"), dict) else c.get("language"),
                             "created": c.get("createdAt"), "last_online": c.get("lastOnlineAt"),
                             "newsletter": c.get("isConfirmedNewsletter") if "isConfirmedNewsletter" in c else None})
            addresses += [_address(c, "billing"), _address(c, "shipping")]
            rows, pages = self._paged("orders", c["id"])
            documents += pages
            orders += [{"order": o.get("number"), "date": o.get("createdAt"), "status": o.get("status"),
                        "total": o.get("priceIncl"), "payment": o.get("paymentTitle") or o.get("paymentStatus"),
                        "shipment": o.get("shipmentTitle") or o.get("shipmentStatus")} for o in rows]
            rows, pages = self._paged("invoices", c["id"])
            documents += pages
            invoices += [{"invoice": i.get("number"), "date": i.get("createdAt"), "status": i.get("status"),
                          "total": i.get("priceIncl")} for i in rows]
        summary = _("{accounts}, {orders}, {invoices}").format(
            accounts=_accounts(len(customers)),
            orders=ngettext("{n} order", "{n} orders", len(orders)).format(n=len(orders)),
            invoices=ngettext("{n} invoice", "{n} invoices", len(invoices)).format(n=len(invoices))
        ) if customers else _("no customer account")
        return Collected({"identity": identity, "addresses": addresses, "orders": orders, "invoices": invoices},
                         raw_of(documents), summary)

    def plan_erasure(self, subject: SubjectRef, objection: bool = False) -> ErasurePlan:
        customers, _pages = self._customers(subject.email)
        if not customers:
            return ErasurePlan((), "nothing_held", _("no customer account: nothing to erase"))
        return ErasurePlan(tuple(f"DELETE /customers/{c['id']}.json" for c in customers), "erased",
                           ngettext("delete {n} customer account (orders and invoices stay under the accounting "
                                    "retention)", "delete {n} customer accounts (orders and invoices stay under the "
                                    "accounting retention)", len(customers)).format(n=len(customers)))

    def erase(self, subject: SubjectRef, objection: bool = False) -> ErasureAnswer:
        customers, _pages = self._customers(subject.email)
        if not customers:
            return ErasureAnswer("nothing_held", {"customers": 0}, _("no customer account"))
        replies = []
        for c in customers:
            try:
                r = self.http.request("DELETE", f"customers/{c['id']}.json")
                replies.append({"customer_id": c["id"], "action": "deleted", "http": r.status_code})
            except ConnectorError as exc:
                if exc.status not in (400, 405, 409, 422):
                    raise
                replies.append({"customer_id": c["id"], "action": "refused", "http": exc.status})
        if any(r["action"] == "refused" for r in replies):
            return ErasureAnswer("task", {"replies": replies}, _("the API refused the deletion: anonymise the "
                                                                  "account in the Lightspeed back office and record it"))
        return ErasureAnswer("erased", {"replies": replies}, ngettext(
            "deleted {n} customer account", "deleted {n} customer accounts", len(replies)).format(n=len(replies)))


def _accounts(n: int) -> str:
    return ngettext("{n} customer account", "{n} customer accounts", n).format(n=n)
