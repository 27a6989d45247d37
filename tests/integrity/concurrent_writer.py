"""A scheduled job writing to the register through the real command line, many times in a row.

``python -m tests.integrity.concurrent_writer DATA_DIR NAME COUNT`` runs ``megacase case open`` and
``megacase case note`` COUNT times each through ``megacase.cli.main`` and prints one line per action:
``OK open|note REF``, ``BUSY`` (exit 2 with the busy message) or ``OTHER <code> <stderr>``.
"""

from __future__ import annotations

import contextlib
import io
import sys

from megacase import cli


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue().strip(), err.getvalue().strip()


def report(action: str, code: int, out: str, err: str) -> None:
    if code == 0:
        print(f"OK {action} {out.split()[0].rstrip(':')}", flush=True)
    elif code == 2 and "the register is busy: another megacase is writing; try again" in err.lower():
        print("BUSY", flush=True)
    else:
        print(f"OTHER {code} {err!r}", flush=True)


def main(data_dir: str, name: str, count: int) -> None:
    for i in range(count):
        code, out, err = run(["case", "open", "--data-dir", data_dir, "--type", "access", "--name", f"{name} {i}",
                              "--email", f"{name}.{i}@example.be", "--language", "en"])
        report("open", code, out, err)
        if code == 0:
            report("note", *run(["case", "note", out.split()[0], "--data-dir", data_dir, "--text", f"note by {name}"]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
