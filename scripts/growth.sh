#!/usr/bin/env bash
# The growth curve (docs/BENCHMARKS.md, "Growth curve"). For each size (N stores × R lines over 90 days):
#  1. query-service's GrowthBenchmark loads the demo chain into an embedded PostgreSQL in its own data directory
#     (skipped when the directory holds it already), and prints the bulk-load rate, the database size and, with
#     PostgreSQL restarted, every kind's p50/p99 computed uncached (no cache-service, no Redis);
#  2. standalone starts on that directory (the data is found, nothing is loaded), its start-up warm-up fills Redis,
#     and the script prints the warm-up time and Redis's used memory and key count.
# Bounded (every step has a deadline); every process started here is stopped by its PID; 127.0.0.1 only.
#
#   scripts/growth.sh [--sizes 100,1000] [--rows-per-store 30000] [--base /tmp/storedash-growth] [--iterations 200]
#                     [--skip-warmup]
# The 1,000-store point needs ~10 GB of disk and 15–30 min of loading on a 2-core machine; a data directory is
# reused by the next run (delete it to load again).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=100,1000; rows=30000; base=/tmp/storedash-growth; iterations=200; warmup=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --rows-per-store) rows=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --skip-warmup) warmup=no; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$base"
repo=()
[ -n "${MAVEN_REPO:-}" ] && repo=(-Dmaven.repo.local="$MAVEN_REPO")
if [ ! -f query-service/target/test.classpath ] || [ ! -f query-service/target/test-classes/io/storedash/query/bench/GrowthBenchmark.class ]; then
  (cd query-service && ../mvnw -q -B "${repo[@]}" test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test)
fi
if [ "$warmup" = yes ] && [ ! -f standalone/target/standalone-fat.jar ]; then
  ./mvnw -q -B "${repo[@]}" -DskipTests package
fi
cp="query-service/target/classes:query-service/target/test-classes:$(cat query-service/target/test.classpath)"

server=""
stop_server() {
  [ -n "$server" ] || return 0
  kill -TERM "$server" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$server" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$server" 2>/dev/null || true
  server=""
}
trap stop_server EXIT

export ADMIN_TOKEN="growth-token-$RANDOM$RANDOM$RANDOM"
get() { (exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET %s HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$2" "$ADMIN_TOKEN" >&3 && cat <&3) 2>/dev/null | tail -1; }

IFS=',' read -ra stores_list <<< "$sizes"
for stores in "${stores_list[@]}"; do
  dir="$base/s$stores-r$rows"
  echo "== $stores stores × $rows lines: $dir"
  timeout 4h java -Xmx6g -cp "$cp" io.storedash.query.bench.GrowthBenchmark --data-dir "$dir" --stores "$stores" \
    --rows-per-store "$rows" --iterations "$iterations" --out "$dir.json" 2>&1 | grep -v ' DEBUG \| INFO ' || true
  [ -f "$dir.json" ] || { echo "GrowthBenchmark wrote no figures for $stores stores" >&2; exit 1; }
  if [ "$warmup" = yes ]; then
    port=$((20000 + RANDOM % 20000))
    HTTP_PORT=$port MANAGEMENT_PORT=0 MONITOR_INTERVAL=2s java -Xmx2g -jar standalone/target/standalone-fat.jar \
      --data-dir "$dir" --stores "$stores" --rows-per-store "$rows" --days 90 --seed 42 --end-date 2026-10-31 \
      > "$dir.standalone.log" 2>&1 &
    server=$!
    warmed=""
    for _ in $(seq 1 3600); do   # 30 min at most
      warmed=$(grep -o 'warmed [0-9]* stores in [0-9]* ms: [0-9]* queries, [0-9]* computed, [0-9]* failed' "$dir.standalone.log" | head -1 || true)
      [ -n "$warmed" ] && break
      kill -0 "$server" 2>/dev/null || { echo "standalone stopped: see $dir.standalone.log" >&2; exit 1; }
      sleep 0.5
    done
    sleep 5 # the monitor samples Redis every 2 s
    snapshot=$(get "$port" /api/v1/monitor)
    stop_server
    python3 - "$dir.json" "$warmed" "$snapshot" <<'PY'
import json, re, sys
path, warmed, snap = sys.argv[1], sys.argv[2], sys.argv[3]
figures = json.load(open(path))
m = re.match(r'warmed (\d+) stores in (\d+) ms: (\d+) queries, (\d+) computed, (\d+) failed', warmed)
if m:
    figures["warmup"] = {"stores": int(m[1]), "ms": int(m[2]), "queries": int(m[3]), "computed": int(m[4]), "failed": int(m[5])}
try:
    redis = json.loads(snap)["redis"]
    figures["redis"] = {"used_mb": redis["memory"]["used_mb"], "keys": redis.get("keys")}
except Exception as e:
    figures["redis"] = {"error": str(e)}
json.dump(figures, open(path, "w"), indent=2)
PY
  fi
done

# One table: a column per size.
python3 - "$base" "$rows" "${stores_list[@]}" <<'PY'
import json, sys
base, rows, sizes = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = [json.load(open(f"{base}/s{s}-r{rows}.json")) for s in sizes]
def lines(r): return f"{r.get('lines_in_db', 0) / 1e6:.0f} M lines"
print("| | " + " | ".join(f"{r['stores']} stores, {lines(r)}" for r in runs) + " |")
print("|---|" + "---|" * len(runs))
def row(label, f):
    cells = []
    for r in runs:
        try: cells.append(f(r))
        except Exception: cells.append("–")
    print(f"| {label} | " + " | ".join(cells) + " |")
row("bulk load", lambda r: f"{r['load']['millis'] / 1000:.0f} s, {r['load']['lines_per_second']:,} lines/s" if r['load']['loaded'] else "(loaded before)")
row("database size", lambda r: f"{r['sizes']['database'] / 1024:.2f} GB")
for table in ("order_lines", "orders", "daily_store_product"):
    row(f"  {table}", lambda r, t=table: f"{r['sizes'][t]:,} MB")
for kind in runs[0]["kinds"]:
    row(kind + " p50 / p99 ms", lambda r, k=kind: f"{r['kinds'][k]['p50_ms']} / {r['kinds'][k]['p99_ms']}")
row("warm-up (start-up, every store's default range)", lambda r: f"{r['warmup']['ms'] / 1000:.1f} s, {r['warmup']['queries']:,} queries, {r['warmup']['failed']} failed")
row("Redis used memory, keys", lambda r: f"{r['redis']['used_mb']:.0f} MB, {r['redis']['keys']:,} keys")
PY
