# The two set-up commands: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app matchmaker
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Translations: .po files are committed, the compiled .mo files are built here (git-ignored).
PO := $(wildcard matchmaker/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test test-fast install install-test lint format serve worker clean translations messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# pip shows each package and a progress bar: the first install takes a few minutes.
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing matchmaker and its dependencies into $(VENV) (a few minutes the first time)..."
	$(BIN)/pip install --progress-bar on -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing matchmaker with its test tools into $(VENV) (a few minutes the first time)..."
	$(BIN)/pip install --progress-bar on -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP) $(MO)

install-test: $(TEST_STAMP) $(MO)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

translations: $(MO)

# After changing user-facing text: extract it and merge it into the catalogues to translate.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header \
		-k N_ --sort-output -o matchmaker/translations/messages.pot matchmaker templates templates/_macros
	$(BIN)/pybabel update -i matchmaker/translations/messages.pot -d matchmaker/translations \
		--width 100 --ignore-obsolete

# `make run PORT=8080` serves elsewhere (e-mailed links follow unless SITE_URL is set).
PORT ?= 5000
run: $(STAMP) $(MO)
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Serving http://127.0.0.1:$(PORT) (Ctrl+C stops it)"
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Production serving: gunicorn, 2 x cores + 1 workers (gunicorn.conf.py). Needs SECRET_KEY and,
# for more than one server, DATABASE_URL (PostgreSQL) and REDIS_URL.
serve: $(STAMP) $(MO)
	$(FLASK) db upgrade
	MATCHMAKER_ENV=production $(BIN)/gunicorn --config gunicorn.conf.py 'matchmaker:create_app()'

# The background job worker (needs REDIS_URL; without Redis, jobs run inline).
worker: $(STAMP) $(MO)
	$(FLASK) worker

test: $(TEST_STAMP) $(MO)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop: everything but the slow, browser and fault tests (`make test` runs them all).
test-fast: $(TEST_STAMP) $(MO)
	$(BIN)/python -m pytest -m "not slow and not e2e and not faults" $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
