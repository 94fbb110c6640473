#!/usr/bin/env bash
# The whole test suite, in the order a failure is cheapest to find. Every step runs; the
# script fails when any step fails (pytest's "no tests ran" counts as a failure).
set -uo pipefail
cd "$(dirname "$0")/.."
export DATA_DIR=${DATA_DIR:-$PWD/var}
export RASA_TELEMETRY_ENABLED=false
export ENVIRONMENT=test
# endpoints.yml reads these; Rasa aborts on an unset ${VAR}.
export ACTIONS_URL=${ACTIONS_URL:-http://127.0.0.1:5055/webhook}
export ACTIONS_TOKEN=${ACTIONS_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
export TRACKER_DB=${TRACKER_DB:-$(mktemp -d)/rasa_tracker.db}
PG_URL=${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
# Each suite ends with its 15 slowest tests: where a long run's time went, without a rerun.
export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} --durations=15"

failed=()
passed=()
step() {  # step NAME command...
  local name=$1; shift
  printf '\n\033[1m==== %s\033[0m\n' "$name"
  local start=$SECONDS
  "$@"
  local rc=$?
  if [ $rc -eq 0 ]; then passed+=("$name ($((SECONDS-start)) s)")
  else failed+=("$name (exit $rc)"); fi
}
# Every suite is expected: a folder that disappeared or lost its tests is a failure, not a skip.
have_tests() {
  [ -d "$1" ] && find "$1" -name 'test_*.py' | grep -q . && return 0
  failed+=("$1: no tests found (the suite is missing)"); return 1
}

step "ruff lint" .venv/bin/ruff check .
step "ruff format" .venv/bin/ruff format --check .

step "FALC linter" .venv/bin/python -m bot.falc check --summary-file results/falc-summary.json

for suite in records falc voice gateway; do
  if have_tests tests/$suite; then
    step "pytest $suite (SQLite)" .venv/bin/pytest -q tests/$suite
  fi
done

if have_tests tests/records; then
  if .venv/bin/python -c "import sqlalchemy as s; s.create_engine('$PG_URL').connect().close()" 2>/dev/null; then
    step "pytest records (PostgreSQL)" env DATABASE_URL="$PG_URL" .venv/bin/pytest -q tests/records
  elif [ -n "${CI:-}" ]; then
    failed+=("PostgreSQL unreachable at $PG_URL (required in CI)")
  else
    printf '\n\033[1;31m!!!! PostgreSQL unreachable at %s: the records suite did NOT run on PostgreSQL\033[0m\n' "$PG_URL"
  fi
fi

if have_tests tests/gateway; then
  if .venv/bin/python -c "import sqlalchemy as s; s.create_engine('$PG_URL').connect().close()" 2>/dev/null; then
    step "pytest gateway (PostgreSQL)" env GATEWAY_TEST_DATABASE_URL="$PG_URL" .venv/bin/pytest -q tests/gateway
  elif [ -n "${CI:-}" ]; then
    failed+=("PostgreSQL unreachable at $PG_URL (required in CI)")
  else
    printf '\n\033[1;31m!!!! PostgreSQL unreachable at %s: the gateway suite did NOT run on PostgreSQL\033[0m\n' "$PG_URL"
  fi
fi

step "rasa data validate" .venv-rasa/bin/rasa data validate --fail-on-warnings \
  --domain domain.yml --data data --config config.yml
step "rasa test stories" .venv-rasa/bin/rasa test core --stories tests/rasa \
  --model "$DATA_DIR/models" --endpoints endpoints.yml --fail-on-prediction-errors \
  --out results/rasa-test

for suite in nlu actions; do
  if have_tests tests/$suite; then
    step "pytest $suite" .venv-rasa/bin/pytest -q tests/$suite
  fi
done

# End-to-end and browser tests share one pytest session, so one running stack serves both.
e2e=()
for suite in e2e browser; do have_tests tests/$suite && e2e+=(tests/$suite); done
if [ ${#e2e[@]} -gt 0 ]; then
  step "pytest ${e2e[*]}" .venv/bin/pytest -q "${e2e[@]}"
fi

printf '\n\033[1m==== summary\033[0m\n'
for p in "${passed[@]}"; do echo "ok     $p"; done
for f in "${failed[@]}"; do echo "FAILED $f"; done
[ ${#failed[@]} -eq 0 ]
