"""An in-memory keyring for tests, screenshots, samples and benchmarks.

Installed explicitly with ``keyring.set_keyring(MemoryKeyring())``; the application
never imports this module, and its negative priority keeps keyring from ever picking
it on its own.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = -1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)
