package io.storedash.cache;

import io.storedash.common.DashboardQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data version of every store as this cache-service instance knows it: loaded from query-service at start-up
 * and raised by every {@code data changed} event. Until it has been loaded the versions are unknown, and the cache
 * is bypassed rather than risk reading entries written before an import it did not see. The version before the
 * last change is kept too: its entries are what stale-if-error serves while the new ones cannot be computed.
 */
public final class StoreVersions {

  private record Versions(long current, long previous) {
    Versions raisedTo(long version) {
      return version > current ? new Versions(version, current) : this;
    }
  }

  /**
   * How far ahead of this instance's clock a data version may be before it needs query-service's confirmation. A
   * version is the load's clock in milliseconds (query-service's {@code Rollups}), or one more than the last when that
   * clock is behind, so a real one is ahead only by the clocks' difference.
   */
  public static final Duration MAX_AHEAD = Duration.ofDays(1);

  private static final String CHAIN = DashboardQuery.ALL_STORES;
  private final Map<String, Versions> versions = new ConcurrentHashMap<>();
  private volatile boolean known;

  public boolean known() {
    return known;
  }

  /** Takes a reply of query-service's versions address: {@code {version, stores:{code:v}}}. */
  public void load(JsonObject reply) {
    JsonObject stores = reply.getJsonObject("stores", new JsonObject());
    stores.forEach(e -> raise(e.getKey(), ((Number) e.getValue()).longValue()));
    raise(CHAIN, reply.getLong("version", 0L));
    known = true;
  }

  /** Applies a {@code data changed} event: {@code {stores:[...], version}}; returns the stores it names. */
  public List<String> changed(JsonObject event) {
    long version = event.getLong("version", 0L);
    List<String> stores = event.getJsonArray("stores", new JsonArray()).stream().map(String::valueOf).toList();
    stores.forEach(store -> raise(store, version));
    raise(CHAIN, version);
    return stores;
  }

  private void raise(String store, long version) {
    versions.merge(store, new Versions(version, 0), (old, fresh) -> old.raisedTo(version));
  }

  /** Whether a data-changed event's version could have come from a load now, by this instance's clock. */
  public static boolean plausible(long version, long nowMillis) {
    return version <= nowMillis + MAX_AHEAD.toMillis();
  }

  /** Whether query-service's versions ({@code {version, stores}}) have reached {@code version}. */
  public static boolean confirms(JsonObject current, long version) {
    return current.getValue("version") instanceof Number chain && chain.longValue() >= version;
  }

  /** Every store this instance knows of, without {@code all}. */
  public List<String> stores() {
    return versions.keySet().stream().filter(s -> !CHAIN.equals(s)).sorted().toList();
  }

  /**
   * The version a query's result depends on: the chain's for {@code all} — also for a query restricted to a set of
   * stores, whose {@code store} is {@code all}: every data change raises the chain's version, so a set's entries are
   * left behind exactly when the chain's are — the store's otherwise (0 for a store that has no data yet); empty
   * while versions are unknown.
   */
  public OptionalLong versionOf(DashboardQuery query) {
    if (!known) {
      return OptionalLong.empty();
    }
    Versions v = versions.get(query.store());
    return OptionalLong.of(v == null ? 0 : v.current());
  }

  /** The version before the last change of the query's store, when there was one. */
  public OptionalLong previousVersionOf(DashboardQuery query) {
    Versions v = versions.get(query.store());
    return v == null || v.previous() == 0 || !known ? OptionalLong.empty() : OptionalLong.of(v.previous());
  }
}
