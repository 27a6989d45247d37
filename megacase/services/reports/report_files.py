"""Writing a report as PDF and/or CSV: the checks and the file handling every report shares."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from megacase.errors import InputError
from megacase.i18n import _
from megacase.store import private


def check_targets(pdf: str | os.PathLike | None, csv_path: str | os.PathLike | None, delimiter: str) -> None:
    if pdf is None and csv_path is None:
        raise InputError(_("Choose where to write the report: a PDF file, a CSV file, or both."))
    if len(delimiter) != 1:
        raise InputError(_("The CSV delimiter must be one character, e.g. ',' or ';'."))


def write_report(pdf: str | os.PathLike | None, csv_path: str | os.PathLike | None,
                 make_pdf: Callable[[], bytes], make_csv: Callable[[], bytes]) -> list[str]:
    """Render what was asked for, then write it; returns the formats written (for the audit event).

    Everything is rendered before anything is written, so a rendering error leaves no half set of files.
    """
    outputs: list[tuple[Path, bytes]] = []
    if pdf is not None:
        outputs.append((Path(pdf), make_pdf()))
    if csv_path is not None:
        outputs.append((Path(csv_path), make_csv()))
    for path, data in outputs:
        try:
            if not path.parent.exists():
                private.private_dir(path.parent)
            private.write_private(path, data)      # 0600: reports name subjects
        except OSError as exc:
            raise InputError(_("Cannot write {path}: {strerror}.").format(
                                 path=path, strerror=exc.strerror or exc)) from None
    return [p.suffix.lstrip(".").lower() or "file" for p, _data in outputs]

