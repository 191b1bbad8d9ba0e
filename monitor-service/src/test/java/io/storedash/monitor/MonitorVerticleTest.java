package io.storedash.monitor;

import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.testing.TestStorage;
import io.storedash.common.testing.Forgeries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class MonitorVerticleTest {

  private static final long HEARTBEAT_MS = 200;

  private Node node;
  private Vertx vertx;
  private final List<Long> publishers = new ArrayList<>();
  /** When each test publisher last sent a heartbeat, by node (nanoTime). */
  private final Map<String, Long> lastSent = new ConcurrentHashMap<>();

  @BeforeEach
  void deploy(VertxTestContext testContext) {
    node = Node.local(TestStorage.config(Map.of("HEARTBEAT_INTERVAL", HEARTBEAT_MS + "ms")));
    vertx = node.vertx();
    node.deploy(MonitorService.DESCRIPTOR, 1).onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void shutdown(VertxTestContext testContext) {
    publishers.forEach(vertx::cancelTimer);
    node.shutdown().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void snapshotShowsRedisPostgresAndThisNode(VertxTestContext testContext) {
    Snapshots.when(vertx, "monitor-service's own heartbeat", Duration.ofSeconds(3),
        s -> Snapshots.live(s, "monitor-service", node.nodeId()))
      .onComplete(testContext.succeeding(s -> testContext.verify(() -> {
        JsonObject redis = s.getJsonObject("redis");
        assertThat(redis.getBoolean("connected")).isTrue();
        assertThat(redis.getString("state")).isEqualTo("up");
        assertThat(redis.getString("version")).startsWith("7.");
        // The embedded Redis runs with maxmemory 256mb and allkeys-lru: what CONFIG GET must report.
        assertThat(redis.getJsonObject("config").getLong("maxmemory")).isEqualTo(256L << 20);
        assertThat(redis.getJsonObject("config").getString("maxmemory_policy")).isEqualTo("allkeys-lru");
        assertThat(redis.getJsonObject("config").getString("source")).isEqualTo("config");
        assertThat(redis.getJsonObject("memory").getDouble("max_mb")).isEqualTo(256.0);
        assertThat(redis.getJsonObject("memory").getDouble("used_mb")).isPositive();
        assertThat(redis.getJsonObject("memory").getDouble("usage_percent")).isBetween(0.0, 75.0);
        assertThat(redis.getDouble("latency_ms")).isBetween(0.0, 1000.0);
        assertThat(redis.getDouble("fragmentation")).isPositive();
        assertThat(redis.getLong("evictions")).isNotNull();
        assertThat(redis.getJsonObject("clients").getLong("connected")).isGreaterThanOrEqualTo(1);
        assertThat(redis.getJsonObject("clients").getLong("rejected")).isNotNull();
        assertThat(redis.getLong("uptime_s")).isNotNull();
        assertThat(redis.getJsonArray("warnings")).isEmpty();
        // The embedded Redis refuses a client without its password (NOAUTH): no "no_password" warning.
        assertThat(redis.getBoolean("password_required")).isTrue();
        assertThat(redis.getJsonArray("errors")).isEmpty();
        assertThat(Instant.parse(redis.getString("last_check"))).isBefore(Instant.now().plusSeconds(1));
        assertThat(redis.getInteger("reconnect_attempts")).isZero();

        JsonObject pg = s.getJsonObject("postgres");
        assertThat(pg.getBoolean("reachable")).isTrue();
        assertThat(pg.getDouble("latency_ms")).isBetween(0.0, 3000.0);
        assertThat(pg.getString("version")).matches("\\d+(\\.\\d+)?.*");
        assertThat(pg.getString("database")).startsWith("sd_test_");
        assertThat(pg.getJsonObject("connections").getLong("in_use")).isGreaterThanOrEqualTo(1);
        assertThat(pg.getJsonObject("connections").getInteger("max")).isPositive();
        assertThat(pg.getJsonArray("errors")).isEmpty();

        assertThat(s.getJsonObject("system").getString("node")).isEqualTo(node.nodeId());
        assertThat(s.getJsonObject("system").getLong("heap_max_mb")).isPositive();
        assertThat(s.getJsonObject("system").getInteger("cpus")).isPositive();

        // Alone in its JVM, the monitor sees itself and no other service: red, for that reason only.
        assertThat(s.getJsonObject("cluster").getJsonArray("missing").stream().map(String::valueOf).toList())
          .containsExactly("gateway", "cache-service", "query-service");
        assertThat(s.getString("status")).isEqualTo("red");
        assertThat(s.getJsonArray("reasons").stream().map(String::valueOf).toList()).containsExactly(
          "no live instance of gateway", "no live instance of cache-service", "no live instance of query-service");
        assertThat(Instant.parse(s.getString("generated_at"))).isBeforeOrEqualTo(Instant.now());
        JsonObject self = Snapshots.instance(s, "monitor-service", node.nodeId());
        assertThat(self.getString("state")).isEqualTo("live");
        assertThat(self.getJsonObject("stats").getLong("snapshots_served")).isNotNull();
        assertThat(self.getJsonObject("stats").getJsonObject("redis").getString("state")).isEqualTo("up");
        assertThat(s.getJsonObject("cache").getValue("hit_rate")).isNull();
        assertThat(s.getJsonObject("gateway").getInteger("instances")).isZero();
        testContext.completeNow();
      })));
  }

  @Test
  void aForgedHeartbeatShowsNoInstance(VertxTestContext testContext) {
    JsonObject forged = new JsonObject().put("service", "query-service").put("node", "forged").put("draining", false);
    for (Forgeries.Forgery forgery : Forgeries.of(node.keys(), Addresses.HEARTBEAT, forged, forged.copy().put("node", "x"))) {
      vertx.eventBus().publish(Addresses.HEARTBEAT, forgery.body(), forgery.options());
    }
    // Once the monitor's own (signed) heartbeat is in, and every forgery refused: none of them made an instance.
    Snapshots.when(vertx, "its own heartbeat and the forgeries refused", Duration.ofSeconds(5),
        s -> Snapshots.live(s, "monitor-service", node.nodeId())
          && Forgeries.rejected(node.meterRegistry(), Addresses.HEARTBEAT).equals(Forgeries.everyForgeryRefused(1)))
      .onComplete(testContext.succeeding(s -> testContext.verify(() -> {
        assertThat(Snapshots.instance(s, "query-service", "forged")).isNull();
        assertThat(s.getJsonObject("cluster").getJsonArray("missing").getList()).contains("query-service");
        testContext.completeNow();
      })));
  }

  @Test
  void snapshotIsPublishedEveryFiveSeconds(VertxTestContext testContext) {
    Checkpoint twoUpdates = testContext.checkpoint(2);
    List<Long> receivedAt = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.MONITOR_UPDATES, message -> testContext.verify(() -> {
      receivedAt.add(System.nanoTime());
      assertThat(message.body().getString("status")).isEqualTo("red");
      assertThat(message.body().getJsonObject("redis").getBoolean("connected")).isTrue();
      if (receivedAt.size() == 2) {
        // A fixed-rate 5 s timer: either delivery may be late on a loaded machine (a late one makes the next gap
        // shorter), so 5 s give or take 2; still far from a 2.5 s or a 10 s period.
        assertThat(Duration.ofNanos(receivedAt.get(1) - receivedAt.get(0))).isBetween(Duration.ofMillis(3000), Duration.ofMillis(7000));
      }
      twoUpdates.flag();
    }));
  }

  private long publishHeartbeats(String service, String node, JsonObject stats) {
    long timer = vertx.setPeriodic(0, HEARTBEAT_MS, t -> {
      // Noted before it goes, so the monitor cannot have seen a heartbeat sent later than this.
      lastSent.put(node, System.nanoTime());
      JsonObject heartbeat = new JsonObject()
        .put("service", service)
        .put("node", node)
        .put("version", "0.1.0-test")
        .put("uptime_ms", 1234L)
        .put("draining", false)
        .put("system", new JsonObject().put("heap_used_mb", 64).put("heap_max_mb", 512).put("cpus", 2))
        .put("stats", stats);
      vertx.eventBus().publish(Addresses.HEARTBEAT, heartbeat, this.node.signatures().sign(Addresses.HEARTBEAT, heartbeat));
    });
    publishers.add(timer);
    return timer;
  }

  private static JsonObject tiers(long l2Hits, long l2Misses, long l4Hits, long l4Misses) {
    return new JsonObject().put("tiers", new JsonObject()
      .put("L2", new JsonObject().put("hits", l2Hits).put("misses", l2Misses).put("stale_hits", 1).put("bytes", 4096)
        .put("entries", 3).put("evictions", 0))
      .put("L4", new JsonObject().put("hits", l4Hits).put("misses", l4Misses)));
  }

  @Test
  void heartbeatsMakeTheClusterViewAndASilentInstanceGoesGone(VertxTestContext testContext) {
    publishHeartbeats("gateway", "g1", new JsonObject().put("requests", new JsonObject()
      .put("count_1m", 600).put("success_rate_1m", 0.995).put("p50_ms", 12.5).put("p99_ms", 80.0).put("rate_per_s", 10.0)));
    publishHeartbeats("cache-service", "c1", tiers(30, 10, 50, 40));
    long c2 = publishHeartbeats("cache-service", "c2", tiers(10, 10, 10, 20));

    // Live, not only present: the publishers run on other contexts, and a loaded machine can hold one of them back
    // for more than three intervals, which makes its instance gone (and leaves it out of the totals) for a while.
    Predicate<JsonObject> othersLive = s -> Snapshots.live(s, "gateway", "g1")
      && Snapshots.live(s, "cache-service", "c1")
      && Snapshots.live(s, "monitor-service", node.nodeId());

    Snapshots.when(vertx, "gateway, two cache-service instances and the monitor, all live", Duration.ofSeconds(5),
        s -> othersLive.test(s) && Snapshots.live(s, "cache-service", "c2"))
      .compose(s -> {
        testContext.verify(() -> {
          assertThat(s.getJsonObject("cluster").getJsonArray("missing").stream().map(String::valueOf).toList()).containsExactly("query-service");
          JsonObject c1 = Snapshots.instance(s, "cache-service", "c1");
          assertThat(c1.getString("state")).isEqualTo("live");
          assertThat(c1.getString("version")).isEqualTo("0.1.0-test");
          assertThat(c1.getLong("last_seen_ms_ago")).isBetween(0L, 3 * HEARTBEAT_MS);
          assertThat(c1.getJsonObject("system").getInteger("heap_max_mb")).isEqualTo(512);
          JsonObject l2 = s.getJsonObject("cache").getJsonObject("tiers").getJsonObject("L2");
          assertThat(l2.getLong("hits")).isEqualTo(40);
          assertThat(l2.getLong("misses")).isEqualTo(20);
          assertThat(l2.getLong("stale_hits")).isEqualTo(2);
          assertThat(l2.getLong("bytes")).isEqualTo(8192);
          assertThat(l2.getLong("entries")).isEqualTo(3);
          assertThat(l2.getDouble("hit_rate")).isEqualTo(0.6667);
          // 120 requests looked up in L4; answered: 60 by L4, 40 + 2 stale by L2.
          assertThat(s.getJsonObject("cache").getDouble("hit_rate")).isEqualTo(0.85);
          JsonObject gateway = s.getJsonObject("gateway");
          assertThat(gateway.getLong("count_1m")).isEqualTo(600);
          assertThat(gateway.getDouble("success_rate_1m")).isEqualTo(0.995);
          assertThat(gateway.getDouble("p99_ms")).isEqualTo(80.0);
          assertThat(s.getJsonArray("reasons").stream().map(String::valueOf).toList()).contains("no live instance of query-service");
        });
        vertx.cancelTimer(c2);
        return Snapshots.when(vertx, "c2 gone while the others are live", Duration.ofSeconds(3),
          snapshot -> "gone".equals(Snapshots.state(snapshot, "cache-service", "c2")) && othersLive.test(snapshot));
      })
      .compose(s -> {
        long silentMs = (System.nanoTime() - lastSent.get("c2")) / 1_000_000;
        testContext.verify(() -> {
          // Gone after three missed heartbeats: at least two full intervals after its last one was sent.
          assertThat(silentMs).isGreaterThanOrEqualTo(2 * HEARTBEAT_MS);
          assertThat(Snapshots.instance(s, "cache-service", "c2").getLong("last_seen_ms_ago")).isGreaterThan(3 * HEARTBEAT_MS);
          assertThat(Snapshots.instance(s, "cache-service", "c1").getString("state")).isEqualTo("live");
          assertThat(s.getJsonObject("cluster").getInteger("gone")).isEqualTo(1);
          assertThat(s.getJsonObject("cluster").getJsonArray("missing").stream().map(String::valueOf).toList()).containsExactly("query-service");
          assertThat(s.getJsonArray("reasons").stream().map(String::valueOf).toList()).anyMatch(r -> r.toString().startsWith("cache-service on node c2 sent no heartbeat"));
          // A gone instance no longer counts in the cache totals.
          assertThat(s.getJsonObject("cache").getJsonObject("tiers").getJsonObject("L2").getLong("hits")).isEqualTo(30);
        });
        return Snapshots.when(vertx, "c2 dropped", Duration.ofSeconds(5),
          snapshot -> Snapshots.instance(snapshot, "cache-service", "c2") == null);
      })
      .compose(s -> {
        testContext.verify(() -> assertThat(Snapshots.instance(s, "cache-service", "c1")).isNotNull());
        return Future.succeededFuture();
      })
      .onComplete(testContext.succeedingThenComplete());
  }
}
