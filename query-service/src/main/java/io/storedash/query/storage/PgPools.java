package io.storedash.query.storage;

import io.storedash.common.config.StoreDashConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.concurrent.TimeUnit;

/** Reactive PostgreSQL pools built from the configured {@code PG_URL}. */
public final class PgPools {

  private PgPools() {
  }

  public static PgConnectOptions connectOptions(StoreDashConfig config) {
    PgConnectOptions options = PgConnectOptions.fromUri(config.pgUrlOrDefault());
    options.setCachePreparedStatements(true);
    return options;
  }

  /**
   * A pool of {@code size} connections. A pool with a name is shared by every verticle instance of this Vert.x
   * instance that asks for the same name, so N instances of query-service hold one pool, not N.
   */
  public static Pool create(Vertx vertx, StoreDashConfig config, int size, String sharedName) {
    PoolOptions poolOptions = new PoolOptions()
      .setMaxSize(size)
      .setConnectionTimeout((int) config.requestTimeout().toMillis())
      .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    if (sharedName != null) {
      poolOptions.setShared(true).setName(sharedName);
    }
    return PgBuilder.pool()
      .with(poolOptions)
      .with(new NetClientOptions().setConnectTimeout((int) config.requestTimeout().toMillis()))
      .connectingTo(connectOptions(config))
      .using(vertx)
      .build();
  }

  /** host:port/database, for messages: never the password. */
  public static String describe(StoreDashConfig config) {
    PgConnectOptions options = PgConnectOptions.fromUri(config.pgUrlOrDefault());
    return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }
}
