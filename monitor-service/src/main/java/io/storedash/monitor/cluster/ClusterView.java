package io.storedash.monitor.cluster;

import io.storedash.common.ServiceNames;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The service instances of the cluster as their heartbeats show them. An instance that missed
 * {@value #MISSED_HEARTBEATS_GONE} heartbeats is marked gone, kept so ops can see what disappeared, and dropped
 * after {@value #MISSED_HEARTBEATS_DROPPED}. Every node is assumed to beat at the HEARTBEAT_INTERVAL this monitor
 * is configured with (the heartbeat does not carry its interval).
 *
 * <p>It also compares the cluster's members, as the cluster manager lists them, with the nodes that send heartbeats:
 * only signed heartbeats reach {@link #record} (docs/DESIGN.md §11.3), so a member that sent none within
 * {@value #MISSED_HEARTBEATS_GONE} heartbeats after it appeared is an <em>unknown member</em>: a process that joined
 * without holding CLUSTER_SECRET, or one of ours whose services have not started (a long schema migration).
 *
 * <p>Times are passed in, so the view can be tested without waiting. Not thread-safe: used from one event loop.
 */
public final class ClusterView {

  /** The services a complete StoreDash installation runs; one without a live instance makes the status red. */
  public static final List<String> EXPECTED_SERVICES = ServiceNames.ALL;
  public static final int MISSED_HEARTBEATS_GONE = 3;
  public static final int MISSED_HEARTBEATS_DROPPED = 12;

  public enum InstanceState { LIVE, DRAINING, GONE }

  private record Instance(JsonObject heartbeat, long seenAt) {
  }

  /** A member of the cluster: the address it joined from (null when the cluster manager does not say), and since when. */
  private record Member(String address, long since) {
  }

  private final long intervalMs;
  private final Map<String, Map<String, Instance>> services = new TreeMap<>();
  private final Map<String, Member> members = new TreeMap<>();
  /** The nodes that sent a (signed) heartbeat, kept while they are members, however long they are silent since. */
  private final Set<String> vouched = new HashSet<>();
  private long accepted;
  private long rejected;

  public ClusterView(long heartbeatIntervalMs) {
    this.intervalMs = heartbeatIntervalMs;
  }

  /**
   * Records a heartbeat; {@code false} when it names no service or node (it is then ignored). Other fields may be
   * missing: services are written by different people and at different times.
   */
  public boolean record(Object body, long now) {
    if (!(body instanceof JsonObject heartbeat)
      || !(heartbeat.getValue("service") instanceof String service) || service.isBlank()
      || !(heartbeat.getValue("node") instanceof String node) || node.isBlank()) {
      rejected++;
      return false;
    }
    services.computeIfAbsent(service, s -> new TreeMap<>()).put(node, new Instance(heartbeat, now));
    vouched.add(node);
    accepted++;
    return true;
  }

  /**
   * The cluster's members now, node id → the address it joined from (empty on the local event bus, where there are
   * no members to doubt). A member seen for the first time is timed from {@code now}.
   */
  public void members(Map<String, String> current, long now) {
    members.keySet().retainAll(current.keySet());
    current.forEach((node, address) -> members.merge(node, new Member(address, now),
      (known, fresh) -> new Member(address != null ? address : known.address(), known.since())));
    vouched.removeIf(node -> !members.containsKey(node) && services.values().stream().noneMatch(n -> n.containsKey(node)));
  }

  /** Members that sent no signed heartbeat within {@value #MISSED_HEARTBEATS_GONE} heartbeats of appearing. */
  private List<ClusterSnapshot.UnknownMember> unknownMembers(long now) {
    List<ClusterSnapshot.UnknownMember> unknown = new ArrayList<>();
    members.forEach((node, member) -> {
      if (!vouched.contains(node) && now - member.since() > MISSED_HEARTBEATS_GONE * intervalMs) {
        unknown.add(new ClusterSnapshot.UnknownMember(node, member.address(), now - member.since()));
      }
    });
    return unknown;
  }

  public long accepted() {
    return accepted;
  }

  public long rejected() {
    return rejected;
  }

  InstanceState stateOf(Instance instance, long now) {
    if (now - instance.seenAt() > MISSED_HEARTBEATS_GONE * intervalMs) {
      return InstanceState.GONE;
    }
    return Boolean.TRUE.equals(instance.heartbeat().getValue("draining")) ? InstanceState.DRAINING : InstanceState.LIVE;
  }

  /** Forgets instances silent for longer than {@value #MISSED_HEARTBEATS_DROPPED} heartbeats. */
  private void prune(long now) {
    for (Iterator<Map<String, Instance>> it = services.values().iterator(); it.hasNext(); ) {
      Map<String, Instance> nodes = it.next();
      nodes.values().removeIf(instance -> now - instance.seenAt() > MISSED_HEARTBEATS_DROPPED * intervalMs);
      if (nodes.isEmpty()) {
        it.remove();
      }
    }
  }

  /** The {@code stats} of every live (not gone, not draining) instance of a service. */
  public List<JsonObject> liveStats(String service, long now) {
    List<JsonObject> stats = new ArrayList<>();
    for (Instance instance : services.getOrDefault(service, Map.of()).values()) {
      if (stateOf(instance, now) == InstanceState.LIVE && instance.heartbeat().getValue("stats") instanceof JsonObject s) {
        stats.add(s);
      }
    }
    return stats;
  }

  /** The cluster now; forgets instances silent for longer than {@value #MISSED_HEARTBEATS_DROPPED} heartbeats first. */
  public ClusterSnapshot view(long now) {
    prune(now);
    Map<String, List<ClusterSnapshot.Instance>> byService = new LinkedHashMap<>();
    int live = 0;
    int draining = 0;
    int gone = 0;
    List<String> serving = new ArrayList<>();
    for (Map.Entry<String, Map<String, Instance>> service : services.entrySet()) {
      List<ClusterSnapshot.Instance> instances = new ArrayList<>();
      for (Map.Entry<String, Instance> node : service.getValue().entrySet()) {
        Instance instance = node.getValue();
        InstanceState state = stateOf(instance, now);
        switch (state) {
          case LIVE -> {
            live++;
            if (!serving.contains(service.getKey())) {
              serving.add(service.getKey());
            }
          }
          case DRAINING -> draining++;
          case GONE -> gone++;
        }
        JsonObject heartbeat = instance.heartbeat();
        instances.add(new ClusterSnapshot.Instance(
          node.getKey(),
          state,
          heartbeat.getValue("version") instanceof String v ? v : null,
          heartbeat.getValue("uptime_ms") instanceof Number n ? n.longValue() : null,
          now - instance.seenAt(),
          heartbeat.getValue("system") instanceof JsonObject system ? system : new JsonObject(),
          heartbeat.getValue("stats") instanceof JsonObject stats ? stats : new JsonObject()));
      }
      byService.put(service.getKey(), List.copyOf(instances));
    }
    List<String> missing = EXPECTED_SERVICES.stream().filter(s -> !serving.contains(s)).toList();
    return new ClusterSnapshot(byService, missing, EXPECTED_SERVICES, live, draining, gone, intervalMs, members.size(),
      unknownMembers(now));
  }
}
