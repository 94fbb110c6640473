#!/usr/bin/env bash
# Start the Rasa server with its HTTP API on localhost. The tracker and lock stores come from
# endpoints.yml, which reads environment variables (SQLite tracker by default).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${DATA_DIR:-$PWD/var}
export RASA_TELEMETRY_ENABLED=false
export ACTIONS_URL=${ACTIONS_URL:-http://127.0.0.1:5055/webhook}
export TRACKER_DB=${TRACKER_DB:-$DATA_DIR/rasa_tracker.db}
exec .venv-rasa/bin/rasa run --enable-api -i 127.0.0.1 -p "${RASA_PORT:-5005}" \
  --model "$DATA_DIR/models" --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" \
  --credentials credentials.yml --cors "*" ${RASA_EXTRA_ARGS:-}
