package io.storedash.query.storage;

import io.storedash.common.config.StoreDashConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Reactive PostgreSQL pools built from the configured {@code PG_URL}, and from {@code PG_READ_URL} for reads. */
public final class PgPools {

  /**
   * How long a connection to the read replica may take to open: a replica that does not answer sends the
   * computation to the primary (ReplicaReads), so waiting the whole request timeout for it would only add latency.
   */
  static final Duration REPLICA_CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private PgPools() {
  }

  public static PgConnectOptions connectOptions(StoreDashConfig config) {
    return connectOptions(config.pgUrlOrDefault());
  }

  private static PgConnectOptions connectOptions(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    options.setCachePreparedStatements(true);
    return options;
  }

  /**
   * A pool of {@code size} connections. A pool with a name is shared by every verticle instance of this Vert.x
   * instance that asks for the same name, so N instances of query-service hold one pool, not N.
   */
  public static Pool create(Vertx vertx, StoreDashConfig config, int size, String sharedName) {
    return create(vertx, config.pgUrlOrDefault(), config.requestTimeout(), size, sharedName);
  }

  /** A pool on the read replica ({@code PG_READ_URL}), when one is configured; otherwise as {@link #create}. */
  public static Optional<Pool> createReplica(Vertx vertx, StoreDashConfig config, int size, String sharedName) {
    Duration connect = config.requestTimeout().compareTo(REPLICA_CONNECT_TIMEOUT) < 0 ? config.requestTimeout()
      : REPLICA_CONNECT_TIMEOUT;
    return config.load().pgReadUrl().map(url -> create(vertx, url, connect, size, sharedName));
  }

  private static Pool create(Vertx vertx, String url, Duration timeout, int size, String sharedName) {
    PoolOptions poolOptions = new PoolOptions()
      .setMaxSize(size)
      .setConnectionTimeout((int) timeout.toMillis())
      .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    if (sharedName != null) {
      poolOptions.setShared(true).setName(sharedName);
    }
    return PgBuilder.pool()
      .with(poolOptions)
      .with(new NetClientOptions().setConnectTimeout((int) timeout.toMillis()))
      .connectingTo(connectOptions(url))
      .using(vertx)
      .build();
  }

  /** host:port/database, for messages: never the password. */
  public static String describe(StoreDashConfig config) {
    return describe(config.pgUrlOrDefault());
  }

  /** host:port/database of PG_READ_URL, or "none". */
  public static String describeReplica(StoreDashConfig config) {
    return config.load().pgReadUrl().map(PgPools::describe).orElse("none");
  }

  private static String describe(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }
}
