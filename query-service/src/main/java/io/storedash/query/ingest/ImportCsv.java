package io.storedash.query.ingest;

import io.storedash.common.ImportProtocol;
import io.storedash.common.config.ConfigException;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.query.storage.Migrations;
import io.storedash.query.storage.PgPools;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Imports an order export — CSV, or an .xlsx workbook (told apart by content) — from the command line, through the
 * same code as the event-bus import ({@link CsvImport}: streamed in 1 MiB chunks, one transaction, rollups and versions
 * updated):
 * <pre>
 * java -cp query-service-fat.jar io.storedash.query.ingest.ImportCsv [--pg-url postgresql://u:p@host/db] orders.csv|orders.xlsx
 * </pre>
 * Prints the import report (JSON). Exit code 0 when imported, 1 when the file was refused (the report says why),
 * 2 on bad arguments. Caches learn about the import from {@code data changed} only when they share the event bus, so
 * after an import from the command line running caches serve older entries until their TTL; prefer the API
 * ({@code POST /api/v1/imports}) while the services run.
 */
public final class ImportCsv {

  private static final String USAGE = "usage: ImportCsv [--pg-url postgresql://user:pass@host:port/db] FILE.csv|FILE.xlsx";

  private ImportCsv() {
  }

  public static void main(String[] args) {
    Map<String, String> env = new HashMap<>(System.getenv());
    Path file = null;
    StoreDashConfig config;
    try {
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--pg-url") && i + 1 < args.length) {
          env.put("PG_URL", args[++i]);
        } else if (args[i].startsWith("--pg-url=")) {
          env.put("PG_URL", args[i].substring("--pg-url=".length()));
        } else if (!args[i].startsWith("--") && file == null) {
          file = Path.of(args[i]);
        } else {
          throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
        }
      }
      if (file == null) {
        throw new IllegalArgumentException("name the file to import (.csv or .xlsx)");
      }
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("cannot read " + file);
      }
      config = ConfigLoader.load(env);
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("ImportCsv: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    int exit;
    try {
      JsonObject report = run(vertx, MessageSignatures.unshared("import-csv"), config, file);
      System.out.println(report.encodePrettily());
      exit = report.getBoolean("imported", false) ? 0 : 1;
    } catch (RuntimeException e) {
      System.err.println("ImportCsv failed: " + e.getMessage());
      exit = 1;
    } finally {
      vertx.close().await();
    }
    System.exit(exit);
  }

  /**
   * Imports one file; the report whether it was imported or refused. Call from a thread that may block (it awaits).
   */
  public static JsonObject run(Vertx vertx, MessageSignatures signatures, StoreDashConfig config, Path file) {
    vertx.executeBlocking(() -> Migrations.migrate(config)).await();
    Pool pool = PgPools.create(vertx, config, 1, null);
    try {
      CsvImport csv = CsvImport.open(vertx, signatures, pool, file.getFileName().toString(), config.timezone(),
        ImportProtocol.MAX_FILE_BYTES).await();
      try (InputStream in = Files.newInputStream(file)) {
        byte[] chunk = new byte[ImportProtocol.MAX_CHUNK_BYTES];
        int n;
        while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
          csv.accept(Buffer.buffer(n).appendBytes(chunk, 0, n)).await();
        }
      } catch (IOException e) {
        csv.abort().await();
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
      }
      return new JsonObject(csv.finish().await().toMap());
    } catch (ImportFailure failure) {
      return new JsonObject(failure.report().toMap()).put("status", failure.code());
    } finally {
      pool.close().await();
    }
  }
}
