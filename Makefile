PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= small
PORT ?= 8000
export DEBUG ?= 1
export SECURE_HTTPS ?= 0
# Links in e-mails and letters point to the local server the demo starts.
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: demo test quality bench worker serve migrate messages clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

venv: $(BIN)/activate

migrate: $(BIN)/activate
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py seed_demo --scale $(SCALE)
	@echo "Starting the task worker and the web server on http://127.0.0.1:$(PORT)"
	$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/python manage.py run_schedule > var/schedule.log 2>&1 & schedule=$$!; \
	trap "kill $$worker $$schedule" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: migrate
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: migrate
	$(BIN)/python manage.py run_schedule > var/schedule.log 2>&1 & \
	schedule=$$!; trap "kill $$schedule" EXIT INT TERM; \
	$(BIN)/python manage.py db_worker

test: $(BIN)/activate
	$(BIN)/pytest -n 2 --dist loadgroup

quality: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# The region-scale benches seed the region demo into DATABASE_URL (a throwaway database!) or,
# unset, into var/bench-region.sqlite3, once; load.py is meant for PostgreSQL.
bench: $(BIN)/activate
	$(BIN)/python bench/seed_demo.py
	$(BIN)/python bench/allocation_ranking.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/interventions.py
	$(BIN)/python bench/continuity.py
	$(BIN)/python bench/supplies.py
	$(BIN)/python bench/proximity.py
	$(BIN)/python bench/messaging.py
	$(BIN)/python bench/payables.py
	$(BIN)/python bench/outreach.py
	$(BIN)/python bench/rent_run.py
	$(BIN)/python bench/federation.py
	$(BIN)/python bench/load.py --scenario browse
	$(BIN)/python bench/load.py --scenario voting --users 15 55 105
	$(BIN)/python bench/imports.py --concurrent
	$(BIN)/python bench/imports.py --kind applications --concurrent

messages: $(BIN)/activate
	cd relais && ../$(BIN)/python ../manage.py makemessages -l fr --no-obsolete
	cd relais && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var
