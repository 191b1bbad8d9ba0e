#!/usr/bin/env bash
# Prepares what docker-compose.yml takes from outside the repository, once per host:
#   - .env beside it with CLUSTER_SECRET, REDIS_PASSWORD and GRAFANA_ADMIN_PASSWORD (random; a value already in
#     .env or in this shell is kept);
#   - the event bus's certificates in secrets/eventbus/ (ca.crt, member.crt, member.key, by scripts/make-certs.sh),
#     unless they are there.
# Both are git-ignored. To rotate, see docs/OPERATIONS.md ("docker compose").
set -euo pipefail
cd "$(dirname "$0")/.."
env_file=.env
touch "$env_file"
chmod 600 "$env_file"

add() {
  local name=$1 value=$2
  if grep -q "^$name=" "$env_file" || [ -n "${!name:-}" ]; then
    echo "$name: kept"
  else
    printf '%s=%s\n' "$name" "$value" >> "$env_file"
    echo "$name: written to $env_file"
  fi
}
add CLUSTER_SECRET "$(openssl rand -hex 32)"
add REDIS_PASSWORD "$(openssl rand -hex 24)"
add GRAFANA_ADMIN_PASSWORD "$(openssl rand -hex 16)"

dir="${EVENTBUS_TLS_DIR:-secrets/eventbus}"
if [ -f "$dir/member.crt" ] && [ -f "$dir/member.key" ] && [ -f "$dir/ca.crt" ]; then
  echo "event-bus certificates: kept ($dir)"
else
  mkdir -p "$dir"
  scripts/make-certs.sh "$dir" member
  echo "event-bus certificates: made in $dir"
fi
# Compose mounts these files into the containers as they are on the host, and the services run as uid 10001: the
# key must be readable by that user. As root, give it to uid 10001 alone; otherwise it has to be readable by all
# users of this host (say so).
if [ "$(id -u)" -eq 0 ]; then
  chown 10001:10001 "$dir/member.key"
  chmod 0400 "$dir/member.key"
else
  chmod 0644 "$dir/member.key"
  echo "note: $dir/member.key is readable by every user of this host (the containers' uid 10001 must read it);" \
    "run this script as root to give it to uid 10001 only" >&2
fi
