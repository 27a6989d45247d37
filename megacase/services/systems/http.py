"""The one HTTP client every connector uses: httpx with timeouts, retries on 429 and 5xx honouring
``Retry-After``, and errors that fit on one line.

Nothing personal and nothing secret reaches a message or the log: requests are
logged by method, host and status only (a search URL can hold the subject's
address; a header holds the credential).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

import httpx

from megacase.errors import MegaCaseError
from megacase.i18n import _

log = logging.getLogger(__name__)
# httpx logs every request's full URL at INFO, and a search URL holds the subject's address: never let it through.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
ATTEMPTS = 4                 # the first try and three retries
MAX_WAIT = 30.0              # a Retry-After longer than this is not waited for
RETRIED = {429, 500, 502, 503, 504}


class ConnectorError(MegaCaseError):
    """A system could not be reached or refused the request (message: one line, fit for the officer)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class BadCredential(ConnectorError):
    pass


def _wait_for(response: httpx.Response, attempt: int) -> float:
    raw = response.headers.get("Retry-After")
    if raw is not None:
        try:
            return min(max(float(raw), 0.0), MAX_WAIT)
        except ValueError:
            pass                                     # an HTTP date: fall back to back-off
    return min(0.5 * 2 ** attempt, MAX_WAIT)


class Http:
    """Calls to one system's API, relative to its base URL (which includes the version path)."""

    def __init__(self, system: str, base_url: str, *, headers: dict[str, str] | None = None,
                 auth: httpx.Auth | tuple[str, str] | None = None, sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None):
        self.system = system
        self.base_url = base_url.rstrip("/") + "/"
        self.host = httpx.URL(self.base_url).host or self.base_url
        self._sleep = sleep
        self._client = httpx.Client(base_url=self.base_url, headers=headers or {}, auth=auth, timeout=TIMEOUT,
                                    transport=transport, follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                ok_missing: bool = False) -> httpx.Response | None:
        """The response of a successful call; ``None`` for a 404 when ``ok_missing`` (not found is an answer)."""
        url = path if path.startswith("http") else path.lstrip("/")
        for attempt in range(ATTEMPTS):
            try:
                response = self._client.request(method, url, params=params, json=json)
            except httpx.TimeoutException:
                error = _("{system}: {host} did not answer in time.").format(system=self.system, host=self.host)
            except httpx.ConnectError:
                error = _("{system}: cannot reach {host} (offline, or the connection was refused).").format(
                    system=self.system, host=self.host)
            except httpx.HTTPError as exc:
                error = _("{system}: the connection to {host} failed ({error}).").format(
                    system=self.system, host=self.host, error=type(exc).__name__)
            else:
                log.info("%s %s %s -> %s", self.system, method, self.host, response.status_code)
                if response.status_code in RETRIED and attempt + 1 < ATTEMPTS:
                    self._sleep(_wait_for(response, attempt))
                    continue
                return self._checked(response, ok_missing)
            if attempt + 1 < ATTEMPTS:
                self._sleep(min(0.5 * 2 ** attempt, MAX_WAIT))
                continue
            raise ConnectorError(error)
        raise AssertionError("unreachable")

    def _checked(self, response: httpx.Response, ok_missing: bool) -> httpx.Response | None:
        status = response.status_code
        if status < 300:
            return response
        if status == 404 and ok_missing:
            return None
        if status in (401, 403):
            raise BadCredential(_("{system}: the credential was refused (HTTP {status}); check it with "
                                  "'megacase systems configure'.").format(system=self.system, status=status), status)
        if status == 429:
            raise ConnectorError(_("{system}: still rate-limited after {attempts} attempts (HTTP 429); "
                                   "try again later.").format(system=self.system, attempts=ATTEMPTS), status)
        if status >= 500:
            raise ConnectorError(_("{system}: server error (HTTP {status}) after {attempts} attempts.").format(
                system=self.system, status=status, attempts=ATTEMPTS), status)
        raise ConnectorError(_("{system}: the request was refused (HTTP {status}).").format(
            system=self.system, status=status), status)

    def get_json(self, path: str, params: dict | None = None, *, ok_missing: bool = False) -> Any:
        response = self.request("GET", path, params=params, ok_missing=ok_missing)
        return None if response is None else _json(self.system, response)


def _json(system: str, response: httpx.Response) -> Any:
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        raise ConnectorError(_("{system}: the answer was not JSON (HTTP {status}).").format(
            system=system, status=response.status_code)) from None
