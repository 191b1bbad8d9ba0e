package io.storedash.cache;

import io.storedash.common.DashboardQuery;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data version of every store as this cache-service instance knows it: loaded from query-service at start-up
 * and raised by every {@code data changed} event. Until it has been loaded the versions are unknown, and the cache
 * is bypassed rather than risk reading entries written before an import it did not see.
 */
public final class StoreVersions {

  private final Map<String, Long> versions = new ConcurrentHashMap<>();
  private volatile long global = -1;

  public boolean known() {
    return global >= 0;
  }

  /** Replaces everything with a reply of query-service's versions address: {@code {version, stores:{code:v}}}. */
  public void load(JsonObject reply) {
    JsonObject stores = reply.getJsonObject("stores", new JsonObject());
    stores.forEach(e -> versions.merge(e.getKey(), ((Number) e.getValue()).longValue(), Math::max));
    global = Math.max(global, reply.getLong("version", 0L));
  }

  /** Applies a {@code data changed} event: {@code {stores:[...], version}}. */
  public void changed(JsonObject event) {
    long version = event.getLong("version", 0L);
    event.getJsonArray("stores", new io.vertx.core.json.JsonArray())
      .forEach(store -> versions.merge(String.valueOf(store), version, Math::max));
    global = Math.max(global, version);
  }

  /**
   * The version a query's result depends on: the chain's for {@code all}, the store's otherwise (0 for a store
   * that has no data yet); empty while versions are unknown.
   */
  public OptionalLong versionOf(DashboardQuery query) {
    if (!known()) {
      return OptionalLong.empty();
    }
    if (query.coversAllStores()) {
      return OptionalLong.of(global);
    }
    return OptionalLong.of(versions.getOrDefault(query.store(), 0L));
  }
}
