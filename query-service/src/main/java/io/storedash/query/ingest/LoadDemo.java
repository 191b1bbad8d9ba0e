package io.storedash.query.ingest;

import io.storedash.common.config.ConfigException;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Generates the demo/benchmark dataset and loads it into PostgreSQL, printing the load rate:
 * <pre>
 * java -cp query-service-fat.jar io.storedash.query.ingest.LoadDemo \
 *   --stores 100 --rows-per-store 30000 --days 90 --seed 42 --end-date 2026-10-31 \
 *   [--pg-url postgresql://user:pass@host:5432/db] [--if-empty]
 * </pre>
 * Without {@code --pg-url} it uses PG_URL (and the other variables) like every service.
 */
public final class LoadDemo {

  private static final String USAGE = """
    usage: LoadDemo [--stores N] [--rows-per-store N] [--days N] [--seed N] [--end-date yyyy-MM-dd]
                    [--pg-url postgresql://user:pass@host:port/db] [--if-empty]
      defaults: 100 stores, 30000 rows per store, 90 days, seed 42, ending yesterday (TIMEZONE), PG_URL""";

  private LoadDemo() {
  }

  public static void main(String[] args) {
    Map<String, String> flags;
    StoreDashConfig config;
    DemoOptions options;
    try {
      flags = parse(args);
      Map<String, String> env = new HashMap<>(System.getenv());
      if (flags.containsKey("pg-url")) {
        env.put("PG_URL", flags.get("pg-url"));
      }
      config = ConfigLoader.load(env);
      options = new DemoOptions(
        intFlag(flags, "stores", DemoOptions.DEFAULT_STORES),
        intFlag(flags, "rows-per-store", DemoOptions.DEFAULT_ROWS_PER_STORE),
        intFlag(flags, "days", DemoOptions.DEFAULT_DAYS),
        Long.parseLong(flags.getOrDefault("seed", String.valueOf(DemoOptions.DEFAULT_SEED))),
        flags.containsKey("end-date") ? LocalDate.parse(flags.get("end-date")) : DemoOptions.yesterday(config.timezone()));
    } catch (IllegalArgumentException | DateTimeParseException | ConfigException e) {
      System.err.println("LoadDemo: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    boolean ifEmpty = flags.containsKey("if-empty");
    System.out.printf(Locale.ROOT, "generating and loading %d stores × %d lines over %d days up to %s (seed %d)%n",
      options.stores(), options.rowsPerStore(), options.days(), options.endDate(), options.seed());
    Vertx vertx = Vertx.vertx();
    int exit = 0;
    try {
      // A process of its own: its data-changed event reaches no cache (one that runs loads the versions when it starts).
      MessageSignatures signatures = MessageSignatures.unshared("load-demo");
      LoadReport report = (ifEmpty ? DemoData.loadIfEmpty(vertx, signatures, config, options)
        : DemoData.load(vertx, signatures, config, options)).await();
      if (report.loaded()) {
        System.out.printf(Locale.ROOT, "loaded %,d lines in %,d orders for %d stores in %.1f s: %,d lines/s (data version %d)%n",
          report.lines(), report.orders(), report.stores().size(), report.millis() / 1000.0, report.linesPerSecond(),
          report.version());
      } else {
        System.out.println("the database already holds stores; nothing loaded (--if-empty)");
      }
    } catch (RuntimeException e) {
      System.err.println("LoadDemo failed: " + e.getMessage());
      exit = 1;
    } finally {
      vertx.close().await();
    }
    System.exit(exit);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      int eq = name.indexOf('=');
      if (eq >= 0) {
        flags.put(name.substring(0, eq), name.substring(eq + 1));
      } else if (name.equals("if-empty")) {
        flags.put(name, "true");
      } else if (i + 1 < args.length) {
        flags.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
    for (String name : flags.keySet()) {
      if (!Map.of("stores", 1, "rows-per-store", 1, "days", 1, "seed", 1, "end-date", 1, "pg-url", 1,
        "if-empty", 1).containsKey(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    return flags;
  }

  private static int intFlag(Map<String, String> flags, String name, int fallback) {
    String value = flags.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'");
    }
  }
}
