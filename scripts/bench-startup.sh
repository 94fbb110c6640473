#!/usr/bin/env bash
# Start-up benchmark: the real `make run` on this installed, trained checkout (a copy of
# $DATA_DIR/models in a temporary DATA_DIR, ports from STACK_PORTS), timed until the widget's
# chat API answers; first start and restart. Target 60 s. Writes benchmarks/startup.json.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python tests/support/bench_startup.py --out benchmarks/startup.json "$@"
