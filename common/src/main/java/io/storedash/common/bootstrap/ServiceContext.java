package io.storedash.common.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.ClusterKeys;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What a service verticle gets from the process it runs in: the configuration, the metrics registry, a place to
 * register its readiness checks and heartbeat figures, and a way to finish in-flight work before shutdown.
 */
public final class ServiceContext {

  private final Node node;
  private final String service;
  private volatile Supplier<JsonObject> stats = JsonObject::new;
  private final InFlight inFlight = new InFlight();

  ServiceContext(Node node, String service) {
    this.node = node;
    this.service = service;
  }

  public String service() {
    return service;
  }

  /** The id of this process in the cluster. */
  public String nodeId() {
    return node.nodeId();
  }

  public StoreDashConfig config() {
    return node.config();
  }

  /** The keys shared by the members of this cluster (message signatures, cache-entry MACs). */
  public ClusterKeys keys() {
    return node.keys();
  }

  /**
   * Signs the messages this service sends that change state or that others trust, and checks those it receives
   * (docs/DESIGN.md §11.3).
   */
  public MessageSignatures signatures() {
    return node.signatures();
  }

  /** The members of the cluster now, node id → the host:port it joined from (empty on the local event bus). */
  public Map<String, String> clusterMembers() {
    return node.clusterMembers();
  }

  public MeterRegistry meterRegistry() {
    return node.meterRegistry();
  }

  /**
   * Adds a readiness check, reported under {@code <service>.<name>} by {@code /health/ready}. The check should
   * complete within its own timeout; the probe gives up after the request timeout.
   */
  public void readinessCheck(String name, Handler<Promise<Status>> check) {
    node.readinessCheck(service + "." + name, check);
  }

  /**
   * Serves this process's probes on a router of the service's own (the gateway's public port): status only, no
   * check details; {@code /metrics} only for requests that {@code metricsGuard} lets through (it calls
   * {@code next()}) — the full probes and metrics are on the management port.
   */
  public void mountPublicProbes(Router router, Handler<RoutingContext> metricsGuard) {
    node.mountPublicProbes(router, metricsGuard);
  }

  /** The service's own counters, sent with every heartbeat. */
  public void heartbeatStats(Supplier<JsonObject> stats) {
    this.stats = stats;
  }

  JsonObject stats() {
    return stats.get();
  }

  /** Tracks requests in progress so that shutdown waits for them. */
  public InFlight inFlight() {
    return inFlight;
  }

  /** Whether the process is shutting down: services then refuse new work. */
  public boolean draining() {
    return node.draining();
  }

  /** Completes when no tracked request is in progress, or after the grace period. */
  public Future<Void> drained() {
    return inFlight.drained(node.vertx(), node.shutdownGrace());
  }
}
