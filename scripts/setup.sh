#!/usr/bin/env bash
# Set up a fresh machine: system packages (when root), then the two virtual environments
# of SPEC §2. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. System packages: chromium (browser tests), espeak-ng (offline voice), ffmpeg (Opus; it
#    brings libmp3lame0, which the gateway loads to encode MP3 in process).
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)  # make scale
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing system packages: ${need_apt[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
  else
    say "WARNING: missing system packages: ${need_apt[*]} (install them with your package manager)"
  fi
fi

# 2. Find interpreters: Python 3.11+ for records + gateway, Python 3.10 for Rasa + actions.
find_python310() {
  if [ -n "${PYTHON310:-}" ]; then echo "$PYTHON310"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    local v
    v=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1 || true)
    if [ -n "$v" ]; then echo "$(pyenv root)/versions/$v/bin/python"; return; fi
  fi
  for c in python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; assert sys.version_info[:2]==(3,10)' 2>/dev/null; then
      command -v "$c"; return
    fi
  done
}
find_python311() {
  for c in "${PYTHON311:-}" python3 python3.11 python3.12 python3.13; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; assert sys.version_info>=(3,11)' 2>/dev/null; then
      command -v "$c"; return
    fi
  done
}

PY310=$(find_python310 || true)
if [ -z "$PY310" ]; then
  echo "ERROR: Rasa 3.6 needs Python 3.10 and none was found." >&2
  echo "Install it, for example: 'pyenv install 3.10.13' or 'apt-get install python3.10 python3.10-venv'," >&2
  echo "or point PYTHON310 at a Python 3.10 interpreter." >&2
  exit 1
fi
PY311=$(find_python311 || true)
if [ -z "$PY311" ]; then
  echo "ERROR: records and the gateway need Python 3.11 or newer; none was found." >&2
  echo "Install one, or point PYTHON311 at it." >&2
  exit 1
fi

# 3. Virtual environments, reinstalled only when their requirement files change (a stamp of
#    their hash is kept in the environment).
make_venv() {  # name python requirements lock
  local dir=$1 py=$2 req=$3 lock=$4
  local stamp="$dir/.requirements.sha"
  local want
  want=$(cat "$req" "$lock" 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  say "preparing $dir with $py (requirements changed or first install; a few minutes)"
  local began=$SECONDS
  [ -x "$dir/bin/python" ] || "$py" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade pip
  local constraints=()
  [ -f "$lock" ] && constraints=(-c "$lock")
  # One line per package downloaded and the final list, instead of minutes of silence; pip's
  # errors go to stderr, untouched. Nothing to collect (all installed) is not a failure: only
  # pip's own exit status counts (pipefail).
  "$dir/bin/python" -m pip install --progress-bar off -r "$req" "${constraints[@]}" |
    { grep --line-buffered -E '^(Collecting|Successfully installed)' || true; } |
    sed -u -e "s|^|[setup] $dir: |" -e 's/^\(.\{200\}\).*/\1 .../'
  echo "$want" > "$stamp"
  say "$dir ready in $((SECONDS - began)) s"
}
make_venv .venv "$PY311" requirements/app.in requirements/app.lock
make_venv .venv-rasa "$PY310" requirements/rasa.in requirements/rasa.lock
say "environments ready: .venv (records, gateway) and .venv-rasa (rasa, actions)"
