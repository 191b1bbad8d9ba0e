package io.storedash.monitor.redis;

import io.storedash.common.testing.TestStorage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.embedded.RedisServer;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis run the way a careless or locked-down installation runs it: CONFIG disabled (as managed Redis services
 * do), no maxmemory, a policy that refuses writes when full, no password. The monitor must still read it and say what
 * is wrong.
 */
@ExtendWith(VertxExtension.class)
class RedisHealthMonitorTest {

  private static RedisServer lockedDown;
  private static int port;

  private RedisHealthMonitor monitor;

  @BeforeAll
  static void startRedis() {
    port = TestStorage.freePort();
    lockedDown = RedisServer.builder()
      .bind("127.0.0.1")
      .port(port)
      .setting("rename-command CONFIG \"\"")
      .setting("maxmemory 0")
      .setting("maxmemory-policy noeviction")
      .setting("save \"\"")
      .setting("appendonly no")
      .build();
    lockedDown.start();
  }

  @AfterAll
  static void stopRedis() {
    lockedDown.stop();
  }

  @Test
  void readsARedisThatRefusesConfigAndReportsItsMisconfiguration(Vertx vertx, VertxTestContext testContext) {
    vertx.runOnContext(v -> {
      monitor = new RedisHealthMonitor(vertx, "redis://127.0.0.1:" + port, Duration.ofSeconds(30));
      monitor.start().onComplete(testContext.succeeding(started -> testContext.verify(() -> {
        JsonObject snapshot = monitor.snapshot();
        assertThat(snapshot.getBoolean("connected")).isTrue();
        JsonObject config = snapshot.getJsonObject("config");
        assertThat(config.getString("source")).isEqualTo("info");
        assertThat(config.getString("note")).startsWith("CONFIG GET refused");
        assertThat(config.getLong("maxmemory")).isZero();
        assertThat(config.getString("maxmemory_policy")).isEqualTo("noeviction");
        assertThat(snapshot.getJsonObject("memory").getValue("max_mb")).isNull();
        assertThat(snapshot.getJsonObject("memory").getValue("usage_percent")).isNull();
        assertThat(snapshot.getJsonArray("warnings").stream().map(w -> ((JsonObject) w).getString("code")))
          .containsExactlyInAnyOrder("no_maxmemory", "eviction_policy", "no_password");
        // A PING on a connection that never gave a password was answered PONG.
        assertThat(snapshot.getBoolean("password_required")).isFalse();
        JsonObject open = snapshot.getJsonArray("warnings").stream().map(w -> (JsonObject) w)
          .filter(w -> "no_password".equals(w.getString("code"))).findFirst().orElseThrow();
        assertThat(open.getString("level")).isEqualTo("warning");
        assertThat(open.getString("message")).startsWith("Redis accepts clients without a password: anyone who reaches 127.0.0.1:" + port);
        assertThat(snapshot.getJsonArray("errors")).isEmpty();
        monitor.close().onComplete(testContext.succeedingThenComplete());
      })));
    });
  }

  @Test
  void aRedisThatRefusesClientsWithoutThePasswordIsNotWarnedAbout(Vertx vertx, VertxTestContext testContext) {
    vertx.runOnContext(v -> {
      // The embedded Redis of the tests, as the standalone runs it: ACL user with a password, default user off.
      monitor = new RedisHealthMonitor(vertx, TestStorage.redisUrl(), Duration.ofSeconds(30));
      monitor.start().onComplete(testContext.succeeding(started -> testContext.verify(() -> {
        JsonObject snapshot = monitor.snapshot();
        assertThat(snapshot.getBoolean("connected")).isTrue();
        assertThat(snapshot.getBoolean("password_required")).isTrue();
        assertThat(snapshot.getJsonArray("warnings").stream().map(w -> ((JsonObject) w).getString("code"))).doesNotContain("no_password");
        monitor.close().onComplete(testContext.succeedingThenComplete());
      })));
    });
  }

  @Test
  void anUnreachableRedisAtStartIsReportedDownWithoutFailingTheStart(Vertx vertx, VertxTestContext testContext) {
    vertx.runOnContext(v -> {
      monitor = new RedisHealthMonitor(vertx, "redis://127.0.0.1:" + TestStorage.freePort(), Duration.ofSeconds(30));
      monitor.start().onComplete(testContext.succeeding(started -> testContext.verify(() -> {
        JsonObject snapshot = monitor.snapshot();
        assertThat(snapshot.getBoolean("connected")).isFalse();
        assertThat(snapshot.getString("state")).isEqualTo("down");
        assertThat(snapshot.getString("down_since")).isNotNull();
        assertThat(snapshot.getJsonArray("errors").getJsonObject(0).getString("message")).startsWith("unreachable: ");
        assertThat(snapshot.getValue("version")).isNull();
        monitor.close().onComplete(testContext.succeedingThenComplete());
      })));
    });
  }
}
