package io.storedash.query.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/**
 * The dataset version (the version of 'all') and the version of every store. A load increments the dataset version
 * once and gives each store it touched that new value, so a store's version only ever grows and caches keyed on it
 * never read an entry computed before the load.
 */
public final class DataVersions {

  private static final String CURRENT = "SELECT v.version, s.code, s.data_version FROM dataset_version v "
    + "LEFT JOIN stores s ON true ORDER BY s.code";

  private DataVersions() {
  }

  /** {@code {"version": 7, "stores": {"S001": 7, "S002": 3}}} */
  public static Future<JsonObject> current(SqlClient client) {
    return client.query(CURRENT).execute().map(rows -> {
      long version = 0;
      JsonObject stores = new JsonObject();
      for (Row row : rows) {
        version = row.getLong(0);
        String code = row.getString(1);
        if (code != null) {
          stores.put(code, row.getLong(2));
        }
      }
      return new JsonObject().put("version", version).put("stores", stores);
    });
  }
}
