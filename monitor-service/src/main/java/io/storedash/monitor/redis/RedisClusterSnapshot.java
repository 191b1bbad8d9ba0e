package io.storedash.monitor.redis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@code redis} part of the monitor snapshot for a Redis Cluster, combined from the snapshots of its masters:
 * the same fields as for one server, so the dashboard and the alert rules read a cluster like a server, plus
 * {@code masters}, {@code masters_up}, {@code cluster_state} and {@code nodes} (every master's own snapshot and its
 * slot count).
 *
 * <p>Sizes and counters are summed (memory, keys, evictions, clients, keyspace hits and misses, hence the hit rate
 * over all masters) over the masters that answer; {@code memory.usage_percent} is the fullest master's, because each master evicts on its own;
 * latency and fragmentation are the worst master's; uptime the youngest's. A master that is down while others are up
 * is a critical warning: its slots are not served.
 */
public final class RedisClusterSnapshot {

  private RedisClusterSnapshot() {
  }

  /** All masters up: up; all down: down; some down: degraded; else reconnecting or connecting. */
  public static RedisHealthMonitor.State state(Collection<RedisHealthMonitor.State> masters) {
    if (masters.isEmpty()) {
      return RedisHealthMonitor.State.DOWN;
    }
    if (masters.stream().allMatch(s -> s == RedisHealthMonitor.State.UP)) {
      return RedisHealthMonitor.State.UP;
    }
    if (masters.stream().allMatch(s -> s == RedisHealthMonitor.State.DOWN)) {
      return RedisHealthMonitor.State.DOWN;
    }
    if (masters.contains(RedisHealthMonitor.State.DOWN)) {
      return RedisHealthMonitor.State.DEGRADED;
    }
    return masters.contains(RedisHealthMonitor.State.RECONNECTING)
      ? RedisHealthMonitor.State.RECONNECTING : RedisHealthMonitor.State.CONNECTING;
  }

  /**
   * @param endpoint       what REDIS_URL names, without credentials
   * @param masters        each master's snapshot ({@link RedisHealthMonitor#snapshot()}) with its {@code slots}
   * @param discoveryError why no master could be found, null when they were
   */
  public static JsonObject combine(String endpoint, List<JsonObject> masters, String discoveryError, Instant discoveryFailedAt) {
    RedisHealthMonitor.State state = state(masters.stream()
      .map(m -> RedisHealthMonitor.State.valueOf(m.getString("state").toUpperCase(Locale.ROOT))).toList());
    // The figures of the masters that answer now; when none does, the last ones read, as for one server.
    List<JsonObject> connected = masters.stream().filter(m -> m.getBoolean("connected") && m.getValue("version") != null).toList();
    List<JsonObject> read = connected.isEmpty() ? masters.stream().filter(m -> m.getValue("version") != null).toList() : connected;
    JsonObject json = new JsonObject()
      .put("endpoint", endpoint)
      .put("topology", "cluster")
      .put("connected", masters.stream().anyMatch(m -> m.getBoolean("connected")))
      .put("state", state.name().toLowerCase(Locale.ROOT))
      .put("masters", masters.size())
      .put("masters_up", masters.stream().filter(m -> m.getBoolean("connected")).count())
      .put("down_since", masters.stream().map(m -> m.getString("down_since")).filter(Objects::nonNull).min(String::compareTo)
        .orElse(discoveryFailedAt == null ? null : discoveryFailedAt.toString()))
      .put("reconnect_attempts", masters.stream().mapToInt(m -> m.getInteger("reconnect_attempts")).max().orElse(0))
      .put("max_reconnect_attempts", RedisHealthMonitor.MAX_RECONNECT_ATTEMPTS)
      .put("reconnects", masters.stream().mapToLong(m -> m.getLong("reconnects")).sum())
      .put("latency_ms", max(masters.stream().filter(m -> m.getBoolean("connected")).toList(), m -> number(m.getValue("latency_ms"))))
      .put("last_check", masters.stream().map(m -> m.getString("last_check")).filter(Objects::nonNull).max(String::compareTo).orElse(null))
      .put("last_ping", masters.stream().map(m -> m.getString("last_ping")).filter(Objects::nonNull).max(String::compareTo).orElse(null))
      .put("cluster_state", clusterState(masters));
    if (!read.isEmpty()) {
      Double maxMb = read.stream().allMatch(m -> memory(m).getValue("max_mb") != null) ? sum(read, m -> number(memory(m).getValue("max_mb"))) : null;
      Long hits = whole(read, m -> m.getLong("keyspace_hits"));
      Long misses = whole(read, m -> m.getLong("keyspace_misses"));
      List<String> policies = read.stream().map(m -> config(m).getString("maxmemory_policy")).distinct().toList();
      json
        .put("version", read.get(0).getString("version"))
        .put("memory", new JsonObject()
          .put("used_mb", round(sum(read, m -> number(memory(m).getValue("used_mb"))), 1))
          .put("max_mb", maxMb == null ? null : round(maxMb, 1))
          .put("usage_percent", max(read, m -> number(memory(m).getValue("usage_percent"))))
          .put("rss_mb", round(sum(read, m -> number(memory(m).getValue("rss_mb"))), 1)))
        .put("config", new JsonObject()
          .put("maxmemory", whole(read, m -> config(m).getLong("maxmemory")))
          .put("maxmemory_policy", policies.size() == 1 ? policies.get(0) : "mixed " + policies)
          .put("source", read.stream().allMatch(m -> "config".equals(config(m).getString("source"))) ? "config" : "info")
          .put("note", "maxmemory summed over " + read.size() + " masters; each master evicts on its own"))
        .put("fragmentation", max(read, m -> number(m.getValue("fragmentation"))))
        .put("evictions", whole(read, m -> m.getLong("evictions")))
        .put("clients", new JsonObject()
          .put("connected", whole(read, m -> clients(m).getLong("connected")))
          .put("blocked", whole(read, m -> clients(m).getLong("blocked")))
          .put("rejected", whole(read, m -> clients(m).getLong("rejected"))))
        .put("keyspace_hits", hits)
        .put("keyspace_misses", misses)
        .put("hit_rate", hits == null || misses == null || hits + misses == 0 ? null : round(hits / (double) (hits + misses), 4))
        .put("uptime_s", read.stream().map(m -> m.getLong("uptime_s")).filter(Objects::nonNull).min(Long::compare).orElse(null))
        .put("keys", whole(read, m -> m.getLong("keys")));
    }
    JsonArray warnings = new JsonArray();
    JsonArray errors = new JsonArray();
    if (discoveryError != null) {
      errors.add(new JsonObject().put("at", discoveryFailedAt == null ? null : discoveryFailedAt.toString())
        .put("message", "no master found: " + discoveryError));
    }
    for (JsonObject master : masters) {
      String node = master.getString("endpoint");
      master.getJsonArray("warnings", new JsonArray()).forEach(w -> {
        JsonObject warning = ((JsonObject) w).copy();
        warnings.add(warning.put("message", "master " + node + ": " + warning.getString("message")).put("node", node));
      });
      master.getJsonArray("errors", new JsonArray()).forEach(e -> {
        JsonObject error = ((JsonObject) e).copy();
        errors.add(error.put("message", "master " + node + ": " + error.getString("message")).put("node", node));
      });
      if (state == RedisHealthMonitor.State.DEGRADED && !master.getBoolean("connected")) {
        warnings.add(new JsonObject().put("level", RedisAlert.Level.CRITICAL.label()).put("code", "master_down").put("node", node)
          .put("message", "master " + node + " is " + master.getString("state") + ": its " + master.getValue("slots")
            + " slots are not served, cache-service answers their stores from query-service")
          .put("value", master.getString("state")).put("threshold", null));
      }
      String nodeState = master.getString("cluster_state");
      if (master.getBoolean("connected") && nodeState != null && !"ok".equals(nodeState)) {
        warnings.add(new JsonObject().put("level", RedisAlert.Level.CRITICAL.label()).put("code", "cluster_state").put("node", node)
          .put("message", "master " + node + " reports cluster_state:" + nodeState + ": the cluster refuses commands")
          .put("value", nodeState).put("threshold", "ok"));
      }
    }
    JsonArray nodes = new JsonArray();
    masters.forEach(nodes::add);
    return json.put("warnings", warnings).put("errors", errors).put("nodes", nodes);
  }

  /** ok when every connected master says ok; else the first other state; null before any check. */
  private static String clusterState(List<JsonObject> masters) {
    List<String> states = masters.stream().filter(m -> m.getBoolean("connected"))
      .map(m -> m.getString("cluster_state")).filter(Objects::nonNull).distinct().toList();
    if (states.isEmpty()) {
      return null;
    }
    return states.stream().filter(s -> !"ok".equals(s)).findFirst().orElse("ok");
  }

  private static JsonObject memory(JsonObject m) {
    return m.getJsonObject("memory", new JsonObject());
  }

  private static JsonObject config(JsonObject m) {
    return m.getJsonObject("config", new JsonObject());
  }

  private static JsonObject clients(JsonObject m) {
    return m.getJsonObject("clients", new JsonObject());
  }

  private static Double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : null;
  }

  private static Double sum(List<JsonObject> masters, Function<JsonObject, Double> figure) {
    return masters.stream().map(figure).filter(Objects::nonNull).mapToDouble(Double::doubleValue).sum();
  }

  /** The sum; null when no master reported the figure. */
  private static Long whole(List<JsonObject> masters, Function<JsonObject, Long> figure) {
    List<Long> values = masters.stream().map(figure).filter(Objects::nonNull).toList();
    return values.isEmpty() ? null : values.stream().mapToLong(Long::longValue).sum();
  }

  private static Double max(List<JsonObject> masters, Function<JsonObject, Double> figure) {
    return masters.stream().map(figure).filter(Objects::nonNull).max(Double::compare).orElse(null);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
