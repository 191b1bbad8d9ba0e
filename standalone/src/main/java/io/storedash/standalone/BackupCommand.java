package io.storedash.standalone;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.DataDirectoryInUse;
import io.storedash.query.storage.DatabaseBackup;
import io.storedash.query.storage.JdbcDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code storedash backup FILE}: a consistent backup of the embedded database, also while StoreDash runs. */
@Command(name = "backup", mixinStandardHelpOptions = true,
  description = {"Writes a consistent backup of StoreDash's database to FILE: the embedded one of --data-dir "
    + "(while StoreDash runs on it, or not), or the database PG_URL names.",
    "Restore it with: storedash restore FILE"})
final class BackupCommand implements Callable<Integer> {

  @ParentCommand
  Standalone parent;

  @Parameters(paramLabel = "FILE", description = "where to write the backup (a zip; replaced when it exists)")
  Path file;

  @Option(names = "--data-dir", description = "the data directory (default: the one before the command, or data)")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    StoreDashConfig config = Standalone.configuration("back up");
    if (config == null) {
      return 2;
    }
    if (config.pgUrl().isPresent()) {
      return backup(JdbcDatabase.of(config.pgUrlOrDefault()), "the database PG_URL names");
    }
    Path dir = parent.dataDir(dataDir);
    if (!EmbeddedDatabase.exists(dir)) {
      System.err.println("StoreDash cannot back up: " + dir.toAbsolutePath() + " holds no embedded database (start "
        + "StoreDash once, or give --data-dir)");
      return 2;
    }
    try (EmbeddedDatabase server = EmbeddedDatabase.shared(dir)) {
      return backup(server.database(Standalone.DATABASE), "the embedded database in " + dir.toAbsolutePath()
        + (server.startedHere() ? "" : " (StoreDash running)"));
    } catch (DataDirectoryInUse e) {
      System.err.println("StoreDash cannot back up: " + e.getMessage());
      return 2;
    }
  }

  private int backup(JdbcDatabase database, String what) throws Exception {
    try {
      DatabaseBackup.Summary summary = DatabaseBackup.backup(database, file);
      System.out.printf("Backed up %s: %,d rows of %d tables, schema version %s, to %s (%,d bytes) in %.1f s%n", what,
        summary.totalRows(), summary.rows().size(), summary.schemaVersion(), file.toAbsolutePath(), summary.bytes(),
        summary.millis() / 1000.0);
      return 0;
    } catch (IllegalStateException e) {
      System.err.println("StoreDash cannot back up " + what + ": " + e.getMessage());
      return 2;
    }
  }
}
