package io.storedash.monitor.postgres;

import io.storedash.common.security.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches PostgreSQL's health on a pool of its own (two connections, so that it never competes with query-service
 * for data connections): reachability and latency ({@code SELECT 1}), server version, and the connections in use on
 * the StoreDash database against {@code max_connections}. Checked at start-up and every {@link #CHECK_INTERVAL}.
 */
public final class PostgresHealthMonitor {

  /** As often as the snapshot is published, so that a PostgreSQL outage shows in the next snapshot or the one after. */
  public static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
  static final long TIMEOUT_MS = 3_000;
  static final int POOL_SIZE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(PostgresHealthMonitor.class);
  private static final String FIGURES = """
    SELECT current_setting('server_version') AS version,
           current_database() AS database,
           current_setting('max_connections')::int AS max_connections,
           (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS connections,
           (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active') AS active""";

  private final Vertx vertx;
  private final Pool pool;
  private final String endpoint;
  private long timer = -1;
  private boolean checking;

  private volatile Boolean reachable;
  private Double latencyMs;
  private String version;
  private String database;
  private Long connections;
  private Long active;
  private Integer maxConnections;
  private Instant lastCheck;
  private Instant downSince;
  private JsonArray errors = new JsonArray();
  private final AtomicLong checks = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  public PostgresHealthMonitor(Vertx vertx, String pgUrl) {
    this.vertx = vertx;
    PgConnectOptions connect = PgConnectOptions.fromUri(pgUrl);
    this.endpoint = connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    this.pool = PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(POOL_SIZE).setConnectionTimeout((int) TIMEOUT_MS).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
      .with(new NetClientOptions().setConnectTimeout((int) TIMEOUT_MS))
      .connectingTo(connect)
      .using(vertx)
      .build();
  }

  /** Runs the first check and starts the periodic ones; never fails (an unreachable PostgreSQL is reported). */
  public Future<Void> start() {
    timer = vertx.setPeriodic(CHECK_INTERVAL.toMillis(), id -> check());
    return check();
  }

  public Future<Void> close() {
    vertx.cancelTimer(timer);
    return pool.close();
  }

  public boolean reachable() {
    return Boolean.TRUE.equals(reachable);
  }

  public JsonObject stats() {
    return new JsonObject()
      .put("reachable", reachable)
      .put("checks", checks.get())
      .put("check_failures", failures.get());
  }

  Future<Void> check() {
    if (checking) {
      return Future.succeededFuture();
    }
    checking = true;
    checks.incrementAndGet();
    // Timed on a connection already open, so that the latency is the server's answer, not a TCP and TLS handshake.
    return pool.withConnection(conn -> {
        long started = System.nanoTime();
        return conn.query("SELECT 1").execute().compose(one -> {
          double millis = (System.nanoTime() - started) / 1e6;
          return conn.query(FIGURES).execute().map(rows -> {
            Row row = rows.iterator().next();
            latencyMs = millis;
            version = row.getString("version");
            database = row.getString("database");
            maxConnections = row.getInteger("max_connections");
            connections = row.getLong("connections");
            active = row.getLong("active");
            return row;
          });
        });
      })
      .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .andThen(ar -> {
        checking = false;
        lastCheck = Instant.now();
        if (ar.succeeded()) {
          if (Boolean.FALSE.equals(reachable)) {
            LOG.info("PostgreSQL {} reachable again", endpoint);
          }
          reachable = true;
          downSince = null;
          errors = new JsonArray();
        } else {
          failures.incrementAndGet();
          if (!Boolean.FALSE.equals(reachable)) {
            LOG.warn("PostgreSQL {} unreachable: {}", endpoint, describe(ar.cause()));
            downSince = Instant.now();
          }
          reachable = false;
          latencyMs = null;
          errors = new JsonArray().add(new JsonObject().put("at", lastCheck.toString()).put("message", describe(ar.cause())));
        }
      })
      .<Void>mapEmpty()
      .otherwiseEmpty();
  }

  /** The postgres part of the monitor snapshot. */
  public JsonObject snapshot() {
    return new JsonObject()
      .put("endpoint", endpoint)
      .put("reachable", reachable())
      .put("latency_ms", latencyMs == null ? null : Math.round(latencyMs * 100) / 100.0)
      .put("version", version)
      .put("database", database)
      .put("connections", new JsonObject()
        .put("in_use", connections)
        .put("active", active)
        .put("max", maxConnections)
        .put("usage_percent", connections == null || maxConnections == null || maxConnections == 0 ? null
          : Math.round(connections * 1000.0 / maxConnections) / 10.0))
      .put("monitor_pool_size", POOL_SIZE)
      .put("down_since", downSince == null ? null : downSince.toString())
      .put("last_check", lastCheck == null ? null : lastCheck.toString())
      .put("errors", errors.copy());
  }

  /** Redacted: the message is logged and shown in the monitor snapshot. */
  private static String describe(Throwable e) {
    return Redaction.message(e);
  }
}
