#!/usr/bin/env bash
# Train the Rasa model only when the training data or configuration changed (Rasa compares
# fingerprints with the last model in the output folder and skips training when equal).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${DATA_DIR:-$PWD/var}
mkdir -p "$DATA_DIR/models"
export RASA_TELEMETRY_ENABLED=false
.venv-rasa/bin/rasa train --quiet --fixed-model-name assistant --out "$DATA_DIR/models" \
  --domain domain.yml --data data --config config.yml
