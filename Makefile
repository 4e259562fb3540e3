# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-16)
CATALOGS := $(patsubst %.po,%.mo,$(wildcard matchmaker/translations/*/LC_MESSAGES/messages.po))
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-sqlite test-postgres bench bench-family bench-grade mutation install translations extract-messages clean

install: $(STAMP) $(CATALOGS)

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(CATALOGS)

extract-messages: $(STAMP)
	PYTHONPATH=. $(BIN)/pybabel extract -F matchmaker/translations/babel.cfg -k _l --ignore-dirs=".* __pycache__" -o matchmaker/translations/messages.pot .
	$(BIN)/pybabel update -i matchmaker/translations/messages.pot -d matchmaker/translations --no-fuzzy-matching

run: install
	$(FLASK) db upgrade
	$(FLASK) seed --if-empty
	$(FLASK) ranker train --if-none-active
	@echo
	@echo "matchmaker (高新金服) is serving on http://127.0.0.1:8000"
	@echo "Demo logins (role, email, password), kept in instance/demo-logins.txt:"
	@if [ -f instance/demo-logins.txt ]; then sed 's/^/  /' instance/demo-logins.txt; else echo "  (none: this database was not seeded by make run)"; fi
	@echo
	@# The task worker (training, e-mail; with the sweep, -B) beside gunicorn; it stops with it.
	@$(BIN)/python -m celery -A matchmaker.worker:celery worker -B --pool solo --without-mingle --without-gossip \
		--loglevel INFO -s instance/celerybeat-schedule --logfile instance/worker.log & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	echo "task worker started (pid $$WORKER, log instance/worker.log)"; \
	$(BIN)/gunicorn -c gunicorn.conf.py

# SQLite always; PostgreSQL when it answers, and always when CI=true (a fresh database per run).
test: install
	$(MAKE) --no-print-directory test-sqlite
	@if [ "$$CI" = "true" ] || $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_ADMIN_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL does not answer at $(PG_ADMIN_URL): the PostgreSQL pass was not run"; \
	fi

test-sqlite: install
	MATCHMAKER_TEST_DB=sqlite $(BIN)/python -m pytest -c tests/pytest.ini $(PYTEST_ARGS)

test-postgres: install
	MATCHMAKER_TEST_DB=postgresql TEST_PG_ADMIN_URL=$(PG_ADMIN_URL) $(BIN)/python -m pytest -c tests/pytest.ini -m "not browser" $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

# The ranker, a plain HGB, the cold start and the published rules on 20 drawn approval laws and on the
# seed's own law on four seeds (bench/family.py; 10-20 s per market on two cores; make bench runs it too).
bench-family: install
	$(BIN)/python -m bench.family

# The knowledge-value features (grade, IP register, pledge) with and without, on laws that ignore them and
# on one that lends on the grade (bench/grade.py; make bench runs it too).
bench-grade: install
	$(BIN)/python -m bench.grade

# Mutation testing of the business rules named in setup.cfg ([mutmut]); results: .venv/bin/mutmut results
mutation: install
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2

clean:
	rm -rf $(VENV) .pytest_cache
