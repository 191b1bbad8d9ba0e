package io.storedash.query.bench;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.common.security.MessageSignatures;
import io.storedash.query.compute.Computations;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.storedash.query.ingest.LoadReport;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * One point of the growth curve (docs/BENCHMARKS.md, "Growth curve"): the demo chain with {@code --stores} stores of
 * {@code --rows-per-store} lines over 90 days, loaded into an embedded PostgreSQL kept in
 * {@code --data-dir}/postgres (the standalone's layout, so {@code storedash --data-dir} serves the same data for
 * the warm-up), then every kind computed UNCACHED by query-service's own code ({@link Computations}) with the
 * server restarted first (its shared buffers empty) and a store drawn at random from all of them per request.
 * Prints a table and writes the figures as one JSON object to {@code --out}. Driven by {@code scripts/growth.sh};
 * not a test.
 * <p>
 * A data directory that holds the data already is reused (the load is skipped and reported as such), so a later
 * schema migration is measured on the data it has to migrate.
 */
public final class GrowthBenchmark {

  static final LocalDate END = LocalDate.of(2026, 10, 31);

  record Case(String name, boolean perStore, IntFunction<DashboardQuery> query) {
  }

  private GrowthBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = QueryBenchmark.flags(args);
    Path dataDir = Path.of(flags.getOrDefault("data-dir", "/tmp/storedash-growth"));
    int stores = Integer.parseInt(flags.getOrDefault("stores", "100"));
    int rowsPerStore = Integer.parseInt(flags.getOrDefault("rows-per-store", "30000"));
    int iterations = Integer.parseInt(flags.getOrDefault("iterations", "200"));
    int warmup = Integer.parseInt(flags.getOrDefault("warmup", "20"));
    boolean loadOnly = Boolean.parseBoolean(flags.getOrDefault("load-only", "false"));
    Path out = flags.containsKey("out") ? Path.of(flags.get("out")) : null;
    JsonObject figures = new JsonObject().put("stores", stores).put("rows_per_store", rowsPerStore);
    DemoOptions options = new DemoOptions(stores, rowsPerStore, 90, DemoOptions.DEFAULT_SEED, END);

    Path pgDir = dataDir.resolve("postgres");
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(pgDir, false);
    Vertx vertx = Vertx.vertx();
    try {
      StoreDashConfig config = config(server);
      LoadReport load = DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("growth"), config, options).await();
      figures.put("load", load.toJson());
      if (!load.loaded() && out != null && Files.exists(out)) {
        // A run on data loaded before keeps that load's figures.
        JsonObject before = new JsonObject(Files.readString(out)).getJsonObject("load");
        if (before != null && before.getBoolean("loaded", false)) {
          figures.put("load", before);
        }
      }
      if (load.loaded()) {
        System.out.printf(Locale.ROOT, "loaded %,d stores: %,d lines, %,d orders in %.1f s (%,d lines/s)%n", stores,
          load.lines(), load.orders(), load.millis() / 1000.0, load.linesPerSecond());
      } else {
        System.out.println("the data directory holds the data already: load skipped");
      }
      Pool pool = PgPools.create(vertx, config, 4, null);
      long vacuumStarted = System.nanoTime();
      pool.query("VACUUM ANALYZE").execute().await();
      figures.put("vacuum_analyze_ms", (System.nanoTime() - vacuumStarted) / 1_000_000);
      figures.put("sizes", sizes(pool));
      Row counts = pool.query("SELECT (SELECT count(*) FROM stores) AS stores, (SELECT sum(lines) FROM daily_store) "
        + "AS lines").execute().await().iterator().next();
      figures.put("stores_in_db", counts.getLong("stores")).put("lines_in_db", counts.getLong("lines"));
      System.out.println("sizes: " + figures.getJsonObject("sizes").encode());
      pool.close().await();
      if (loadOnly) {
        return;
      }
      // Cold: PostgreSQL restarted, so its shared buffers hold nothing (the OS page cache is not dropped).
      vertx.close().await();
      server.close();
      server = EmbeddedPostgresServer.start(pgDir, false);
      vertx = Vertx.vertx();
      config = config(server);
      pool = PgPools.create(vertx, config, 4, null);
      Computations computations = new Computations(pool, config.timezone());
      figures.put("kinds", measure(computations, stores, iterations, warmup));
      pool.close().await();
    } finally {
      vertx.close().await();
      server.close();
      if (out != null) {
        Files.writeString(out, figures.encodePrettily());
      }
    }
  }

  private static StoreDashConfig config(EmbeddedPostgresServer server) {
    return ConfigLoader.load(Map.of("PG_URL", server.url("storedash"), "PG_POOL_SIZE", "4", "REQUEST_TIMEOUT", "60s"));
  }

  /** Database, table and index sizes in MB: the tables that grow with the data. */
  private static JsonObject sizes(Pool pool) {
    JsonObject sizes = new JsonObject();
    for (Row row : pool.query("SELECT 'database' AS name, pg_database_size(current_database()) AS bytes UNION ALL "
      + "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      + "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND pg_total_relation_size(c.oid) > 8 * 1024 * 1024 "
      + "ORDER BY 2 DESC").execute().await()) {
      sizes.put(row.getString("name"), Math.round(row.getLong("bytes") / 1048576.0));
    }
    return sizes;
  }

  private static JsonObject measure(Computations computations, int stores, int iterations, int warmup) {
    JsonObject kinds = new JsonObject();
    SplittableRandom random = new SplittableRandom(7);
    System.out.printf(Locale.ROOT, "%n%-34s %9s %9s %9s %9s%n", "kind (30 days to " + END + ")", "first ms", "p50 ms",
      "p99 ms", "max ms");
    for (Case c : cases()) {
      double[] ms = new double[iterations];
      double first = 0;
      for (int i = -warmup; i < iterations; i++) {
        DashboardQuery query = c.query().apply(1 + random.nextInt(stores));
        long started = System.nanoTime();
        int bytes = computations.answer(query).await().toBuffer().length();
        double elapsed = (System.nanoTime() - started) / 1e6;
        if (i == -warmup) {
          first = elapsed;
        }
        if (i >= 0) {
          ms[i] = elapsed;
        }
        if (bytes == 0) {
          throw new IllegalStateException("empty answer to " + query);
        }
      }
      Arrays.sort(ms);
      double p50 = QueryBenchmark.percentile(ms, 50);
      double p99 = QueryBenchmark.percentile(ms, 99);
      System.out.printf(Locale.ROOT, "%-34s %9.2f %9.2f %9.2f %9.2f%n", c.name(), first, p50, p99, ms[ms.length - 1]);
      kinds.put(c.name(), new JsonObject().put("per_store", c.perStore()).put("first_ms", round(first))
        .put("p50_ms", round(p50)).put("p99_ms", round(p99)).put("max_ms", round(ms[ms.length - 1])));
    }
    return kinds;
  }

  static List<Case> cases() {
    LocalDate from = END.minusDays(29);
    List<Case> cases = new ArrayList<>();
    for (QueryKind kind : List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS, QueryKind.CATEGORIES,
      QueryKind.HOURS)) {
      cases.add(new Case(kind.wireName() + " (one store)", true, s -> DashboardQuery.of(kind, store(s), from, END)));
    }
    cases.add(new Case("products (page 1)", true, s -> DashboardQuery.of(QueryKind.PRODUCTS, store(s), from, END)));
    cases.add(new Case("orders (page 1)", true, s -> DashboardQuery.of(QueryKind.ORDERS, store(s), from, END)));
    cases.add(new Case("orders (page 40)", true, s -> DashboardQuery.of(QueryKind.ORDERS, store(s), from, END,
      Map.of("page", "40"))));
    cases.add(new Case("diagnosis", true, s -> DashboardQuery.of(QueryKind.DIAGNOSIS, store(s), from, END)));
    cases.add(new Case("overview (one store, 90 days)", true, s -> DashboardQuery.of(QueryKind.OVERVIEW, store(s),
      END.minusDays(89), END)));
    for (QueryKind kind : List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS, QueryKind.CATEGORIES,
      QueryKind.HOURS)) {
      cases.add(new Case(kind.wireName() + " (all)", false, s -> DashboardQuery.of(kind, "all", from, END)));
    }
    cases.add(new Case("ranking (revenue)", false, s -> DashboardQuery.of(QueryKind.RANKING, "all", from, END)));
    cases.add(new Case("stores", false, s -> DashboardQuery.of(QueryKind.STORES, "all", null, null)));
    return cases;
  }

  private static String store(int index) {
    return String.format("S%03d", index);
  }

  private static double round(double ms) {
    return Math.round(ms * 100) / 100.0;
  }
}
