#!/usr/bin/env bash
# Run a replica and start it again when it dies (make scale), as a process supervisor would
# (systemd Restart=always, a Kubernetes Deployment). SIGTERM stops the replica and the loop.
child=
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
while true; do
  "$@" &
  child=$!
  wait "$child"
  echo "keep-running: $1 exited with $?, starting it again in 1 s" >&2
  sleep 1
done
