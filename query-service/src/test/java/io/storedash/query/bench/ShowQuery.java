package io.storedash.query.bench;

import io.storedash.common.DashboardQuery;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.query.compute.Computations;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.util.Map;

/**
 * Prints the answer to one dashboard query against the benchmarks' database, as query-service computes it:
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.query.bench.ShowQuery \
 *   /tmp/storedash-bench-pg '{"kind":"diagnosis","store":"S001"}'
 * </pre>
 */
public final class ShowQuery {

  private ShowQuery() {
  }

  public static void main(String[] args) {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), false);
    Vertx vertx = Vertx.vertx();
    try {
      StoreDashConfig config = ConfigLoader.load(Map.of("PG_URL", server.url("storedash_bench")));
      Pool pool = PgPools.create(vertx, config, 1, null);
      JsonObject answer = new Computations(pool, config.timezone()).answer(DashboardQuery.fromJson(new JsonObject(args[1]))).await();
      System.out.println(answer.encodePrettily());
      pool.close().await();
    } finally {
      vertx.close().await();
      server.close();
    }
  }
}
