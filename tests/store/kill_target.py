"""The processes the kill tests kill: a register created, a demo register created, or one upgraded.

``python -m tests.store.kill_target`` is a small fork server: it imports everything once, then for each line
``MODE DATA_DIR`` read on stdin forks a child that does that work, prints ``PID n``, and, once the child has
ended (done or killed), ``EXIT status``. Forking from a warm process makes a kill run cost milliseconds
instead of an interpreter start, and the kill's random delay falls in the work itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import keyring

from megacase.services.demo import demo
from megacase.services.session import create_profile, open_profile
from megacase.services.workspace import Actor
from megacase.store import keys
from megacase.store.memory_keyring import MemoryKeyring
from tests.conftest import FAST_SCRYPT, PASSPHRASE

DEMO_CASES = 3


def work(mode: str, data_dir: Path) -> None:
    keyring.set_keyring(MemoryKeyring())
    store = keys.KeyStore()
    if mode == "init":
        create_profile(data_dir, PASSPHRASE, store, Actor("alice"), scrypt_n=FAST_SCRYPT)
    elif mode == "demo":
        create_profile(data_dir, PASSPHRASE, store, Actor("alice"), scrypt_n=FAST_SCRYPT,
                       fill=lambda ws: demo.populate(ws, count=DEMO_CASES))
    elif mode == "upgrade":
        open_profile(data_dir, store, PASSPHRASE, Actor("alice")).engine.dispose()
    else:
        raise ValueError(mode)


def serve() -> None:
    print("READY", flush=True)
    for line in sys.stdin:
        mode, folder = line.rstrip("\n").split(" ", 1)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                work(mode, Path(folder))
            except BaseException as exc:   # noqa: BLE001 - reported to the test through the exit status
                print(f"child failed: {exc!r}", file=sys.stderr, flush=True)
                code = 3
            os._exit(code)
        print(f"PID {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"EXIT {status}", flush=True)


if __name__ == "__main__":
    serve()
