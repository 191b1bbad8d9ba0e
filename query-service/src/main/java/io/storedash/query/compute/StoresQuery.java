package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/** {@code stores}: {@code {"stores": [{"code", "name", "city"}]}} ordered by code. */
final class StoresQuery implements KindQuery {

  private static final String SQL = "SELECT code, name, city FROM stores ORDER BY code";

  private final SqlClient client;

  StoresQuery(SqlClient client) {
    this.client = client;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    return client.query(SQL).execute().map(rows -> {
      JsonArray stores = new JsonArray();
      for (Row row : rows) {
        stores.add(new JsonObject().put("code", row.getString(0)).put("name", row.getString(1)).put("city", row.getString(2)));
      }
      return new JsonObject().put("stores", stores);
    });
  }
}
