#!/bin/sh
# Prints the path of a CPython newer than 3.11 (3.13, else 3.12) that runs and can make a venv, or
# nothing. pyenv's shims answer for versions that are installed but not selected, so its versions
# folder is searched too. Used by `make test-newer` for the second run of the suite.
for v in 3.13 3.12; do
  for p in "$(command -v "python$v" 2>/dev/null)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/$v.*/bin/python$v; do
    if [ -n "$p" ] && [ -x "$p" ] && "$p" -c 'import venv, ensurepip' >/dev/null 2>&1; then
      echo "$p"
      exit 0
    fi
  done
done
