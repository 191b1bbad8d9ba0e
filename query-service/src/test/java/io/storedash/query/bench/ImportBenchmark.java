package io.storedash.query.bench;

import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.storedash.query.ingest.ExportCsv;
import io.storedash.query.ingest.ImportCsv;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CSV import rates through the import code ({@link ImportCsv#run}: the same {@code CsvImport} as the event-bus
 * sessions, fed in 1 MiB chunks), into a database that holds the reference set: a 30,000-line file (one store's
 * next quarter, Chinese headers), the same file again (every line unchanged), and a 500,000-line file (20 stores).
 * Prints time, lines/s and the heap the JVM needed (run it with a small -Xmx to see that the file is never held):
 * <pre>
 * java -Xmx128m -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.query.bench.ImportBenchmark \
 *   --data-dir /tmp/storedash-bench-pg
 * </pre>
 * Each run imports into {@code storedash_import_bench}, a fresh copy ({@code CREATE DATABASE ... TEMPLATE}) of the
 * reference database {@code storedash_bench} that {@link QueryBenchmark} loads (loaded here when missing).
 */
public final class ImportBenchmark {

  private ImportBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      flags.put(args[i].substring(2), args[i + 1]);
    }
    if (!flags.containsKey("data-dir")) {
      throw new IllegalArgumentException("--data-dir DIR is required (the embedded PostgreSQL of QueryBenchmark)");
    }
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(flags.get("data-dir")), false);
    Path dir = Files.createTempDirectory("storedash-import-bench");
    Vertx vertx = Vertx.vertx();
    try {
      StoreDashConfig reference = ConfigLoader.load(Map.of("PG_URL", server.url("storedash_bench")));
      if (DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("test"), reference, DemoOptions.reference(QueryBenchmark.END)).await().loaded()) {
        System.out.println("loaded the reference set");
      }
      // Every run imports into a fresh copy of the reference database, so runs are alike and the reference stays clean.
      copyDatabase(server.port(), "storedash_bench", "storedash_import_bench");
      StoreDashConfig config = ConfigLoader.load(Map.of("PG_URL", server.url("storedash_import_bench")));
      // After the reference set's last day, so every line is new.
      Path small = dir.resolve("orders-30k.csv");
      Path large = dir.resolve("orders-500k.csv");
      ExportCsv.write(new DemoOptions(1, 30_000, 90, 42, LocalDate.of(2027, 1, 31)), small, ExportCsv.Headers.ZH,
        ExportCsv.Encoding.UTF_8);
      ExportCsv.write(new DemoOptions(20, 25_000, 90, 43, LocalDate.of(2027, 5, 1)), large, ExportCsv.Headers.ZH,
        ExportCsv.Encoding.UTF_8);
      System.out.printf(Locale.ROOT, "JVM max heap %.0f MiB; files in %s%n%n", HeapWatch.maxMiB(), dir);
      System.out.printf(Locale.ROOT, "%-36s %9s %9s %8s %10s %14s%n", "file", "lines", "MiB", "s", "lines/s", "peak heap MiB");
      run(vertx, config, small, "30,000 lines (1 store, new)");
      run(vertx, config, small, "same file again (all unchanged)");
      run(vertx, config, large, "500,000 lines (20 stores, new)");
    } finally {
      vertx.close().await();
      server.close();
      try (var files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
      }
      dir.toFile().delete();
    }
  }

  private static void run(Vertx vertx, StoreDashConfig config, Path file, String label) throws Exception {
    System.gc();
    HeapWatch.reset();
    HeapWatch.Sampled<JsonObject> sampled = HeapWatch.sampling(() -> ImportCsv.run(vertx, MessageSignatures.unshared("benchmark"), config, file));
    JsonObject report = sampled.value();
    double seconds = sampled.seconds();
    if (!report.getBoolean("imported")) {
      throw new IllegalStateException("not imported: " + report.encodePrettily());
    }
    long lines = report.getLong("lines");
    System.out.printf(Locale.ROOT, "%-36s %,9d %9.1f %8.2f %,10d %6.0f (live %.0f)%n", label, lines,
      Files.size(file) / (1024.0 * 1024.0), seconds, Math.round(lines / seconds), sampled.peakUsedBytes() / (1024.0 * 1024.0),
      HeapWatch.peakLiveMiB());
    System.out.printf(Locale.ROOT, "    report: orders %,d, new lines %,d, updated %,d, unchanged %,d, %d ms in query-service code%n",
      report.getLong("orders"), report.getLong("new_lines"), report.getLong("updated_lines"), report.getLong("unchanged_lines"),
      report.getLong("millis"));
  }

  private static void copyDatabase(int port, String template, String copy) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + copy);
      st.execute("CREATE DATABASE " + copy + " TEMPLATE " + template);
    }
  }

}
