#!/usr/bin/env bash
# Regenerate the generated rules, then train the Rasa model only when its inputs changed. A
# hash of the inputs (data/, domain.yml, config.yml, the rules generator, the custom NLU
# components) is compared with the stamp written next to the last model, so deciding that the
# model is current takes a second instead of Rasa's minute of fingerprinting.
# FORCE=1 trains even when the stamp matches.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${DATA_DIR:-$PWD/var}
MODEL="$DATA_DIR/models/assistant.tar.gz"
STAMP="$DATA_DIR/models/assistant.inputs.sha256"
mkdir -p "$DATA_DIR/models"
export RASA_TELEMETRY_ENABLED=false

.venv-rasa/bin/python -m scripts.generate_rules

inputs_hash() {
  find data domain.yml config.yml scripts/generate_rules.py nlu_components -type f \
    ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
hash=$(inputs_hash)
if [ "${FORCE:-0}" != 1 ] && [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$hash" ]; then
  echo "model is current ($MODEL)"
  exit 0
fi
start=$SECONDS
# --skip-validation: `rasa data validate` runs in scripts/test.sh; here it cost minutes.
.venv-rasa/bin/rasa train --skip-validation --fixed-model-name assistant --out "$DATA_DIR/models" \
  --domain domain.yml --data data --config config.yml
echo "$hash" > "$STAMP"
echo "$((SECONDS - start))" > "$DATA_DIR/models/assistant.train-seconds"
echo "trained in $((SECONDS - start)) s"
