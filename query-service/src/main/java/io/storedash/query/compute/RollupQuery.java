package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;

/**
 * A kind answered by one aggregate over a rollup: the chain-wide rollup for {@code all}, the store's rollup otherwise,
 * both with the parameters {@code $1 = from, $2 = to} (and {@code $3 = store id}).
 */
abstract class RollupQuery implements KindQuery {

  private final SqlClient client;
  private final ZoneId zone;
  private final String chainSql;
  private final String storeSql;

  RollupQuery(SqlClient client, ZoneId zone, String chainSql, String storeSql) {
    this.client = client;
    this.zone = zone;
    this.chainSql = chainSql;
    this.storeSql = storeSql;
  }

  @Override
  public final Future<JsonObject> answer(DashboardQuery query) {
    return StoreScope.resolve(client, query, zone).compose(scope ->
      client.preparedQuery(scope.allStores() ? chainSql : storeSql).execute(scope.rangeThenStore())
        .map(rows -> result(scope, rows)));
  }

  /** The result JSON of the aggregate's rows. */
  abstract JsonObject result(StoreScope scope, RowSet<Row> rows);
}
