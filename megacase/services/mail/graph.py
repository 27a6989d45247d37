"""Microsoft Graph: send the stored letter's MIME as it is, so the Message-ID and bytes recorded are those sent.

Endpoint (Microsoft Graph v1.0, "user: sendMail", example 4 "Send a new message using
MIME format", https://learn.microsoft.com/en-us/graph/api/user-sendmail):

    POST /me/sendMail                    (the signed-in mailbox, delegated Mail.Send)
    POST /users/{id | userPrincipalName}/sendMail   (another mailbox the user may send as)
    Content-Type: text/plain
    body: the MIME message, base64-encoded

Graph answers ``202 Accepted`` without a body. The recipients are those of the MIME
(our letters have exactly one, the To the outbox resolved).
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import httpx

from megacase.i18n import _
from megacase.services.mail.config import MailSettings
from megacase.services.mail.errors import DeliveryError, network_failure, scrub
from megacase.services.mail.oauth import GRAPH_SEND, MicrosoftSignIn, root_cause


def graph_error(response: httpx.Response) -> tuple[str, str]:
    """(code, message) of a Graph error body ({"error": {"code", "message"}})."""
    try:
        error = response.json().get("error", {})
        return str(error.get("code", "")), scrub(str(error.get("message", "")))[:200]
    except (ValueError, AttributeError):
        return "", ""


class GraphTransport:
    def __init__(self, smtp: MailSettings, signin: MicrosoftSignIn, http: httpx.Client):
        self.settings, self.signin, self.http = smtp, signin, http

    def send(self, message: bytes, sender: str, recipient: str) -> str:
        user, token = self.signin.token(GRAPH_SEND, self.settings.user)
        path = "/me/sendMail" if sender.lower() == user.lower() else f"/users/{quote(sender, safe='@')}/sendMail"
        url = self.settings.graph_url.rstrip("/") + path
        host = httpx.URL(url).host
        try:
            response = self.http.post(url, content=base64.b64encode(message),
                                      headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"})
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise network_failure(root_cause(exc), host, 443) from None
        except httpx.HTTPError as exc:
            # The request may have reached Graph before the answer was lost: never resend blindly.
            raise DeliveryError(_("The connection to Microsoft Graph broke while the letter was being handed over "
                                  "({error}): it may have arrived.").format(error=type(exc).__name__), uncertain=True,
                                kind="uncertain") from None
        if response.status_code == 202:
            return f"202 Accepted by Microsoft Graph (request-id {response.headers.get('request-id', 'none')})"
        raise _refused(response)


def _refused(response: httpx.Response) -> DeliveryError:
    status = response.status_code
    code, text = graph_error(response)
    said = scrub(f"{status} {code}: {text}".strip(": "))
    if status == 401:
        return DeliveryError(_("Microsoft Graph refused the token ({reply}): sign in again if it persists.").format(reply=said),
                             kind="auth")
    if status == 403 or code in ("ErrorSendAsDenied", "ErrorAccessDenied"):
        return DeliveryError(_("Microsoft Graph does not let this user send as the sender address ({reply}): check the "
                               "Mail.Send permission and the mailbox's send-as rights.").format(reply=said), kind="relay")
    if status == 413 or code == "ErrorMessageSizeExceeded":
        return DeliveryError(_("The letter is too large for Office 365 ({reply}).").format(reply=said), permanent=True, kind="size")
    if status == 429 or status >= 500:
        return DeliveryError(_("Microsoft Graph is busy ({reply}).").format(reply=said), kind="connect")
    if code in ("ErrorInvalidRecipients", "ErrorMimeContentInvalidBase64String", "ErrorMimeContentConversionFailed"):
        return DeliveryError(_("Microsoft Graph refused the letter: {reply}").format(reply=said), permanent=True,
                             kind="refused")
    return DeliveryError(_("Microsoft Graph refused the letter: {reply}").format(reply=said), kind="refused")
