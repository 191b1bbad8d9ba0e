package io.storedash.monitor.redis;

import io.storedash.common.redis.RedisClusterNodes;
import io.storedash.common.redis.RedisEndpoints;
import io.storedash.common.security.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches every master of a Redis Cluster: the masters are found by {@code CLUSTER SLOTS} at start-up and again at
 * every full check (a failover or a resharding changes them), and each is watched by a {@link RedisHealthMonitor} of
 * its own — PING latency, INFO, CONFIG, CLUSTER INFO. The snapshot sums and combines their figures
 * ({@link RedisClusterSnapshot}) and lists every master. Runs on the event loop of the verticle that created it.
 */
public final class RedisClusterMonitor implements RedisHealth {

  private static final Logger LOG = LoggerFactory.getLogger(RedisClusterMonitor.class);

  private final Vertx vertx;
  private final RedisEndpoints endpoints;
  private final Duration fullInterval;
  private final RedisClusterNodes nodes;
  private final Map<String, RedisHealthMonitor> monitors = new TreeMap<>();
  private final Map<String, Integer> slots = new TreeMap<>();
  private String discoveryError;
  private Instant discoveryFailedAt;
  private long discoveryTimer = -1;
  private long probeTimer = -1;
  private boolean closed;

  RedisClusterMonitor(Vertx vertx, RedisEndpoints endpoints, Duration fullInterval) {
    this.vertx = vertx;
    this.endpoints = endpoints;
    this.fullInterval = fullInterval;
    this.nodes = new RedisClusterNodes(vertx, endpoints, 1, Duration.ofMillis(RedisHealthMonitor.COMMAND_TIMEOUT_MS));
  }

  @Override
  public Future<Void> start() {
    discoveryTimer = vertx.setPeriodic(fullInterval.toMillis(), id -> discover());
    // While no master is known, look again at the light probe's pace.
    probeTimer = vertx.setPeriodic(RedisHealthMonitor.PROBE_INTERVAL.toMillis(), id -> {
      if (monitors.isEmpty()) {
        discover();
      }
    });
    return discover();
  }

  /** Finds the masters, starts watching new ones and stops watching those that are masters no more. */
  private Future<Void> discover() {
    return nodes.discover()
      .compose(masters -> {
        discoveryError = null;
        discoveryFailedAt = null;
        List<Future<Void>> started = new ArrayList<>();
        List<String> current = masters.stream().map(RedisClusterNodes.Master::hostPort).toList();
        slots.clear();
        masters.forEach(m -> slots.put(m.hostPort(), m.slots()));
        for (String node : current) {
          if (!monitors.containsKey(node) && !closed) {
            LOG.info("Redis Cluster {}: watching master {}", endpoints.describe(), node);
            RedisHealthMonitor monitor = new RedisHealthMonitor(vertx, endpoints, node, fullInterval);
            monitors.put(node, monitor);
            started.add(monitor.start());
          }
        }
        List<String> gone = monitors.keySet().stream().filter(node -> !current.contains(node)).toList();
        for (String node : gone) {
          LOG.info("Redis Cluster {}: {} is no longer a master", endpoints.describe(), node);
          monitors.remove(node).close();
        }
        return Future.all(started).<Void>mapEmpty();
      })
      .recover(e -> {
        if (discoveryError == null) {
          LOG.warn("Redis Cluster {}: no master found: {}", endpoints.describe(), Redaction.message(e));
          discoveryFailedAt = Instant.now();
        }
        discoveryError = Redaction.message(e);
        return Future.succeededFuture();
      });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(discoveryTimer);
    vertx.cancelTimer(probeTimer);
    List<Future<Void>> closing = new ArrayList<>(monitors.values().stream().map(RedisHealthMonitor::close).toList());
    closing.add(nodes.close());
    monitors.clear();
    return Future.join(closing).mapEmpty();
  }

  @Override
  public RedisHealthMonitor.State state() {
    return RedisClusterSnapshot.state(monitors.values().stream().map(RedisHealthMonitor::state).toList());
  }

  @Override
  public boolean connected() {
    return monitors.values().stream().anyMatch(RedisHealthMonitor::connected);
  }

  @Override
  public JsonObject stats() {
    long checks = 0;
    long failures = 0;
    long reconnects = 0;
    for (RedisHealthMonitor monitor : monitors.values()) {
      JsonObject s = monitor.stats();
      checks += s.getLong("checks");
      failures += s.getLong("check_failures");
      reconnects += s.getLong("reconnects");
    }
    return new JsonObject()
      .put("state", state().name().toLowerCase(java.util.Locale.ROOT))
      .put("masters", monitors.size())
      .put("checks", checks)
      .put("check_failures", failures)
      .put("reconnects", reconnects);
  }

  @Override
  public JsonObject snapshot() {
    List<JsonObject> masters = new ArrayList<>();
    monitors.forEach((node, monitor) -> masters.add(monitor.snapshot().put("slots", slots.get(node))));
    return RedisClusterSnapshot.combine(endpoints.describe(), masters, discoveryError, discoveryFailedAt);
  }
}
