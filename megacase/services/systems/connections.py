"""Configuring and building the connectors: base URL and options in the register's settings (audited),
the credential in the keyring; ``build`` makes the connector for one call and nothing keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import httpx

from megacase.errors import InputError, NotFound
from megacase.i18n import _
from megacase.services import roles, settings
from megacase.services.privacy.processors import list_processors
import megacase.services.systems.credentials as credentials
from megacase.services.systems.catalogue import SYSTEMS, SystemSpec, spec_for
from megacase.services.systems.connectors import ga4, graph, lightspeed, mailchimp, silvasoft
from megacase.services.systems.connectors.base import Connector
from megacase.services.systems.http import Http
from megacase.services.workspace import Workspace

_DEFAULT_URL = {"lightspeed": lightspeed.default_base_url, "mailchimp": mailchimp.default_base_url,
                "graph": graph.default_base_url, "ga4": ga4.default_base_url,
                "silvasoft": silvasoft.default_base_url}


@dataclass(frozen=True)
class SystemState:
    processor: str
    active: bool
    key: str | None                 # None: not a known system (export files and statements only)
    connector: str | None           # None: export files only
    base_url: str | None
    options: dict[str, str]
    credential: str                 # keyring | environment | missing | not needed
    hold_ground: str | None
    credential_help: str
    file_hint: str

    @property
    def ready(self) -> bool:
        return self.connector is not None and self.credential in ("keyring", "environment")

    def as_json(self) -> dict:
        return {"processor": self.processor, "active": self.active, "system": self.key, "connector": self.connector,
                "base_url": self.base_url, "options": self.options, "credential": self.credential,
                "ready": self.ready, "legal_hold": self.hold_ground}


def parse_options(text: str) -> dict[str, str]:
    out = {}
    for part in (text or "").split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            if k.strip():
                out[k.strip()] = v.strip()
    return out


def _options_text(options: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(options.items()) if v)


def require_spec(name: str) -> SystemSpec:
    spec = spec_for(name)
    if spec is None:
        known = ", ".join(s.processor for s in SYSTEMS)
        raise NotFound(_("No system '{name}'. Known: {known}.").format(name=name, known=known))
    return spec


def _state(ws_session, spec: SystemSpec | None, processor: str, active: bool) -> SystemState:
    if spec is None:
        return SystemState(processor, active, None, None, None, {}, "not needed", None,
                           "none: export files only", "an export file (CSV, JSON, XLSX or PDF)")
    base = settings.get_in(ws_session, spec.base_url_key) or None
    options = parse_options(settings.get_in(ws_session, spec.options_key))
    if spec.connector is None:
        return SystemState(processor, active, spec.key, None, None, options, "not needed", spec.hold_ground,
                           spec.credential, spec.file_hint)
    cred = credentials.credential_for(spec)
    url = base or _DEFAULT_URL[spec.connector](cred)
    return SystemState(processor, active, spec.key, spec.connector, url, options, credentials.where(spec),
                       spec.hold_ground, spec.credential, spec.file_hint)


def list_systems(ws: Workspace) -> list[SystemState]:
    """Every processor of the register, with its connector and the connector's state."""
    register = list_processors(ws)
    with ws.reading() as session:
        return [_state(session, spec_for(p.name), p.name, p.active) for p in register]


def system_state(ws: Workspace, name: str) -> SystemState:
    spec = require_spec(name)
    with ws.reading() as session:
        return _state(session, spec, spec.processor, True)


def configure(ws: Workspace, name: str, base_url: str | None = None, options: dict[str, str] | None = None,
              credential: str | None = None) -> SystemState:
    """Set a system's base URL and options (one audited action) and store its credential in the keyring."""
    roles.require_officer(ws)
    spec = require_spec(name)
    if base_url is not None and base_url.strip():
        url = httpx.URL(base_url.strip())
        if url.scheme not in ("http", "https") or not url.host:
            raise InputError(_("'{base_url}' is not an http(s) address.").format(base_url=base_url))
    if options:
        unknown = set(options) - set(spec.options)
        if unknown:
            raise InputError(f"{spec.processor} has no option {', '.join(sorted(unknown))}"
                             + (f" (known: {', '.join(spec.options)})." if spec.options else "."))
    if credential is not None:
        if spec.connector is None:
            raise InputError(_("{processor} has no connector: its data come as export files.").format(
                                 processor=spec.processor))
        credentials.store(spec, credential)
    with ws.transaction() as session:
        if base_url is not None:
            settings.set_in(session, ws, spec.base_url_key, base_url.strip().rstrip("/"))
        if options:
            merged = {**parse_options(settings.get_in(session, spec.options_key)), **options}
            settings.set_in(session, ws, spec.options_key, _options_text(merged))
        return _state(session, spec, spec.processor, True)


TransportFactory = Callable[[], httpx.BaseTransport | None]


def build(ws: Workspace, name: str, *, sleep=None) -> Connector:
    """The connector of a system, ready for one use (raises with a one-line message when it cannot be)."""
    spec = require_spec(name)
    if spec.connector is None:
        raise InputError(_("{processor} has no connector: import its export file instead.").format(
                             processor=spec.processor))
    state = system_state(ws, name)
    cred = credentials.credential_for(spec)
    if not cred:
        raise InputError(_("{processor}: no credential. Give {credential} with 'megacase systems configure "
                           "\"{processor}\" --credential', or set {env_var}.").format(
                             processor=spec.processor, credential=spec.credential, env_var=spec.env_var))
    extra = {"sleep": sleep} if sleep else {}
    if spec.connector == "mailchimp":
        return mailchimp.MailChimp(Http("MailChimp", state.base_url, auth=("megacase", cred), **extra))
    if spec.connector == "lightspeed":
        key, _sep, secret = cred.partition(":")
        return lightspeed.Lightspeed(Http("Lightspeed", state.base_url, auth=(key, secret), **extra))
    if spec.connector == "silvasoft":
        return silvasoft.Silvasoft(Http("Silvasoft", state.base_url, headers=silvasoft.headers_for(cred), **extra))
    bearer = {"Authorization": f"Bearer {cred}"}
    if spec.connector == "graph":
        boxes = [b.strip() for b in state.options.get("mailboxes", "").split(",") if b.strip()]
        return graph.Graph(Http("Office 365", state.base_url, headers=bearer, **extra), boxes)
    return ga4.GoogleAnalytics(Http("Google Analytics", state.base_url, headers=bearer, **extra),
                               state.options.get("property"))


def test_connection(ws: Workspace, name: str) -> str:
    """Test connection: one harmless call; the system's answer in one line, or a ConnectorError."""
    connector = build(ws, name)
    try:
        return connector.test()
    finally:
        connector.http.close()
