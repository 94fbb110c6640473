#!/usr/bin/env bash
# The secrets the four processes of `make run` share, generated once into FILE (default
# $DATA_DIR/secrets.env, git-ignored, mode 0600) and given to every process by honcho.
# Existing values are kept; a missing one is added. Never used in production, where each
# secret is set by the operator and a process refuses to start without it.
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-${DATA_DIR:-$PWD/var}/secrets.env}
umask 077
mkdir -p "$(dirname "$file")"
touch "$file"
chmod 600 "$file"
for name in RECORDS_SERVICE_TOKEN GATEWAY_INTERNAL_TOKEN ACTIONS_TOKEN RASA_TOKEN; do
  if ! grep -q "^$name=" "$file"; then
    value=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')
    echo "$name=$value" >>"$file"
  fi
done
echo "development secrets: $file"
