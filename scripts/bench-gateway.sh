#!/usr/bin/env bash
# Gateway benchmark: message round trip p50/p95 through the gateway (actions hitting records)
# beside the same messages sent straight to Rasa, audio through the gateway, memory of each
# process; with the voice engine's own numbers when scripts/bench-voice.sh exists.
# Needs a trained model (make train). Writes benchmarks/gateway.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
if [ -x scripts/bench-voice.sh ]; then
  scripts/bench-voice.sh
fi
exec .venv/bin/python tests/support/bench.py --out benchmarks/gateway.json "$@"
