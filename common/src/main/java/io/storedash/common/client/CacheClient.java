package io.storedash.common.client;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.QueryKind;
import io.storedash.common.ServiceNames;
import io.storedash.common.client.impl.CacheClientImpl;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * cache-service as its callers see it: dashboard views through the cache tiers, and the admin commands, which it signs
 * with the caller's {@link MessageSignatures} (cache-service refuses unsigned ones with 403). Failures as
 * {@link QueryClient}'s.
 */
public interface CacheClient {

  /** Over the event bus. */
  static CacheClient create(Vertx vertx, MessageSignatures signatures, Duration timeout) {
    return create(ServiceRequests.eventBus(vertx, ServiceNames.CACHE), signatures, timeout);
  }

  /** Through {@code via}, the caller's breaker to cache-service. */
  static CacheClient create(ServiceRequests via, MessageSignatures signatures, Duration timeout) {
    return new CacheClientImpl(via, signatures, timeout);
  }

  /** A dashboard view through the cache tiers ({@link Addresses#DASHBOARD_QUERY}): gzip bytes and where they came from. */
  default Future<DashboardReply> query(DashboardQuery query) {
    return query(query, null);
  }

  /**
   * As {@link #query(DashboardQuery)}, asked on behalf of {@code client} ({@link io.storedash.common.RequestHeaders#CLIENT},
   * null for none): a computation it causes is charged to that client's admission budget (docs/DESIGN.md §12.3).
   */
  Future<DashboardReply> query(DashboardQuery query, String client);

  /** Starts warming {@code stores} (every store when null) on one instance; its answer says how far warming got. */
  Future<JsonObject> warm(JsonArray stores);

  /** Deletes the entries of {@code tier} and {@code store} (each null for all) in Redis and in every instance's L4. */
  Future<JsonObject> flush(String tier, String store);

  /**
   * Deletes every entry of one kind of query, in Redis and in every instance's L4, then warms it again for the hot
   * stores: what it answers changed without a data change (the 今日必做 thresholds, docs/DESIGN.md §14.1).
   */
  Future<JsonObject> flushKind(QueryKind kind);

  /** One instance's figures: the same shape as its heartbeat stats. */
  Future<JsonObject> stats();
}
