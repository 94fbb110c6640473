# The two commands of the README: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
export DATA_DIR ?= $(CURDIR)/var
export RASA_TELEMETRY_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

VENV := .venv/bin
RASA_VENV := .venv-rasa/bin

.PHONY: run scale test setup migrate seed train lint falc bench clean

# `make run` is the development server: the processes refuse to start without ENVIRONMENT.
run: export ENVIRONMENT := development
migrate seed: export ENVIRONMENT ?= development

run: setup migrate seed train  ## run everything on the embedded default
	scripts/dev-secrets.sh $(DATA_DIR)/secrets.env
	$(VENV)/honcho start -f Procfile -e $(DATA_DIR)/secrets.env

scale: setup train  ## the scale-out topology: HAProxy + 2 of each process on PostgreSQL and Redis
	scripts/scale.sh

test: setup train  ## the whole test suite (what .ci/run calls)
	scripts/test.sh

setup:
	scripts/setup.sh
	@mkdir -p $(DATA_DIR)

migrate: setup
	cd records && ../$(VENV)/alembic upgrade head
	$(VENV)/python -m bot.db

seed: migrate
	$(VENV)/python -m records.seed --if-empty

train: setup
	scripts/train.sh

lint: setup
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

falc: setup
	$(VENV)/python -m bot.falc check

bench: setup train
	scripts/bench.sh

clean:
	rm -rf $(DATA_DIR) .pytest_cache
