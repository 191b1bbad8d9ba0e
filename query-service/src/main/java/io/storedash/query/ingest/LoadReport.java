package io.storedash.query.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a load did.
 *
 * @param loaded  false when the load was skipped because the database already held stores
 * @param orders  orders inserted (orders whose number already existed are skipped)
 * @param lines   order lines inserted
 * @param version the dataset version after the load (unchanged when skipped)
 */
public record LoadReport(boolean loaded, List<String> stores, long orders, long lines, long millis, long version) {

  public static LoadReport skipped(long version) {
    return new LoadReport(false, List.of(), 0, 0, 0, version);
  }

  public long linesPerSecond() {
    return millis == 0 ? lines * 1000 : lines * 1000 / millis;
  }

  /** {@code {"loaded", "stores", "orders", "lines", "millis", "lines_per_second", "version"}} with the store count. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("loaded", loaded)
      .put("stores", stores.size())
      .put("orders", orders)
      .put("lines", lines)
      .put("millis", millis)
      .put("lines_per_second", linesPerSecond())
      .put("version", version);
  }

  /** The {@code data changed} event of this load: {@code {"stores": [...], "version": n}}. */
  public JsonObject dataChanged() {
    return new JsonObject().put("stores", new JsonArray(List.copyOf(stores))).put("version", version);
  }
}
