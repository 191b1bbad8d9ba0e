package io.storedash.query.bench;

import io.storedash.common.DashboardQuery;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.query.compute.Computations;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The growth curve's latencies on a shared machine: two (or more) data directories loaded by {@link GrowthBenchmark}
 * served side by side (each PostgreSQL started fresh, so cold), and every kind asked of each in turn, request by
 * request, so that whatever else the machine does weighs on both alike. Prints p50/p99 per kind and size and the
 * ratio of each size's p50 to the first's; writes them as JSON to {@code --out}.
 * <pre>
 * java -cp ... io.storedash.query.bench.GrowthCompare --out FILE [--iterations 200] DIR:STORES DIR:STORES ...
 * </pre>
 */
public final class GrowthCompare {

  private GrowthCompare() {
  }

  public static void main(String[] args) throws Exception {
    int iterations = 200;
    int warmup = 20;
    Path out = null;
    List<Path> dirs = new ArrayList<>();
    List<Integer> stores = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          int colon = args[i].lastIndexOf(':');
          dirs.add(Path.of(args[i].substring(0, colon)));
          stores.add(Integer.parseInt(args[i].substring(colon + 1)));
        }
      }
    }
    int n = dirs.size();
    List<EmbeddedPostgresServer> servers = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      List<Computations> computations = new ArrayList<>();
      for (Path dir : dirs) {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir.resolve("postgres"), false);
        servers.add(server);
        StoreDashConfig config = ConfigLoader.load(java.util.Map.of("PG_URL", server.url("storedash"),
          "REQUEST_TIMEOUT", "60s"));
        Pool pool = PgPools.create(vertx, config, 4, null);
        computations.add(new Computations(pool, config.timezone()));
      }
      JsonArray kinds = new JsonArray();
      System.out.printf(Locale.ROOT, "%-32s", "kind (cold, uncached)");
      for (int s : stores) {
        System.out.printf(Locale.ROOT, " %20s", s + " stores p50/p99");
      }
      System.out.printf(Locale.ROOT, " %8s%n", "ratio");
      SplittableRandom random = new SplittableRandom(11);
      for (var c : GrowthBenchmark.cases()) {
        double[][] ms = new double[n][iterations];
        for (int i = -warmup; i < iterations; i++) {
          double draw = random.nextDouble();
          for (int d = 0; d < n; d++) {
            // The same share of each chain: store k of 100 is store 10k of 1,000.
            DashboardQuery query = c.query().apply(1 + (int) (draw * stores.get(d)));
            long started = System.nanoTime();
            computations.get(d).answer(query).await();
            double elapsed = (System.nanoTime() - started) / 1e6;
            if (i >= 0) {
              ms[d][i] = elapsed;
            }
          }
        }
        JsonObject kind = new JsonObject().put("kind", c.name()).put("per_store", c.perStore());
        System.out.printf(Locale.ROOT, "%-32s", c.name());
        double firstP50 = 0;
        double ratio = 0;
        for (int d = 0; d < n; d++) {
          Arrays.sort(ms[d]);
          double p50 = percentile(ms[d], 50);
          double p99 = percentile(ms[d], 99);
          if (d == 0) {
            firstP50 = p50;
          }
          ratio = p50 / firstP50;
          kind.put(stores.get(d) + "_p50_ms", round(p50)).put(stores.get(d) + "_p99_ms", round(p99));
          System.out.printf(Locale.ROOT, " %9.2f / %8.2f", p50, p99);
        }
        kind.put("p50_ratio", round(ratio));
        System.out.printf(Locale.ROOT, " %7.2fx%n", ratio);
        kinds.add(kind);
      }
      if (out != null) {
        Files.writeString(out, new JsonObject().put("iterations", iterations).put("kinds", kinds).encodePrettily());
      }
    } finally {
      vertx.close().await();
      servers.forEach(EmbeddedPostgresServer::close);
    }
  }

  private static double round(double ms) {
    return Math.round(ms * 100) / 100.0;
  }

  private static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
