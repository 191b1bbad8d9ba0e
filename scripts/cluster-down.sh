#!/usr/bin/env bash
# Stops what scripts/cluster-up.sh started, by PID: services first (SIGTERM, graceful), storage last.
set -uo pipefail
cd "$(dirname "$0")/.."
run=.cluster
stop() {
  local file="$run/$1.pid"
  [ -f "$file" ] || return 0
  local pid; pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$file"
  echo "stopped $1 ($pid)"
}
# Further instances (INSTANCES=N) have the pid files <service>-<n>.pid.
for s in gateway monitor-service cache-service query-service; do
  for f in "$run/$s".pid "$run/$s"-[0-9]*.pid; do
    [ -f "$f" ] && stop "$(basename "$f" .pid)"
  done
done
stop storage
