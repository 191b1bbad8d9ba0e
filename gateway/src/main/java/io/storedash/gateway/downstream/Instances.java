package io.storedash.gateway.downstream;

import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live instances of each downstream service as the gateway sees them in heartbeats: an instance counts while it
 * has sent a heartbeat within three of its intervals and is not draining.
 */
public final class Instances {

  private record Seen(long at, long intervalMs, boolean draining) {
  }

  private final Map<String, Map<String, Seen>> byService = new ConcurrentHashMap<>();
  private final Clock clock;

  public Instances(Clock clock) {
    this.clock = clock;
  }

  /** Records a heartbeat {@code {service, node, interval_ms, draining}}, received now; ignores one without service or node. */
  public void heartbeat(JsonObject beat) {
    String service = beat.getString("service");
    String node = beat.getString("node");
    if (service == null || node == null) {
      return;
    }
    byService.computeIfAbsent(service, s -> new ConcurrentHashMap<>())
      .put(node, new Seen(clock.millis(), beat.getLong("interval_ms", 5000L), beat.getBoolean("draining", false)));
  }

  /** The instances of {@code service} that count now; forgets those silent for twelve intervals. */
  public int live(String service) {
    long now = clock.millis();
    Map<String, Seen> nodes = byService.get(service);
    if (nodes == null) {
      return 0;
    }
    nodes.values().removeIf(seen -> now - seen.at() > 12 * seen.intervalMs());
    return (int) nodes.values().stream().filter(seen -> !seen.draining() && now - seen.at() <= 3 * seen.intervalMs()).count();
  }
}
