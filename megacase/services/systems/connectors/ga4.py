"""Google Analytics 4: the User Deletion API.

``POST https://www.googleapis.com/analytics/v3/userDeletion/userDeletionRequests:upsert`` with
``{"kind": "analytics#userDeletionRequest", "id": {"type": "CLIENT_ID" | "USER_ID" | "APP_INSTANCE_ID",
"userId": "<id>"}, "propertyId": "<GA4 property id>"}``; the answer carries ``deletionRequestTime``.
Authorisation: ``Bearer <token>`` of an account with the ``analytics.user.deletion`` scope.

Analytics holds pseudonymous identifiers (a cookie's client id), not names or e-mail addresses: the shop
cannot search it by person. For access the finding says so plainly; erasure needs the identifier the
subject gives (their ``_ga`` cookie) or the shop holds (a user id).
"""

from __future__ import annotations

from megacase.errors import InputError
from megacase.i18n import _
from megacase.services.systems.connectors.base import Collected, ErasureAnswer, ErasurePlan, SubjectRef
from megacase.services.systems.http import Http

STATEMENT = ("Google Analytics records website use under pseudonymous identifiers (the _ga cookie's client id), "
             "not under a name or an e-mail address; the shop cannot search it by person. Usage data linked to "
             "the subject can be found or erased only with the client id or user id the subject gives.")


def default_base_url(_credential: str | None) -> str:
    return "https://www.googleapis.com/analytics/v3"


def _id_type(identifier: str) -> str:
    """A client id looks like ``1234567890.1712345678`` (from the _ga cookie); anything else is a user id."""
    head, _dot, tail = identifier.partition(".")
    return "CLIENT_ID" if head.isdigit() and tail.isdigit() else "USER_ID"


class GoogleAnalytics:
    name = "Google Analytics"

    def __init__(self, http: Http, property_id: str | None):
        self.http = http
        self.property_id = property_id

    def test(self) -> str:
        if not self.property_id:
            raise InputError(_("Google Analytics: give the GA4 property id first "
                               "('megacase systems configure \"Google Analytics\" --option property=123456789')."))
        return _("Google Analytics configured for property {property} (the API is called on erasure only)").format(
            property=self.property_id)

    def collect(self, subject: SubjectRef) -> Collected:
        return Collected({}, STATEMENT.encode("utf-8"), _("cannot be searched by person"), STATEMENT)

    def _body(self, subject: SubjectRef) -> dict:
        if not subject.identifier:
            raise InputError(_("Google Analytics: erasure needs the subject's client id (the _ga cookie) or user id "
                               "(--identifier)."))
        if not self.property_id:
            raise InputError(_("Google Analytics: the GA4 property id is not configured."))
        return {"kind": "analytics#userDeletionRequest", "propertyId": self.property_id,
                "id": {"type": _id_type(subject.identifier), "userId": subject.identifier}}

    def plan_erasure(self, subject: SubjectRef, objection: bool = False) -> ErasurePlan:
        body = self._body(subject)
        return ErasurePlan((f"POST /userDeletion/userDeletionRequests:upsert ({body['id']['type']})",), "erased",
                           _("ask Google to delete the usage data of this identifier"))

    def erase(self, subject: SubjectRef, objection: bool = False) -> ErasureAnswer:
        body = self._body(subject)
        r = self.http.request("POST", "userDeletion/userDeletionRequests:upsert", json=body)
        answer = r.json() if r.content else {}
        return ErasureAnswer("erased", {"http": r.status_code, "deletionRequestTime": answer.get("deletionRequestTime"),
                                        "type": body["id"]["type"]},
                             _("deletion requested at {moment}").format(moment=answer.get("deletionRequestTime", "?")))
