# MegaCase: `make run` opens the desktop application on a demo register, `make test` runs every test.
# Each target creates or refreshes its own virtual environment in .venv.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DIR ?= .demo
DEMO_PASSPHRASE ?= demo recovery passphrase

.PHONY: run test screenshots demo venv clean bench package

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	@test -f $(DEMO_DIR)/megacase.db || MEGACASE_PASSPHRASE="$(DEMO_PASSPHRASE)" $(PY) -m megacase demo --data-dir $(DEMO_DIR)

run: demo
	MEGACASE_PASSPHRASE="$(DEMO_PASSPHRASE)" $(PY) -m megacase --data-dir $(DEMO_DIR)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshots.py docs/screenshots
	QT_QPA_PLATFORM=offscreen $(PY) tools/privacy_screenshots.py docs/screenshots
	QT_QPA_PLATFORM=offscreen $(PY) tools/backup_screenshots.py docs/screenshots

bench: $(STAMP)
	$(PY) tools/bench.py

package: $(STAMP)
	$(PY) -m pip install --quiet -e '.[package]'
	$(PY) -m PyInstaller --noconfirm --distpath dist --workpath build packaging/megacase.spec

clean:
	rm -rf $(VENV) $(DEMO_DIR) build dist .pytest_cache
