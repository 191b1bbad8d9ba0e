#!/usr/bin/env bash
# The benchmark harness: starts StoreDash on this machine with the reference data set (100 stores × 30,000 lines),
# warms it, and measures in one run: the machine's limit (the gateway's constant-payload endpoint, with the loadtest
# tool and with wrk when installed), the uncached path (cache bypassed with the admin token), the cached path
# (30/50/100/200 users) and an open-model rate sweep — standalone first, then clustered (one JVM per service).
# Writes the tables between the bench markers of docs/BENCHMARKS.md. Bounded: every run stops by itself; every
# process started here is stopped by its PID. Traffic goes to 127.0.0.1 only.
#
# The ratio table comes first: a bare Vert.x server (loadtest serve-constant: 3 KB of JSON from memory on two event
# loops, nothing else) is started here and measured with wrk -t2 -c200 in turns with the gateway's constant endpoint
# and the cached dashboard mix (scripts/wrk-mix.lua), $ratio_rounds rounds, so that all three see the same load on
# the machine; the table gives each one's median and its ratio to the bare server (docs/DESIGN.md §12.1).
#
#   scripts/bench.sh [--quick] [--no-cluster] [--ratio-only]
#
# --quick: 10 s runs and a 20-store data set, for trying the harness out (figures not comparable).
# --ratio-only: only the ratio table (standalone, and clustered unless --no-cluster), no loadtest scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

duration=30s; warmup=10s; stores=100; rows=30000; cluster=1; ratio_only=0
ratio_duration=20s; ratio_rounds=3
# Ports: override when another run uses the defaults on this machine.
port=${BENCH_HTTP_PORT:-8051}; pg_port=${BENCH_PG_PORT:-55432}; redis_port=${BENCH_REDIS_PORT:-56379}
for arg in "$@"; do
  case "$arg" in
    --quick) duration=10s; warmup=5s; stores=20; rows=5000; ratio_duration=5s; ratio_rounds=2 ;;
    --no-cluster) cluster=0 ;;
    --ratio-only) ratio_only=1 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "the ratio table needs wrk (apt-get install wrk)" >&2; exit 2; }

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
  BENCH_TOKEN=$token java -jar loadtest/target/loadtest-fat.jar -t http://127.0.0.1:$port --token-env BENCH_TOKEN --warmup "$warmup" --duration "$duration" \
    --end-date "$end_date" -q --json "$out/$(echo "$label" | tr ' /' '__').json" "$@" 2>>"$out/loadtest.err" | tee -a "$report" || true
  echo '```' >> "$report"
}

wait_for() { # url, seconds
  for _ in $(seq 1 $(( $2 * 2 ))); do
    (exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET %s HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$1" "$token" >&3 \
      && head -1 <&3 | grep -q ' 200 ') 2>/dev/null && return 0
    sleep 0.5
  done
  echo "no 200 from $1 within $2 s" >&2; return 1
}

wait_warm() {
  for _ in $(seq 1 600); do
    stats=$(exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /api/v1/admin/cache/stats HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$token" >&3 && cat <&3)
    if echo "$stats" | grep -q '"running":false' && echo "$stats" | grep -q '"duration_ms"'; then
      echo "$stats" | tail -1 > "$out/cache-stats.json"; return 0
    fi
    sleep 0.5
  done
  echo "warm-up did not finish" >&2; return 1
}

# The bare baseline: started once, measured in turns with the gateway in every mode.
bare_port=${BENCH_BARE_PORT:-8099}
java -jar loadtest/target/loadtest-fat.jar serve-constant --port "$bare_port" --bytes 3072 --event-loops 2 \
  > "$out/bare.log" 2>&1 &
pids+=($!)
bare_pid=$!
ratios="$out/ratios.md"
{
  echo "### Ratio to a bare Vert.x server, same run (wrk -t2 -c200, $ratio_rounds rounds of $ratio_duration in turns, medians)"
  echo
  echo "| mode | bare server req/s | constant endpoint req/s | ratio | cached mix req/s | ratio | p99 bare / constant / mix | load (1 min) |"
  echo "|---|---:|---:|---:|---:|---:|---|---|"
} > "$ratios"

wrk_run() { # url [mix]: prints "req/s p99"
  local args=(-t2 -c200 -d"$ratio_duration" --latency)
  local text
  if [ -n "${2:-}" ]; then
    text=$(wrk "${args[@]}" -s scripts/wrk-mix.lua "$1" -- "$token" "$end_date" "$store_list" 2>&1 || true)
  else
    text=$(wrk "${args[@]}" "$1" 2>&1 || true)
  fi
  echo "$text" >> "$out/wrk.log"
  echo "$(echo "$text" | awk '/Requests\/sec/ {print $2}') $(echo "$text" | awk '$1 == "99%" {print $2}')"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio_table() { # mode
  local mode=$1 i b c m
  store_list=$(exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /api/v1/stores HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$token" >&3 \
    && cat <&3 | grep -o '"code":"[^"]*"' | cut -d'"' -f4 | paste -sd, -)
  : > "$out/ratio-bare"; : > "$out/ratio-const"; : > "$out/ratio-mix"
  # One round unmeasured: JIT, and the mix's visits (the same in every run: wrk-mix.lua draws them with a fixed seed)
  # into the cache, so that the measured rounds are hits.
  ratio_duration_saved=$ratio_duration; ratio_duration=$warmup
  wrk_run "http://127.0.0.1:$bare_port/" > /dev/null; wrk_run http://127.0.0.1:$port mix > /dev/null
  ratio_duration=$ratio_duration_saved
  for i in $(seq 1 "$ratio_rounds"); do
    wrk_run "http://127.0.0.1:$bare_port/" >> "$out/ratio-bare"
    wrk_run http://127.0.0.1:$port/api/v1/bench/constant >> "$out/ratio-const"
    wrk_run http://127.0.0.1:$port mix >> "$out/ratio-mix"
  done
  b=$(cut -d' ' -f1 "$out/ratio-bare" | median); c=$(cut -d' ' -f1 "$out/ratio-const" | median)
  m=$(cut -d' ' -f1 "$out/ratio-mix" | median)
  p() { cut -d' ' -f2 "$1" | paste -sd/ -; }
  echo "| $mode | $b | $c | $(awk -v a="$c" -v b="$b" 'BEGIN { printf "%.2f×", a / b }') | $m | $(awk -v a="$m" -v b="$b" 'BEGIN { printf "%.2f×", a / b }') | $(p "$out/ratio-bare") / $(p "$out/ratio-const") / $(p "$out/ratio-mix") | $(cut -d' ' -f1 /proc/loadavg) |" >> "$ratios"
}

scenarios() { # mode
  local mode=$1
  ratio_table "$mode"
  [ "$ratio_only" = 1 ] && return 0
  echo "## $mode" >> "$report"
  lt "$mode: machine limit (constant payload, no event-bus hop), 200 users" --url-only /api/v1/bench/constant --users 200
  if command -v wrk >/dev/null; then
    echo "### $mode: wrk, constant payload, 2 threads, 200 connections" >> "$report"
    echo '```' >> "$report"
    wrk -t2 -c200 -d"$duration" --latency http://127.0.0.1:$port/api/v1/bench/constant | tee -a "$report"
    echo '```' >> "$report"
  fi
  lt "$mode: uncached (cache bypassed with the admin token), 30 users" --users 30 -H "X-Cache-Bypass: 1" --accept-gzip
  lt "$mode: cached dashboard mix, 30/50/100/200 users, no think time" --users 30,50,100,200 --accept-gzip
  lt "$mode: open model, rate sweep" --rate 500/s,1000/s,2000/s,4000/s --accept-gzip --max-outstanding 512
}

echo "standalone: loading $stores × $rows lines (takes ~40 s for the reference set) ..."
ADMIN_TOKEN=$token HTTP_PORT=$port MANAGEMENT_PORT=0 java -Xmx2g -jar standalone/target/standalone-fat.jar \
  --data-dir "$data" --stores "$stores" --rows-per-store "$rows" --days 90 --seed 42 --end-date "$end_date" \
  --pg-port "$pg_port" --redis-port "$redis_port" > "$out/standalone.log" 2>&1 &
pids+=($!)
wait_for /api/v1/stores 600
wait_warm
monitor_memory() {
  (exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /api/v1/monitor HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$token" >&3 && cat <&3) | tail -1 | grep -o '"memory":{[^}]*}' || true
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
(exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /api/v1/admin/cache/stats HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$token" >&3 && cat <&3) | tail -1 >> "$report"
echo >> "$report"
echo "Redis memory after the runs (7/30/90-day ranges of every store cached too): $(monitor_memory)" >> "$report"
echo '```' >> "$report"
kill -TERM "${pids[@]:1}" 2>/dev/null || true; for pid in "${pids[@]:1}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done; done
pids=("$bare_pid")

if [ "$ratio_only" = 0 ]; then
echo "standalone, L4 off: every hit comes from Redis ..."
ADMIN_TOKEN=$token HTTP_PORT=$port MANAGEMENT_PORT=0 CACHE_L4_MAX_BYTES=0 java -Xmx2g -jar standalone/target/standalone-fat.jar \
  --data-dir "$data" --pg-port "$pg_port" --redis-port "$redis_port" > "$out/standalone-l4off.log" 2>&1 &
pids+=($!)
wait_for /api/v1/stores 300
wait_warm
echo "## standalone, L4 off (CACHE_L4_MAX_BYTES=0)" >> "$report"
lt "standalone L4 off: cached dashboard mix from the Redis tiers, 200 users" --users 200 --accept-gzip
kill -TERM "${pids[@]:1}" 2>/dev/null || true; for pid in "${pids[@]:1}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done; done
pids=("$bare_pid")
fi

if [ "$cluster" = 1 ]; then
  echo "clustered: storage from the same data directory, one JVM per service ..."
  java -jar standalone/target/standalone-fat.jar --infra-only --data-dir "$data" --pg-port "$pg_port" --redis-port "$redis_port" \
    --env-file "$out/storage.env" > "$out/storage.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do [ -s "$out/storage.env" ] && break; sleep 0.5; done
  set -a; . "$out/storage.env"; set +a
  export HTTP_PORT=$port ADMIN_TOKEN=$token CLUSTER_HOST=127.0.0.1 CLUSTER_MEMBERS=127.0.0.1 CLUSTER_NAME="bench-$$"
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
fi
cleanup; pids=()
{ echo; cat "$ratios"; echo; } >> "$report"

if [ "$ratio_only" = 1 ]; then
  # Only the ratio table: the full tables between the bench markers stay as they are.
  cat "$report"
  echo "done: ratio table in $report; raw results in $out"
  exit 0
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
