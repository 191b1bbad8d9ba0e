package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.SqlClient;

/**
 * {@code stores}: {@code {"stores": [{"code", "name", "city"}]}} ordered by code: every store, or for a set of stores
 * those of its codes that are stores (matched as {@link StoreScope} matches them).
 */
final class StoresQuery implements KindQuery {

  private static final String SQL = "SELECT code, name, city FROM stores%s ORDER BY code";
  private static final String CHAIN_SQL = SQL.formatted("");
  private static final String SET_SQL = SQL.formatted(" WHERE code = ANY($1::text[])");

  private final SqlClient client;

  StoresQuery(SqlClient client) {
    this.client = client;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    Future<RowSet<Row>> found = query.restricted()
      ? client.preparedQuery(SET_SQL).execute(Tuple.tuple().addArrayOfString(query.stores().toArray(String[]::new)))
      : client.query(CHAIN_SQL).execute();
    return found.map(rows -> {
      JsonArray stores = new JsonArray();
      for (Row row : rows) {
        stores.add(new JsonObject().put("code", row.getString(0)).put("name", row.getString(1)).put("city", row.getString(2)));
      }
      return new JsonObject().put("stores", stores);
    });
  }
}
