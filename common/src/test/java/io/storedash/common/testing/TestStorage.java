package io.storedash.common.testing;

import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.vertx.pgclient.PgConnectOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PostgreSQL and Redis for tests: the servers named by {@code PG_URL}/{@code REDIS_URL} when set, else embedded
 * ones started once per test JVM and stopped when it exits. Each caller of {@link #newDatabase()} gets a database
 * of its own, so test classes never see each other's data.
 */
public final class TestStorage {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgresServer postgres;
  private static EmbeddedRedisServer redis;
  private static String adminJdbcUrl;
  private static String pgUser;
  private static String pgPassword;
  private static String pgHostPort;

  private TestStorage() {
  }

  private static synchronized void startPostgres() {
    if (adminJdbcUrl != null) {
      return;
    }
    String external = System.getenv("PG_URL");
    if (external != null && !external.isBlank()) {
      PgConnectOptions options = PgConnectOptions.fromUri(external);
      pgHostPort = options.getHost() + ":" + options.getPort();
      pgUser = options.getUser();
      pgPassword = options.getPassword() == null ? "" : options.getPassword();
      adminJdbcUrl = "jdbc:postgresql://" + pgHostPort + "/" + options.getDatabase();
    } else {
      Path dir;
      try {
        dir = Files.createTempDirectory("storedash-test-pg");
        postgres = EmbeddedPostgresServer.start(dir, false);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      pgHostPort = "127.0.0.1:" + postgres.port();
      pgUser = "postgres";
      pgPassword = "";
      adminJdbcUrl = "jdbc:postgresql://" + pgHostPort + "/postgres";
      // The server never deletes its data at a stop; a test's throw-away directory goes after it.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        postgres.close();
        RedisProcess.delete(dir);
      }, "test-postgres-stop"));
    }
  }

  /** A new, empty database; its {@code postgresql://} URL. */
  public static String newDatabase() {
    startPostgres();
    String name = "sd_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(adminJdbcUrl, pgUser, pgPassword);
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
    }
    String credentials = pgPassword.isEmpty() ? pgUser : pgUser + ":" + pgPassword;
    return "postgresql://" + credentials + "@" + pgHostPort + "/" + name;
  }

  /** The embedded Redis when this JVM started one; null when REDIS_URL names an external one. */
  public static synchronized EmbeddedRedisServer embeddedRedis() {
    redisUrl();
    return redis;
  }

  public static synchronized String redisUrl() {
    String external = System.getenv("REDIS_URL");
    if (external != null && !external.isBlank()) {
      return external;
    }
    if (redis == null) {
      redis = EmbeddedRedisServer.start(0, "256mb");
      Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "test-redis-stop"));
    }
    return redis.url();
  }

  /** The cluster secret of the nodes {@link #config} configures (tests only: it is in the source). */
  public static final String CLUSTER_SECRET = "storedash-test-cluster-secret-of-every-test-node";

  /**
   * A configuration for a test: a fresh database, the shared Redis, free ports, a cluster name of its own, the
   * {@link #CLUSTER_SECRET} every node of this JVM shares (so their signed messages verify on each other), and
   * whatever the test overrides.
   */
  public static StoreDashConfig config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("PG_URL", newDatabase());
    if (!overrides.containsKey("REDIS_URL")) {
      // A test of its own Redis (a cluster, a Sentinel set) does not need the shared one started.
      env.put("REDIS_URL", redisUrl());
    }
    env.put("HTTP_PORT", String.valueOf(freePort()));
    env.put("MANAGEMENT_PORT", "0");
    env.put("CLUSTER_NAME", "test-" + ProcessHandle.current().pid());
    env.put("CLUSTER_SECRET", CLUSTER_SECRET);
    env.putAll(overrides);
    return ConfigLoader.load(env);
  }

  public static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
