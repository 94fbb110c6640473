#!/usr/bin/env bash
# `make scale`: the scale-out topology on this machine, against the local PostgreSQL and
# Redis: HAProxy (deploy/haproxy.cfg) in front of two replicas of each process
# (deploy/Procfile.scale): gateways on one PostgreSQL store and Redis (events, locks), Rasa on
# the PostgreSQL tracker store and Redis lock store (deploy/endpoints.scale.yml) with one model
# folder, stateless action servers, records on one PostgreSQL database.
# Every setting is an environment variable; the defaults suit a fresh local machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATA_DIR=${DATA_DIR:-$PWD/var}
export RASA_TELEMETRY_ENABLED=false
# As `make run`: the processes refuse to start without it; production brings its own secrets.
export ENVIRONMENT=${ENVIRONMENT:-development}

PG_HOST=${SCALE_PG_HOST:-127.0.0.1}
PG_PORT=${SCALE_PG_PORT:-5432}
PG_USER=${SCALE_PG_USER:-postgres}
PG_PASSWORD=${SCALE_PG_PASSWORD:-}
DB_PREFIX=${SCALE_DB_PREFIX:-mes_scale}
export REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379} REDIS_DB=${REDIS_DB:-0}
export REDIS_URL=${REDIS_URL:-redis://$REDIS_HOST:$REDIS_PORT/$REDIS_DB}

pg_url() { echo "postgresql+psycopg://$PG_USER${PG_PASSWORD:+:$PG_PASSWORD}@$PG_HOST:$PG_PORT/$1"; }
# One database per service: records and the gateway both have a "messages" table.
export DATABASE_URL=${DATABASE_URL:-$(pg_url "${DB_PREFIX}_records")}
export GATEWAY_DATABASE_URL=${GATEWAY_DATABASE_URL:-$(pg_url "${DB_PREFIX}_gateway")}
export RASA_ENDPOINTS=deploy/endpoints.scale.yml
export RASA_MODEL=${RASA_MODEL:-$DATA_DIR/models}
export TRACKER_DB_HOST=$PG_HOST TRACKER_DB_PORT=$PG_PORT TRACKER_DB_USER=$PG_USER
export TRACKER_DB_PASSWORD=$PG_PASSWORD TRACKER_DB_NAME=${TRACKER_DB_NAME:-${DB_PREFIX}_rasa}

# The balanced port of each process (what the others call) and its two replicas' ports.
export GATEWAY_LB_PORT=${GATEWAY_PORT:-8080}
export GATEWAY1_PORT=${GATEWAY1_PORT:-8081} GATEWAY2_PORT=${GATEWAY2_PORT:-8082}
export RASA_LB_PORT=${RASA_PORT:-5005}
export RASA1_PORT=${RASA1_PORT:-5006} RASA2_PORT=${RASA2_PORT:-5007}
export ACTIONS_LB_PORT=${ACTIONS_PORT:-5055}
export ACTIONS1_PORT=${ACTIONS1_PORT:-5056} ACTIONS2_PORT=${ACTIONS2_PORT:-5057}
export RECORDS_LB_PORT=${RECORDS_PORT:-8000}
export RECORDS1_PORT=${RECORDS1_PORT:-8001} RECORDS2_PORT=${RECORDS2_PORT:-8002}
unset GATEWAY_PORT RASA_PORT ACTIONS_PORT RECORDS_PORT # each replica gets its own
export RECORDS_URL=http://127.0.0.1:$RECORDS_LB_PORT RASA_URL=http://127.0.0.1:$RASA_LB_PORT
export ACTIONS_URL=http://127.0.0.1:$ACTIONS_LB_PORT/webhook

if ! command -v haproxy >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null
  else
    echo "haproxy is missing: install it with your package manager" >&2
    exit 1
  fi
fi

# The secrets every process shares, as `make run` gives them: generated once outside
# production; in production the operator sets them and each process refuses to start without.
if [ "$ENVIRONMENT" != production ]; then
  scripts/dev-secrets.sh "$DATA_DIR/secrets.env"
  set -a
  # shellcheck disable=SC1091
  . "$DATA_DIR/secrets.env"
  set +a
fi

# The three databases, created when missing (the schemas come from each service's migrations).
.venv/bin/python - "$(pg_url postgres)" "${DB_PREFIX}_records" "${DB_PREFIX}_gateway" \
  "$TRACKER_DB_NAME" <<'PY'
import sys

import sqlalchemy as sa

engine = sa.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    for name in sys.argv[2:]:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
PY
(cd records && ../.venv/bin/alembic upgrade head)
.venv/bin/python -m records.seed --if-empty
.venv/bin/python -m bot.db
echo "gateway behind HAProxy: http://127.0.0.1:$GATEWAY_LB_PORT (replicas on $GATEWAY1_PORT, $GATEWAY2_PORT)"
# Arguments pick processes, e.g. `scripts/scale.sh records1 records2 gateway1 gateway2 lb`.
exec .venv/bin/honcho start -f deploy/Procfile.scale "$@"
