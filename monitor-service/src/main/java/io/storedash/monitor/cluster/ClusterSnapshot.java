package io.storedash.monitor.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster as {@link ClusterView} saw it at one moment: every instance per service, the expected services without a
 * live instance, how many instances are live, draining or gone, and the cluster's members that sent no signed
 * heartbeat.
 *
 * @param services       by service name, each service's instances by node name
 * @param members        how many members the cluster manager lists (0 on the local event bus)
 * @param unknownMembers the members that sent no signed heartbeat within three heartbeats of appearing
 */
public record ClusterSnapshot(Map<String, List<Instance>> services, List<String> missing, List<String> expected, int live,
                              int draining, int gone, long heartbeatIntervalMs, int members,
                              List<UnknownMember> unknownMembers) {

  /** A snapshot of a cluster whose members all send heartbeats (or of the local event bus). */
  public ClusterSnapshot(Map<String, List<Instance>> services, List<String> missing, List<String> expected, int live,
                         int draining, int gone, long heartbeatIntervalMs) {
    this(services, missing, expected, live, draining, gone, heartbeatIntervalMs, 0, List.of());
  }

  /**
   * A member of the cluster that has not shown it is ours.
   *
   * @param address    host:port it joined the cluster from, or null when the cluster manager does not say
   * @param memberForMs how long it has been a member
   */
  public record UnknownMember(String node, String address, long memberForMs) {

    public JsonObject toJson() {
      return new JsonObject().put("node", node).put("address", address).put("member_for_ms", memberForMs);
    }
  }

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
   * "gone": n, "heartbeat_interval_ms": n, "members": n, "unknown_members": [{node, address, member_for_ms}]}}; an
   * instance is {@code {node, state, version, uptime_ms, last_seen_ms_ago, system, stats}}.
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
      .put("heartbeat_interval_ms", heartbeatIntervalMs)
      .put("members", members)
      .put("unknown_members", new JsonArray(unknownMembers.stream().map(UnknownMember::toJson).toList()));
  }
}
