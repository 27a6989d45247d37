"""Office 365 sign-in with MSAL (a public client: no secret), the token cache kept in the OS keyring.

The shop registers one app in Entra ID (README, "Office 365"). A person signs in
once, in the browser (interactive) or with a code on another device (device
code); MSAL keeps a refresh token, and every later send asks for a token
silently. When the refresh token no longer works (password changed, sign-in
revoked, expired after inactivity), ``SignInRequired`` says so in one line and
the letter waits in the outbox.

The cache (refresh and access tokens) is never written to the register, a settings
file or a log: only to the keyring, cut into chunks because Windows Credential
Manager holds at most 2,560 bytes per entry.
"""

from __future__ import annotations

import logging
import ssl

import httpx
import keyring
import keyring.errors
import msal

from megacase.errors import InputError
from megacase.i18n import _
from megacase.services.mail.config import DEFAULT_TIMEOUT, MailSettings
from megacase.services.mail.errors import DeliveryError, SignInRequired, network_failure, scrub

KEYRING_SERVICE = "MegaCase Microsoft sign-in"
CHUNK = 1800

# Scopes of the resources MegaCase uses (delegated permissions of the app registration).
SMTP_SEND = ["https://outlook.office.com/SMTP.Send"]
IMAP_READ = ["https://outlook.office.com/IMAP.AccessAsUser.All"]
GRAPH_SEND = ["https://graph.microsoft.com/Mail.Send"]
GRAPH_READ = ["https://graph.microsoft.com/Mail.Read"]

log = logging.getLogger(__name__)


def scopes_for_transport(transport: str) -> list[str]:
    return GRAPH_SEND if transport == "graph" else SMTP_SEND


def sign_in_scopes(s: MailSettings, box_kind: str = "", box_auth: str = "password") -> list[str]:
    """What a sign-in asks for: the sending transport's scope, else the mailbox's (the other resources'
    tokens then come silently from the same sign-in, the permissions being consented for the app)."""
    if s.uses_microsoft_sign_in:
        return scopes_for_transport(s.transport)
    return GRAPH_READ if box_kind == "graph" else IMAP_READ


class _MsalHttp:
    """MSAL's HTTP client interface (get/post returning status_code, text, headers) on httpx."""

    def __init__(self, client: httpx.Client):
        self.client = client

    def post(self, url, params=None, data=None, headers=None, **_ignored):
        return self.client.post(url, params=params, data=data, headers=headers)

    def get(self, url, params=None, headers=None, **_ignored):
        return self.client.get(url, params=params, headers=headers)

    def close(self):
        self.client.close()


def http_client(ssl_context: ssl.SSLContext | None = None, timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """HTTPS to Microsoft, trusting the system's certificate store (or the given context)."""
    return httpx.Client(verify=ssl_context or ssl.create_default_context(), timeout=timeout, follow_redirects=False)


def root_cause(exc: BaseException) -> BaseException:
    """The OS-level error beneath an httpx error (to tell DNS from TLS from a refused connection)."""
    seen, cur = set(), exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, (OSError, ssl.SSLError)) and not isinstance(cur, httpx.HTTPError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return exc


class MicrosoftSignIn:
    """One app registration's sign-in and token cache; the MSAL application is made at first use."""

    def __init__(self, tenant: str, client_id: str, authority_host: str, *,
                 ssl_context: ssl.SSLContext | None = None, timeout: float = DEFAULT_TIMEOUT):
        if not (tenant and client_id):   # a DeliveryError: a letter being sent then simply waits
            raise DeliveryError(_("Office 365 sign-in needs the tenant and the application (client) ID: "
                                  "megacase mail setup --tenant T --client-id C."), kind="signin")
        self.tenant, self.client_id = tenant, client_id
        self.authority = f"{authority_host.rstrip('/')}/{tenant}"
        self._ssl, self._timeout = ssl_context, timeout
        self._app: msal.PublicClientApplication | None = None
        self.cache = msal.SerializableTokenCache()
        stored = _load_cache(self._cache_name)
        if stored:
            try:
                self.cache.deserialize(stored)
            except ValueError:
                log.warning("The stored Microsoft sign-in could not be read; a new sign-in is needed.")

    @classmethod
    def from_settings(cls, s: MailSettings, **kwargs) -> "MicrosoftSignIn":
        return cls(s.tenant, s.client_id, s.authority_host, **kwargs)

    @property
    def _cache_name(self) -> str:
        return f"{self.client_id}@{self.tenant}"

    @property
    def app(self) -> msal.PublicClientApplication:
        if self._app is None:
            try:
                self._app = msal.PublicClientApplication(
                    self.client_id, authority=self.authority, token_cache=self.cache,
                    http_client=_MsalHttp(http_client(self._ssl, self._timeout)), instance_discovery=False)
            except httpx.HTTPError as exc:
                raise network_failure(root_cause(exc), self.authority.split("/")[2], 443) from None
            except ValueError as exc:   # MSAL: the tenant's OpenID discovery failed (unknown tenant)
                raise DeliveryError(_("Microsoft does not know the tenant '{tenant}' ({reason}).").format(
                    tenant=self.tenant, reason=scrub(str(exc)[:120])), kind="auth") from None
        return self._app

    def _save(self) -> None:
        if self.cache.has_state_changed:
            _store_cache(self._cache_name, self.cache.serialize())
            self.cache.has_state_changed = False

    def signed_in_as(self) -> str | None:
        accounts = list(self.cache.search(msal.TokenCache.CredentialType.ACCOUNT))
        return accounts[0].get("username") if accounts else None

    def token(self, scopes: list[str], username: str | None = None) -> tuple[str, str]:
        """(user, access token), silently: from the cache, or refreshed with the refresh token."""
        if self.signed_in_as() is None:
            raise SignInRequired(_("nobody has signed in yet"), first=True)
        try:
            accounts = self.app.get_accounts(username=username) or (self.app.get_accounts() if not username else [])
            if not accounts:
                raise SignInRequired(_("the sign-in kept is not that of {user}").format(user=username))
            result = self.app.acquire_token_silent_with_error(scopes, account=accounts[0])
        except httpx.HTTPError as exc:
            raise network_failure(root_cause(exc), self.authority.split("/")[2], 443) from None
        finally:
            self._save()
        if not result:
            raise SignInRequired(_("the kept sign-in has expired"))
        if "access_token" not in result:
            raise SignInRequired(_("Microsoft refused to refresh it: {error}").format(
                error=result.get("error") or _("unknown error")))
        return accounts[0]["username"], result["access_token"]

    def begin_device_code(self, scopes: list[str]) -> dict:
        """Start a device-code sign-in: the returned flow's ``message`` says where to type which code."""
        try:
            flow = self.app.initiate_device_flow(scopes=scopes)
        except httpx.HTTPError as exc:
            raise network_failure(root_cause(exc), self.authority.split("/")[2], 443) from None
        if "user_code" not in flow:
            raise InputError(_("Microsoft refused to start the sign-in: {error} ({description}).").format(
                error=flow.get("error") or _("unknown error"),
                description=scrub(str(flow.get("error_description", ""))[:160])))
        return flow

    def finish_device_code(self, flow: dict) -> str:
        """Wait until the person has typed the code and signed in; returns the signed-in user."""
        try:
            result = self.app.acquire_token_by_device_flow(flow)
        except httpx.HTTPError as exc:
            raise network_failure(root_cause(exc), self.authority.split("/")[2], 443) from None
        return self._signed_in(result)

    def sign_in_interactive(self, scopes: list[str], login_hint: str | None = None) -> str:
        """Sign in in the system browser (MSAL listens on a loopback redirect address)."""
        try:
            result = self.app.acquire_token_interactive(scopes, login_hint=login_hint, prompt="select_account")
        except httpx.HTTPError as exc:
            raise network_failure(root_cause(exc), self.authority.split("/")[2], 443) from None
        return self._signed_in(result)

    def _signed_in(self, result: dict) -> str:
        if "access_token" not in result:
            raise InputError(_("The sign-in did not succeed: {error} ({description}).").format(
                error=result.get("error") or _("unknown error"),
                description=scrub(str(result.get("error_description", ""))[:160])))
        self._save()
        return (result.get("id_token_claims") or {}).get("preferred_username") or self.signed_in_as() or "?"

    def sign_out(self) -> None:
        """Forget the kept sign-in (works offline: only the keyring is touched)."""
        _delete_cache(self._cache_name)
        self.cache = msal.SerializableTokenCache()
        self._app = None


# --- the keyring, in chunks ----------------------------------------------------------------------------------

def _load_cache(name: str) -> str | None:
    try:
        head = keyring.get_password(KEYRING_SERVICE, name)
        if not head or not head.startswith("chunks:"):
            return None
        parts = [keyring.get_password(KEYRING_SERVICE, f"{name}#{i}") for i in range(int(head[7:]))]
    except (keyring.errors.KeyringError, ValueError):
        return None
    return None if any(p is None for p in parts) else "".join(parts)


def _store_cache(name: str, text: str) -> None:
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
    try:
        _delete_cache(name)
        for i, chunk in enumerate(chunks):
            keyring.set_password(KEYRING_SERVICE, f"{name}#{i}", chunk)
        keyring.set_password(KEYRING_SERVICE, name, f"chunks:{len(chunks)}")
    except keyring.errors.KeyringError as exc:
        raise DeliveryError(_("The system keyring refused to keep the Microsoft sign-in ({error}).").format(
            error=type(exc).__name__), kind="signin") from None


def _delete_cache(name: str) -> None:
    try:
        head = keyring.get_password(KEYRING_SERVICE, name)
        count = int(head[7:]) if head and head.startswith("chunks:") else 0
        for i in range(count):
            keyring.delete_password(KEYRING_SERVICE, f"{name}#{i}")
        if head:
            keyring.delete_password(KEYRING_SERVICE, name)
    except (keyring.errors.KeyringError, ValueError):
        pass
