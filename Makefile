# The README's two commands: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo and the local site run with DEBUG on: a per-process secret key and
# media served by Django. Production sets SECRET_KEY and leaves DEBUG off.
LOCAL := DEBUG=1

.PHONY: demo serve test lint messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	$(LOCAL) $(BIN)/python manage.py migrate --no-input
	$(LOCAL) $(BIN)/python manage.py setup_schedules
	$(LOCAL) $(BIN)/python manage.py demo

serve: $(VENV)/.installed
	$(LOCAL) $(BIN)/python manage.py migrate --no-input
	$(LOCAL) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: $(VENV)/.installed
	$(LOCAL) $(BIN)/python manage.py makemessages --locale fr --no-obsolete --ignore ".venv/*"
	$(LOCAL) $(BIN)/python manage.py compilemessages --locale fr --ignore ".venv/*"
