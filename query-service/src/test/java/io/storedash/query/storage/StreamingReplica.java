package io.storedash.query.storage;

import io.storedash.common.embedded.EmbeddedPostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * A real streaming replica of an embedded PostgreSQL, made with the embedded binaries only (they have no
 * {@code pg_basebackup}): a slot reserves the primary's WAL, a non-exclusive base backup copies the data directory
 * while the primary runs, the backup label goes into the copy with {@code standby.signal} and the primary's
 * address, and the copy starts as a hot standby through {@link EmbeddedPostgresServer} (in a user namespace, as
 * every embedded server). It then streams the primary's WAL over the replication protocol like any standby.
 */
public final class StreamingReplica {

  static final String SLOT = "storedash_replica";
  /** What a base backup leaves out (PostgreSQL's own list, and the embedded library's lock file). */
  private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", "epg-lock", "pg_wal",
    "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");

  private StreamingReplica() {
  }

  /**
   * Copies the primary (data in {@code primaryDir}, listening on {@code primaryPort}) to {@code replicaDir} and
   * starts it on {@code port} (0: any), the port a restart of the replica ({@link #restart}) takes again.
   */
  public static EmbeddedPostgresServer start(Path primaryDir, int primaryPort, Path replicaDir, int port) {
    String primary = "jdbc:postgresql://127.0.0.1:" + primaryPort + "/postgres";
    try (Connection c = DriverManager.getConnection(primary, "postgres", "");
         Statement st = c.createStatement()) {
      st.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");
      st.execute("SELECT pg_start_backup('storedash-replica', true, false)");
      copy(primaryDir, replicaDir);
      // PostgreSQL refuses a data directory others may read.
      Files.setPosixFilePermissions(replicaDir, PosixFilePermissions.fromString("rwx------"));
      String label;
      try (ResultSet rs = st.executeQuery("SELECT labelfile FROM pg_stop_backup(false, true)")) {
        rs.next();
        label = rs.getString(1);
      }
      Files.writeString(replicaDir.resolve("backup_label"), label);
      Files.writeString(replicaDir.resolve("standby.signal"), "");
      Files.writeString(replicaDir.resolve("postgresql.auto.conf"), "\nprimary_conninfo = 'host=127.0.0.1 port="
        + primaryPort + " user=postgres application_name=storedash_replica'\nprimary_slot_name = '" + SLOT + "'\n",
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (SQLException e) {
      throw new IllegalStateException("base backup of the primary failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return restart(replicaDir, port);
  }

  /** Starts the replica of {@code replicaDir} again: it resumes streaming where it stopped. */
  public static EmbeddedPostgresServer restart(Path replicaDir, int port) {
    return EmbeddedPostgresServer.start(replicaDir, false, port);
  }

  /** Drops the slot, so the primary keeps no WAL for a replica that is gone. */
  public static void dropSlot(int primaryPort) {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + primaryPort + "/postgres",
      "postgres", ""); Statement st = c.createStatement()) {
      st.execute("SELECT pg_drop_replication_slot('" + SLOT + "') FROM pg_replication_slots WHERE slot_name = '"
        + SLOT + "' AND NOT active");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(dir).toString());
        Files.createDirectories(target);
        if (!dir.equals(from) && SKIPPED.contains(dir.getFileName().toString())) {
          if (dir.getFileName().toString().equals("pg_wal")) {
            Files.createDirectories(target.resolve("archive_status"));
          }
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (SKIPPED.contains(file.getFileName().toString())) {
          return FileVisitResult.CONTINUE;
        }
        try {
          Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException gone) {
          // A file the running primary removed meanwhile: the WAL replay recreates what it needs.
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
  }
}
