package io.storedash.cache;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.common.QueryKind;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.Forgeries;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The attacks of issue 17 on cache-service, by a process that reached the event bus without being a member: a flush
 * command, a flushed event and a data-changed event with a version of {@code Long.MAX_VALUE} (which would pin every
 * entry: no real version is ever higher), each unsigned, signed with another key, replayed after three minutes and
 * changed after signing. Each is refused and counted, and the cache keeps its entries; the same messages signed by a
 * member work.
 */
class ForgedCacheMessagesTest {

  private CacheUnderTest cache;
  private DashboardQuery overview;

  @BeforeEach
  void start() {
    cache = new CacheUnderTest(TestStorage.redisUrl(), List.of("S001", "S002"), Map.of());
    LocalDate from = LocalDate.of(2026, 1, 1).plusDays((System.nanoTime() / 1000) % 300);
    overview = DashboardQuery.of(QueryKind.OVERVIEW, "S001", from, from.plusDays(29));
    assertThat(CacheUnderTest.status(cache.ask(overview).await())).isEqualTo("MISS");
    assertThat(CacheUnderTest.status(cache.ask(overview).await())).isEqualTo("L4");
  }

  @AfterEach
  void stop() {
    cache.close();
  }

  /** The entry is still served from memory and was computed once: nothing was flushed or left behind. */
  private void assertEntryKept() {
    assertThat(CacheUnderTest.status(cache.ask(overview).await())).isEqualTo("L4");
    assertThat(cache.query.computationsOf(overview)).isEqualTo(1);
  }

  private void awaitRefused(String address, Map<String, Long> expected) {
    Map<String, Long> refused = Eventually.poll(Duration.ofSeconds(5),
      () -> Forgeries.rejected(cache.node.meterRegistry(), address), expected::equals);
    assertThat(refused).as("refusals at " + address).isEqualTo(expected);
  }

  @Test
  void aForgedFlushCommandIsAnsweredForbiddenAndFlushesNothing() {
    JsonObject flush = new JsonObject().put("action", "flush");
    for (Forgeries.Forgery forgery : Forgeries.of(cache.node.keys(), Addresses.CACHE_ADMIN, flush,
      new JsonObject().put("action", "stats"))) {
      assertThatThrownBy(() -> cache.vertx.eventBus().request(Addresses.CACHE_ADMIN, forgery.body(), forgery.options()).await())
        .as(forgery.name())
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(Failure.of(e)).isEqualTo(Failure.FORBIDDEN);
          assertThat(e.getMessage()).startsWith("refused: ");
        });
    }
    awaitRefused(Addresses.CACHE_ADMIN, Forgeries.everyForgeryRefused(1));
    assertEntryKept();

    assertThat(cache.admin(flush).getString("node")).isNotNull();
    Eventually.until(Duration.ofSeconds(5), () -> !"L4".equals(CacheUnderTest.status(cache.ask(overview).await())));
    assertThat(cache.query.computationsOf(overview)).as("a member's flush does flush").isEqualTo(2);
  }

  @Test
  void aForgedFlushedEventDropsNothing() {
    JsonObject everything = new JsonObject().put("tier", (String) null).put("store", (String) null);
    for (Forgeries.Forgery forgery : Forgeries.of(cache.node.keys(), Addresses.CACHE_FLUSHED, everything,
      new JsonObject().put("tier", "L4").put("store", "S999"))) {
      cache.vertx.eventBus().publish(Addresses.CACHE_FLUSHED, forgery.body(), forgery.options());
    }
    awaitRefused(Addresses.CACHE_FLUSHED, Forgeries.everyForgeryRefused(1));
    assertEntryKept();
  }

  @Test
  void aForgedDataChangedWithAHugeVersionIsIgnoredAndASignedOneIsRefusedUnlessQueryServiceConfirmsIt() {
    JsonObject pin = new JsonObject().put("stores", new JsonArray().add("S001")).put("version", Long.MAX_VALUE);
    JsonObject honest = new JsonObject().put("stores", new JsonArray().add("S001")).put("version", cache.query.version + 1);
    for (Forgeries.Forgery forgery : Forgeries.of(cache.node.keys(), Addresses.DATA_CHANGED, pin, honest)) {
      cache.vertx.eventBus().publish(Addresses.DATA_CHANGED, forgery.body(), forgery.options());
    }
    awaitRefused(Addresses.DATA_CHANGED, Forgeries.everyForgeryRefused(1));
    cache.vertx.eventBus().publish(Addresses.DATA_CHANGED, pin);
    awaitRefused(Addresses.DATA_CHANGED, Map.of("missing", 2L, "bad_signature", 2L, "stale", 1L));
    assertEntryKept();

    // A member that sends it (a bug, a database clock a year ahead) is not believed either: query-service's versions
    // are lower.
    cache.vertx.eventBus().publish(Addresses.DATA_CHANGED, pin, cache.node.signatures().sign(Addresses.DATA_CHANGED, pin));
    awaitRefused(Addresses.DATA_CHANGED, Map.of("missing", 2L, "bad_signature", 2L, "stale", 1L, "implausible_version", 1L));
    assertEntryKept();

    // Unless query-service confirms it: then it is the truth, however far ahead.
    cache.query.version = Long.MAX_VALUE;
    cache.vertx.eventBus().publish(Addresses.DATA_CHANGED, pin, cache.node.signatures().sign(Addresses.DATA_CHANGED, pin));
    assertThat(Eventually.until(Duration.ofSeconds(5), () -> "MISS".equals(CacheUnderTest.status(cache.ask(overview).await()))))
      .as("the confirmed version leaves the old entry behind").isTrue();
  }
}
