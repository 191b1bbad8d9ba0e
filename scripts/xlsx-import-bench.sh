#!/usr/bin/env bash
# The .xlsx import benchmark (docs/BENCHMARKS.md, ".xlsx import"): writes a 500,000-line order export in the chain's
# layout as CSV and as an .xlsx workbook, then imports each into its own empty database of an embedded PostgreSQL,
# in a JVM of 256 MiB heap, and prints size, time and peak heap of both.
#
#   scripts/xlsx-import-bench.sh [--lines N] [--strings shared|bounded]
#
# MVN_ARGS is passed to Maven (e.g. MVN_ARGS="-o -Dmaven.repo.local=/path/to/repo"). The database's data directory
# is a fresh temporary one, deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/../query-service"
data=$(mktemp -d /tmp/storedash-xlsx-bench-pg.XXXX)
trap 'rm -rf "$data"' EXIT
# shellcheck disable=SC2086
../mvnw -q ${MVN_ARGS:-} test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
java -Xmx256m -cp "target/classes:target/test-classes:$(cat target/test.classpath)" \
  io.storedash.query.bench.XlsxImportBenchmark --data-dir "$data" "$@"
