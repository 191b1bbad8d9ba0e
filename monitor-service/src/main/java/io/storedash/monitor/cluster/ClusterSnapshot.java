package io.storedash.monitor.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster as {@link ClusterView} saw it at one moment: every instance per service, the expected services without a
 * live instance, and how many instances are live, draining or gone.
 *
 * @param services by service name, each service's instances by node name
 */
public record ClusterSnapshot(Map<String, List<Instance>> services, List<String> missing, List<String> expected, int live,
                              int draining, int gone, long heartbeatIntervalMs) {

  /**
   * One instance: what its last heartbeat said, and how long ago that was. {@code system} and {@code stats} are the
   * heartbeat's own figures, passed on as they came (empty when it had none).
   */
  public record Instance(String node, ClusterView.InstanceState state, String version, Long uptimeMs, long lastSeenMsAgo,
                         JsonObject system, JsonObject stats) {

    public JsonObject toJson() {
      return new JsonObject()
        .put("node", node)
        .put("state", state.name().toLowerCase(Locale.ROOT))
        .put("version", version)
        .put("uptime_ms", uptimeMs)
        .put("last_seen_ms_ago", lastSeenMsAgo)
        .put("system", system)
        .put("stats", stats);
    }
  }

  /**
   * {@code {"services": {name: [instance, ...]}, "missing": [...], "expected": [...], "live": n, "draining": n,
   * "gone": n, "heartbeat_interval_ms": n}}; an instance is {@code {node, state, version, uptime_ms,
   * last_seen_ms_ago, system, stats}}.
   */
  public JsonObject toJson() {
    JsonObject byService = new JsonObject();
    services.forEach((service, instances) -> {
      JsonArray list = new JsonArray();
      instances.forEach(instance -> list.add(instance.toJson()));
      byService.put(service, list);
    });
    return new JsonObject()
      .put("services", byService)
      .put("missing", new JsonArray(new ArrayList<>(missing)))
      .put("expected", new JsonArray(new ArrayList<>(expected)))
      .put("live", live)
      .put("draining", draining)
      .put("gone", gone)
      .put("heartbeat_interval_ms", heartbeatIntervalMs);
  }
}
