package io.storedash.monitor.cluster;

import io.storedash.common.CacheNodeStats;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class StatsTotalsTest {

  private static JsonObject tier(long hits, long misses, long stale, long bytes, long entries, long evictions) {
    return new JsonObject().put("hits", hits).put("misses", misses).put("stale_hits", stale).put("bytes", bytes)
      .put("entries", entries).put("evictions", evictions);
  }

  private static JsonObject requests(long count, Double success, Double p50, Double p99, double rate) {
    return new JsonObject().put("requests", new JsonObject().put("count_1m", count).put("success_rate_1m", success)
      .put("p50_ms", p50).put("p99_ms", p99).put("max_ms", p99 == null ? null : p99 * 2).put("rate_per_s", rate));
  }

  /** Heartbeat stats as monitor-service reads them. */
  private static List<CacheNodeStats> heartbeats(JsonObject... stats) {
    return Stream.of(stats).map(CacheNodeStats::fromJson).toList();
  }

  @Test
  void sumsEachTierOverTheInstances() {
    // Shaped like cache-service's heartbeat: Redis tiers count their keys in the shared Redis, L4 its own entries.
    JsonObject a = new JsonObject().put("tiers", new JsonObject()
      .put("L2", tier(80, 20, 5, 0, 10, 0).put("bytes", null).put("loads", 20).put("bytes_written", 9000)
        .put("rejected", new JsonObject().put("forged", 2).put("corrupt", 1)))
      .put("L4", tier(300, 105, 0, 500, 5, 2)));
    JsonObject b = new JsonObject().put("tiers", new JsonObject()
      .put("L2", tier(10, 10, 0, 0, 12, 0).put("bytes", null).put("loads", 10).put("bytes_written", 1000)
        .put("rejected", new JsonObject().put("forged", 0).put("unsigned", 4)))
      .put("L3", tier(0, 0, 0, 0, 0, 0))
      .put("L4", tier(15, 20, 0, 700, 7, 1)));

    JsonObject cache = CacheTierTotals.sum(heartbeats(a, b)).toJson();

    JsonObject l2 = cache.getJsonObject("tiers").getJsonObject("L2");
    assertThat(l2.getLong("hits")).isEqualTo(90);
    assertThat(l2.getLong("misses")).isEqualTo(30);
    assertThat(l2.getLong("stale_hits")).isEqualTo(5);
    assertThat(l2.getLong("loads")).isEqualTo(30);
    assertThat(l2.getLong("bytes_written")).isEqualTo(10_000);
    assertThat(l2.getValue("bytes")).isNull();
    // Both instances count the same Redis keys: the larger count, not the sum.
    assertThat(l2.getLong("entries")).isEqualTo(12);
    assertThat(l2.getDouble("hit_rate")).isEqualTo(0.75);
    // Entries the instances refused to serve (their MAC failed), every reason together.
    assertThat(l2.getLong("rejected")).isEqualTo(7);
    JsonObject l4 = cache.getJsonObject("tiers").getJsonObject("L4");
    assertThat(l4.getLong("entries")).isEqualTo(12);
    assertThat(l4.getLong("bytes")).isEqualTo(1200);
    assertThat(l4.getLong("evictions")).isEqualTo(3);
    assertThat(l4.getDouble("hit_rate")).isEqualTo(0.7159);
    assertThat(l4.getValue("rejected")).isNull();
    assertThat(cache.getJsonObject("tiers").getJsonObject("L3").getValue("hit_rate")).isNull();
    assertThat(cache.getJsonObject("tiers").getJsonObject("L1").getValue("hits")).isNull();
    // Requests: 440 L4 lookups; answered: 315 from L4, 90 + 5 stale from L2 = 410.
    assertThat(cache.getDouble("hit_rate")).isEqualTo(0.9318);
    assertThat(cache.getInteger("instances")).isEqualTo(2);
  }

  @Test
  void withoutL4LookupsTheRedisTiersGiveTheHitRate() {
    JsonObject cache = CacheTierTotals.sum(heartbeats(new JsonObject().put("tiers", new JsonObject()
      .put("L1", tier(6, 3, 1, 0, 0, 0))))).toJson();

    assertThat(cache.getDouble("hit_rate")).isEqualTo(0.7);
  }

  @Test
  void cacheInstancesWithoutTiersGiveNullRates() {
    JsonObject cache = CacheTierTotals.sum(heartbeats(new JsonObject(), new JsonObject().put("tiers", "broken"))).toJson();

    assertThat(cache.getValue("hit_rate")).isNull();
    assertThat(cache.getInteger("reporting")).isZero();
    assertThat(cache.getJsonObject("tiers").getJsonObject("L1").getValue("hit_rate")).isNull();
    assertThat(cache.getJsonObject("tiers").getJsonObject("L1").getValue("hits")).isNull();
  }

  @Test
  void combinesGatewayFiguresWeightedByCount() {
    JsonObject gateway = GatewayTotals.combine(List.of(
      requests(300, 1.0, 10.0, 50.0, 5),
      requests(100, 0.96, 30.0, 200.0, 1.5),
      // An idle gateway reports nulls, as the gateway does when it served nothing in the last minute.
      requests(0, null, null, null, 0),
      new JsonObject())).toJson();

    assertThat(gateway.getLong("count_1m")).isEqualTo(400);
    assertThat(gateway.getDouble("success_rate_1m")).isEqualTo(0.99);
    assertThat(gateway.getDouble("p50_ms")).isEqualTo(15.0);
    assertThat(gateway.getDouble("p99_ms")).isEqualTo(200.0);
    assertThat(gateway.getDouble("max_ms")).isEqualTo(400.0);
    assertThat(gateway.getDouble("rate_per_s")).isEqualTo(6.5);
    assertThat(gateway.getInteger("instances")).isEqualTo(4);
    assertThat(gateway.getInteger("reporting")).isEqualTo(3);
  }

  @Test
  void gatewayWithoutRequestsHasNullFigures() {
    JsonObject gateway = GatewayTotals.combine(List.of(new JsonObject().put("requests", new JsonObject().put("count_1m", 0)))).toJson();

    assertThat(gateway.getLong("count_1m")).isZero();
    assertThat(gateway.getValue("success_rate_1m")).isNull();
    assertThat(gateway.getValue("p50_ms")).isNull();
    assertThat(gateway.getValue("p99_ms")).isNull();
  }
}
