package io.storedash.monitor;

import io.storedash.common.Addresses;
import io.storedash.common.CacheNodeStats;
import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.ServiceContext;
import io.storedash.common.bootstrap.SystemFigures;
import io.storedash.monitor.cluster.CacheTierTotals;
import io.storedash.monitor.cluster.ClusterSnapshot;
import io.storedash.monitor.cluster.ClusterView;
import io.storedash.monitor.cluster.GatewayTotals;
import io.storedash.monitor.postgres.PostgresHealthMonitor;
import io.storedash.monitor.push.PushVerticle;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
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
  /** The unknown members already logged, so that each is logged once when it appears and once when it is gone. */
  private final Set<String> unknownLogged = new HashSet<>();

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

    // Only a member's heartbeat counts: it is what shows that a node in the cluster is ours.
    MessageConsumer<Object> heartbeats = vertx.eventBus().consumer(Addresses.HEARTBEAT,
      context.signatures().verified(Addresses.HEARTBEAT, message -> {
        if (cluster.record(message.body(), System.currentTimeMillis())) {
          heartbeatsReceived.incrementAndGet();
        } else {
          heartbeatsRejected.incrementAndGet();
          LOG.debug("heartbeat without service or node ignored: {}", message.body());
        }
      }));
    MessageConsumer<Object> snapshots = vertx.eventBus().consumer(Addresses.MONITOR_SNAPSHOT, message -> {
      snapshotsServed.incrementAndGet();
      message.reply(snapshot());
    });

    context.readinessCheck("monitor", promise -> promise.complete(Status.OK(new JsonObject()
      .put("redis_connected", redis.connected())
      .put("redis_state", redis.state().name().toLowerCase(java.util.Locale.ROOT))
      .put("postgres_reachable", postgres.reachable()))));
    context.heartbeatStats(this::stats);

    // Push runs in its own verticle (its own event loop), beside the monitor in every instance (docs/DESIGN.md §14.2).
    Future<String> push = vertx.deployVerticle(new PushVerticle(context.config(), context.signatures(), Clock.systemUTC()));
    return Future.all(heartbeats.completion(), snapshots.completion(), redis.start(), postgres.start(), push)
      // Every node beats at once, so that the members this monitor meets now are vouched for well before they could
      // be taken for unknown ones.
      .onSuccess(v -> publishSigned(Addresses.HEARTBEAT_REQUEST, new JsonObject()))
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
    publishSigned(Addresses.MONITOR_UPDATES, snapshot());
    snapshotsPublished.incrementAndGet();
  }

  private void publishSigned(String address, JsonObject body) {
    vertx.eventBus().publish(address, body, context.signatures().sign(address, body));
  }

  JsonObject snapshot() {
    long now = System.currentTimeMillis();
    cluster.members(context.clusterMembers(), now);
    JsonObject system = SystemFigures.now()
      .put("node", context.nodeId())
      .put("service", context.service());
    ClusterSnapshot clusterNow = cluster.view(now);
    logUnknownMembers(clusterNow);
    MonitorSnapshot snapshot = MonitorSnapshot.assemble(
      redis.snapshot(),
      postgres.snapshot(),
      clusterNow,
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

  private void logUnknownMembers(ClusterSnapshot clusterNow) {
    Set<String> now = new HashSet<>();
    for (ClusterSnapshot.UnknownMember member : clusterNow.unknownMembers()) {
      now.add(member.node());
      if (unknownLogged.add(member.node())) {
        LOG.warn("unknown cluster member {} at {}: a member for {} ms that has sent no signed heartbeat", member.node(),
          member.address() == null ? "an address the cluster manager does not give" : member.address(),
          member.memberForMs());
      }
    }
    for (Iterator<String> it = unknownLogged.iterator(); it.hasNext(); ) {
      String node = it.next();
      if (!now.contains(node)) {
        it.remove();
        LOG.info("cluster member {} is no longer unknown: it left, or sent a signed heartbeat", node);
      }
    }
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
