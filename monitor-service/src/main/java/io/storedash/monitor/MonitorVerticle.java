package io.storedash.monitor;

import io.storedash.common.Addresses;
import io.storedash.common.CacheNodeStats;
import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.ServiceContext;
import io.storedash.common.bootstrap.SystemFigures;
import io.storedash.monitor.cluster.CacheTierTotals;
import io.storedash.monitor.cluster.ClusterView;
import io.storedash.monitor.cluster.GatewayTotals;
import io.storedash.monitor.postgres.PostgresHealthMonitor;
import io.storedash.monitor.redis.RedisHealth;
import io.storedash.monitor.status.MonitorMetrics;
import io.storedash.monitor.status.MonitorSnapshot;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers {@link Addresses#MONITOR_SNAPSHOT}, publishes the snapshot on {@link Addresses#MONITOR_UPDATES} every
 * {@link #PUBLISH_INTERVAL}, and keeps the cluster view from every node's {@link Addresses#HEARTBEAT}.
 *
 * <p>The snapshot is assembled from what the health monitors last saw, without I/O, so it answers at once even when
 * Redis or PostgreSQL hang. For the same reason the service is ready whenever it runs: Redis and PostgreSQL
 * reachability are reported in the readiness data, never as a failed check, so that ops can read the monitor while
 * Redis is down.
 */
public final class MonitorVerticle extends VerticleBase {

  public static final Duration PUBLISH_INTERVAL = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(MonitorVerticle.class);

  private final ServiceContext context;
  private final AtomicLong snapshotsServed = new AtomicLong();
  private final AtomicLong snapshotsPublished = new AtomicLong();
  private final AtomicLong heartbeatsReceived = new AtomicLong();
  private final AtomicLong heartbeatsRejected = new AtomicLong();
  private volatile String lastStatus = "unknown";

  private RedisHealth redis;
  private PostgresHealthMonitor postgres;
  private ClusterView cluster;
  private MonitorMetrics metrics;
  private long publishTimer = -1;

  public MonitorVerticle(ServiceContext context) {
    this.context = context;
  }

  @Override
  public Future<?> start() {
    redis = RedisHealth.watch(vertx, context.config().redisUrlOrDefault(), context.config().monitorInterval());
    postgres = new PostgresHealthMonitor(vertx, context.config().pgUrlOrDefault());
    cluster = new ClusterView(context.config().heartbeatInterval().toMillis());
    metrics = new MonitorMetrics(context.meterRegistry());

    MessageConsumer<Object> heartbeats = vertx.eventBus().consumer(Addresses.HEARTBEAT, message -> {
      if (cluster.record(message.body(), System.currentTimeMillis())) {
        heartbeatsReceived.incrementAndGet();
      } else {
        heartbeatsRejected.incrementAndGet();
        LOG.debug("heartbeat without service or node ignored: {}", message.body());
      }
    });
    MessageConsumer<Object> snapshots = vertx.eventBus().consumer(Addresses.MONITOR_SNAPSHOT, message -> {
      snapshotsServed.incrementAndGet();
      message.reply(snapshot());
    });

    context.readinessCheck("monitor", promise -> promise.complete(Status.OK(new JsonObject()
      .put("redis_connected", redis.connected())
      .put("redis_state", redis.state().name().toLowerCase(java.util.Locale.ROOT))
      .put("postgres_reachable", postgres.reachable()))));
    context.heartbeatStats(this::stats);

    return Future.all(heartbeats.completion(), snapshots.completion(), redis.start(), postgres.start())
      .onSuccess(v -> publishTimer = vertx.setPeriodic(PUBLISH_INTERVAL.toMillis(), id -> publish()))
      .onSuccess(v -> LOG.info("monitor-service on node {}: Redis {}, PostgreSQL {}", context.nodeId(),
        redis.state().name().toLowerCase(java.util.Locale.ROOT), postgres.reachable() ? "reachable" : "unreachable"));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(publishTimer);
    return Future.join(redis.close(), postgres.close());
  }

  private void publish() {
    vertx.eventBus().publish(Addresses.MONITOR_UPDATES, snapshot());
    snapshotsPublished.incrementAndGet();
  }

  JsonObject snapshot() {
    long now = System.currentTimeMillis();
    JsonObject system = SystemFigures.now()
      .put("node", context.nodeId())
      .put("service", context.service());
    MonitorSnapshot snapshot = MonitorSnapshot.assemble(
      redis.snapshot(),
      postgres.snapshot(),
      cluster.view(now),
      CacheTierTotals.sum(cluster.liveStats(ServiceNames.CACHE, now).stream().map(CacheNodeStats::fromJson).toList()),
      GatewayTotals.combine(cluster.liveStats(ServiceNames.GATEWAY, now)),
      system,
      Instant.ofEpochMilli(now));
    JsonObject json = snapshot.toJson();
    // The gauges read the snapshot as clients do.
    metrics.update(json);
    String status = snapshot.status().label();
    if (!status.equals(lastStatus)) {
      LOG.info("status {} -> {}: {}", lastStatus, status, json.getJsonArray("reasons").encode());
      lastStatus = status;
    }
    return json;
  }

  private JsonObject stats() {
    return new JsonObject()
      .put("status", lastStatus)
      .put("snapshots_served", snapshotsServed.get())
      .put("snapshots_published", snapshotsPublished.get())
      .put("heartbeats_received", heartbeatsReceived.get())
      .put("heartbeats_rejected", heartbeatsRejected.get())
      .put("redis", redis == null ? null : redis.stats())
      .put("postgres", postgres == null ? null : postgres.stats());
  }
}
