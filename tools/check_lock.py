"""Check that the environment installed from requirements/lock.txt satisfies pyproject.toml.

A dependency added to (or narrowed in) pyproject.toml without `make lock` would otherwise go unnoticed
until an import fails somewhere. Run with the virtual environment's Python, after installing the lock:
    .venv/bin/python tools/check_lock.py
Exit 0 when every requirement of the project and of its `test` and `package` extras that applies to
this Python and platform is installed at a version in its range; 1 with one line per problem.
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCKED_EXTRAS = ("test", "package")


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = list(project.get("dependencies", ()))
    for extra in LOCKED_EXTRAS:
        texts += project.get("optional-dependencies", {}).get(extra, ())
    return [Requirement(t) for t in texts]


def problems() -> list[str]:
    found = []
    for req in requirements():
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            installed = version(req.name)
        except PackageNotFoundError:
            found.append(f"{req.name} is not installed (pyproject.toml asks for {req})")
            continue
        if not req.specifier.contains(installed, prereleases=True):
            found.append(f"{req.name} {installed} is installed, pyproject.toml asks for {req}")
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(f"lock out of date: {line}", file=sys.stderr)
    if found:
        print("run `make lock` to refresh requirements/lock.txt from pyproject.toml", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
