package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;

/**
 * A kind answered by one aggregate over a rollup: the chain-wide rollup for {@code all}, the stores' rollup for one
 * store or a set of stores, with the parameters {@code $1 = from, $2 = to} (and {@code $3 = store id}, or the set's
 * ids).
 */
abstract class RollupQuery implements KindQuery {

  private final SqlClient client;
  private final ZoneId zone;
  private final ScopedStatement statement;

  RollupQuery(SqlClient client, ZoneId zone, String chainSql, String storeSql) {
    this.client = client;
    this.zone = zone;
    this.statement = ScopedStatement.of(chainSql, storeSql);
  }

  @Override
  public final Future<JsonObject> answer(DashboardQuery query) {
    return StoreScope.resolve(client, query, zone).compose(scope ->
      client.preparedQuery(scope.sql(statement)).execute(scope.rangeThenStore())
        .map(rows -> result(scope, rows)));
  }

  /** The result JSON of the aggregate's rows. */
  abstract JsonObject result(StoreScope scope, RowSet<Row> rows);
}
