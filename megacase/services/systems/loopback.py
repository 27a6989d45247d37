"""The shop's systems as a small HTTP server on 127.0.0.1, answering the documented requests of each connector
(MailChimp, Lightspeed, Microsoft Graph, Google Analytics' User Deletion API, Silvasoft) with demo data.

The demo register collects from it (offline, in a second), and the tests drive it to every answer a real
system gives: found, not found, several pages, rate-limited with ``Retry-After``, server errors and refused
credentials. Paths: ``/mailchimp/3.0``, ``/lightspeed/nl``, ``/graph/v1.0``, ``/ga/analytics/v3``,
``/silvasoft/rest``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

PREFIXES = {"mailchimp": "/mailchimp/3.0", "lightspeed": "/lightspeed/nl", "office365": "/graph/v1.0",
            "google_analytics": "/ga/analytics/v3", "silvasoft": "/silvasoft/rest"}
CREDENTIALS = {"mailchimp": "0123456789abcdef0123456789abcdef-us21", "lightspeed": "ls-demo-key:ls-demo-secret",
               "office365": "graph-demo-token", "google_analytics": "ga-demo-token",
               "silvasoft": "boekhouding@megasecurity.eu:SILVA-DEMO-KEY"}


def md5(email: str) -> str:
    return hashlib.md5(email.lower().encode()).hexdigest()


@dataclass
class Fault:
    prefix: str          # e.g. "/mailchimp/3.0/search-members"
    status: int
    times: int
    headers: dict = field(default_factory=dict)


@dataclass
class ShopData:
    """What the systems hold, keyed by e-mail address (lower case)."""
    members: dict = field(default_factory=dict)        # email -> [member]
    activity: dict = field(default_factory=dict)       # (list_id, hash) -> [event]
    customers: list = field(default_factory=list)      # Lightspeed customers
    orders: dict = field(default_factory=dict)         # customer id -> [order]
    invoices: dict = field(default_factory=dict)       # customer id -> [invoice]
    messages: dict = field(default_factory=dict)       # mailbox -> [message]
    relations: list = field(default_factory=list)      # Silvasoft customers
    sales_invoices: dict = field(default_factory=dict)  # customer number -> [invoice]


def demo_data(email: str, name: str, number: str, address: tuple[str, str, str] = ("Rue de l'Église 12", "5000",
                                                                                    "Namur")) -> ShopData:
    """One customer's realistic footprint in every system."""
    first, _, last = name.partition(" ")
    street, zipcode, city = address
    d = ShopData()
    member = {"id": md5(email), "email_address": email, "status": "subscribed", "list_id": "a1b2c3d4e5",
              "merge_fields": {"FNAME": first, "LNAME": last}, "timestamp_signup": "2023-02-11T18:03:22+00:00",
              "timestamp_opt": "2023-02-11T18:04:01+00:00", "ip_signup": "81.82.193.14", "language": "fr",
              "tags": [{"id": 11, "name": "Clients"}, {"id": 12, "name": "Alarmes"}]}
    d.members[email.lower()] = [member]
    d.activity[("a1b2c3d4e5", md5(email))] = [
        {"activity_type": kind, "created_at": f"2026-{m:02d}-0{day}T09:1{day}:00+00:00",
         "campaign_title": f"Newsletter {m:02d}/2026"}
        for m, day, kind in ((3, 2, "open"), (3, 2, "click"), (5, 4, "open"), (6, 1, "sent"), (9, 3, "open"))]
    cid = 4411207
    d.customers.append({"id": cid, "firstname": first, "lastname": last, "email": email, "phone": "+32 81 22 45 67",
                        "mobile": "+32 475 12 34 56", "language": {"code": "fr"},
                        "createdAt": "2021-06-14T10:22:00+02:00", "lastOnlineAt": "2026-10-02T20:15:00+02:00",
                        "addressBillingName": name, "addressBillingStreet": street, "addressBillingZipcode": zipcode,
                        "addressBillingCity": city, "addressBillingCountry": {"code": "be", "title": "Belgium"},
                        "addressShippingName": name, "addressShippingStreet": street,
                        "addressShippingZipcode": zipcode, "addressShippingCity": city,
                        "addressShippingCountry": {"code": "be", "title": "Belgium"}})
    d.orders[cid] = [{"number": f"ORD{n}", "createdAt": at, "status": "completed", "priceIncl": price,
                      "paymentTitle": pay, "shipmentTitle": "bpost - domicile"}
                     for n, at, price, pay in ((10231, "2025-11-03T14:02:00+01:00", 249.0, "PayPal"),
                                               (10562, "2026-02-18T09:40:00+01:00", 89.95, "Bancontact"),
                                               (11204, "2026-09-27T21:11:00+02:00", 34.5, "PayPal"))]
    d.invoices[cid] = [{"number": f"F-{n}", "createdAt": at, "status": "paid", "priceIncl": p}
                       for n, at, p in (("2025-0142", "2025-11-03T14:05:00+01:00", 249.0),
                                        ("2026-0031", "2026-02-18T09:44:00+01:00", 89.95),
                                        ("2026-0107", "2026-09-27T21:15:00+02:00", 34.5))]
    d.messages["info@megasecurity.eu"] = [
        {"id": f"m{i}", "subject": s, "receivedDateTime": at, "hasAttachments": att,
         "from": {"emailAddress": {"address": frm}}, "toRecipients": [{"emailAddress": {"address": to}}]}
        for i, (s, at, frm, to, att) in enumerate((
            ("Question sur ma commande ORD10562", "2026-02-20T08:12:00Z", email, "info@megasecurity.eu", False),
            ("RE: Question sur ma commande ORD10562", "2026-02-20T10:40:00Z", "info@megasecurity.eu", email, False),
            ("Facture F-2026-0107", "2026-09-28T07:30:00Z", "info@megasecurity.eu", email, True)))]
    d.relations.append({"CustomerNumber": number, "Name": name, "Email": email, "Address": street,
                        "ZipCode": zipcode, "City": city, "Country": "BE"})
    d.sales_invoices[number] = [{"InvoiceNumber": f"F-{n}", "InvoiceDate": day, "TotalAmountIncludingTax": p,
                                 "Status": "Betaald"}
                                for n, day, p in (("2025-0142", "03-11-2025", 249.0), ("2026-0031", "18-02-2026", 89.95),
                                                  ("2026-0107", "27-09-2026", 34.5))]
    return d


class LoopbackSystems:
    """A threaded server; ``faults`` script errors, ``requests`` records (method, path, query) of each call."""

    def __init__(self, data: ShopData | None = None, page_size: int = 2):
        self.data = data or ShopData()
        self.page_size = page_size
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str, dict]] = []
        self.deleted: list[tuple[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def base_url(self, system: str) -> str:
        return self.url + PREFIXES[system]

    def start(self) -> LoopbackSystems:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, prefix: str, status: int, times: int = 1, **headers) -> None:
        self.faults.append(Fault(prefix, status, times, {k.replace("_", "-"): v for k, v in headers.items()}))

    # --- dispatch ------------------------------------------------------------------------------------
    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):       # quiet: the test output stays readable
                pass

            def _reply(self, status: int, body=None, headers=None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, str(v))
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                owner.requests.append((self.command, url.path, query))
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                for fault in owner.faults:
                    if fault.times > 0 and url.path.startswith(fault.prefix):
                        fault.times -= 1
                        return self._reply(fault.status, {"status": fault.status, "title": "scripted"},
                                           fault.headers)
                for system, prefix in PREFIXES.items():
                    if url.path.startswith(prefix + "/"):
                        if not owner._authorised(system, self.headers):
                            return self._reply(401, {"status": 401, "title": "API Key Invalid"})
                        status, answer = getattr(owner, f"_{system}")(self.command, url.path[len(prefix) + 1:],
                                                                      query, body)
                        return self._reply(status, answer)
                return self._reply(404, {"title": "no such path"})

            do_GET = do_POST = do_DELETE = do_PATCH = _handle

        return Handler

    def _authorised(self, system: str, headers) -> bool:
        cred = CREDENTIALS[system]
        if system in ("mailchimp", "lightspeed"):
            auth = headers.get("Authorization", "")
            if not auth.startswith("Basic "):
                return False
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            return password == cred if system == "mailchimp" else f"{user}:{password}" == cred
        if system == "silvasoft":
            user, _, key = cred.rpartition(":")
            return headers.get("Username") == user and headers.get("ApiKey") == key
        return headers.get("Authorization") == f"Bearer {cred}"

    def _page(self, rows: list, start: int, size: int) -> list:
        return rows[start:start + min(size, self.page_size)]

    # --- MailChimp Marketing API v3 -------------------------------------------------------------------
    def _mailchimp(self, method, path, q, body):
        if path == "ping":
            return 200, {"health_status": "Everything's Chimpy!"}
        if path == "search-members":
            members = self.data.members.get(q.get("query", "").lower(), [])
            return 200, {"exact_matches": {"members": members, "total_items": len(members)},
                         "full_search": {"members": [], "total_items": 0}}
        parts = path.split("/")
        if len(parts) >= 4 and parts[0] == "lists" and parts[2] == "members":
            list_id, hash_ = parts[1], parts[3]
            member = next((m for ms in self.data.members.values() for m in ms
                           if m["list_id"] == list_id and m["id"] == hash_), None)
            if member is None:
                return 404, {"status": 404, "title": "Resource Not Found"}
            if parts[4:] == ["activity-feed"]:
                events = self.data.activity.get((list_id, hash_), [])
                start = int(q.get("offset", 0))
                return 200, {"activity": self._page(events, start, int(q.get("count", 10))),
                             "total_items": len(events)}
            if parts[4:] == ["actions", "delete-permanent"] and method == "POST":
                self.data.members = {e: [m for m in ms if m is not member] for e, ms in self.data.members.items()}
                self.deleted.append(("mailchimp", hash_))
                return 204, None
            if not parts[4:] and method == "PATCH":
                member["status"] = (body or {}).get("status", member["status"])
                return 200, member
        return 404, {"status": 404, "title": "Resource Not Found"}

    # --- Lightspeed eCom ----------------------------------------------------------------------------------
    def _lightspeed(self, method, path, q, body):
        if path == "shop.json":
            return 200, {"shop": {"id": 318207}}
        if path == "customers.json":
            email = q.get("email", "").lower()
            return 200, {"customers": [c for c in self.data.customers if c["email"].lower() == email]}
        if path in ("orders.json", "invoices.json"):
            table = self.data.orders if path == "orders.json" else self.data.invoices
            rows = table.get(int(q.get("customer", 0)), [])
            limit = int(q.get("limit", 50))
            start = (int(q.get("page", 1)) - 1) * limit
            return 200, {path[:-5]: rows[start:start + limit]}
        if path.startswith("customers/") and method == "DELETE":
            cid = int(path.split("/")[1].split(".")[0])
            if not any(c["id"] == cid for c in self.data.customers):
                return 404, {"error": {"message": "Not found"}}
            self.data.customers = [c for c in self.data.customers if c["id"] != cid]
            self.deleted.append(("lightspeed", str(cid)))
            return 204, None
        return 404, {"error": {"message": "Not found"}}

    # --- Microsoft Graph ------------------------------------------------------------------------------------
    def _office365(self, method, path, q, body):
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "users" and parts[2] == "messages":
            mailbox = parts[1]
            search = q.get("$search", "").strip('"')
            who = search.split(":", 1)[1].lower() if search.startswith("participants:") else None
            msgs = self.data.messages.get(mailbox, [])
            if who:
                msgs = [m for m in msgs if who in json.dumps([m["from"], m["toRecipients"]]).lower()]
            skip = int(q.get("$skip", 0))
            page = self._page(msgs, skip, int(q.get("$top", 10)))
            answer = {"value": page}
            if skip + len(page) < len(msgs):
                nxt = dict(q, **{"$skip": skip + len(page)})
                answer["@odata.nextLink"] = f"{self.base_url('office365')}/{path}?{urlencode(nxt)}"
            return 200, answer
        return 404, {"error": {"code": "ResourceNotFound"}}

    # --- Google Analytics User Deletion API -------------------------------------------------------------
    def _google_analytics(self, method, path, q, body):
        if path == "userDeletion/userDeletionRequests:upsert" and method == "POST":
            if not body or not (body.get("id") or {}).get("userId"):
                return 400, {"error": {"code": 400, "message": "id required"}}
            self.deleted.append(("google_analytics", body["id"]["userId"]))
            return 200, {**body, "deletionRequestTime": "2027-04-07T10:00:00.000Z"}
        return 404, {"error": {"code": 404}}

    # --- Silvasoft ------------------------------------------------------------------------------------
    def _silvasoft(self, method, path, q, body):
        if path == "listcustomers/":
            email = q.get("Email", "").lower()
            rows = [c for c in self.data.relations if not email or c["Email"].lower() == email]
            return 200, rows[:int(q.get("Limit", 100))]
        if path == "listsalesinvoices/":
            rows = self.data.sales_invoices.get(q.get("CustomerNumber", ""), [])
            start = int(q.get("Offset", 0))
            return 200, rows[start:start + int(q.get("Limit", 100))]
        return 404, {"error": "not found"}
