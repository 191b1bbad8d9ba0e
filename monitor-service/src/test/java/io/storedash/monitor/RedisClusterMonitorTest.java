package io.storedash.monitor;

import io.storedash.common.bootstrap.Node;
import io.storedash.common.testing.RedisClusterServers;
import io.storedash.common.testing.Resp;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** monitor-service against a real three-master Redis Cluster: every master checked, figures summed, a lost master named. */
@ExtendWith(VertxExtension.class)
class RedisClusterMonitorTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);
  /** Keys written on each master, and GETs that hit or miss there. */
  private static final int[] KEYS = {5, 3, 7};
  private static final int[] HITS = {4, 0, 1};
  private static final int[] MISSES = {1, 2, 1};

  private static RedisClusterServers cluster;
  private Node node;
  private Vertx vertx;
  private volatile boolean killed;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterServers.start(3);
  }

  /** Known keys and lookups on every master (a master restarted by a test comes back empty). */
  private static void writeKnownFigures() {
    cluster.flushAll();
    for (int i = 0; i < cluster.size(); i++) {
      int port = cluster.port(i);
      Resp.command(port, "CONFIG", "RESETSTAT");
      List<String> keys = keysOn(i, KEYS[i] + MISSES[i]);
      for (int k = 0; k < KEYS[i]; k++) {
        Resp.command(port, "SET", keys.get(k), "v");
      }
      for (int k = 0; k < HITS[i]; k++) {
        Resp.command(port, "GET", keys.get(k));
      }
      for (int k = 0; k < MISSES[i]; k++) {
        Resp.command(port, "GET", keys.get(KEYS[i] + k));
      }
    }
  }

  /** Key names whose slots master {@code i} serves. */
  private static List<String> keysOn(int i, int count) {
    List<String> keys = new ArrayList<>();
    for (int n = 0; keys.size() < count; n++) {
      String key = "monitor-test:" + n;
      if (cluster.nodeOf(key) == i) {
        keys.add(key);
      }
    }
    return keys;
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @BeforeEach
  void deploy(VertxTestContext testContext) {
    writeKnownFigures();
    node = Node.local(TestStorage.config(Map.of("REDIS_URL", cluster.url(), "MONITOR_INTERVAL", "500ms")));
    vertx = node.vertx();
    node.deploy(MonitorService.DESCRIPTOR, 1).onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void shutdown(VertxTestContext testContext) {
    if (killed) {
      cluster.restart(1);
    }
    node.shutdown().onComplete(testContext.succeedingThenComplete());
  }

  private String address(int i) {
    return "127.0.0.1:" + cluster.port(i);
  }

  @Test
  void everyMasterIsCheckedAndTheirFiguresAreSummed(VertxTestContext testContext) {
    Snapshots.when(vertx, "three masters checked", DEADLINE, s -> s.getJsonObject("redis").getInteger("masters_up", 0) == 3
        && Long.valueOf(15).equals(s.getJsonObject("redis").getLong("keys")))
      .onComplete(testContext.succeeding(s -> testContext.verify(() -> {
        JsonObject redis = s.getJsonObject("redis");
        assertThat(redis.getString("topology")).isEqualTo("cluster");
        assertThat(redis.getString("endpoint")).isEqualTo("cluster " + address(0) + "," + address(1) + "," + address(2));
        assertThat(redis.getBoolean("connected")).isTrue();
        assertThat(redis.getString("state")).isEqualTo("up");
        assertThat(redis.getString("cluster_state")).isEqualTo("ok");
        assertThat(redis.getInteger("masters")).isEqualTo(3);
        assertThat(redis.getString("version")).startsWith("7.");

        List<JsonObject> nodes = redis.getJsonArray("nodes").stream().map(n -> (JsonObject) n).toList();
        assertThat(nodes).extracting(n -> n.getString("endpoint")).containsExactlyInAnyOrder(address(0), address(1), address(2));
        assertThat(nodes.stream().mapToInt(n -> n.getInteger("slots")).sum()).isEqualTo(RedisClusterServers.SLOTS);
        for (int i = 0; i < 3; i++) {
          String endpoint = address(i);
          JsonObject master = nodes.stream().filter(n -> endpoint.equals(n.getString("endpoint"))).findFirst().orElseThrow();
          assertThat(master.getString("state")).isEqualTo("up");
          assertThat(master.getString("role")).isEqualTo("master");
          assertThat(master.getString("cluster_state")).isEqualTo("ok");
          assertThat(master.getLong("keys")).isEqualTo(KEYS[i]);
          assertThat(master.getLong("keyspace_hits")).isEqualTo(HITS[i]);
          assertThat(master.getLong("keyspace_misses")).isEqualTo(MISSES[i]);
          assertThat(master.getDouble("latency_ms")).isBetween(0.0, 1000.0);
        }

        // Sums over the masters; the hit rate over all lookups: 5 hits, 4 misses.
        assertThat(redis.getLong("keyspace_hits")).isEqualTo(5);
        assertThat(redis.getLong("keyspace_misses")).isEqualTo(4);
        assertThat(redis.getDouble("hit_rate")).isEqualTo(0.5556);
        double usedMb = nodes.stream().mapToDouble(n -> n.getJsonObject("memory").getDouble("used_mb")).sum();
        assertThat(redis.getJsonObject("memory").getDouble("used_mb")).isCloseTo(usedMb, org.assertj.core.data.Offset.offset(0.05));
        assertThat(redis.getJsonObject("memory").getDouble("max_mb")).isEqualTo(3 * 64.0);
        assertThat(redis.getJsonObject("config").getLong("maxmemory")).isEqualTo(3 * (64L << 20));
        assertThat(redis.getJsonObject("config").getString("maxmemory_policy")).isEqualTo("allkeys-lru");
        assertThat(redis.getJsonObject("clients").getLong("connected")).isGreaterThanOrEqualTo(3);
        assertThat(redis.getDouble("latency_ms")).isEqualTo(nodes.stream().mapToDouble(n -> n.getDouble("latency_ms")).max().orElseThrow());
        assertThat(redis.getJsonArray("warnings")).isEmpty();
        assertThat(redis.getJsonArray("errors")).isEmpty();
        assertThat(s.getJsonArray("reasons").stream().map(String::valueOf)).noneMatch(r -> r.startsWith("Redis"));
        testContext.completeNow();
      })));
  }

  @Test
  void aLostMasterIsNamedAndTurnsTheStatusRed(VertxTestContext testContext) {
    Snapshots.when(vertx, "three masters up", DEADLINE, s -> s.getJsonObject("redis").getInteger("masters_up", 0) == 3)
      .compose(s -> vertx.executeBlocking(() -> {
        cluster.kill(1);
        killed = true;
        return null;
      }))
      .compose(v -> Snapshots.when(vertx, "master " + address(1) + " down", DEADLINE,
        s -> "degraded".equals(s.getJsonObject("redis").getString("state"))))
      .onComplete(testContext.succeeding(s -> testContext.verify(() -> {
        JsonObject redis = s.getJsonObject("redis");
        assertThat(redis.getBoolean("connected")).isTrue();
        assertThat(redis.getInteger("masters_up")).isEqualTo(2);
        assertThat(redis.getString("down_since")).isNotNull();
        JsonObject warning = redis.getJsonArray("warnings").stream().map(w -> (JsonObject) w)
          .filter(w -> "master_down".equals(w.getString("code"))).findFirst().orElseThrow();
        assertThat(warning.getString("level")).isEqualTo("critical");
        assertThat(warning.getString("node")).isEqualTo(address(1));
        assertThat(s.getString("status")).isEqualTo("red");
        assertThat(s.getJsonArray("reasons").stream().map(String::valueOf))
          .anyMatch(r -> r.startsWith("Redis: master " + address(1) + " is down"));
        // The live masters' figures are still read.
        assertThat(redis.getLong("keys")).isEqualTo(KEYS[0] + KEYS[2]);
        testContext.completeNow();
      })));
  }
}
