package io.storedash.monitor.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterViewTest {

  private static final long INTERVAL = 1_000;

  private static JsonObject heartbeat(String service, String node) {
    return new JsonObject()
      .put("service", service)
      .put("node", node)
      .put("version", "0.1.0")
      .put("uptime_ms", 42_000L)
      .put("draining", false)
      .put("system", new JsonObject().put("heap_used_mb", 100).put("heap_max_mb", 1024).put("cpus", 4))
      .put("stats", new JsonObject().put("requests", new JsonObject().put("count_1m", 10)));
  }

  private static JsonArray instances(JsonObject view, String service) {
    return view.getJsonObject("services").getJsonArray(service);
  }

  @Test
  void listsEveryInstancePerServiceWithItsFigures() {
    ClusterView view = new ClusterView(INTERVAL);
    view.record(heartbeat("cache-service", "n2"), 0);
    view.record(heartbeat("cache-service", "n1"), 500);
    view.record(heartbeat("gateway", "n1"), 900);

    JsonObject cluster = view.view(1_000).toJson();

    assertThat(cluster.getJsonObject("services").fieldNames()).containsExactlyInAnyOrder("cache-service", "gateway");
    JsonArray cache = instances(cluster, "cache-service");
    assertThat(cache).hasSize(2);
    JsonObject n1 = cache.getJsonObject(0);
    assertThat(n1.getString("node")).isEqualTo("n1");
    assertThat(n1.getString("state")).isEqualTo("live");
    assertThat(n1.getString("version")).isEqualTo("0.1.0");
    assertThat(n1.getLong("uptime_ms")).isEqualTo(42_000L);
    assertThat(n1.getLong("last_seen_ms_ago")).isEqualTo(500L);
    assertThat(n1.getJsonObject("system").getInteger("cpus")).isEqualTo(4);
    assertThat(n1.getJsonObject("stats").getJsonObject("requests").getInteger("count_1m")).isEqualTo(10);
    assertThat(cluster.getJsonArray("missing").stream().map(String::valueOf).toList()).containsExactly("query-service", "monitor-service");
    assertThat(cluster.getInteger("live")).isEqualTo(3);
  }

  @Test
  void anInstanceThatMissedThreeHeartbeatsIsGoneThenDropped() {
    ClusterView view = new ClusterView(INTERVAL);
    view.record(heartbeat("query-service", "q1"), 0);
    view.record(heartbeat("query-service", "q2"), 0);
    view.record(heartbeat("query-service", "q2"), 3_500);

    assertThat(instances(view.view(3_000).toJson(), "query-service").getJsonObject(0).getString("state")).isEqualTo("live");

    JsonObject afterThreeMissed = view.view(3_001).toJson();
    assertThat(instances(afterThreeMissed, "query-service").getJsonObject(0).getString("state")).isEqualTo("gone");
    assertThat(instances(afterThreeMissed, "query-service").getJsonObject(1).getString("state")).isEqualTo("live");
    assertThat(afterThreeMissed.getInteger("gone")).isEqualTo(1);
    assertThat(afterThreeMissed.getJsonArray("missing").stream().map(String::valueOf).toList()).doesNotContain("query-service");
    assertThat(view.liveStats("query-service", 3_001)).hasSize(1);

    JsonObject afterTwelveMissed = view.view(12_001).toJson();
    assertThat(instances(afterTwelveMissed, "query-service")).hasSize(1);
    assertThat(instances(afterTwelveMissed, "query-service").getJsonObject(0).getString("node")).isEqualTo("q2");
  }

  @Test
  void aServiceWhoseInstancesAreAllGoneOrDrainingIsMissing() {
    ClusterView view = new ClusterView(INTERVAL);
    view.record(heartbeat("gateway", "g1"), 0);
    view.record(heartbeat("cache-service", "c1").put("draining", true), 4_000);

    JsonObject cluster = view.view(4_000).toJson();

    assertThat(cluster.getJsonArray("missing").stream().map(String::valueOf).toList()).contains("gateway", "cache-service");
    assertThat(instances(cluster, "cache-service").getJsonObject(0).getString("state")).isEqualTo("draining");
    assertThat(cluster.getInteger("draining")).isEqualTo(1);
  }

  @Test
  void heartbeatsWithoutServiceOrNodeAreIgnoredAndMissingFieldsTolerated() {
    ClusterView view = new ClusterView(INTERVAL);

    assertThat(view.record(new JsonObject().put("node", "x"), 0)).isFalse();
    assertThat(view.record(new JsonObject().put("service", "gateway").put("node", 7), 0)).isFalse();
    assertThat(view.record("not json", 0)).isFalse();
    assertThat(view.record(new JsonObject().put("service", "gateway").put("node", "g1").put("stats", "oops"), 0)).isTrue();

    JsonObject g1 = instances(view.view(10).toJson(), "gateway").getJsonObject(0);
    assertThat(g1.getString("version")).isNull();
    assertThat(g1.getJsonObject("stats")).isEmpty();
    assertThat(g1.getJsonObject("system")).isEmpty();
    assertThat(view.rejected()).isEqualTo(3);
    assertThat(view.accepted()).isEqualTo(1);
  }

  private static JsonArray unknown(ClusterView view, long now) {
    return view.view(now).toJson().getJsonArray("unknown_members");
  }

  @Test
  void aMemberThatSentNoSignedHeartbeatWithinThreeIntervalsIsUnknown() {
    ClusterView view = new ClusterView(INTERVAL);
    view.members(Map.of("ours", "10.0.0.1:5701", "stranger", "10.0.0.66:5701"), 0);
    view.record(heartbeat("query-service", "ours"), 100);

    assertThat(unknown(view, 3 * INTERVAL)).as("three intervals to show itself").isEmpty();
    view.members(Map.of("ours", "10.0.0.1:5701", "stranger", "10.0.0.66:5701"), 3 * INTERVAL + 1);
    JsonArray strangers = unknown(view, 3 * INTERVAL + 1);
    assertThat(strangers).hasSize(1);
    assertThat(strangers.getJsonObject(0)).isEqualTo(new JsonObject().put("node", "stranger").put("address", "10.0.0.66:5701")
      .put("member_for_ms", 3 * INTERVAL + 1));
    assertThat(view.view(3 * INTERVAL + 1).toJson().getInteger("members")).isEqualTo(2);

    // Once it beats (signed: nothing else reaches the view) it is ours.
    view.record(heartbeat("cache-service", "stranger"), 5_000);
    assertThat(unknown(view, 5_000)).isEmpty();
  }

  @Test
  void aMemberThatLeftIsForgottenAndOneThatCameBackIsTimedAgain() {
    ClusterView view = new ClusterView(INTERVAL);
    view.members(Map.of("stranger", "10.0.0.66:5701"), 0);
    assertThat(unknown(view, 4_000)).hasSize(1);
    view.members(Map.of(), 4_000);
    assertThat(unknown(view, 4_000)).isEmpty();
    view.members(Map.of("stranger", "10.0.0.66:5701"), 10_000);
    assertThat(unknown(view, 12_000)).as("timed from when it came back").isEmpty();
    assertThat(unknown(view, 13_001)).hasSize(1);
  }

  @Test
  void aMemberOfOursThatFellSilentIsGoneNotUnknown() {
    ClusterView view = new ClusterView(INTERVAL);
    view.members(Map.of("ours", "10.0.0.1:5701"), 0);
    view.record(heartbeat("query-service", "ours"), 0);
    // Its event loop is blocked: Hazelcast keeps it a member, its heartbeats stop, and it is dropped from the view.
    view.members(Map.of("ours", "10.0.0.1:5701"), 60_000);
    assertThat(view.view(60_000).toJson().getJsonObject("services")).isEmpty();
    assertThat(unknown(view, 60_000)).isEmpty();
  }

  @Test
  void aMemberWhoseAddressIsNotKnownIsStillNamedAndTheLocalBusHasNoMembers() {
    ClusterView view = new ClusterView(INTERVAL);
    view.members(Map.of(), 0);
    assertThat(unknown(view, 100_000)).isEmpty();
    java.util.Map<String, String> noAddress = new java.util.HashMap<>();
    noAddress.put("stranger", null);
    view.members(noAddress, 0);
    assertThat(unknown(view, 3_001).getJsonObject(0).getString("node")).isEqualTo("stranger");
    assertThat(unknown(view, 3_001).getJsonObject(0).getString("address")).isNull();
  }
}
