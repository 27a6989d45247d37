"""Reading files the user names (attachments, messages, passphrase files): bounded while reading."""

from __future__ import annotations

import os

from megacase.errors import InputError
from megacase.i18n import _

MAX_SECRET_FILE = 64 * 1024


def read_bounded(path: str | os.PathLike, limit: int, what: str = "the file") -> bytes:
    """The whole of a file the user named, refused once more than ``limit`` bytes arrive.

    Bounded while reading, not by ``stat``: a device such as /dev/zero or a pipe says it is empty
    and never ends.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except IsADirectoryError:
        raise InputError(_("Cannot read {what} {path}: it is a folder.").format(what=what, path=path)) from None
    except OSError as exc:
        raise InputError(_("Cannot read {what} {path}: {strerror}.").format(
                             what=what, path=path, strerror=exc.strerror or exc)) from None
    if len(data) > limit:
        size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
        raise InputError(_("{what} {path} is larger than {size}: refused.").format(
                             what=what.capitalize(), path=path, size=size))
    return data
