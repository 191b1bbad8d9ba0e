package io.storedash.cache;

import io.storedash.cache.tier.EntryCodec;
import io.storedash.cache.tier.FailureCache;
import io.storedash.cache.tier.OneOffRanges;
import io.storedash.cache.tier.HotspotTier;
import io.storedash.cache.tier.RedisTier;
import io.storedash.cache.tier.Tier;
import io.storedash.cache.tier.TierPolicy;
import io.storedash.cache.tier.TierStats;
import io.storedash.cache.warm.OpeningWarmUp;
import io.storedash.cache.warm.StoreHeat;
import io.storedash.cache.warm.Warmer;
import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.Failure;
import io.storedash.common.Gzip;
import io.storedash.common.RequestHeaders;
import io.storedash.common.MonotonicClock;
import io.storedash.common.bootstrap.ServiceContext;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.common.client.QueryClient;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.redis.RedisClients;
import io.storedash.common.redis.RedisClusterNodes;
import io.storedash.common.redis.RedisEndpoints;
import io.storedash.common.security.Redaction;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * cache-service: answers {@link Addresses#DASHBOARD_QUERY} through the tiers of {@link TieredCache}, keeps the data
 * versions current from {@code data changed} events and pre-warms hot stores. The admin commands on
 * {@link Addresses#CACHE_ADMIN} are {@link CacheAdmin}'s, the figures for heartbeats and {@code stats}
 * {@link CacheStats}'.
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
  private final Clock clock;
  private final Clock durations;
  private final StoreHeat heat;
  private RedisTier redis;
  private QueryClient queryService;
  private TieredCache cache;
  private Warmer warmer;
  private OpeningWarmUp openingWarmUp;
  private CacheStats stats;
  private List<MessageConsumer<?>> consumers;
  private long versionTimer = -1;
  private long warmTimer = -1;
  private long countTimer = -1;

  public CacheVerticle(ServiceContext service) {
    this(service, Clock.systemUTC(), MonotonicClock.create());
  }

  /** @param clock what entries are stamped, judged fresh and expired by, and store heat decays by */
  public CacheVerticle(ServiceContext service, Clock clock) {
    this(service, clock, clock);
  }

  /**
   * @param clock     the time stamped on entries (read by every instance through Redis) and judged against them
   * @param durations what local durations are measured by: L4 expiry, Redis's recovery, store heat's decay
   */
  private CacheVerticle(ServiceContext service, Clock clock, Clock durations) {
    this.service = service;
    this.config = service.config();
    this.policy = TierPolicy.from(config);
    this.clock = clock;
    this.durations = durations;
    this.heat = new StoreHeat(HEAT_HALF_LIFE_MS, durations);
    // Shorter than the gateway's: this service answers the gateway's request within its timeout, even with a 503.
    this.computeTimeout = Duration.ofMillis(Math.max(500, config.requestTimeout().toMillis() - 500));
  }

  @Override
  public Future<?> start() {
    TierStats tierStats = new TierStats(service.meterRegistry());
    HotspotTier hotspot = new HotspotTier(config.cacheL4MaxBytes(), config.cacheTtlL4(), durations);
    redis = redisTier(tierStats);
    queryService = QueryClient.create(vertx, service.signatures(), computeTimeout);
    cache = new TieredCache(policy, hotspot, redis, versions, tierStats, this::compute,
      new FailureCache(config.load().cacheFailureTtl(), durations, service.meterRegistry()),
      new OneOffRanges(durations, service.meterRegistry()), clock);
    warmer = new Warmer(cache, heat, config.warmParallelism(), config.warmHotFraction());
    stats = new CacheStats(service.nodeId(), tierStats, policy, config.cacheL4MaxBytes(), hotspot, redis, versions, warmer,
      service.inFlight());
    CacheAdmin admin = new CacheAdmin(vertx.eventBus(), service.signatures(), service.nodeId(), versions, warmer, hotspot,
      redis, stats::current);

    service.readinessCheck("redis", promise -> redis.ping()
      .onSuccess(ms -> promise.complete(Status.OK(new JsonObject().put("redis", "up").put("latency_ms", ms))))
      // Ready but degraded: without Redis the service still answers from L4 and query-service.
      .onFailure(e -> promise.complete(Status.OK(new JsonObject().put("redis", "down").put("degraded", true)
        .put("reason", Redaction.message(e))))));
    service.heartbeatStats(() -> stats.current().toJson());

    // What changes the cache or its versions must come from a member (docs/DESIGN.md §11.3); queries need not.
    MessageSignatures signatures = service.signatures();
    consumers = List.of(
      vertx.eventBus().consumer(Addresses.DATA_CHANGED, signatures.verified(Addresses.DATA_CHANGED, this::onDataChanged)),
      vertx.eventBus().<JsonObject>consumer(Addresses.CACHE_FLUSHED,
        signatures.verified(Addresses.CACHE_FLUSHED, msg -> admin.dropHotspot(msg.body()))),
      vertx.eventBus().consumer(Addresses.CACHE_ADMIN, signatures.verified(Addresses.CACHE_ADMIN, admin::onCommand)),
      vertx.eventBus().consumer(Addresses.DASHBOARD_QUERY, this::onQuery));
    loadVersions();
    long warmEvery = Math.max(30_000, (long) (minTtl().toMillis() * (1 - TierPolicy.REFRESH_AHEAD)));
    warmTimer = vertx.setPeriodic(warmEvery, warmEvery, t -> warmHotStores());
    countTimer = vertx.setPeriodic(1, 30_000, t -> stats.countRedisEntries());
    openingWarmUp = new OpeningWarmUp(vertx, config.actions().warmAt(), config.timezone(), clock, reason -> {
      if (versions.known()) {
        warmer.warmHot(versions.stores(), reason);
      }
    });
    openingWarmUp.start();
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(versionTimer);
    vertx.cancelTimer(warmTimer);
    vertx.cancelTimer(countTimer);
    if (openingWarmUp != null) {
      openingWarmUp.stop();
    }
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
      .compose(v -> service.drained())
      .eventually(() -> redis.close());
  }

  /**
   * One server, the master that Sentinels name, or a Redis Cluster, as REDIS_URL says. Entries are sealed with the
   * cluster's CACHE_ENTRY key: every instance of one cluster shares CLUSTER_SECRET, so each reads what the others wrote.
   */
  private RedisTier redisTier(TierStats tierStats) {
    RedisEndpoints endpoints = RedisEndpoints.parse(config.redisUrlOrDefault());
    RedisOptions options = RedisClients.options(endpoints).setMaxPoolSize(16).setMaxPoolWaiting(1024);
    // A node that is gone without a TCP reset must not hold commands for the 60 s default.
    options.getNetClientOptions().setConnectTimeout((int) REDIS_TIMEOUT.toMillis());
    RedisClusterNodes masters = endpoints.mode() == RedisEndpoints.Mode.CLUSTER
      ? new RedisClusterNodes(vertx, endpoints, 2, REDIS_TIMEOUT)
      : null;
    LOG.info("cache-service on node {} uses Redis {} ({})", service.nodeId(), endpoints.describe(),
      endpoints.mode().name().toLowerCase(java.util.Locale.ROOT));
    return new RedisTier(Redis.createClient(vertx, options), EntryCodec.of(service.keys()), tierStats, masters,
      endpoints.describe(), REDIS_TIMEOUT, service.nodeId(), durations);
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

  /**
   * A signed data-changed event. Its version is the load's clock in milliseconds; one more than a day ahead of this
   * instance's clock is applied only once query-service's versions confirm it, because a version too high would pin
   * every entry of the stores it names: no later, real version would ever be higher.
   */
  private void onDataChanged(Message<JsonObject> message) {
    long version = message.body().getLong("version", 0L);
    if (StoreVersions.plausible(version, clock.millis())) {
      applyDataChanged(message.body());
      return;
    }
    queryService.dataVersions().onComplete(ar -> {
      if (ar.succeeded() && StoreVersions.confirms(ar.result(), version)) {
        applyDataChanged(message.body());
        return;
      }
      service.signatures().rejected().reject(Addresses.DATA_CHANGED, "implausible_version",
        message.headers().get(MessageSignatures.NODE_HEADER), "data version " + version + " is more than "
          + StoreVersions.MAX_AHEAD.toHours() + " h ahead of this instance's clock and "
          + (ar.succeeded() ? "query-service's chain version is only " + ar.result().getValue("version")
          : "query-service could not confirm it (" + ar.cause().getMessage() + ")") + "; the event is ignored");
    });
  }

  private void applyDataChanged(JsonObject event) {
    List<String> stores = versions.changed(event);
    cache.dropHotspot(stores);
    LOG.info("data changed for stores {} (version {}) on node {}: hotspot entries dropped", stores,
      event.getLong("version"), service.nodeId());
    if (versions.known()) {
      warmer.warm(stores, "data changed");
    }
  }

  /** Every few minutes: refreshes the hot stores' entries before their soft TTL runs out. */
  private void warmHotStores() {
    if (!versions.known() || warmer.running()) {
      return;
    }
    warmer.warmHot(versions.stores(), "refresh ahead of TTL");
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
      heat.touch(query.store());
    }
    // Whom a computation this request starts is charged to (docs/DESIGN.md §12.3); the gateway names the client.
    service.inFlight().track(cache.get(query, message.headers().get(RequestHeaders.CLIENT))).onComplete(ar -> {
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
  private Future<TieredCache.Computed> compute(DashboardQuery query, String client) {
    return queryService.compute(query, client)
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

  /**
   * The body as a JSON object. A member of another service sends nothing else; anything else is a bad request
   * answered as one (a handler that threw would leave its sender waiting for the timeout).
   */
  static JsonObject jsonBody(Message<Object> message, String what) {
    if (message.body() instanceof JsonObject json) {
      return json;
    }
    throw new IllegalArgumentException(what + " must be a JSON object");
  }
}
