package io.storedash.cache;

import io.storedash.cache.tier.CacheKeys;
import io.storedash.cache.tier.HotspotTier;
import io.storedash.cache.tier.RedisTier;
import io.storedash.cache.tier.Tier;
import io.storedash.cache.tier.TierPolicy;
import io.storedash.cache.tier.TierStats;
import io.storedash.cache.warm.StoreHeat;
import io.storedash.cache.warm.Warmer;
import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.Failure;
import io.storedash.common.Gzip;
import io.storedash.common.bootstrap.ServiceContext;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.common.client.QueryClient;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.redis.RedisClients;
import io.storedash.common.redis.RedisClusterNodes;
import io.storedash.common.redis.RedisEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * cache-service: answers {@link Addresses#DASHBOARD_QUERY} through the tiers of {@link TieredCache}, keeps the data
 * versions current from {@code data changed} events, pre-warms hot stores, and serves the admin commands warm, flush
 * and stats on {@link Addresses#CACHE_ADMIN}.
 */
public final class CacheVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CacheVerticle.class);
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);
  private static final long HEAT_HALF_LIFE_MS = Duration.ofHours(1).toMillis();

  private final ServiceContext service;
  private final StoreDashConfig config;
  private final TierPolicy policy;
  private final Duration computeTimeout;
  private final StoreVersions versions = new StoreVersions();
  private final StoreHeat heat = new StoreHeat(HEAT_HALF_LIFE_MS);
  private final Map<Tier, Long> redisEntries = new ConcurrentHashMap<>();
  private TierStats stats;
  private HotspotTier hotspot;
  private RedisTier redis;
  private QueryClient queryService;
  private TieredCache cache;
  private Warmer warmer;
  private List<MessageConsumer<?>> consumers;
  private long versionTimer = -1;
  private long warmTimer = -1;
  private long countTimer = -1;

  public CacheVerticle(ServiceContext service) {
    this.service = service;
    this.config = service.config();
    this.policy = TierPolicy.from(config);
    // Shorter than the gateway's: this service answers the gateway's request within its timeout, even with a 503.
    this.computeTimeout = Duration.ofMillis(Math.max(500, config.requestTimeout().toMillis() - 500));
  }

  @Override
  public Future<?> start() {
    stats = new TierStats(service.meterRegistry());
    hotspot = new HotspotTier(config.cacheL4MaxBytes(), config.cacheTtlL4());
    redis = redisTier();
    queryService = QueryClient.create(vertx, computeTimeout);
    cache = new TieredCache(policy, hotspot, redis, versions, stats, this::compute);
    warmer = new Warmer(cache, heat, config.warmParallelism(), config.warmHotFraction());

    service.readinessCheck("redis", promise -> redis.ping()
      .onSuccess(ms -> promise.complete(Status.OK(new JsonObject().put("redis", "up").put("latency_ms", ms))))
      // Ready but degraded: without Redis the service still answers from L4 and query-service.
      .onFailure(e -> promise.complete(Status.OK(new JsonObject().put("redis", "down").put("degraded", true)
        .put("reason", String.valueOf(e.getMessage()))))));
    service.heartbeatStats(this::stats);

    consumers = List.of(
      vertx.eventBus().consumer(Addresses.DATA_CHANGED, this::onDataChanged),
      vertx.eventBus().<JsonObject>consumer(Addresses.CACHE_FLUSHED, msg -> dropHotspot(msg.body())),
      vertx.eventBus().consumer(Addresses.CACHE_ADMIN, this::onAdmin),
      vertx.eventBus().consumer(Addresses.DASHBOARD_QUERY, this::onQuery));
    loadVersions();
    long warmEvery = Math.max(30_000, (long) (minTtl().toMillis() * (1 - TierPolicy.REFRESH_AHEAD)));
    warmTimer = vertx.setPeriodic(warmEvery, warmEvery, t -> warmHotStores());
    countTimer = vertx.setPeriodic(1, 30_000, t -> countRedisEntries());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(versionTimer);
    vertx.cancelTimer(warmTimer);
    vertx.cancelTimer(countTimer);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
      .compose(v -> service.drained())
      .eventually(() -> redis.close());
  }

  /** One server, the master that Sentinels name, or a Redis Cluster, as REDIS_URL says. */
  private RedisTier redisTier() {
    RedisEndpoints endpoints = RedisEndpoints.parse(config.redisUrlOrDefault());
    RedisOptions options = RedisClients.options(endpoints).setMaxPoolSize(16).setMaxPoolWaiting(1024);
    // A node that is gone without a TCP reset must not hold commands for the 60 s default.
    options.getNetClientOptions().setConnectTimeout((int) REDIS_TIMEOUT.toMillis());
    RedisClusterNodes masters = endpoints.mode() == RedisEndpoints.Mode.CLUSTER
      ? new RedisClusterNodes(vertx, endpoints, 2, REDIS_TIMEOUT)
      : null;
    LOG.info("cache-service on node {} uses Redis {} ({})", service.nodeId(), endpoints.describe(),
      endpoints.mode().name().toLowerCase(java.util.Locale.ROOT));
    return new RedisTier(Redis.createClient(vertx, options), masters, endpoints.describe(), REDIS_TIMEOUT, service.nodeId());
  }

  private Duration minTtl() {
    Duration min = policy.ttl(Tier.L1);
    for (Tier tier : List.of(Tier.L2, Tier.L3)) {
      if (policy.ttl(tier).compareTo(min) < 0) {
        min = policy.ttl(tier);
      }
    }
    return min;
  }

  /** Asks query-service for every store's data version, again every 2 s until it answers; then warms up. */
  private void loadVersions() {
    queryService.dataVersions()
      .onSuccess(current -> {
        versions.load(current);
        LOG.info("data versions loaded on node {}: {} stores, chain version {}", service.nodeId(),
          versions.stores().size(), current.getLong("version"));
        if (config.warmOnStart()) {
          warmer.warm(versions.stores(), "start-up");
        }
      })
      .onFailure(e -> versionTimer = vertx.setTimer(2000, t -> loadVersions()));
  }

  private void onDataChanged(Message<JsonObject> message) {
    List<String> stores = versions.changed(message.body());
    cache.dropHotspot(stores);
    LOG.info("data changed for stores {} (version {}) on node {}: hotspot entries dropped", stores,
      message.body().getLong("version"), service.nodeId());
    if (versions.known()) {
      warmer.warm(stores, "data changed");
    }
  }

  /** Every few minutes: refreshes the hot stores' entries before their soft TTL runs out. */
  private void warmHotStores() {
    if (!versions.known() || warmer.running()) {
      return;
    }
    List<String> ranked = heat.rank(versions.stores(), System.currentTimeMillis());
    warmer.warm(ranked.subList(0, StoreHeat.hotCount(ranked.size(), config.warmHotFraction())), "refresh ahead of TTL");
  }

  private void onQuery(Message<Object> message) {
    DashboardQuery query;
    try {
      query = DashboardQuery.fromJson(jsonBody(message, "a dashboard query"));
    } catch (IllegalArgumentException e) {
      message.fail(Failure.BAD_REQUEST.code(), e.getMessage());
      return;
    }
    if (!query.coversAllStores()) {
      heat.touch(query.store(), System.currentTimeMillis());
    }
    service.inFlight().track(cache.get(query)).onComplete(ar -> {
      if (ar.succeeded()) {
        TieredCache.Answer answer = ar.result();
        new DashboardReply(Buffer.buffer(answer.gzip()), answer.tier().name(), answer.status(), answer.etag(), true,
          answer.computeMs()).replyTo(message);
      } else {
        ReplyException failure = Failure.asReply(ar.cause());
        message.fail(failure.failureCode(), failure.getMessage());
      }
    });
  }

  /** Asks query-service; its answer is compressed here, once. */
  private Future<TieredCache.Computed> compute(DashboardQuery query) {
    return queryService.compute(query)
      .recover(e -> Future.failedFuture(dependencyDown(e)))
      .map(reply -> new TieredCache.Computed(Gzip.compress(reply.body().getBytes()), reply.computeMs()));
  }

  /** query-service missing or slow is, to the gateway asking this service, a dependency that is down. */
  private Throwable dependencyDown(Throwable e) {
    if (e instanceof DownstreamFailure df && df.kind() == DownstreamFailure.Kind.NO_INSTANCE) {
      return Failure.DEPENDENCY_DOWN.reply("no query-service instance is running");
    }
    if (e instanceof DownstreamFailure df && df.kind() == DownstreamFailure.Kind.TIMEOUT) {
      return Failure.DEPENDENCY_DOWN.reply("query-service did not answer within " + computeTimeout.toMillis() + " ms");
    }
    return e;
  }

  private void onAdmin(Message<Object> message) {
    try {
      JsonObject command = message.body() == null ? new JsonObject() : jsonBody(message, "a cache admin command");
      String action = command.getValue("action") instanceof String a ? a : "";
      switch (action) {
        case "stats" -> message.reply(stats());
        case "warm" -> {
          List<String> stores = storesOf(command);
          warmer.warm(stores, "admin request");
          message.reply(new JsonObject().put("node", service.nodeId()).put("stores", stores.size()).put("warming", warmer.progress()));
        }
        case "flush" -> flush(command).onComplete(ar -> {
          if (ar.succeeded()) {
            message.reply(ar.result());
          } else {
            message.fail(Failure.DEPENDENCY_DOWN.code(), "flush failed, Redis: " + ar.cause().getMessage());
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

  /**
   * The body as a JSON object. A member of another service sends nothing else; anything else is a bad request
   * answered as one (a handler that threw would leave its sender waiting for the timeout).
   */
  private static JsonObject jsonBody(Message<Object> message, String what) {
    if (message.body() instanceof JsonObject json) {
      return json;
    }
    throw new IllegalArgumentException(what + " must be a JSON object");
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
    Tier tier = tierOf(command.getString("tier"));
    String store = command.getString("store");
    if (store != null) {
      DashboardQuery.checkStore(store);
    }
    JsonObject scope = new JsonObject().put("tier", tier == null ? null : tier.name()).put("store", store);
    Future<Map<String, Long>> deleted = tier == Tier.L4 ? Future.succeededFuture(Map.of()) : redis.deleteMatching(CacheKeys.pattern(tier, store));
    return deleted.map(perMaster -> {
      long n = perMaster.values().stream().mapToLong(Long::longValue).sum();
      vertx.eventBus().publish(Addresses.CACHE_FLUSHED, scope);
      LOG.info("cache flushed by node {}: tier {}, store {}, {} Redis entries ({})", service.nodeId(), scope.getString("tier"),
        store, n, perMaster);
      JsonObject masters = new JsonObject();
      perMaster.forEach(masters::put);
      return scope.copy().put("redis_entries_deleted", n).put("redis_masters", masters).put("node", service.nodeId());
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

  private void dropHotspot(JsonObject scope) {
    String tier = scope.getString("tier");
    String store = scope.getString("store");
    Predicate<String> key = k -> (tier == null || "L4".equals(tier) || k.contains(":" + tier + ":"))
      && (store == null || k.contains(CacheKeys.storeTag(store)));
    hotspot.drop(key);
  }

  private void countRedisEntries() {
    for (Tier tier : List.of(Tier.L1, Tier.L2, Tier.L3)) {
      redis.countMatching(CacheKeys.pattern(tier, null)).onSuccess(n -> redisEntries.put(tier, n));
    }
  }

  private JsonObject stats() {
    JsonObject tiers = new JsonObject();
    Map<Tier, JsonObject> byTier = new EnumMap<>(Tier.class);
    for (Tier tier : Tier.values()) {
      JsonObject json = stats.toJson(tier);
      if (tier == Tier.L4) {
        json.put("entries", hotspot.entries()).put("bytes", hotspot.bytes()).put("evictions", hotspot.evictions())
          .put("max_bytes", config.cacheL4MaxBytes());
      } else {
        json.put("entries", redisEntries.get(tier));
      }
      json.put("ttl_s", policy.ttl(tier).toSeconds());
      byTier.put(tier, json);
      tiers.put(tier.name(), json);
    }
    long lookups = stats.hits(Tier.L4) + stats.misses(Tier.L4);
    long answeredFromCache = byTier.values().stream().mapToLong(j -> j.getLong("hits") + j.getLong("stale_hits")).sum();
    return new JsonObject()
      .put("node", service.nodeId())
      .put("tiers", tiers)
      .put("lookups", lookups)
      .put("hit_rate", lookups == 0 ? null : Math.round(answeredFromCache * 10_000.0 / lookups) / 10_000.0)
      .put("single_flight_joins", stats.singleFlightJoins())
      .put("redis", new JsonObject().put("up", redis.up()).put("errors", redis.errors()).put("endpoint", redis.name()))
      .put("versions_known", versions.known())
      .put("stores_known", versions.stores().size())
      .put("warming", warmer.progress())
      .put("in_flight", service.inFlight().count());
  }
}
