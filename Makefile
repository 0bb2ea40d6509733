# Two commands: `make run` sets up and starts the app; `make test` sets up and runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run serve-lan test setup setup-dev debian-packages lint clean messages upgrade-check

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: apt-get install python3.11 python3.11-venv, or set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev debian-packages

# The browser tests drive Debian's Chromium (Playwright's own browser download does not work offline);
# the proxy tests run Debian's Caddy and make their certificate with openssl.
debian-packages:
	@{ test -x /usr/bin/chromium && command -v caddy >/dev/null && command -v openssl >/dev/null; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium caddy openssl; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium caddy openssl; fi; }

# Bytecode for rightsmap's own modules first: where PYTHONDONTWRITEBYTECODE is set, every start would
# compile them again (about 0.1 s of the first page's wait). compileall skips what is up to date.
run: setup
	$(BIN)/python -m compileall -q rightsmap >/dev/null
	$(BIN)/python -m rightsmap.cli.serve

# The app behind Caddy with TLS on this machine's LAN address (README: "Serving a meeting room or an
# office"). Options go in LAN, e.g. `make serve-lan LAN="--view both"`.
serve-lan: setup
	$(BIN)/python -m compileall -q rightsmap >/dev/null
	$(BIN)/python -m rightsmap.cli.lan $(LAN)

# mypy checks rightsmap/, dashboard.py and pages/ (pyproject.toml); its cache makes a second run quick.
# lint-imports checks the package's layers (pyproject.toml, README "Architecture").
test: setup-dev
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# Would the newest Streamlit and streamlit-folium break the app? A scratch venv (UPGRADE_VENV) with them
# upgraded: compat.check(), the compat tests, the browser suite and a quick bench (bench/upgrade_check.py).
# Not part of `make test`: it needs PyPI. UPGRADE_OPTIONS="--no-browser --no-bench" for the first two only.
UPGRADE_VENV ?= /tmp/rightsmap-upgrade
upgrade-check: debian-packages
	$(PYTHON) bench/upgrade_check.py --venv $(UPGRADE_VENV) --python $(PYTHON) $(UPGRADE_OPTIONS)

lint: setup-dev
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) static .pytest_cache .mypy_cache

# Re-extract the messages after changing text in the code, then translate the new entries in
# rightsmap/locales/{ru,ky}/LC_MESSAGES/messages.po (tests fail while any entry is untranslated).
messages: setup-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k translate --no-location --sort-output --omit-header \
	  -o rightsmap/locales/messages.pot .
	for lang in ru ky; do \
	  test -f rightsmap/locales/$$lang/LC_MESSAGES/messages.po || \
	    $(BIN)/pybabel init -i rightsmap/locales/messages.pot -d rightsmap/locales -l $$lang; \
	  $(BIN)/pybabel update -i rightsmap/locales/messages.pot -d rightsmap/locales -l $$lang \
	    --no-fuzzy-matching --ignore-obsolete; \
	done
