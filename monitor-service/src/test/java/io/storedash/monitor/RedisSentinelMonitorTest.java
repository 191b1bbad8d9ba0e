package io.storedash.monitor;

import io.storedash.common.bootstrap.Node;
import io.storedash.common.testing.RedisSentinelServers;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** monitor-service through Redis Sentinel: it reports which master is in use, before and after a failover. */
@ExtendWith(VertxExtension.class)
class RedisSentinelMonitorTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static RedisSentinelServers sentinels;
  private Node node;
  private Vertx vertx;

  @BeforeAll
  static void startSentinels() {
    sentinels = RedisSentinelServers.start("storedash", 3);
  }

  @AfterAll
  static void stopSentinels() {
    sentinels.close();
  }

  @BeforeEach
  void deploy(VertxTestContext testContext) {
    node = Node.local(TestStorage.config(Map.of("REDIS_URL", sentinels.url(), "MONITOR_INTERVAL", "500ms")));
    vertx = node.vertx();
    node.deploy(MonitorService.DESCRIPTOR, 1).onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void shutdown(VertxTestContext testContext) {
    node.shutdown().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void theMasterInUseIsReportedAndFollowsAFailover(VertxTestContext testContext) {
    String before = "127.0.0.1:" + sentinels.masterPort();
    int[] promoted = new int[1];
    Snapshots.when(vertx, "the master " + before, DEADLINE, s -> before.equals(s.getJsonObject("redis").getString("master")))
      .compose(s -> {
        testContext.verify(() -> {
          JsonObject redis = s.getJsonObject("redis");
          assertThat(redis.getString("topology")).isEqualTo("sentinel");
          assertThat(redis.getString("master_name")).isEqualTo("storedash");
          assertThat(redis.getString("endpoint")).startsWith("master storedash via sentinels 127.0.0.1:");
          assertThat(redis.getJsonArray("sentinels")).hasSize(3);
          assertThat(redis.getString("role")).isEqualTo("master");
          assertThat(redis.getString("run_id")).isEqualTo(Resp.field(Resp.text(sentinels.masterPort(), "INFO", "server"), "run_id"));
          assertThat(redis.getString("state")).isEqualTo("up");
          assertThat(redis.getJsonArray("errors")).isEmpty();
        });
        return vertx.executeBlocking(() -> promoted[0] = sentinels.failover());
      })
      .compose(port -> {
        // The old master may call itself master for a while after the failover: the run id tells the servers apart.
        String runId = Resp.field(Resp.text(port, "INFO", "server"), "run_id");
        return Snapshots.when(vertx, "the monitor on the promoted master 127.0.0.1:" + port, DEADLINE, s -> {
          JsonObject redis = s.getJsonObject("redis");
          return ("127.0.0.1:" + port).equals(redis.getString("master")) && "up".equals(redis.getString("state"))
            && runId.equals(redis.getString("run_id"));
        });
      })
      .onComplete(testContext.succeeding(s -> testContext.verify(() -> {
        JsonObject redis = s.getJsonObject("redis");
        assertThat(redis.getString("master")).isNotEqualTo(before);
        assertThat(redis.getString("role")).isEqualTo("master");
        assertThat(redis.getBoolean("connected")).isTrue();
        assertThat(s.getJsonArray("reasons").stream().map(String::valueOf)).noneMatch(r -> r.startsWith("Redis"));
        testContext.completeNow();
      })));
  }
}
