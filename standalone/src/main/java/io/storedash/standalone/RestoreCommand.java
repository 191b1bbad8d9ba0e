package io.storedash.standalone;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.DataDirectoryInUse;
import io.storedash.query.storage.DatabaseBackup;
import io.storedash.query.storage.JdbcDatabase;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;

/**
 * {@code storedash restore FILE}: replaces the embedded database of the data directory with a backup. The backup
 * goes into a new database first; only when all of it is in (rows counted, schema migrated) does it take the
 * place of the current one, which is kept as {@code storedash_before_restore} until the next restore. A failed
 * restore leaves the current data as it was.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
  description = {"Replaces the embedded database of --data-dir with the backup in FILE (made by 'storedash backup', "
    + "by this release or an older one). StoreDash must not be running on the directory.",
    "The data it replaces is kept as database storedash_before_restore until the next restore."})
final class RestoreCommand implements Callable<Integer> {

  static final String STAGING = Standalone.DATABASE + "_restore";
  static final String PREVIOUS = Standalone.DATABASE + "_before_restore";

  @ParentCommand
  Standalone parent;

  @Parameters(paramLabel = "FILE", description = "a backup written by 'storedash backup'")
  Path file;

  @Option(names = "--data-dir", description = "the data directory (default: the one before the command, or data)")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    StoreDashConfig config = Standalone.configuration("restore");
    if (config == null) {
      return 2;
    }
    if (config.pgUrl().isPresent()) {
      System.err.println("StoreDash cannot restore: PG_URL names an external PostgreSQL; restore is for the embedded "
        + "database (docs/OPERATIONS.md, \"Backup and restore\", says how to back up and restore an external one)");
      return 2;
    }
    if (!Files.isRegularFile(file)) {
      System.err.println("StoreDash cannot restore: " + file.toAbsolutePath() + " is not a file");
      return 2;
    }
    JsonObject manifest;
    try {
      // Read before anything is touched: a file that is not a backup changes nothing.
      manifest = DatabaseBackup.manifest(file);
    } catch (IllegalArgumentException e) {
      System.err.println("StoreDash cannot restore: " + e.getMessage());
      return 2;
    }
    Path dir = parent.dataDir(dataDir);
    try (EmbeddedDatabase server = EmbeddedDatabase.exclusive(dir)) {
      JdbcDatabase admin = server.database("postgres");
      execute(admin, "DROP DATABASE IF EXISTS " + STAGING);
      execute(admin, "CREATE DATABASE " + STAGING);
      DatabaseBackup.Summary summary;
      try {
        summary = DatabaseBackup.restore(server.database(STAGING), file);
      } catch (IllegalArgumentException | IllegalStateException e) {
        execute(admin, "DROP DATABASE IF EXISTS " + STAGING);
        System.err.println("StoreDash cannot restore: " + e.getMessage() + "; the data in " + dir.toAbsolutePath()
          + " is unchanged");
        return 2;
      }
      boolean replaced = exists(admin, Standalone.DATABASE);
      if (replaced) {
        execute(admin, "DROP DATABASE IF EXISTS " + PREVIOUS);
        execute(admin, "ALTER DATABASE " + Standalone.DATABASE + " RENAME TO " + PREVIOUS);
      }
      execute(admin, "ALTER DATABASE " + STAGING + " RENAME TO " + Standalone.DATABASE);
      System.out.printf("Restored %,d rows of %d tables from %s (taken %s by StoreDash %s, schema version %s) into %s "
          + "in %.1f s.%n", summary.totalRows(), summary.rows().size(), file.toAbsolutePath(), manifest.getString("created"),
        manifest.getString("storedash"), summary.schemaVersion(), dir.toAbsolutePath(), summary.millis() / 1000.0);
      if (replaced) {
        System.out.println("The data it replaced is kept as database " + PREVIOUS + " until the next restore.");
      }
      System.out.println("Start StoreDash as usual (./storedash" + (dataDir != null || !parent.dataDir.equals(Path.of("data"))
        ? " --data-dir " + dir : "") + ").");
      return 0;
    } catch (DataDirectoryInUse e) {
      System.err.println("StoreDash cannot restore while it runs: " + e.getMessage());
      return 2;
    }
  }

  private static void execute(JdbcDatabase database, String sql) throws SQLException {
    try (Connection conn = database.connect(); Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  private static boolean exists(JdbcDatabase database, String name) throws SQLException {
    try (Connection conn = database.connect(); Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
      return rs.next();
    }
  }
}
