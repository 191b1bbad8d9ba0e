package io.storedash.query.bench;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.compute.Computations;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.storedash.query.ingest.LoadReport;
import io.storedash.query.storage.PgPools;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Every dashboard kind computed UNCACHED by query-service's own code ({@link Computations}: SQL, maths, JSON bytes)
 * against the reference set (100 stores × 30,000 lines over 90 days), one request at a time, printing p50/p99 per
 * kind. Stores are drawn at random for each request so no single store's pages stay hot. Not a test: run by hand
 * (docs/BENCHMARKS.md):
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.query.bench.QueryBenchmark \
 *   [--data-dir /tmp/storedash-bench-pg] [--pg-url URL] [--iterations 300]
 * </pre>
 * With {@code --data-dir} an embedded PostgreSQL keeps its data there, loading the reference set on the first run
 * only; with {@code --pg-url} the database must hold it already (or be empty: it is loaded); with neither a fresh
 * database of the tests' embedded server is loaded.
 */
public final class QueryBenchmark {

  static final LocalDate END = LocalDate.of(2026, 10, 31);

  private record Case(String name, double targetMs, IntFunction<DashboardQuery> query) {
  }

  private QueryBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = flags(args);
    int iterations = Integer.parseInt(flags.getOrDefault("iterations", "300"));
    int warmup = Integer.parseInt(flags.getOrDefault("warmup", "50"));
    EmbeddedPostgresServer server = null;
    String pgUrl = flags.get("pg-url");
    if (pgUrl == null && flags.containsKey("data-dir")) {
      server = EmbeddedPostgresServer.start(Path.of(flags.get("data-dir")), false);
      pgUrl = server.url("storedash_bench");
    } else if (pgUrl == null) {
      pgUrl = TestStorage.newDatabase();
    }
    StoreDashConfig config = ConfigLoader.load(Map.of("PG_URL", pgUrl, "PG_POOL_SIZE", "4"));
    Vertx vertx = Vertx.vertx();
    try {
      LoadReport load = DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("test"), config, DemoOptions.reference(END)).await();
      if (load.loaded()) {
        System.out.printf(Locale.ROOT, "loaded the reference set: %,d lines, %,d orders in %.1f s%n", load.lines(),
          load.orders(), load.millis() / 1000.0);
      }
      Pool pool = PgPools.create(vertx, config, 4, null);
      pool.query("VACUUM ANALYZE").execute().await();
      Computations computations = new Computations(pool, config.timezone());
      List<Case> cases = cases();
      SplittableRandom random = new SplittableRandom(7);
      System.out.printf(Locale.ROOT, "%n%-34s %9s %9s %9s %8s%n", "kind (30 days to " + END + ")", "p50 ms", "p99 ms", "max ms",
        "target");
      for (Case c : cases) {
        double[] ms = new double[iterations];
        for (int i = -warmup; i < iterations; i++) {
          DashboardQuery query = c.query().apply(1 + random.nextInt(100));
          long started = System.nanoTime();
          int bytes = computations.answer(query).await().toBuffer().length();
          double elapsed = (System.nanoTime() - started) / 1e6;
          if (i >= 0) {
            ms[i] = elapsed;
          }
          if (bytes == 0) {
            throw new IllegalStateException("empty answer to " + query);
          }
        }
        Arrays.sort(ms);
        double p50 = percentile(ms, 50);
        double p99 = percentile(ms, 99);
        System.out.printf(Locale.ROOT, "%-34s %9.2f %9.2f %9.2f %5s %s%n", c.name(), p50, p99, ms[ms.length - 1],
          "≤" + (int) c.targetMs(), p50 <= c.targetMs() ? "ok" : "MISSED");
      }
      pool.close().await();
    } finally {
      vertx.close().await();
      if (server != null) {
        server.close();
      }
    }
  }

  static List<Case> cases() {
    LocalDate from = END.minusDays(29);
    List<Case> cases = new ArrayList<>();
    for (QueryKind kind : List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS, QueryKind.CATEGORIES, QueryKind.HOURS)) {
      cases.add(new Case(kind.wireName() + " (one store)", 10, s -> DashboardQuery.of(kind, store(s), from, END)));
    }
    for (QueryKind kind : List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS, QueryKind.CATEGORIES, QueryKind.HOURS)) {
      cases.add(new Case(kind.wireName() + " (all)", 30, s -> DashboardQuery.of(kind, "all", from, END)));
    }
    cases.add(new Case("products (page 1, by revenue)", 10, s -> DashboardQuery.of(QueryKind.PRODUCTS, store(s), from, END)));
    cases.add(new Case("products (page 2, by margin)", 10, s -> DashboardQuery.of(QueryKind.PRODUCTS, store(s), from, END,
      Map.of("sort", "gross_margin", "page", "2"))));
    cases.add(new Case("ranking (revenue)", 30, s -> DashboardQuery.of(QueryKind.RANKING, "all", from, END)));
    cases.add(new Case("ranking (growth)", 30, s -> DashboardQuery.of(QueryKind.RANKING, "all", from, END,
      Map.of("metric", "growth"))));
    cases.add(new Case("orders (page 1 of 50)", 10, s -> DashboardQuery.of(QueryKind.ORDERS, store(s), from, END)));
    cases.add(new Case("orders (page 40 of 50)", 10, s -> DashboardQuery.of(QueryKind.ORDERS, store(s), from, END,
      Map.of("page", "40"))));
    cases.add(new Case("diagnosis", 50, s -> DashboardQuery.of(QueryKind.DIAGNOSIS, store(s), from, END)));
    cases.add(new Case("stores", 10, s -> DashboardQuery.of(QueryKind.STORES, "all", null, null)));
    cases.add(new Case("overview (default range)", 10, s -> DashboardQuery.of(QueryKind.OVERVIEW, store(s), null, null)));
    return cases;
  }

  private static String store(int index) {
    return String.format("S%03d", index);
  }

  /** The p-th percentile of sorted figures, nearest rank (GrowthBenchmark uses it too). */
  static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** {@code --name value} pairs (GrowthBenchmark reads its arguments so too). */
  static Map<String, String> flags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      flags.put(args[i].substring(2), args[i + 1]);
    }
    return flags;
  }
}
