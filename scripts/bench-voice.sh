#!/usr/bin/env bash
# Voice benchmark: TTS time uncached and cached (p50/p95 over 20 brochure sentences, MP3 and
# OGG) with the offline engine, written to benchmarks/voice.json.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m bot.voice.bench --out benchmarks/voice.json "$@"
