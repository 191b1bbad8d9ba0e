package io.storedash.monitor.redis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.storedash.monitor.redis.RedisHealthMonitor.State.CONNECTING;
import static io.storedash.monitor.redis.RedisHealthMonitor.State.DEGRADED;
import static io.storedash.monitor.redis.RedisHealthMonitor.State.DOWN;
import static io.storedash.monitor.redis.RedisHealthMonitor.State.RECONNECTING;
import static io.storedash.monitor.redis.RedisHealthMonitor.State.UP;
import static org.assertj.core.api.Assertions.assertThat;

class RedisClusterSnapshotTest {

  /** A master's snapshot as RedisHealthMonitor makes it, with the figures that are combined. */
  private static JsonObject master(String endpoint, String state, double usedMb, double usagePercent, long hits, long misses,
                                   double latency, String clusterState) {
    boolean up = "up".equals(state);
    return new JsonObject()
      .put("endpoint", endpoint).put("connected", up).put("state", state).put("slots", 5461)
      .put("down_since", up ? null : "2026-11-25T10:00:00Z").put("reconnect_attempts", up ? 0 : 3).put("reconnects", 1L)
      .put("latency_ms", up ? latency : null).put("last_check", "2026-11-25T10:00:0" + (int) latency + "Z")
      .put("version", "7.0.15")
      .put("memory", new JsonObject().put("used_mb", usedMb).put("max_mb", 64.0).put("usage_percent", usagePercent).put("rss_mb", 10.0))
      .put("config", new JsonObject().put("maxmemory", 64L << 20).put("maxmemory_policy", "allkeys-lru").put("source", "config"))
      .put("fragmentation", 1.2).put("evictions", 2L)
      .put("clients", new JsonObject().put("connected", 3L).put("blocked", 0L).put("rejected", 0L))
      .put("keyspace_hits", hits).put("keyspace_misses", misses).put("uptime_s", 100L).put("keys", 10L)
      .put("cluster_state", clusterState)
      .put("warnings", new JsonArray()).put("errors", new JsonArray());
  }

  @Test
  void theClusterIsUpOnlyWhenEveryMasterIsAndDegradedWhenSomeAreDown() {
    assertThat(RedisClusterSnapshot.state(List.of(UP, UP, UP))).isEqualTo(UP);
    assertThat(RedisClusterSnapshot.state(List.of(UP, DOWN, UP))).isEqualTo(DEGRADED);
    assertThat(RedisClusterSnapshot.state(List.of(DOWN, DOWN))).isEqualTo(DOWN);
    assertThat(RedisClusterSnapshot.state(List.of(UP, RECONNECTING))).isEqualTo(RECONNECTING);
    assertThat(RedisClusterSnapshot.state(List.of(UP, CONNECTING))).isEqualTo(CONNECTING);
    assertThat(RedisClusterSnapshot.state(List.of())).isEqualTo(DOWN);
  }

  @Test
  void figuresAreSummedOverTheMastersThatAnswer() {
    JsonObject s = RedisClusterSnapshot.combine("cluster a:1,b:2,c:3", List.of(
      master("a:1", "up", 10.0, 15.6, 90, 10, 1.0, "ok"),
      master("b:2", "up", 20.0, 31.3, 10, 90, 3.0, "ok"),
      master("c:3", "down", 40.0, 62.5, 1000, 0, 2.0, "ok")), null, null);
    assertThat(s.getString("state")).isEqualTo("degraded");
    assertThat(s.getBoolean("connected")).isTrue();
    assertThat(s.getInteger("masters")).isEqualTo(3);
    assertThat(s.getLong("masters_up")).isEqualTo(2);
    assertThat(s.getJsonObject("memory").getDouble("used_mb")).isEqualTo(30.0);
    assertThat(s.getJsonObject("memory").getDouble("max_mb")).isEqualTo(128.0);
    // The fullest master's: each master evicts on its own.
    assertThat(s.getJsonObject("memory").getDouble("usage_percent")).isEqualTo(31.3);
    assertThat(s.getLong("keyspace_hits")).isEqualTo(100);
    assertThat(s.getLong("keyspace_misses")).isEqualTo(100);
    assertThat(s.getDouble("hit_rate")).isEqualTo(0.5);
    assertThat(s.getDouble("latency_ms")).isEqualTo(3.0);
    assertThat(s.getLong("keys")).isEqualTo(20);
    assertThat(s.getJsonObject("config").getLong("maxmemory")).isEqualTo(2 * (64L << 20));
    assertThat(s.getString("down_since")).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(s.getJsonArray("nodes")).hasSize(3);
    JsonObject warning = s.getJsonArray("warnings").getJsonObject(0);
    assertThat(warning.getString("code")).isEqualTo("master_down");
    assertThat(warning.getString("level")).isEqualTo("critical");
    assertThat(warning.getString("message")).startsWith("master c:3 is down: its 5461 slots are not served");
  }

  @Test
  void aMasterOutsideClusterStateOkAndTheWarningsOfMastersAreNamed() {
    JsonObject failing = master("a:1", "up", 1.0, 1.6, 0, 0, 1.0, "fail");
    failing.getJsonArray("warnings").add(new JsonObject().put("level", "warning").put("code", "no_maxmemory").put("message", "maxmemory is not set"));
    JsonObject s = RedisClusterSnapshot.combine("cluster a:1,b:2", List.of(failing, master("b:2", "up", 1.0, 1.6, 0, 0, 1.0, "ok")), null, null);
    assertThat(s.getString("state")).isEqualTo("up");
    assertThat(s.getString("cluster_state")).isEqualTo("fail");
    assertThat(s.getValue("hit_rate")).isNull();
    assertThat(s.getJsonArray("warnings").stream().map(w -> ((JsonObject) w).getString("message")))
      .containsExactly("master a:1: maxmemory is not set", "master a:1 reports cluster_state:fail: the cluster refuses commands");
  }

  @Test
  void withoutAnyMasterFoundTheClusterIsDownAndSaysWhy() {
    JsonObject s = RedisClusterSnapshot.combine("cluster a:1", List.of(), "no node of cluster a:1 answered CLUSTER SLOTS",
      java.time.Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(s.getString("state")).isEqualTo("down");
    assertThat(s.getBoolean("connected")).isFalse();
    assertThat(s.getString("down_since")).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(s.getJsonArray("errors").getJsonObject(0).getString("message")).startsWith("no master found: no node");
    assertThat(s.getValue("memory")).isNull();
  }
}
