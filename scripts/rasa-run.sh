#!/usr/bin/env bash
# Start the Rasa server with its HTTP API on localhost. The tracker and lock stores come from
# endpoints.yml, which reads environment variables (SQLite tracker by default).
# Its HTTP API and REST channel answer only calls carrying RASA_TOKEN (the gateway and the test
# tools hold it); it calls the action server with ACTIONS_TOKEN. No CORS: browsers talk to the
# gateway, never to Rasa.
set -euo pipefail
cd "$(dirname "$0")/.."
refuse() { echo "rasa-run.sh: $*" >&2; exit 2; }
case "${ENVIRONMENT:-}" in
  production)
    [ -n "${RASA_TOKEN:-}" ] || refuse "RASA_TOKEN is required in production: a long random" \
      "secret shared with the gateway (Rasa's --auth-token)"
    [ -n "${ACTIONS_TOKEN:-}" ] || refuse "ACTIONS_TOKEN is required in production: a long" \
      "random secret shared with the action server"
    ;;
  development | test)
    # Unset: a random value nobody else knows (`make run` shares one with the other processes).
    random() { .venv-rasa/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))'; }
    export RASA_TOKEN=${RASA_TOKEN:-$(random)} ACTIONS_TOKEN=${ACTIONS_TOKEN:-$(random)}
    ;;
  "")
    refuse "ENVIRONMENT is not set: set ENVIRONMENT=production for a real service," \
      "ENVIRONMENT=development on a developer's machine (\`make run\` sets it)" \
      "or ENVIRONMENT=test for the test suites"
    ;;
  *) refuse "ENVIRONMENT must be development, test or production, not '$ENVIRONMENT'" ;;
esac
DATA_DIR=${DATA_DIR:-$PWD/var}
export RASA_TELEMETRY_ENABLED=false
export ACTIONS_URL=${ACTIONS_URL:-http://127.0.0.1:5055/webhook}
export TRACKER_DB=${TRACKER_DB:-$DATA_DIR/rasa_tracker.db}
exec .venv-rasa/bin/rasa run --enable-api -i 127.0.0.1 -p "${RASA_PORT:-5005}" \
  --auth-token "$RASA_TOKEN" \
  --model "${RASA_MODEL:-$DATA_DIR/models}" --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" \
  --credentials credentials.yml ${RASA_EXTRA_ARGS:-}
