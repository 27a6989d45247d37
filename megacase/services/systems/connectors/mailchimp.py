"""MailChimp Marketing API v3 (https://<dc>.api.mailchimp.com/3.0; HTTP Basic auth, any user name, the API key
as password). Endpoints used, from Mailchimp's Marketing API reference:

- ``GET /ping``: health check (Test connection);
- ``GET /search-members?query=<email>``: the member in every audience (``exact_matches.members``);
- ``GET /lists/{list_id}/members/{subscriber_hash}/activity-feed?count=&offset=``: opens, clicks, sends
  (paged by ``count``/``offset`` against ``total_items``); tags come with the member (``tags``);
- ``POST /lists/{list_id}/members/{subscriber_hash}/actions/delete-permanent``: erasure (204, irreversible);
- ``PATCH /lists/{list_id}/members/{subscriber_hash}`` with ``{"status": "unsubscribed"}``: objection to
  direct marketing (Art. 21(3)): no more mail, the record kept so the objection is honoured.

``subscriber_hash`` is the MD5 of the lower-cased e-mail address.
"""

from __future__ import annotations

import hashlib

from megacase.i18n import _, ngettext
from megacase.services.systems.connectors.base import Collected, ErasureAnswer, ErasurePlan, SubjectRef, raw_of
from megacase.services.systems.http import Http

PAGE = 100


def subscriber_hash(email: str) -> str:
    return hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()


def default_base_url(credential: str | None) -> str:
    """The data centre is the key's suffix (``…-us21``)."""
    dc = credential.rsplit("-", 1)[1] if credential and "-" in credential else "us1"
    return f"https://{dc}.api.mailchimp.com/3.0"


class MailChimp:
    name = "MailChimp"

    def __init__(self, http: Http):
        self.http = http

    def test(self) -> str:
        answer = self.http.get_json("ping")
        return _("MailChimp answered: {status}").format(status=answer.get('health_status', 'ok'))

    def _members(self, email: str) -> tuple[list[dict], dict]:
        answer = self.http.get_json("search-members", {"query": email})
        members = (answer.get("exact_matches") or {}).get("members") or []
        return [m for m in members if (m.get("email_address") or "").lower() == email.lower()], answer

    def _activity(self, list_id: str, hash_: str) -> tuple[list[dict], list[dict]]:
        rows, pages, offset = [], [], 0
        while True:
            page = self.http.get_json(f"lists/{list_id}/members/{hash_}/activity-feed",
                                      {"count": PAGE, "offset": offset})
            pages.append(page)
            batch = page.get("activity") or []
            rows.extend(batch)
            offset += len(batch)
            if not batch or offset >= int(page.get("total_items", 0)):
                return rows, pages

    def collect(self, subject: SubjectRef) -> Collected:
        members, answer = self._members(subject.email)
        documents = [answer]
        profile, tags, activity = [], [], []
        for m in members:
            merge = m.get("merge_fields") or {}
            profile.append({"audience": m.get("list_id"), "email_address": m.get("email_address"),
                            "status": m.get("status"), "first_name": merge.get("FNAME"),
                            "last_name": merge.get("LNAME"), "signed_up": m.get("timestamp_signup"),
                            "opt_in": m.get("timestamp_opt"), "ip_signup": m.get("ip_signup"),
                            "language": m.get("language")})
            tags += [{"audience": m.get("list_id"), "tag": t.get("name")} for t in m.get("tags") or []]
            rows, pages = self._activity(m["list_id"], m.get("id") or subscriber_hash(subject.email))
            documents += pages
            activity += [{"audience": m.get("list_id"), "when": a.get("created_at"),
                          "activity": a.get("activity_type"), "campaign": a.get("campaign_title")
                          or a.get("campaign_id")} for a in rows]
        summary = _("{memberships}, {tags}, {events}").format(
            memberships=ngettext("{n} audience membership", "{n} audience memberships", len(members)).format(
                n=len(members)),
            tags=ngettext("{n} tag", "{n} tags", len(tags)).format(n=len(tags)),
            events=ngettext("{n} activity event", "{n} activity events", len(activity)).format(n=len(activity))
        ) if members else _("not a member of any audience")
        return Collected({"newsletter": profile, "tags": tags, "opens and reads": activity}, raw_of(documents),
                         summary)

    def plan_erasure(self, subject: SubjectRef, objection: bool = False) -> ErasurePlan:
        members, _pages = self._members(subject.email)
        if not members:
            return ErasurePlan((), "nothing_held", _("not a member of any audience: nothing to erase"))
        if objection:
            actions = tuple(f"PATCH /lists/{m['list_id']}/members/<hash> status=unsubscribed" for m in members)
            return ErasurePlan(actions, "erased", ngettext("unsubscribe from {n} audience", "unsubscribe from {n} audiences",
                                                          len(members)).format(n=len(members)))
        actions = tuple(f"POST /lists/{m['list_id']}/members/<hash>/actions/delete-permanent" for m in members)
        return ErasurePlan(actions, "erased", ngettext(
            "delete permanently from {n} audience", "delete permanently from {n} audiences", len(members)).format(
                n=len(members)))

    def erase(self, subject: SubjectRef, objection: bool = False) -> ErasureAnswer:
        members, _pages = self._members(subject.email)
        if not members:
            return ErasureAnswer("nothing_held", {"members": 0}, _("not a member of any audience"))
        replies = []
        for m in members:
            hash_ = m.get("id") or subscriber_hash(subject.email)
            if objection:
                r = self.http.request("PATCH", f"lists/{m['list_id']}/members/{hash_}",
                                      json={"status": "unsubscribed"})
                replies.append({"audience": m["list_id"], "action": "unsubscribed", "http": r.status_code,
                                "status": r.json().get("status") if r.content else None})
            else:
                r = self.http.request("POST", f"lists/{m['list_id']}/members/{hash_}/actions/delete-permanent")
                replies.append({"audience": m["list_id"], "action": "delete-permanent", "http": r.status_code})
        n = len(replies)
        said = (ngettext("unsubscribed from {n} audience", "unsubscribed from {n} audiences", n) if objection else
                ngettext("deleted permanently from {n} audience", "deleted permanently from {n} audiences", n))
        return ErasureAnswer("erased", {"replies": replies}, said.format(n=n))
