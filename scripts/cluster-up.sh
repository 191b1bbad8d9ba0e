#!/usr/bin/env bash
# Starts StoreDash as a cluster on this machine: PostgreSQL and Redis (embedded, with demo data, unless PG_URL and
# REDIS_URL are set) and one JVM per service on 127.0.0.1, joined by Hazelcast with a random CLUSTER_SECRET and
# event-bus certificates from a throw-away CA (.cluster/certs). Logs and PIDs go to .cluster/.
# Extra arguments go to the embedded storage (e.g. --stores 100 --rows-per-store 30000). INSTANCES=N runs N
# instances of every service (default 1), each with its own management port (below).
# Stop everything with scripts/cluster-down.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
run=.cluster
mkdir -p "$run"
if [ -n "$(ls "$run"/*.pid 2>/dev/null)" ]; then
  echo "a cluster seems to be running already ($run/*.pid); run scripts/cluster-down.sh first" >&2
  exit 1
fi
for s in standalone query-service cache-service monitor-service gateway; do
  [ -f "$s/target/$s-fat.jar" ] || { ./mvnw -q -B -DskipTests package; break; }
done

if [ -z "${PG_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  rm -f "$run/storage.env"
  java -jar standalone/target/standalone-fat.jar --infra-only --env-file "$run/storage.env" \
    --data-dir "${STOREDASH_DATA_DIR:-data}" "$@" > "$run/storage.log" 2>&1 &
  echo $! > "$run/storage.pid"
  for _ in $(seq 1 360); do
    [ -s "$run/storage.env" ] && break
    kill -0 "$(cat "$run/storage.pid")" 2>/dev/null || { echo "embedded storage failed, see $run/storage.log" >&2; exit 1; }
    sleep 0.5
  done
  [ -s "$run/storage.env" ] || { echo "embedded storage did not start in 180 s, see $run/storage.log" >&2; exit 1; }
  # shellcheck disable=SC1090
  while IFS='=' read -r name value; do
    [ -z "${!name:-}" ] && export "$name=$value"
  done < "$run/storage.env"
fi
export PG_URL REDIS_URL
# Members prove they belong (docs/OPERATIONS.md, "Locking the cluster"): a random CLUSTER_SECRET and a throw-away CA
# with one member certificate for the event bus's mutual TLS, made anew at every start unless already set.
if [ -z "${CLUSTER_SECRET:-}" ]; then
  CLUSTER_SECRET=$(openssl rand -hex 32)
fi
if [ -z "${EVENTBUS_TLS_CERT:-}${EVENTBUS_TLS_KEY:-}${EVENTBUS_TLS_CA:-}" ]; then
  rm -rf "$run/certs"
  scripts/make-certs.sh "$run/certs" member > /dev/null
  EVENTBUS_TLS_CERT="$run/certs/member.crt" EVENTBUS_TLS_KEY="$run/certs/member.key" EVENTBUS_TLS_CA="$run/certs/ca.crt"
fi
export CLUSTER_SECRET EVENTBUS_TLS_CERT EVENTBUS_TLS_KEY EVENTBUS_TLS_CA
export CLUSTER_HOST="${CLUSTER_HOST:-127.0.0.1}" CLUSTER_MEMBERS="${CLUSTER_MEMBERS:-127.0.0.1}"
# Every process its own management port: the service's own (gateway 9051, cache-service 9052, query-service 9053,
# monitor-service 9054), plus 10 for each further instance of it (INSTANCES=2 adds query-service-1 on 9063, ...,
# and a second gateway on HTTP_PORT + 1). A MANAGEMENT_PORT of this shell is not passed on: it would give every
# process the same port, and all but the first would fail to start.
unset MANAGEMENT_PORT
declare -A management_port=([gateway]=9051 [cache-service]=9052 [query-service]=9053 [monitor-service]=9054)
http_port="${HTTP_PORT:-8051}"
for s in query-service cache-service monitor-service gateway; do
  for i in $(seq 0 $(( ${INSTANCES:-1} - 1 ))); do
    name="$s"; [ "$i" -gt 0 ] && name="$s-$i"
    MANAGEMENT_PORT=$(( management_port[$s] + 10 * i )) HTTP_PORT=$(( http_port + i )) \
      java ${JAVA_OPTS:--Xmx512m} -jar "$s/target/$s-fat.jar" > "$run/$name.log" 2>&1 &
    echo $! > "$run/$name.pid"
  done
done

url="http://127.0.0.1:$http_port"
for _ in $(seq 1 240); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$http_port" && printf 'GET /health/ready HTTP/1.0\r\n\r\n' >&3 && head -1 <&3 | grep -q ' 200 ') 2>/dev/null; then
    echo "StoreDash cluster is up: $url/  (API $url/api/v1/stores; logs in $run/; stop with scripts/cluster-down.sh)"
    exit 0
  fi
  sleep 0.5
done
echo "the gateway did not answer within 120 s; see $run/*.log" >&2
exit 1
