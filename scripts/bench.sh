#!/usr/bin/env bash
# The benchmark harness: starts StoreDash on this machine with the reference data set (100 stores × 30,000 lines),
# warms it, and measures in one run: the machine's limit (the gateway's constant-payload endpoint, with the loadtest
# tool and with wrk when installed), the uncached path (cache bypassed with the admin token), the cached path
# (30/50/100/200 users) and an open-model rate sweep — standalone first, then clustered (one JVM per service).
# Writes the tables between the bench markers of docs/BENCHMARKS.md. Bounded: every run stops by itself; every
# process started here is stopped by its PID. Traffic goes to 127.0.0.1 only.
#
#   scripts/bench.sh [--quick] [--no-cluster]
#
# --quick: 10 s runs and a 20-store data set, for trying the harness out (figures not comparable).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

duration=30s; warmup=10s; stores=100; rows=30000; cluster=1
for arg in "$@"; do
  case "$arg" in
    --quick) duration=10s; warmup=5s; stores=20; rows=5000 ;;
    --no-cluster) cluster=0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

out=$(mktemp -d /tmp/storedash-bench.XXXX)
data="$out/data"
token="bench-admin-token-$(date +%s)"
end_date=2026-10-31
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

for s in standalone query-service cache-service monitor-service gateway loadtest; do
  [ -f "$s/target/$s-fat.jar" ] || { ./mvnw -q -B -DskipTests package; break; }
done

report="$out/report.md"
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
{
  echo "Measured $(date -u +%Y-%m-%d) on: $machine. Command: \`scripts/bench.sh $*\`."
  echo "Data: $stores stores × $rows lines, 90 days up to $end_date (seed 42). Runs: $warmup warm-up then $duration measured."
  echo
} > "$report"

lt() { # label, loadtest args... (every run authenticates as a machine would: the break-glass token, from the environment)
  local label=$1; shift
  echo "### $label" >> "$report"
  echo '```' >> "$report"
  BENCH_TOKEN=$token java -jar loadtest/target/loadtest-fat.jar -t http://127.0.0.1:8051 --token-env BENCH_TOKEN --warmup "$warmup" --duration "$duration" \
    --end-date "$end_date" -q --json "$out/$(echo "$label" | tr ' /' '__').json" "$@" 2>>"$out/loadtest.err" | tee -a "$report" || true
  echo '```' >> "$report"
}

wait_for() { # url, seconds
  for _ in $(seq 1 $(( $2 * 2 ))); do
    (exec 3<>/dev/tcp/127.0.0.1/8051 && printf 'GET %s HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$1" "$token" >&3 \
      && head -1 <&3 | grep -q ' 200 ') 2>/dev/null && return 0
    sleep 0.5
  done
  echo "no 200 from $1 within $2 s" >&2; return 1
}

wait_warm() {
  for _ in $(seq 1 600); do
    stats=$(exec 3<>/dev/tcp/127.0.0.1/8051 && printf 'GET /api/v1/admin/cache/stats HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$token" >&3 && cat <&3)
    if echo "$stats" | grep -q '"running":false' && echo "$stats" | grep -q '"duration_ms"'; then
      echo "$stats" | tail -1 > "$out/cache-stats.json"; return 0
    fi
    sleep 0.5
  done
  echo "warm-up did not finish" >&2; return 1
}

scenarios() { # mode
  local mode=$1
  echo "## $mode" >> "$report"
  lt "$mode: machine limit (constant payload, no event-bus hop), 200 users" --url-only /api/v1/bench/constant --users 200
  if command -v wrk >/dev/null; then
    echo "### $mode: wrk, constant payload, 2 threads, 200 connections" >> "$report"
    echo '```' >> "$report"
    wrk -t2 -c200 -d"$duration" --latency http://127.0.0.1:8051/api/v1/bench/constant | tee -a "$report"
    echo '```' >> "$report"
  fi
  lt "$mode: uncached (cache bypassed with the admin token), 30 users" --users 30 -H "X-Cache-Bypass: 1" --accept-gzip
  lt "$mode: cached dashboard mix, 30/50/100/200 users, no think time" --users 30,50,100,200 --accept-gzip
  lt "$mode: open model, rate sweep" --rate 500/s,1000/s,2000/s,4000/s --accept-gzip --max-outstanding 512
}

echo "standalone: loading $stores × $rows lines (takes ~40 s for the reference set) ..."
ADMIN_TOKEN=$token HTTP_PORT=8051 MANAGEMENT_PORT=0 java -Xmx2g -jar standalone/target/standalone-fat.jar \
  --data-dir "$data" --stores "$stores" --rows-per-store "$rows" --days 90 --seed 42 --end-date "$end_date" \
  --pg-port 55432 --redis-port 56379 > "$out/standalone.log" 2>&1 &
pids+=($!)
wait_for /api/v1/stores 600
wait_warm
monitor_memory() {
  (exec 3<>/dev/tcp/127.0.0.1/8051 && printf 'GET /api/v1/monitor HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$token" >&3 && cat <&3) | tail -1 | grep -o '"memory":{[^}]*}' || true
}
{
  echo "Start-up warm-up of the whole chain: \`$(grep -o '"warming":{[^}]*}' "$out/cache-stats.json")\`"
  echo
  echo "Redis memory with every tier warm (default ranges): \`$(monitor_memory)\`"
  echo
} >> "$report"
scenarios standalone
echo "### standalone: cache after the runs" >> "$report"
echo '```' >> "$report"
(exec 3<>/dev/tcp/127.0.0.1/8051 && printf 'GET /api/v1/admin/cache/stats HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$token" >&3 && cat <&3) | tail -1 >> "$report"
echo >> "$report"
echo "Redis memory after the runs (7/30/90-day ranges of every store cached too): $(monitor_memory)" >> "$report"
echo '```' >> "$report"
cleanup; pids=()

echo "standalone, L4 off: every hit comes from Redis ..."
ADMIN_TOKEN=$token HTTP_PORT=8051 MANAGEMENT_PORT=0 CACHE_L4_MAX_BYTES=0 java -Xmx2g -jar standalone/target/standalone-fat.jar \
  --data-dir "$data" --pg-port 55432 --redis-port 56379 > "$out/standalone-l4off.log" 2>&1 &
pids+=($!)
wait_for /api/v1/stores 300
wait_warm
echo "## standalone, L4 off (CACHE_L4_MAX_BYTES=0)" >> "$report"
lt "standalone L4 off: cached dashboard mix from the Redis tiers, 200 users" --users 200 --accept-gzip
cleanup; pids=()

if [ "$cluster" = 1 ]; then
  echo "clustered: storage from the same data directory, one JVM per service ..."
  java -jar standalone/target/standalone-fat.jar --infra-only --data-dir "$data" --pg-port 55432 --redis-port 56379 \
    --env-file "$out/storage.env" > "$out/storage.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do [ -s "$out/storage.env" ] && break; sleep 0.5; done
  set -a; . "$out/storage.env"; set +a
  export ADMIN_TOKEN=$token CLUSTER_HOST=127.0.0.1 CLUSTER_MEMBERS=127.0.0.1 CLUSTER_NAME="bench-$$"
  # Clustered nodes prove membership: a random secret and a throw-away CA (scripts/make-certs.sh).
  scripts/make-certs.sh "$out/certs" member > /dev/null
  export CLUSTER_SECRET=$(openssl rand -hex 32) EVENTBUS_TLS_CERT="$out/certs/member.crt" \
    EVENTBUS_TLS_KEY="$out/certs/member.key" EVENTBUS_TLS_CA="$out/certs/ca.crt"
  for s in query-service cache-service monitor-service gateway; do
    java -Xmx768m -jar "$s/target/$s-fat.jar" > "$out/$s.log" 2>&1 &
    pids+=($!)
  done
  wait_for /api/v1/stores 180
  wait_warm
  scenarios "clustered (4 service JVMs + PostgreSQL + Redis on the same cores)"
  cleanup; pids=()
fi

# Replace the generated part of docs/BENCHMARKS.md.
doc=docs/BENCHMARKS.md
begin='<!-- bench:begin -->'; end='<!-- bench:end -->'
grep -q "$begin" "$doc" || printf '\n## Load tests (scripts/bench.sh)\n\n%s\n%s\n' "$begin" "$end" >> "$doc"
awk -v b="$begin" -v e="$end" -v f="$report" '
  $0 == b { print; while ((getline line < f) > 0) print line; skip = 1; next }
  $0 == e { skip = 0 }
  !skip { print }' "$doc" > "$out/doc.md" && cp "$out/doc.md" "$doc"
echo "done: $doc updated; raw results in $out"
