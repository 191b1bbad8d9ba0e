package io.storedash.cache;

import io.storedash.cache.tier.CacheKeys;
import io.storedash.cache.tier.HotspotTier;
import io.storedash.cache.tier.RedisTier;
import io.storedash.cache.tier.Tier;
import io.storedash.cache.warm.Warmer;
import io.storedash.common.Addresses;
import io.storedash.common.CacheNodeStats;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.Failure;
import io.storedash.common.security.Redaction;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The admin commands on {@link Addresses#CACHE_ADMIN}: {@code stats}, {@code warm} (some stores or all) and
 * {@code flush} (a tier, a store, a kind of query, or everything), and the drop of in-process entries every instance does when one
 * of them flushed ({@link Addresses#CACHE_FLUSHED}).
 */
final class CacheAdmin {

  // cache-service's log lines keep the logger name operators already search for.
  private static final Logger LOG = LoggerFactory.getLogger(CacheVerticle.class);

  private final EventBus eventBus;
  private final MessageSignatures signatures;
  private final String node;
  private final StoreVersions versions;
  private final Warmer warmer;
  private final HotspotTier hotspot;
  private final RedisTier redis;
  private final Supplier<CacheNodeStats> stats;

  CacheAdmin(EventBus eventBus, MessageSignatures signatures, String node, StoreVersions versions, Warmer warmer,
             HotspotTier hotspot, RedisTier redis, Supplier<CacheNodeStats> stats) {
    this.eventBus = eventBus;
    this.signatures = signatures;
    this.node = node;
    this.versions = versions;
    this.warmer = warmer;
    this.hotspot = hotspot;
    this.redis = redis;
    this.stats = stats;
  }

  void onCommand(Message<Object> message) {
    try {
      JsonObject command = message.body() == null ? new JsonObject() : CacheVerticle.jsonBody(message, "a cache admin command");
      String action = command.getValue("action") instanceof String a ? a : "";
      switch (action) {
        case "stats" -> message.reply(stats.get().toJson());
        case "warm" -> {
          List<String> stores = storesOf(command);
          warmer.warm(stores, "admin request");
          message.reply(new JsonObject().put("node", node).put("stores", stores.size()).put("warming", warmer.progress()));
        }
        case "flush" -> flush(command).onComplete(ar -> {
          if (ar.succeeded()) {
            message.reply(ar.result());
          } else {
            message.fail(Failure.DEPENDENCY_DOWN.code(), "flush failed, Redis: " + Redaction.message(ar.cause()));
          }
        });
        default -> message.fail(Failure.BAD_REQUEST.code(), "unknown cache admin action '" + action + "', expected stats, warm or flush");
      }
    } catch (IllegalArgumentException e) {
      message.fail(Failure.BAD_REQUEST.code(), e.getMessage());
    } catch (ClassCastException e) {
      message.fail(Failure.BAD_REQUEST.code(), "a cache admin command has action, tier and store as strings and stores as an "
        + "array of store codes");
    }
  }

  private List<String> storesOf(JsonObject command) {
    JsonArray stores = command.getJsonArray("stores");
    if (stores == null || stores.isEmpty()) {
      return versions.stores();
    }
    return stores.stream().map(s -> DashboardQuery.checkStore(String.valueOf(s))).toList();
  }

  /** Deletes the matching Redis entries and tells every instance (this one included) to drop its L4 copies. */
  private Future<JsonObject> flush(JsonObject command) {
    if (command.getString("kind") != null) {
      return flushKind(QueryKind.fromWire(command.getString("kind")));
    }
    Tier tier = tierOf(command.getString("tier"));
    String store = command.getString("store");
    if (store != null) {
      DashboardQuery.checkStore(store);
    }
    JsonObject scope = new JsonObject().put("tier", tier == null ? null : tier.name()).put("store", store);
    Future<Map<String, Long>> deleted = tier == Tier.L4 ? Future.succeededFuture(Map.of()) : redis.deleteMatching(CacheKeys.pattern(tier, store));
    return deleted.map(perMaster -> {
      long n = perMaster.values().stream().mapToLong(Long::longValue).sum();
      eventBus.publish(Addresses.CACHE_FLUSHED, scope, signatures.sign(Addresses.CACHE_FLUSHED, scope));
      LOG.info("cache flushed by node {}: tier {}, store {}, {} Redis entries ({})", node, scope.getString("tier"),
        store, n, perMaster);
      JsonObject masters = new JsonObject();
      perMaster.forEach(masters::put);
      return scope.copy().put("redis_entries_deleted", n).put("redis_masters", masters).put("node", node);
    });
  }

  /**
   * Deletes every entry of one kind, tells every instance to drop its L4 copies, then warms the kind again for the
   * hot stores: its answers changed without a data change (the 今日必做 thresholds, docs/DESIGN.md §14.1).
   */
  private Future<JsonObject> flushKind(QueryKind kind) {
    JsonObject scope = new JsonObject().put("kind", kind.wireName());
    return redis.deleteMatching(CacheKeys.pattern(kind)).map(perMaster -> {
      long n = perMaster.values().stream().mapToLong(Long::longValue).sum();
      eventBus.publish(Addresses.CACHE_FLUSHED, scope, signatures.sign(Addresses.CACHE_FLUSHED, scope));
      LOG.info("cache flushed by node {}: kind {}, {} Redis entries ({})", node, kind.wireName(), n, perMaster);
      if (versions.known()) {
        warmer.warmHot(versions.stores(), kind.wireName() + " flushed");
      }
      return scope.copy().put("redis_entries_deleted", n).put("node", node);
    });
  }

  private static Tier tierOf(String name) {
    if (name == null || name.isEmpty()) {
      return null;
    }
    try {
      return Tier.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tier must be L1, L2, L3 or L4, got '" + name + "'");
    }
  }

  /** {@link Addresses#CACHE_FLUSHED}: drops this instance's in-process entries in the flushed scope. */
  void dropHotspot(JsonObject scope) {
    String kind = scope.getString("kind");
    if (kind != null) {
      hotspot.drop(key -> CacheKeys.ofKind(key, kind));
      return;
    }
    String tier = scope.getString("tier");
    String store = scope.getString("store");
    Predicate<String> key = k -> (tier == null || "L4".equals(tier) || k.contains(":" + tier + ":"))
      && (store == null || k.contains(CacheKeys.storeTag(store)));
    hotspot.drop(key);
  }
}
