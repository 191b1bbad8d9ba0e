package io.storedash.monitor.status;

import io.storedash.monitor.cluster.CacheTierTotals;
import io.storedash.monitor.cluster.ClusterSnapshot;
import io.storedash.monitor.cluster.ClusterView;
import io.storedash.monitor.cluster.GatewayTotals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Puts the parts of the monitor snapshot together and decides the overall status (docs/DESIGN.md §6.3).
 *
 * <p>Red: Redis down, PostgreSQL unreachable, a critical Redis alert, an expected service without a live instance,
 * an unknown cluster member (one that sent no signed heartbeat, docs/DESIGN.md §11.3), gateway success rate under
 * {@value #SUCCESS_RATE_RED} (each success-rate rule over at least {@value #SUCCESS_RATE_MIN_REQUESTS} answers in the
 * minute). Yellow: Redis reconnecting, a Redis warning, an instance
 * gone silent, gateway success rate under {@value #SUCCESS_RATE_YELLOW}, PostgreSQL connections at
 * {@value #PG_CONNECTIONS_YELLOW_PERCENT} % of max_connections or more, PostgreSQL slower than
 * {@value #PG_SLOW_MS} ms, an instance using {@value #HEAP_YELLOW_PERCENT} % of its heap or more.
 */
public record MonitorSnapshot(OverallStatus.Colour status, List<String> reasons, Instant generatedAt, JsonObject redis,
                              JsonObject postgres, ClusterSnapshot cluster, CacheTierTotals cache, GatewayTotals gateway,
                              JsonObject system) {

  public static final double SUCCESS_RATE_RED = 0.95;
  public static final double SUCCESS_RATE_YELLOW = 0.99;
  /**
   * The success rate is judged only over at least this many gateway answers in its minute: right after a start, 3
   * failures of 7 requests (a node still joining) are 42.86 % and say nothing; at 50, one failure is 2 % (yellow)
   * and three are 6 % (red), and the rate's error is a few points. Outages with less traffic are still red through
   * the other rules (no live instance, Redis or PostgreSQL down).
   */
  public static final long SUCCESS_RATE_MIN_REQUESTS = 50;
  public static final double PG_CONNECTIONS_YELLOW_PERCENT = 80;
  public static final double PG_SLOW_MS = 200;
  public static final double HEAP_YELLOW_PERCENT = 90;

  /**
   * @param redis    the Redis part ({@code connected}, {@code state}, {@code warnings}, {@code errors}, ...)
   * @param postgres the PostgreSQL part ({@code reachable}, {@code latency_ms}, {@code connections}, ...)
   * @param cluster  the cluster view
   * @param cache    the summed cache tiers
   * @param gateway  the combined gateway request figures
   * @param system   this node's figures
   */
  public static MonitorSnapshot assemble(JsonObject redis, JsonObject postgres, ClusterSnapshot cluster, CacheTierTotals cache,
                                         GatewayTotals gateway, JsonObject system, Instant now) {
    OverallStatus status = new OverallStatus();
    judgeRedis(redis, status);
    judgePostgres(postgres, status);
    judgeCluster(cluster, status);
    judgeGateway(gateway, status);
    return new MonitorSnapshot(status.colour(), List.copyOf(status.reasons()), now, redis, postgres, cluster, cache, gateway,
      system);
  }

  /** The snapshot as monitor-service answers and publishes it. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("status", status.label())
      .put("reasons", new JsonArray(new ArrayList<>(reasons)))
      .put("generated_at", generatedAt.toString())
      .put("redis", redis)
      .put("postgres", postgres)
      .put("cluster", cluster.toJson())
      .put("cache", cache.toJson())
      .put("gateway", gateway.toJson())
      .put("system", system);
  }

  static void judgeRedis(JsonObject redis, OverallStatus status) {
    String endpoint = redis.getString("endpoint", "Redis");
    String state = redis.getString("state", "");
    switch (state) {
      case "down" -> status.red("Redis " + endpoint + " is down" + lastError(redis));
      case "reconnecting" -> status.yellow("Redis " + endpoint + " connection lost, reconnecting (attempt "
        + redis.getValue("reconnect_attempts") + " of " + redis.getValue("max_reconnect_attempts") + ")");
      case "connecting" -> status.yellow("Redis " + endpoint + " not checked yet");
      default -> {
      }
    }
    JsonArray warnings = redis.getJsonArray("warnings", new JsonArray());
    for (int i = 0; i < warnings.size(); i++) {
      JsonObject warning = warnings.getJsonObject(i);
      String message = "Redis: " + warning.getString("message");
      if ("critical".equals(warning.getString("level"))) {
        status.red(message);
      } else {
        status.yellow(message);
      }
    }
  }

  static void judgePostgres(JsonObject postgres, OverallStatus status) {
    String endpoint = postgres.getString("endpoint", "PostgreSQL");
    if (!postgres.getBoolean("reachable", false)) {
      status.red("PostgreSQL " + endpoint + " is unreachable" + lastError(postgres));
      return;
    }
    Double latency = number(postgres.getValue("latency_ms"));
    if (latency != null && latency > PG_SLOW_MS) {
      status.yellow(String.format(Locale.ROOT, "PostgreSQL answered SELECT 1 in %.0f ms (over %.0f ms)", latency, PG_SLOW_MS));
    }
    JsonObject connections = postgres.getJsonObject("connections", new JsonObject());
    Double usage = number(connections.getValue("usage_percent"));
    if (usage != null && usage >= PG_CONNECTIONS_YELLOW_PERCENT) {
      status.yellow(String.format(Locale.ROOT, "PostgreSQL has %s of %s connections in use (%.1f %%)",
        connections.getValue("in_use"), connections.getValue("max"), usage));
    }
  }

  static void judgeCluster(ClusterSnapshot cluster, OverallStatus status) {
    for (ClusterSnapshot.UnknownMember member : cluster.unknownMembers()) {
      status.red("unknown cluster member " + member.node() + (member.address() == null ? "" : " at " + member.address())
        + String.format(Locale.ROOT, ": a member for %.1f s", member.memberForMs() / 1000.0)
        + " that has sent no signed heartbeat; a process without this "
        + "cluster's CLUSTER_SECRET, or a StoreDash node whose services are still starting (OPERATIONS.md, "
        + "'unknown cluster member')");
    }
    for (String service : cluster.missing()) {
      status.red("no live instance of " + service);
    }
    cluster.services().forEach((service, instances) -> {
      for (ClusterSnapshot.Instance instance : instances) {
        if (instance.state() == ClusterView.InstanceState.GONE) {
          status.yellow(service + " on node " + instance.node() + " sent no heartbeat for " + instance.lastSeenMsAgo() + " ms");
          continue;
        }
        Double used = number(instance.system().getValue("heap_used_mb"));
        Double max = number(instance.system().getValue("heap_max_mb"));
        if (used != null && max != null && max > 0 && used * 100 / max >= HEAP_YELLOW_PERCENT) {
          status.yellow(String.format(Locale.ROOT, "%s on node %s uses %.0f %% of its heap (%.0f of %.0f MB)",
            service, instance.node(), used * 100 / max, used, max));
        }
      }
    });
  }

  static void judgeGateway(GatewayTotals gateway, OverallStatus status) {
    Double success = gateway.successRate1m();
    if (success == null || gateway.count1m() < SUCCESS_RATE_MIN_REQUESTS) {
      return;
    }
    String message = String.format(Locale.ROOT, "gateway success rate %.2f %% over the last minute (%s requests)",
      success * 100, gateway.count1m());
    if (success < SUCCESS_RATE_RED) {
      status.red(message);
    } else if (success < SUCCESS_RATE_YELLOW) {
      status.yellow(message);
    }
  }

  private static String lastError(JsonObject part) {
    JsonArray errors = part.getJsonArray("errors", new JsonArray());
    if (errors.isEmpty()) {
      return "";
    }
    JsonObject last = errors.getJsonObject(errors.size() - 1);
    return ": " + last.getString("message");
  }

  private static Double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : null;
  }
}
