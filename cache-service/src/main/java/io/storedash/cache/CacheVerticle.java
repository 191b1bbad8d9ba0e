package io.storedash.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.cache.tier.CacheKeys;
import io.storedash.common.Gzip;
import io.storedash.cache.tier.Tier;
import io.storedash.cache.tier.TierPolicy;
import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Failures;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.bootstrap.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers {@link Addresses#DASHBOARD_QUERY} read-through: a result is looked up in its Redis tier under a key that
 * carries the data version of the store it covers; a miss is computed by query-service, compressed once and stored
 * with the tier's TTL. When Redis is unreachable the service keeps answering straight from query-service.
 */
public final class CacheVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CacheVerticle.class);
  private static final long REDIS_TIMEOUT_MS = 1000;

  private final ServiceContext service;
  private final TierPolicy policy;
  private final StoreVersions versions = new StoreVersions();
  private final Map<Tier, TierCounters> counters = new EnumMap<>(Tier.class);
  private final AtomicLong redisErrors = new AtomicLong();
  private volatile boolean redisUp = true;
  private Redis redis;
  private MessageConsumer<JsonObject> queries;
  private MessageConsumer<JsonObject> changes;
  private long versionTimer = -1;

  /** What a tier has seen since start, for heartbeats and /metrics. */
  private static final class TierCounters {
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final Counter hitCounter;
    final Counter missCounter;

    TierCounters(MeterRegistry registry, Tier tier) {
      hitCounter = Counter.builder("storedash_cache_lookups").tag("tier", tier.name()).tag("result", "hit").register(registry);
      missCounter = Counter.builder("storedash_cache_lookups").tag("tier", tier.name()).tag("result", "miss").register(registry);
    }

    void hit() {
      hits.incrementAndGet();
      hitCounter.increment();
    }

    void miss() {
      misses.incrementAndGet();
      missCounter.increment();
    }

    JsonObject toJson() {
      return new JsonObject().put("hits", hits.get()).put("misses", misses.get()).put("bytes_written", bytesWritten.get());
    }
  }

  /** A result on its way to the gateway: the gzip bytes and where they came from. */
  private record Answer(Buffer gzip, Tier tier, String status, String etag, String computeMs) {
  }

  public CacheVerticle(ServiceContext service) {
    this.service = service;
    this.policy = TierPolicy.from(service.config());
    for (Tier tier : Tier.values()) {
      counters.put(tier, new TierCounters(service.meterRegistry(), tier));
    }
  }

  @Override
  public Future<?> start() {
    redis = Redis.createClient(vertx, new RedisOptions()
      .setConnectionString(service.config().redisUrlOrDefault())
      .setMaxPoolSize(16)
      .setMaxPoolWaiting(1024));
    service.readinessCheck("redis", promise -> redisPing()
      .onSuccess(ms -> promise.complete(Status.OK(new JsonObject().put("redis", "up").put("latency_ms", ms))))
      // Ready but degraded: without Redis the service still answers from query-service.
      .onFailure(e -> promise.complete(Status.OK(new JsonObject().put("redis", "down").put("degraded", true)
        .put("reason", String.valueOf(e.getMessage()))))));
    service.heartbeatStats(this::stats);
    changes = vertx.eventBus().consumer(Addresses.DATA_CHANGED, msg -> {
      versions.changed(msg.body());
      LOG.info("data changed for stores {} (version {})", msg.body().getJsonArray("stores"), msg.body().getLong("version"));
    });
    queries = vertx.eventBus().consumer(Addresses.DASHBOARD_QUERY, this::onQuery);
    loadVersions();
    return Future.all(changes.completion(), queries.completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(versionTimer);
    return Future.all(queries.unregister(), changes.unregister())
      .compose(v -> service.drained())
      .eventually(() -> {
        redis.close();
        return Future.succeededFuture();
      });
  }

  /** Asks query-service for every store's data version, again every 2 s until it answers. */
  private void loadVersions() {
    vertx.eventBus().<JsonObject>request(Addresses.DATA_VERSIONS, new JsonObject(), new DeliveryOptions().setSendTimeout(2000))
      .onSuccess(reply -> {
        versions.load(reply.body());
        LOG.info("data versions loaded: {} stores, chain version {}", reply.body().getJsonObject("stores").size(),
          reply.body().getLong("version"));
      })
      .onFailure(e -> versionTimer = vertx.setTimer(2000, t -> loadVersions()));
  }

  private void onQuery(Message<JsonObject> message) {
    DashboardQuery query;
    try {
      query = DashboardQuery.fromJson(message.body());
    } catch (IllegalArgumentException e) {
      message.fail(Failures.BAD_REQUEST, e.getMessage());
      return;
    }
    service.inFlight().track(answer(query)).onComplete(ar -> {
      if (ar.succeeded()) {
        Answer answer = ar.result();
        DeliveryOptions headers = new DeliveryOptions()
          .addHeader(ReplyHeaders.TIER, answer.tier().name())
          .addHeader(ReplyHeaders.CACHE_STATUS, answer.status())
          .addHeader(ReplyHeaders.ENCODING, "gzip")
          .addHeader(ReplyHeaders.ETAG, answer.etag());
        if (answer.computeMs() != null) {
          headers.addHeader(ReplyHeaders.COMPUTE_MS, answer.computeMs());
        }
        message.reply(answer.gzip(), headers);
      } else {
        ReplyException failure = Failures.asReply(ar.cause());
        message.fail(failure.failureCode(), failure.getMessage());
      }
    });
  }

  private Future<Answer> answer(DashboardQuery query) {
    Tier tier = policy.tierOf(query.kind());
    OptionalLong version = versions.versionOf(query);
    if (version.isEmpty()) {
      counters.get(tier).miss();
      return compute(query).map(computed -> new Answer(computed.gzip(), tier, "MISS", null, computed.computeMs()));
    }
    String key = CacheKeys.key(tier, query, version.getAsLong());
    String etag = CacheKeys.etag(query, version.getAsLong());
    return redisGet(key).compose(cached -> {
      if (cached != null) {
        counters.get(tier).hit();
        return Future.succeededFuture(new Answer(cached, tier, "HIT", etag, null));
      }
      counters.get(tier).miss();
      return compute(query).map(computed -> {
        redisSet(key, computed.gzip(), policy.ttl(tier).toMillis());
        counters.get(tier).bytesWritten.addAndGet(computed.gzip().length());
        return new Answer(computed.gzip(), tier, "MISS", etag, computed.computeMs());
      });
    });
  }

  private record Computed(Buffer gzip, String computeMs) {
  }

  /** Asks query-service; its answer is compressed here, once. */
  private Future<Computed> compute(DashboardQuery query) {
    long timeout = Math.max(500, service.config().requestTimeout().toMillis() - 500);
    return vertx.eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, query.toJson(), new DeliveryOptions().setSendTimeout(timeout))
      .recover(e -> Future.failedFuture(downstreamFailure(e, timeout)))
      .map(reply -> new Computed(Buffer.buffer(Gzip.compress(reply.body().getBytes())), reply.headers().get(ReplyHeaders.COMPUTE_MS)));
  }

  private static Throwable downstreamFailure(Throwable e, long timeout) {
    if (e instanceof ReplyException re) {
      return switch (re.failureType()) {
        case NO_HANDLERS -> Failures.dependencyDown("no query-service instance is running");
        case TIMEOUT -> Failures.dependencyDown("query-service did not answer within " + timeout + " ms");
        default -> re;
      };
    }
    return e;
  }

  /** The cached bytes, or null on a miss; a Redis failure counts as a miss so that answers keep coming. */
  private Future<Buffer> redisGet(String key) {
    return redis.send(Request.cmd(Command.GET).arg(key))
      .timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .map(response -> {
        redisRecovered();
        return response == null ? null : response.toBuffer();
      })
      .otherwise(e -> {
        redisFailed("GET", e);
        return null;
      });
  }

  private void redisSet(String key, Buffer value, long ttlMillis) {
    redis.send(Request.cmd(Command.SET).arg(key).arg(value).arg("PX").arg(ttlMillis))
      .timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .onSuccess(r -> redisRecovered())
      .onFailure(e -> redisFailed("SET", e));
  }

  private Future<Long> redisPing() {
    long started = System.nanoTime();
    return redis.send(Request.cmd(Command.PING))
      .timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .map(r -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void redisFailed(String command, Throwable e) {
    redisErrors.incrementAndGet();
    if (redisUp) {
      redisUp = false;
      LOG.warn("Redis {} failed on node {}, answering from query-service until it returns: {}", command,
        service.nodeId(), e.getMessage());
    }
  }

  private void redisRecovered() {
    if (!redisUp) {
      redisUp = true;
      LOG.info("Redis reachable again on node {}", service.nodeId());
    }
  }

  private JsonObject stats() {
    JsonObject tiers = new JsonObject();
    counters.forEach((tier, c) -> tiers.put(tier.name(), c.toJson()));
    return new JsonObject()
      .put("tiers", tiers)
      .put("redis_up", redisUp)
      .put("redis_errors", redisErrors.get())
      .put("versions_known", versions.known())
      .put("in_flight", service.inFlight().count());
  }

}
