"""Microsoft Graph (Office 365): the messages to and from the subject in the shop's mailboxes.

Base https://graph.microsoft.com/v1.0, ``Authorization: Bearer <token>``: an application token with the
``Mail.Read`` application permission (an app registration in Entra ID; the token is kept in the keyring).
Endpoints used, from the Microsoft Graph reference:

- ``GET /users/{mailbox}/messages?$top=1&$select=id``: Test connection (for the first mailbox);
- ``GET /users/{mailbox}/messages?$search="participants:<email>"&$select=...&$top=50``: the messages from,
  to or copied to the subject (KQL ``participants``), paged by ``@odata.nextLink``.

Listed with date, mailbox, direction and subject line; bodies are not fetched (exported on request).
Erasure of correspondence is the mailbox owner's task (mail may be kept as business records).
"""

from __future__ import annotations

from megacase.errors import InputError
from megacase.i18n import _, ngettext
from megacase.services.systems.connectors.base import Collected, ErasureAnswer, ErasurePlan, SubjectRef, raw_of
from megacase.services.systems.http import Http

SELECT = "subject,from,toRecipients,ccRecipients,receivedDateTime,sentDateTime,hasAttachments"


def default_base_url(_credential: str | None) -> str:
    return "https://graph.microsoft.com/v1.0"


def _addresses(recipients) -> list[str]:
    return [((r or {}).get("emailAddress") or {}).get("address", "") for r in recipients or []]


class Graph:
    name = "Office 365"

    def __init__(self, http: Http, mailboxes: list[str]):
        self.http = http
        self.mailboxes = mailboxes

    def _need_mailboxes(self) -> None:
        if not self.mailboxes:
            raise InputError(_("Office 365: name the shop's mailboxes to search first "
                               "('megacase systems configure \"Office 365\" --option mailboxes=info@…')."))

    def test(self) -> str:
        self._need_mailboxes()
        self.http.get_json(f"users/{self.mailboxes[0]}/messages", {"$top": 1, "$select": "id"})
        return ngettext("Microsoft Graph answered for {n} mailbox", "Microsoft Graph answered for {n} mailboxes",
                        len(self.mailboxes)).format(n=len(self.mailboxes))

    def collect(self, subject: SubjectRef) -> Collected:
        self._need_mailboxes()
        documents, rows = [], []
        email = subject.email.lower()
        for mailbox in self.mailboxes:
            url, params = f"users/{mailbox}/messages", {"$search": f'"participants:{subject.email}"',
                                                         "$select": SELECT, "$top": 50}
            while url:
                page = self.http.get_json(url, params)
                documents.append(page)
                for m in page.get("value") or []:
                    sender = ((m.get("from") or {}).get("emailAddress") or {}).get("address", "")
                    direction = "from the subject" if sender.lower() == email else "to the subject"
                    rows.append({"mailbox": mailbox, "date": m.get("receivedDateTime") or m.get("sentDateTime"),
                                 "direction": direction, "subject": m.get("subject"),
                                 "from": sender, "to": ", ".join(_addresses(m.get("toRecipients"))),
                                 "attachments": bool(m.get("hasAttachments"))})
                url, params = page.get("@odata.nextLink"), None
        return Collected({"correspondence": rows}, raw_of(documents), _("{messages} in {mailboxes}").format(
            messages=ngettext("{n} message", "{n} messages", len(rows)).format(n=len(rows)),
            mailboxes=ngettext("{n} mailbox", "{n} mailboxes", len(self.mailboxes)).format(n=len(self.mailboxes))))

    def plan_erasure(self, subject: SubjectRef, objection: bool = False) -> ErasurePlan:
        return ErasurePlan((), "task", _("correspondence is erased by the mailbox owner (or kept as business "
                                                 "records): a task for the officer"))

    def erase(self, subject: SubjectRef, objection: bool = False) -> ErasureAnswer:
        return ErasureAnswer("task", {"automatic": False}, _("delete the messages in the mailboxes, then record it"))
