package io.storedash.monitor;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the monitor shows and logs about dependencies it cannot use carries no secret (docs/DESIGN.md §11.6): a Redis
 * that refuses the configured password, a PostgreSQL that does not answer, both with distinctive passwords. Every log
 * event of the run (messages and stack traces, as they are before the log layout redacts them once more) and the
 * snapshot the gateway serves are searched for them.
 */
@ExtendWith(VertxExtension.class)
class SecretsInMonitorTest {

  private static final String NONCE = "n" + Long.toString(System.nanoTime(), 36);
  private static final String PG_PASSWORD = "S3cr3t-PG-" + NONCE + "!x";
  private static final String REDIS_PASSWORD = "S3cr3t-REDIS-" + NONCE + "@/x";

  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private EmbeddedRedisServer redis;
  private Node node;

  @BeforeEach
  void deploy(VertxTestContext testContext) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    events.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    events.start();
    root.addAppender(events);
    // A Redis of this test's own, whose user has its own generated password: REDIS_PASSWORD below replaces it in the
    // URL, so AUTH with the configured one is refused.
    redis = EmbeddedRedisServer.start(0, "64mb");
    node = Node.local(ConfigLoader.load(Map.of(
      "PG_URL", "postgresql://storedash@127.0.0.1:" + TestStorage.freePort() + "/storedash",
      "PG_PASSWORD", PG_PASSWORD,
      "REDIS_URL", redis.url(),
      "REDIS_PASSWORD", REDIS_PASSWORD,
      "MANAGEMENT_PORT", "0")));
    node.deploy(MonitorService.DESCRIPTOR, 1).onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void shutdown(VertxTestContext testContext) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(events);
    // The Redis after the node, so that nothing logs its going away.
    node.shutdown().andThen(ar -> redis.close()).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void neitherTheSnapshotNorTheLogsCarryAPassword(VertxTestContext testContext) {
    Snapshots.when(node.vertx(), "Redis and PostgreSQL errors", Duration.ofSeconds(20), s ->
        !s.getJsonObject("redis").getJsonArray("errors", new JsonArray()).isEmpty()
          && !s.getJsonObject("postgres").getJsonArray("errors", new JsonArray()).isEmpty())
      .onComplete(testContext.succeeding(snapshot -> testContext.verify(() -> {
        // The failures really were the ones meant: a refused password, an unreachable server.
        assertThat(snapshot.getJsonObject("redis").encode()).contains("WRONGPASS");
        assertThat(snapshot.getJsonObject("postgres").getBoolean("reachable")).isFalse();
        assertNoSecret("the snapshot", snapshot.encodePrettily());
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(events.list)) {
          lines.add(event.getFormattedMessage());
          if (event.getThrowableProxy() != null) {
            lines.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
          }
        }
        assertThat(lines).as("log events").isNotEmpty();
        assertNoSecret("the log", String.join("\n", lines));
        testContext.completeNow();
      })));
  }

  private static void assertNoSecret(String what, String text) {
    List<String> found = text.lines()
      .filter(line -> line.contains(NONCE) || line.toLowerCase(Locale.ROOT).contains("s3cr3t"))
      .toList();
    assertThat(found).as(what + " leaks a secret in these lines").isEmpty();
    assertThat(text).doesNotContain(PG_PASSWORD, REDIS_PASSWORD);
  }
}
