#!/usr/bin/env bash
# Turn benchmark: a turn of conversation through the gateway (actions reaching records),
# interleaved with a bare Rasa bot that `rasa init --no-prompt` builds and trains the first time
# (kept in $DATA_DIR/bench/bare-rasa-<version>: the same Rasa builds the same bot), served in
# the same run; the p95 ratio against the 2x target, where a turn's time goes (NLU, Rasa's
# policies and tracker, each action call, each records request, the gateway), audio through
# the gateway and the memory of each process; with the voice engine's own numbers first.
# Needs a trained model (make train). Writes benchmarks/voice.json, benchmarks/gateway.json and
# benchmarks/turn-profile.json
# (a step that stamps benchmark files, e.g. with the measured commit, runs after this script).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
if [ -x scripts/bench-voice.sh ]; then
  scripts/bench-voice.sh
fi
.venv/bin/python tests/support/bench.py --out benchmarks/gateway.json "$@"
# Rasa's own part of a turn, part by part (tracker, NLU, each policy), in process.
.venv-rasa/bin/python tests/support/profile_turn.py --out benchmarks/turn-profile.json
