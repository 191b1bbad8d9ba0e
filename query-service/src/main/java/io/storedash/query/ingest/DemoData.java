package io.storedash.query.ingest;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.MessageSignatures;
import io.storedash.query.storage.Migrations;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * Loads the generated demo dataset into the configured PostgreSQL: the entry point of the standalone mode and of
 * {@link LoadDemo}. Each call migrates the schema first (Flyway is idempotent and locks against concurrent runs),
 * then loads through a pool of its own that it closes when done, and publishes {@code data changed}, signed with
 * {@code signatures}, on {@code vertx}'s event bus. Call it from any thread; the work runs on Vert.x threads.
 */
public final class DemoData {

  private DemoData() {
  }

  /**
   * Loads the demo dataset only when the database holds no store: a restart keeps the data it has, imported or
   * generated. Completes with {@code loaded() == false} when it skipped.
   */
  public static Future<LoadReport> loadIfEmpty(Vertx vertx, MessageSignatures signatures, StoreDashConfig config,
                                               DemoOptions options) {
    return run(vertx, signatures, config, options, true);
  }

  /**
   * Loads the demo dataset whatever the database holds. Orders whose numbers exist already are skipped, so loading
   * the same options twice adds nothing.
   */
  public static Future<LoadReport> load(Vertx vertx, MessageSignatures signatures, StoreDashConfig config,
                                        DemoOptions options) {
    return run(vertx, signatures, config, options, false);
  }

  private static Future<LoadReport> run(Vertx vertx, MessageSignatures signatures, StoreDashConfig config,
                                        DemoOptions options, boolean onlyIntoEmpty) {
    return vertx.executeBlocking(() -> Migrations.migrate(config))
      .compose(migrated -> {
        // One connection: a load is one transaction.
        Pool pool = PgPools.create(vertx, config, 1, null);
        BulkLoader loader = new BulkLoader(vertx, signatures, pool, config.timezone());
        Dataset dataset = new DemoDataset(options);
        return (onlyIntoEmpty ? loader.loadIntoEmpty(dataset) : loader.load(dataset))
          .eventually(pool::close);
      });
  }
}
