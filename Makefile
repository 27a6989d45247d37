# MegaCase: `make run` opens the desktop application on a demo register, `make test` runs every test.
# Each target creates or refreshes its own virtual environment in .venv, installed from the hash-checked
# lock file requirements/lock.txt (exactly those versions, nothing newer). `make lock` refreshes the lock
# from pyproject.toml and runs the suite; `make lock-upgrade` also moves every package to its newest release.
# `make bench` prints the speed figures on 10,000 generated cases (bench/run.py --large: 100,000).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DIR ?= .demo
DEMO_PASSPHRASE ?= demo recovery passphrase
LOCK := requirements/lock.txt
# uv resolves one lock for every supported Python and platform (markers select the lines that apply).
UV_VERSION := 0.13.9
LOCK_TOOLS := .lock-tools
UV := $(LOCK_TOOLS)/bin/uv

.PHONY: run test test-newer screenshots demo venv clean bench package lock lock-upgrade catalogs

# A fresh environment each time the lock or pyproject.toml changes, so that it holds the lock and nothing else.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) tools/check_lock.py
	$(PY) tools/catalogs.py --compile >/dev/null
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	@test -f $(DEMO_DIR)/megacase.db || MEGACASE_PASSPHRASE="$(DEMO_PASSPHRASE)" $(PY) -m megacase demo --data-dir $(DEMO_DIR)

run: demo
	@$(PY) -m megacase.desktop_check   # no display or missing Qt libraries: one line with the install command
	MEGACASE_PASSPHRASE="$(DEMO_PASSPHRASE)" $(PY) -m megacase --data-dir $(DEMO_DIR)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# The suite again on a newer CPython (3.13, else 3.12) in its own environment, from the same lock:
# its lines for Python 3.12+ differ (PySide6), and a break that only one Python shows is caught here.
NEWER_PYTHON ?= $(shell tools/newer_python.sh)
test-newer:
	@if [ -z "$(NEWER_PYTHON)" ]; then \
	  echo "test-newer: no Python 3.12 or 3.13 found; the suite ran on $(PYTHON) only" >&2; \
	else \
	  $(MAKE) --no-print-directory test PYTHON="$(NEWER_PYTHON)" VENV=.venv-newer; \
	fi

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshots.py docs/screenshots
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshots.py --lang=fr docs/screenshots/fr main-window dashboard intake-dialog compose outbox case-detail manager-review case-systems case-per-right-answers \
		decide-per-right ask-subject-dialog
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshots.py --lang=nl docs/screenshots/nl main-window dashboard intake-dialog compose outbox case-detail manager-review case-systems case-per-right-answers \
		decide-per-right ask-subject-dialog
	QT_QPA_PLATFORM=offscreen $(PY) tools/privacy_screenshots.py docs/screenshots
	QT_QPA_PLATFORM=offscreen $(PY) tools/privacy_screenshots.py --lang=fr docs/screenshots/fr erasure-dialog
	QT_QPA_PLATFORM=offscreen $(PY) tools/privacy_screenshots.py --lang=nl docs/screenshots/nl erasure-dialog
	QT_QPA_PLATFORM=offscreen $(PY) tools/mail_screenshots.py docs/screenshots
	QT_QPA_PLATFORM=offscreen $(PY) tools/mail_screenshots.py --lang=fr docs/screenshots/fr
	QT_QPA_PLATFORM=offscreen $(PY) tools/mail_screenshots.py --lang=nl docs/screenshots/nl
	QT_QPA_PLATFORM=offscreen $(PY) tools/backup_screenshots.py docs/screenshots
	QT_QPA_PLATFORM=offscreen $(PY) tools/backup_screenshots.py --lang=fr docs/screenshots/fr
	QT_QPA_PLATFORM=offscreen $(PY) tools/backup_screenshots.py --lang=nl docs/screenshots/nl

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py

package: $(STAMP)
	$(PY) tools/catalogs.py --compile >/dev/null
	$(PY) -m PyInstaller --noconfirm --distpath dist --workpath build packaging/megacase.spec
	@du -sh dist/megacase | sed 's/^/unpacked size: /'
	QT_QPA_PLATFORM=offscreen dist/megacase/megacase --self-test

# Extract the interface's messages, update the fr and nl catalogues, compile them (see tools/catalogs.py).
catalogs: $(STAMP)
	$(PY) tools/catalogs.py

$(UV):
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# Keeps every locked version that still fits pyproject.toml and adds what is new; then the whole suite
# on both Pythons, as CI runs it.
lock: $(UV)
	$(UV) pip compile pyproject.toml $(LOCK_OPTIONS) -o $(LOCK)
	$(MAKE) test test-newer

lock-upgrade: $(UV)
	$(UV) pip compile pyproject.toml $(LOCK_OPTIONS) --upgrade -o $(LOCK)
	$(MAKE) test test-newer

LOCK_OPTIONS = --quiet --extra test --extra package --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"

clean:
	rm -rf $(VENV) .venv-newer $(LOCK_TOOLS) $(DEMO_DIR) build dist .pytest_cache
