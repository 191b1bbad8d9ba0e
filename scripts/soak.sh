#!/usr/bin/env bash
# Soak test: the standalone stack (embedded PostgreSQL and Redis, demo data) under 200 closed-model users with no
# think time for 10 minutes. Every minute it records the JVM's heap after a full GC (jcmd GC.run, then
# GC.heap_info), its thread count and the p99 of that minute's seconds, and at the end prints a Markdown table for
# docs/RESILIENCE.md. Bounded: the load stops by itself; every process started here is stopped by its PID.
# Traffic goes to 127.0.0.1 only.
#
#   scripts/soak.sh [--minutes N] [--users N]
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10; users=200
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

for s in standalone loadtest; do
  [ -f "$s/target/$s-fat.jar" ] || { ./mvnw -q -B -DskipTests package; break; }
done

out=$(mktemp -d /tmp/storedash-soak.XXXX)
port=$((20000 + RANDOM % 20000))
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# The load signs in as the standalone's admin user (a session per virtual user, kept in Redis for the whole soak);
# the start-up check uses the break-glass token.
export STOREDASH_ADMIN_PASSWORD="soak-password-$RANDOM$RANDOM$RANDOM" ADMIN_TOKEN="soak-token-$RANDOM$RANDOM$RANDOM"
echo "soak: starting standalone (100 stores × 5,000 lines) on port $port, output in $out"
HTTP_PORT=$port MANAGEMENT_PORT=0 java -Xmx512m -jar standalone/target/standalone-fat.jar --data-dir "$out/data" \
  --stores 100 --rows-per-store 5000 --days 90 --seed 42 --end-date 2026-10-31 > "$out/standalone.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 1 600); do
  (exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /api/v1/stores HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$ADMIN_TOKEN" >&3 && head -1 <&3 | grep -q ' 200 ') 2>/dev/null && break
  sleep 0.5
done
sleep 5 # let the start-up warm-up finish

sample() { # minute
  jcmd "$server" GC.run >/dev/null
  local heap threads
  heap=$(jcmd "$server" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*')
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$server/status")
  echo "$1 $((heap / 1024)) $threads" >> "$out/samples.txt"
  echo "soak: minute $1: heap after GC $((heap / 1024)) MiB, $threads threads"
}

sample 0
java -jar loadtest/target/loadtest-fat.jar -t "http://127.0.0.1:$port" --user admin \
  --password-env STOREDASH_ADMIN_PASSWORD --users "$users" --warmup 0 \
  --duration "${minutes}m" --end-date 2026-10-31 --accept-gzip -q --json "$out/soak.json" > "$out/loadtest.txt" 2>&1 &
load=$!
pids+=("$load")
for m in $(seq 1 "$minutes"); do
  sleep 60
  sample "$m"
done
wait "$load" || true
cat "$out/loadtest.txt"

# Per minute: requests, failures and the median and max of the per-second p99s, from the load test's timeline.
python3 - "$out/soak.json" "$out/samples.txt" <<'PY'
import json, sys, statistics
run = json.load(open(sys.argv[1]))["runs"][0]
samples = {int(l.split()[0]): l.split()[1:] for l in open(sys.argv[2])}
minutes = {}
for p in run["timeline"]:
    m = min(p["s"] // 60, max(samples) - 1)
    d = minutes.setdefault(m, {"req": 0, "ok": 0, "p99": []})
    d["req"] += p["requests"]; d["ok"] += p["successes"]
    if p["requests"]:
        d["p99"].append(p["p99_ms"])
print("| minute | requests | failed | p99 ms (median of seconds) | p99 ms (worst second) | heap after GC MiB | threads |")
print("|---|---|---|---|---|---|---|")
heap0, threads0 = samples[0]
print(f"| 0 (before load) | - | - | - | - | {heap0} | {threads0} |")
for m in sorted(minutes):
    d = minutes[m]
    heap, threads = samples.get(m + 1, ["-", "-"])
    p99 = d["p99"] or [0]
    print(f"| {m + 1} | {d['req']} | {d['req'] - d['ok']} | {statistics.median(p99):.1f} | {max(p99):.1f} | {heap} | {threads} |")
o = run["overall"]
print(f"\nTotal: {o['requests']} requests, {o['requests'] - o['successes']} failed, p99 {o['latency_ms']['p99']} ms, "
      f"{run['throughput_rps']} req/s.")
PY
