# Two commands for a fresh machine:  make run  |  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed

.PHONY: run test lint test-fast test-e2e test-postgres test-calendar bench chromium postgresql clean-venv

## make run: install (when requirements changed), create or migrate the database, load the demo
## portfolio into an empty database, start the app on http://localhost:$(PORT)
run: $(RUNTIME_STAMP)
	$(BIN)/python -m kam_core setup --demo-if-empty
	$(BIN)/python -m kam_core.ui.serve --server.port $(PORT) --browser.gatherUsageStats false

## make test: unit, page (AppTest) and browser (Chromium) tests on SQLite and, at the same time on
## the other core, the unit and page tests again on a throw-away PostgreSQL server
## (tests/postgres_server.py), whose output follows; fails if either pass fails
test: $(DEV_STAMP) chromium postgresql
	@echo "--- ruff: lint and format (make lint fixes what it can) ---"
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	@mkdir -p tests/.logs; \
	KAM_TEST_BACKEND=postgres $(BIN)/python -m pytest --durations=20 tests/unit tests/pages > tests/.logs/postgres.log 2>&1 & \
	postgres=$$!; status=0; \
	trap 'kill $$postgres 2>/dev/null; exit 130' INT TERM; \
	echo "--- SQLite: unit, page and browser tests (the PostgreSQL pass runs meanwhile) ---"; \
	$(BIN)/python -m pytest --durations=20 tests || status=$$?; \
	wait $$postgres || status=$$?; \
	echo "--- PostgreSQL: the unit and page tests (tests/.logs/postgres.log) ---"; \
	cat tests/.logs/postgres.log; \
	exit $$status

## make test-calendar: the unit, page and browser tests (SQLite) once per moment below, the clock of
## every test process (and of the app server) moved there and running on (tests/travel.py), each run
## with its own hash seed; before a release (about 6 min a moment here). A moment: local time@zone.
##  - two minutes before the 1st of a month, 14 hours ahead of UTC (UTC stays on the 31st all run long)
##  - New Year's Eve a few minutes before midnight, 11 hours behind UTC: the run crosses into the new year
##  - 29 February of a leap year before midnight in UTC: the run crosses into 1 March
CALENDAR ?= 2027-01-31T23:58:00@Pacific/Kiritimati 2027-12-31T23:57:00@Pacific/Pago_Pago \
            2028-02-29T23:57:00@UTC
test-calendar: $(DEV_STAMP) chromium
	@failed=""; seed=0; \
	for moment in $(CALENDAR); do \
		seed=$$((seed + 1)); \
		echo "--- clock at $${moment%@*} in $${moment#*@} (PYTHONHASHSEED=$$seed) ---"; \
		KAM_TEST_MOMENT="$${moment%@*}" KAM_TEST_ZONE="$${moment#*@}" PYTHONHASHSEED=$$seed \
			$(BIN)/python -m pytest tests || failed="$$failed $$moment"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-calendar: failed at$$failed"; exit 1; fi; \
	echo "test-calendar: passed at every moment ($(CALENDAR))"

## make bench: performance benchmark at 200, 2,000 and 10,000 accounts, then the workshop's live paths in
## Chromium (slider -> position, vote -> facilitator, at 30 and 2,000 accounts, against a trivial app), then
## the load test (20 users and 2 Chromium sessions for 60 s on SQLite and on PostgreSQL, and the editors each
## one holds); writes bench/results/latest.json and prints each figure against the budget (bench/README.md).
## Chromium and PostgreSQL are installed when they can be; without them their parts say SKIPPED.
bench: $(DEV_STAMP)
	-@$(MAKE) --no-print-directory chromium postgresql
	$(BIN)/python -m bench.run

## make lint: ruff fixes what it can (import order, unused imports) and formats the code
lint: $(DEV_STAMP)
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

## make test-fast: unit and page tests only (no browser), for quick loops
test-fast: $(DEV_STAMP)
	$(BIN)/python -m pytest tests/unit tests/pages

test-e2e: $(DEV_STAMP) chromium
	$(BIN)/python -m pytest tests/e2e

## make test-postgres: the unit and page tests on a throw-away PostgreSQL server only
test-postgres: $(DEV_STAMP) postgresql
	KAM_TEST_BACKEND=postgres $(BIN)/python -m pytest tests/unit tests/pages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The stamps are newer than the requirement files once installed: pip runs again only when they change.
$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

# Debian's Chromium: Playwright's own browser download cannot reach the internet here.
chromium:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium from Debian's packages..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Chromium is missing: install it with 'sudo apt-get install chromium' (Debian/Ubuntu)," \
		     "or set CHROMIUM=/path/to/chromium, then run make test again."; \
		[ -n "$$CHROMIUM" ] || exit 1; \
	fi

clean-venv:
	rm -rf $(VENV)

# Debian's PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin): the tests start their own
# server from them in a temporary directory, on a free port, and stop it after.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "$$PG_BINDIR" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing PostgreSQL from Debian's packages..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "PostgreSQL's server is missing: install it with 'sudo apt-get install postgresql' (Debian/Ubuntu)," \
		     "or set PG_BINDIR=/path/to/postgresql/bin, then run make test again."; \
		exit 1; \
	fi
