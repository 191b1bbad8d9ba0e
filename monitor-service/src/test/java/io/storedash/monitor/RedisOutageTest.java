package io.storedash.monitor;

import io.storedash.common.bootstrap.Node;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis stopped and started again under a running monitor. MONITOR_INTERVAL is 30 s, so the 10 s deadlines can only
 * be met by the event-driven detection and the light probe, not by the periodic full check.
 */
@ExtendWith(VertxExtension.class)
class RedisOutageTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private Node node;
  private Vertx vertx;
  private WebClient http;
  private int managementPort;
  private EmbeddedRedisServer redis;
  private volatile boolean redisStopped;

  @BeforeEach
  void deploy(VertxTestContext testContext) {
    redis = TestStorage.embeddedRedis();
    Assumptions.assumeTrue(redis != null, "REDIS_URL names an external Redis, which this test cannot stop");
    node = Node.local(TestStorage.config(Map.of("MONITOR_INTERVAL", "30s")));
    vertx = node.vertx();
    http = WebClient.create(vertx);
    node.deploy(MonitorService.DESCRIPTOR, 1)
      .compose(id -> node.startManagement(0))
      .onComplete(testContext.succeeding(port -> {
        managementPort = port;
        testContext.completeNow();
      }));
  }

  @AfterEach
  void shutdown(VertxTestContext testContext) {
    if (redisStopped) {
      redis.startProcess();
    }
    node.shutdown().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void redisGoingDownIsReportedAndItsReturnSeenWithinTenSeconds(VertxTestContext testContext) {
    long[] stoppedAt = new long[1];
    long[] restartedAt = new long[1];
    java.time.Instant[] restartedInstant = new java.time.Instant[1];
    Snapshots.when(vertx, "Redis connected", Duration.ofSeconds(5), s -> s.getJsonObject("redis").getBoolean("connected"))
      .compose(s -> vertx.executeBlocking(() -> {
        redis.stop();
        redisStopped = true;
        stoppedAt[0] = System.nanoTime();
        return null;
      }))
      .compose(v -> Snapshots.when(vertx, "Redis connection lost", Duration.ofSeconds(3),
        s -> !s.getJsonObject("redis").getBoolean("connected")))
      .compose(s -> Snapshots.when(vertx, "Redis down", DEADLINE, snapshot -> "down".equals(snapshot.getJsonObject("redis").getString("state"))))
      .compose(s -> {
        Duration detected = Duration.ofNanos(System.nanoTime() - stoppedAt[0]);
        testContext.verify(() -> {
          assertThat(detected).isLessThan(DEADLINE);
          JsonObject r = s.getJsonObject("redis");
          assertThat(r.getBoolean("connected")).isFalse();
          assertThat(r.getValue("latency_ms")).isNull();
          assertThat(r.getInteger("reconnect_attempts")).isEqualTo(3);
          assertThat(r.getString("down_since")).isNotNull();
          assertThat(r.getJsonArray("errors")).isNotEmpty();
          assertThat(r.getJsonArray("warnings")).isEmpty();
          assertThat(s.getString("status")).isEqualTo("red");
          assertThat(s.getJsonArray("reasons").getString(0)).startsWith("Redis " + r.getString("endpoint") + " is down");
          // The last figures stay visible, marked by when they were read.
          assertThat(r.getString("version")).startsWith("7.");
        });
        // Ops can still read the monitor and its readiness while Redis is down.
        return http.get(managementPort, "127.0.0.1", "/health/ready").send();
      })
      .compose(ready -> {
        testContext.verify(() -> {
          assertThat(ready.statusCode()).isEqualTo(200);
          assertThat(ready.bodyAsString()).contains("\"redis_connected\":false").contains("\"postgres_reachable\":true");
        });
        return vertx.executeBlocking(() -> {
          redis.startProcess();
          redisStopped = false;
          restartedAt[0] = System.nanoTime();
          restartedInstant[0] = java.time.Instant.now();
          return null;
        });
      })
      // "Seen again" is a check of the returned Redis: the monitor marks itself connected a moment before that check
      // ends (and a clean check is what ends the outage's errors), so wait for a check made after the restart.
      .compose(v -> Snapshots.when(vertx, "Redis connected and checked again", DEADLINE, s -> {
        JsonObject r = s.getJsonObject("redis");
        String lastCheck = r.getString("last_check");
        return r.getBoolean("connected") && lastCheck != null && java.time.Instant.parse(lastCheck).isAfter(restartedInstant[0]);
      }))
      .onComplete(testContext.succeeding(s -> testContext.verify(() -> {
        assertThat(Duration.ofNanos(System.nanoTime() - restartedAt[0])).isLessThan(DEADLINE);
        JsonObject r = s.getJsonObject("redis");
        assertThat(r.getString("state")).isEqualTo("up");
        assertThat(r.getLong("reconnects")).isEqualTo(1);
        assertThat(r.getJsonArray("errors")).isEmpty();
        assertThat(r.getJsonArray("warnings")).isEmpty();
        assertThat(r.getValue("down_since")).isNull();
        // A fresh server: the uptime restarted, and the figures are those of the new process.
        assertThat(r.getLong("uptime_s")).isLessThan(10);
        assertThat(s.getJsonArray("reasons").stream().map(String::valueOf).toList()).noneMatch(reason -> reason.toString().startsWith("Redis"));
        testContext.completeNow();
      })));
  }
}
