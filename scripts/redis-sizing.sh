#!/usr/bin/env bash
# Redis sizing from our own data: runs standalone with N demo stores, lets the start-up warm-up fill every tier
# (each store's default 30-day range, every kind), then visits every store's 7/30/90-day ranges with the load-test
# tool, and prints Redis's used memory and key count after each step, per store and per key. Bounded; every process
# started here is stopped by its PID; traffic goes to 127.0.0.1 only.
#
#   scripts/redis-sizing.sh [--stores N] [--rows-per-store N]
set -euo pipefail
cd "$(dirname "$0")/.."
stores=100; rows=5000
while [ $# -gt 0 ]; do
  case "$1" in
    --stores) stores=$2; shift 2 ;;
    --rows-per-store) rows=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for s in standalone loadtest; do
  [ -f "$s/target/$s-fat.jar" ] || { ./mvnw -q -B -DskipTests package; break; }
done
out=$(mktemp -d /tmp/storedash-sizing.XXXX)
port=$((20000 + RANDOM % 20000))
# Every API call authenticates with the break-glass token (the monitor's Redis figures are for ops and hq).
export ADMIN_TOKEN="sizing-token-$RANDOM$RANDOM$RANDOM"
HTTP_PORT=$port MANAGEMENT_PORT=0 MONITOR_INTERVAL=2s java -Xmx1g -jar standalone/target/standalone-fat.jar --data-dir "$out/data" \
  --stores "$stores" --rows-per-store "$rows" --days 90 --seed 42 --end-date 2026-10-31 > "$out/standalone.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; for _ in $(seq 1 40); do kill -0 $server 2>/dev/null || break; sleep 0.5; done; kill -KILL $server 2>/dev/null || true' EXIT
get() { (exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET %s HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$1" "$ADMIN_TOKEN" >&3 && cat <&3) 2>/dev/null | tail -1; }
for _ in $(seq 1 600); do get /api/v1/stores | grep -q '"stores"' && break; sleep 0.5; done
redis_figures() { # label
  sleep 6 # the monitor publishes every 5 s
  python3 - "$1" "$stores" "$(get /api/v1/monitor)" <<'PY'
import json, sys
label, stores, snap = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
r = snap["redis"]
used = r["memory"]["used_mb"] * 2**20
keys = r.get("keys") or 0
print(f"| {label} | {stores} | {keys} | {used / 2**20:.1f} MiB | {used / stores / 1024:.1f} KiB | {(used / keys / 1024) if keys else 0:.1f} KiB |")
PY
}
echo "| state | stores | keys | Redis used memory | per store | per key |"
echo "|---|---|---|---|---|---|"
# The start-up warm-up runs in the background; wait for it to end.
sleep 20
redis_figures "after the start-up warm-up (default range, every kind)"
java -jar loadtest/target/loadtest-fat.jar -t "http://127.0.0.1:$port" --token-env ADMIN_TOKEN --users 50 --warmup 0 --duration 40s \
  --end-date 2026-10-31 --ranges 7,30,90 --zipf 0 -q > "$out/loadtest.txt" 2>&1
redis_figures "after every store's 7/30/90-day ranges too"
