"""A loopback HTTPS stand-in for Entra ID (sign-in) and Microsoft Graph, speaking the documented requests.

Entra ID (Microsoft identity platform, v2.0 endpoints):
  GET  /{tenant}/v2.0/.well-known/openid-configuration      (OpenID Connect discovery, fetched by MSAL)
  POST /{tenant}/oauth2/v2.0/devicecode                       (device authorization grant)
  POST /{tenant}/oauth2/v2.0/token                            (grant_type device_code | refresh_token)
Microsoft Graph v1.0:
  POST /v1.0/me/sendMail, /v1.0/users/{id}/sendMail           (MIME, base64, Content-Type text/plain -> 202)
  GET  /v1.0/me/mailFolders/{folder}/messages/delta           (new messages since the delta link)
  GET  /v1.0/me/messages/{id}/$value                          (a message's MIME)

Tokens are random strings the server remembers with their user, scopes and expiry.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from tests.smtp_server import self_signed


def _b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@dataclass
class GraphMessage:
    id: str
    mime: bytes
    received: str        # ISO 8601 UTC, Graph's receivedDateTime


@dataclass
class Microsoft:
    tenant: str = "megasecurity.onmicrosoft.com"
    client_id: str = "11111111-2222-3333-4444-555555555555"
    user: str = "privacy@megasecurity.eu"
    token_lifetime: int = 3600           # seconds; under 300 MSAL treats a token as expired and refreshes it
    refuse_refresh: bool = False         # answer invalid_grant (revoked sign-in)
    access_tokens: dict = field(default_factory=dict)    # token -> (user, scopes, expires_at)
    refresh_tokens: dict = field(default_factory=dict)   # token -> user
    grants: list = field(default_factory=list)            # grant types served, in order
    sent: list = field(default_factory=list)              # (path, MIME bytes) accepted by sendMail
    mailbox: list = field(default_factory=list)           # GraphMessage, oldest first
    requests: list = field(default_factory=list)          # (method, path)

    def issue(self, scope: str) -> dict:
        access, refresh = "at-" + secrets.token_urlsafe(24), "rt-" + secrets.token_urlsafe(24)
        self.access_tokens[access] = (self.user, scope, time.time() + self.token_lifetime)
        self.refresh_tokens[refresh] = self.user
        now = int(time.time())
        id_token = ".".join((_b64url({"typ": "JWT", "alg": "none"}), _b64url({
            "aud": self.client_id, "iss": f"{self.base}/{self.tenant}/v2.0", "iat": now, "nbf": now,
            "exp": now + 3600, "oid": "oid-1", "sub": "sub-1", "tid": "tid-1", "name": "Privacy",
            "preferred_username": self.user, "ver": "2.0"}), "sig"))
        return {"token_type": "Bearer", "scope": scope, "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime, "access_token": access, "refresh_token": refresh,
                "id_token": id_token, "client_info": _b64url({"uid": "oid-1", "utid": "tid-1"})}

    def valid(self, user: str, token: str, scope_word: str) -> bool:
        entry = self.access_tokens.get(token)
        return bool(entry and entry[0].lower() == user.lower() and scope_word in entry[1] and entry[2] > time.time())

    base = ""


class _Handler(BaseHTTPRequestHandler):
    ms: Microsoft

    def log_message(self, *args):
        pass

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

    def _bearer_user(self, scope_word: str) -> str | None:
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        entry = self.ms.access_tokens.get(token)
        if entry and scope_word in entry[1] and entry[2] > time.time():
            return entry[0]
        return None

    def do_GET(self):
        ms, url = self.ms, urlsplit(self.path)
        ms.requests.append(("GET", url.path))
        if url.path == f"/{ms.tenant}/v2.0/.well-known/openid-configuration":
            root = f"{ms.base}/{ms.tenant}"
            return self._json(200, {
                "issuer": f"{root}/v2.0", "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                "token_endpoint": f"{root}/oauth2/v2.0/token",
                "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
                "end_session_endpoint": f"{root}/oauth2/v2.0/logout", "response_types_supported": ["code"],
                "jwks_uri": f"{ms.base}/{ms.tenant}/discovery/v2.0/keys"})
        if url.path == "/v1.0/me":    # who the token belongs to (a mail server checking a token asks this)
            user = self._bearer_user("")
            if user is None:
                return self._json(401, {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}})
            return self._json(200, {"mail": user, "userPrincipalName": user})
        if url.path.startswith("/v1.0/"):
            if self._bearer_user("Mail.Read") is None:
                return self._json(401, {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}})
            if "/messages/delta" in url.path:
                start = int(parse_qs(url.query).get("$deltatoken", ["0"])[0])
                page = ms.mailbox[start:]
                return self._json(200, {"value": [{"id": m.id, "receivedDateTime": m.received} for m in page],
                                        "@odata.deltaLink": f"{ms.base}{url.path}?$deltatoken={len(ms.mailbox)}"})
            if url.path.startswith("/v1.0/me/messages/") and url.path.endswith("/$value"):
                wanted = unquote(url.path.split("/")[4])
                for m in ms.mailbox:
                    if m.id == wanted:
                        self.send_response(200)
                        self.send_header("Content-Type", "text/plain")
                        self.send_header("Content-Length", str(len(m.mime)))
                        self.end_headers()
                        return self.wfile.write(m.mime)
                return self._json(404, {"error": {"code": "ErrorItemNotFound", "message": "not found"}})
        return self._json(404, {"error": {"code": "NotFound", "message": self.path}})

    def do_POST(self):
        ms, url = self.ms, urlsplit(self.path)
        ms.requests.append(("POST", url.path))
        if url.path == f"/{ms.tenant}/oauth2/v2.0/devicecode":
            form = self._form()
            ms.device_scope = form.get("scope", "")
            return self._json(200, {"device_code": "device-1", "user_code": "ABCD-EFGH",
                                    "verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900,
                                    "interval": 1, "message": "To sign in, open https://microsoft.com/devicelogin "
                                                              "and enter the code ABCD-EFGH."})
        if url.path == f"/{ms.tenant}/oauth2/v2.0/token":
            form = self._form()
            grant = form.get("grant_type", "")
            ms.grants.append(grant.rsplit(":", 1)[-1])
            if form.get("client_id") != ms.client_id:
                return self._json(400, {"error": "unauthorized_client", "error_description": "AADSTS700016"})
            if grant.endswith("device_code") and form.get("device_code") == "device-1":
                return self._json(200, ms.issue(form.get("scope", "")))
            if grant == "refresh_token":
                if ms.refuse_refresh or form.get("refresh_token") not in ms.refresh_tokens:
                    return self._json(400, {"error": "invalid_grant", "error_description":
                                            "AADSTS700082: The refresh token has expired due to inactivity."})
                return self._json(200, ms.issue(form.get("scope", "")))
            return self._json(400, {"error": "unsupported_grant_type"})
        if url.path in ("/v1.0/me/sendMail",) or (url.path.startswith("/v1.0/users/")
                                                  and url.path.endswith("/sendMail")):
            if self._bearer_user("Mail.Send") is None:
                return self._json(401, {"error": {"code": "InvalidAuthenticationToken",
                                                  "message": "Access token has expired or is not yet valid."}})
            if self.headers.get("Content-Type") != "text/plain":
                return self._json(400, {"error": {"code": "ErrorInvalidRequest", "message": "JSON expected"}})
            length = int(self.headers.get("Content-Length") or 0)
            try:
                mime = base64.b64decode(self.rfile.read(length), validate=True)
            except ValueError:
                return self._json(400, {"error": {"code": "ErrorMimeContentInvalidBase64String", "message": "bad"}})
            ms.sent.append((url.path, mime))
            self.send_response(202)
            self.send_header("request-id", f"req-{len(ms.sent)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._json(404, {"error": {"code": "NotFound", "message": self.path}})


class LoopbackMicrosoft:
    """Runs the stand-in on 127.0.0.1 over HTTPS with a throw-away certificate; ``client_ssl`` trusts it."""

    def __init__(self, **kwargs):
        self.ms = Microsoft(**kwargs)
        server_ssl, self.client_ssl = self_signed()
        handler = type("Handler", (_Handler,), {"ms": self.ms})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.socket = server_ssl.wrap_socket(self.httpd.socket, server_side=True)
        self.ms.base = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return self.ms.base

    def cafile(self, folder) -> str:
        """The certificate as a PEM file, for SSL_CERT_FILE (a separate process trusts it like a system CA)."""
        import ssl
        from pathlib import Path
        path = Path(folder) / "loopback-ca.pem"
        path.write_text("".join(ssl.DER_cert_to_PEM_cert(der) for der in self.client_ssl.get_ca_certs(True)))
        return str(path)

    def start(self) -> "LoopbackMicrosoft":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
