package io.storedash.monitor;

import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The monitor is what ops read when things are broken: it must start and answer with Redis and PostgreSQL down. */
@ExtendWith(VertxExtension.class)
class UnreachableDependenciesTest {

  private Node node;

  @BeforeEach
  void deploy(VertxTestContext testContext) {
    node = Node.local(ConfigLoader.load(Map.of(
      "PG_URL", "postgresql://storedash:secret@127.0.0.1:" + TestStorage.freePort() + "/storedash",
      "REDIS_URL", "redis://127.0.0.1:" + TestStorage.freePort(),
      "MANAGEMENT_PORT", "0")));
    node.deploy(MonitorService.DESCRIPTOR, 1).onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void shutdown(VertxTestContext testContext) {
    node.shutdown().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void snapshotSaysRedAndWhy(VertxTestContext testContext) {
    Snapshots.current(node.vertx()).onComplete(testContext.succeeding(s -> testContext.verify(() -> {
      JsonObject redis = s.getJsonObject("redis");
      JsonObject pg = s.getJsonObject("postgres");
      assertThat(redis.getString("state")).isEqualTo("down");
      assertThat(pg.getBoolean("reachable")).isFalse();
      assertThat(pg.getJsonArray("errors").getJsonObject(0).getString("message")).isNotBlank();
      assertThat(pg.encode()).doesNotContain("secret");
      assertThat(s.getString("status")).isEqualTo("red");
      assertThat(s.getJsonArray("reasons").getString(0)).startsWith("Redis 127.0.0.1:").contains("is down");
      assertThat(s.getJsonArray("reasons").getString(1)).startsWith("PostgreSQL 127.0.0.1:").contains("/storedash is unreachable");
      testContext.completeNow();
    })));
  }
}
