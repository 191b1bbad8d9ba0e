package io.storedash.standalone;

import io.storedash.common.embedded.DataDirectoryInUse;
import io.storedash.common.embedded.DataDirectoryLock;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.query.storage.JdbcDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded database of a data directory, for the backup and restore commands: the one a running StoreDash
 * serves (found through its lock file), or a server started here on the directory, under its lock, and stopped by
 * {@link #close()}.
 */
final class EmbeddedDatabase implements AutoCloseable {

  private final JdbcDatabase server;
  private final EmbeddedPostgresServer started;
  private final DataDirectoryLock lock;

  private EmbeddedDatabase(JdbcDatabase server, EmbeddedPostgresServer started, DataDirectoryLock lock) {
    this.server = server;
    this.started = started;
    this.lock = lock;
  }

  /** Whether {@code dataDir} holds an embedded PostgreSQL cluster. */
  static boolean exists(Path dataDir) {
    return Files.exists(dataDir.resolve(Standalone.POSTGRES_DIRECTORY).resolve("PG_VERSION"));
  }

  /** The running StoreDash's server when one holds {@code dataDir}, else one started here. */
  static EmbeddedDatabase shared(Path dataDir) {
    try {
      return exclusive(dataDir);
    } catch (DataDirectoryInUse e) {
      Map<String, String> holder = DataDirectoryLock.holder(dataDir);
      String port = holder.get(DataDirectoryLock.PG_PORT);
      if (port == null) {
        throw new DataDirectoryInUse("StoreDash process " + holder.getOrDefault("pid", "?") + " is starting on "
          + dataDir.toAbsolutePath() + " and its database is not up yet: try again in a moment", e.pid());
      }
      return new EmbeddedDatabase(local(Integer.parseInt(port)), null, null);
    }
  }

  /**
   * A server started here on {@code dataDir} (creating the cluster when there is none), with the directory's lock.
   *
   * @throws DataDirectoryInUse when a StoreDash runs on the directory
   */
  static EmbeddedDatabase exclusive(Path dataDir) {
    DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
    try {
      EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir.resolve(Standalone.POSTGRES_DIRECTORY), false);
      lock.record(DataDirectoryLock.PG_PORT, Integer.toString(server.port()));
      return new EmbeddedDatabase(local(server.port()), server, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static JdbcDatabase local(int port) {
    return new JdbcDatabase("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
  }

  /** A database of this server by name. */
  JdbcDatabase database(String name) {
    return server.named(name);
  }

  /** Whether this command started the server (no StoreDash was running on the directory). */
  boolean startedHere() {
    return started != null;
  }

  @Override
  public void close() {
    if (started != null) {
      started.close();
    }
    if (lock != null) {
      lock.close();
    }
  }
}
