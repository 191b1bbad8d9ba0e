#!/usr/bin/env bash
# Signed-in sessions against the same load without sessions, in one run on this machine (issue 16): the cached
# dashboard mix with 100 virtual users, each (a) sending the break-glass token, i.e. no session to look up, and (b)
# signed in with a session of its own (the gateway reads each session from Redis on every request), then (c) signed
# in as a manager of one city (whose 'all', ranking and store list are asked over their set of stores). Runs
# alternate a, b, a, b, c so that drift of the machine falls on both sides; the verdict compares the sums of a and b.
# Bounded: every run stops by itself; every process started here is stopped by its PID; traffic to 127.0.0.1 only.
#
#   scripts/signin-bench.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=30s; warmup=10s; stores=30; rows=20000; users=100
[ "${1:-}" = "--quick" ] && { duration=10s; warmup=5s; stores=10; rows=3000; }

out=$(mktemp -d /tmp/storedash-signin-bench.XXXX)
port=$((20000 + RANDOM % 20000))
export ADMIN_TOKEN="signin-bench-token-$RANDOM$RANDOM$RANDOM" STOREDASH_ADMIN_PASSWORD="signin-bench-$RANDOM$RANDOM$RANDOM"
end_date=2026-10-31
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$server" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server" 2>/dev/null || true
  fi
}
trap cleanup EXIT

for s in standalone loadtest; do
  [ -f "$s/target/$s-fat.jar" ] || { ./mvnw -q -B -DskipTests package; break; }
done

echo "signin-bench: standalone with $stores stores × $rows lines on port $port; output in $out"
HTTP_PORT=$port MANAGEMENT_PORT=0 java -Xmx1g -jar standalone/target/standalone-fat.jar --data-dir "$out/data" \
  --stores "$stores" --rows-per-store "$rows" --days 90 --seed 42 --end-date "$end_date" --demo-users \
  > "$out/standalone.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  (exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /api/v1/stores HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$ADMIN_TOKEN" >&3 \
    && head -1 <&3 | grep -q ' 200 ') 2>/dev/null && break
  sleep 0.5
done
# The demo users' password is printed once by the standalone, beside the URL.
demo_password=$(grep -o 'Demo users:.*password [^ ]*' "$out/standalone.log" | awk '{print $NF}' | head -1)
manager=$(grep -o 'manager-[0-9]*' "$out/standalone.log" | head -1)
export DEMO_PASSWORD="$demo_password"

run() { # name, loadtest args...
  local name=$1; shift
  java -jar loadtest/target/loadtest-fat.jar -t "http://127.0.0.1:$port" --users "$users" --warmup "$warmup" \
    --duration "$duration" --end-date "$end_date" --accept-gzip -q --json "$out/$name.json" "$@" > "$out/$name.txt" 2>&1 || true
  python3 - "$out/$name.json" "$name" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
o = run["overall"]
print(f"| {sys.argv[2]} | {o['requests']} | {run['throughput_rps']:.0f} | {o['latency_ms']['p50']:.2f} | {o['latency_ms']['p99']:.2f} | {o['success_percent']:.2f} % |")
PY
}
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC on: $machine. Command: \`scripts/signin-bench.sh $*\`."
  echo "Data: $stores stores × $rows lines, 90 days up to $end_date; $users virtual users, no think time, $warmup warm-up, $duration measured per run."
  echo
  echo "| run | requests | req/s | p50 ms | p99 ms | success |"
  echo "|---|---|---|---|---|---|"
} | tee "$out/report.md"
run a1-token --token-env ADMIN_TOKEN | tee -a "$out/report.md"
run b1-sessions --user admin --password-env STOREDASH_ADMIN_PASSWORD | tee -a "$out/report.md"
run a2-token --token-env ADMIN_TOKEN | tee -a "$out/report.md"
run b2-sessions --user admin --password-env STOREDASH_ADMIN_PASSWORD | tee -a "$out/report.md"
if [ -n "$manager" ] && [ -n "$demo_password" ]; then
  run c-manager-sessions --user "$manager" --password-env DEMO_PASSWORD | tee -a "$out/report.md"
fi
python3 - "$out" <<'PY' | tee -a "$out/report.md"
import json, sys
def rps(name):
    return json.load(open(f"{sys.argv[1]}/{name}.json"))["runs"][0]["throughput_rps"]
token = rps("a1-token") + rps("a2-token")
sessions = rps("b1-sessions") + rps("b2-sessions")
print(f"\nSigned-in sessions / token without a session: {sessions / token:.3f} (target ≥ 0.9)")
PY
echo "signin-bench: done; raw results in $out"
