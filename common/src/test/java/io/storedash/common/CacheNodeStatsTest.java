package io.storedash.common;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CacheNodeStatsTest {

  private static CacheNodeStats sample() {
    Map<String, CacheNodeStats.Tier> tiers = new LinkedHashMap<>();
    tiers.put("L1", new CacheNodeStats.Tier(5L, 2L, 1L, 2L, 3.25, 900L, null, null, null, null, 60L));
    tiers.put("L4", new CacheNodeStats.Tier(7L, 8L, 0L, 0L, null, 0L, 3L, 4096L, 1L, 65_536L, 10L));
    return new CacheNodeStats("node-1", tiers, 15L, 0.8667, 4L, new CacheNodeStats.Redis(true, 0L, "redis://127.0.0.1:6379"),
      true, 12, new JsonObject().put("running", false), 0);
  }

  @Test
  void writesTheShapeCacheServiceAlwaysSent() {
    // Key order is part of the bytes: the monitor snapshot and the admin answer show them as they come.
    assertThat(sample().toJson().encode()).isEqualTo("{\"node\":\"node-1\",\"tiers\":{"
      + "\"L1\":{\"hits\":5,\"misses\":2,\"stale_hits\":1,\"loads\":2,\"mean_load_ms\":3.25,\"bytes_written\":900,\"entries\":null,\"ttl_s\":60},"
      + "\"L4\":{\"hits\":7,\"misses\":8,\"stale_hits\":0,\"loads\":0,\"mean_load_ms\":null,\"bytes_written\":0,\"entries\":3,"
      + "\"bytes\":4096,\"evictions\":1,\"max_bytes\":65536,\"ttl_s\":10}},"
      + "\"lookups\":15,\"hit_rate\":0.8667,\"single_flight_joins\":4,"
      + "\"redis\":{\"up\":true,\"errors\":0,\"endpoint\":\"redis://127.0.0.1:6379\"},"
      + "\"versions_known\":true,\"stores_known\":12,\"warming\":{\"running\":false},\"in_flight\":0}");
  }

  @Test
  void readsBackWhatItWrote() {
    assertThat(CacheNodeStats.fromJson(sample().toJson())).isEqualTo(sample());
  }

  @Test
  void readsWhatIsMissingOrMistypedAsNull() {
    CacheNodeStats none = CacheNodeStats.fromJson(new JsonObject());
    assertThat(none.tiers()).isNull();
    assertThat(none.node()).isNull();
    assertThat(none.redis()).isNull();

    CacheNodeStats odd = CacheNodeStats.fromJson(new JsonObject()
      .put("node", 7)
      .put("tiers", new JsonObject()
        .put("L2", new JsonObject().put("hits", "many").put("misses", 3).put("entries", Double.NaN))
        .put("L3", "broken"))
      .put("lookups", 2.0));

    assertThat(odd.node()).isNull();
    assertThat(odd.tiers()).containsOnlyKeys("L2");
    assertThat(odd.tiers().get("L2").hits()).isNull();
    assertThat(odd.tiers().get("L2").misses()).isEqualTo(3L);
    assertThat(odd.tiers().get("L2").entries()).isNull();
    assertThat(odd.lookups()).isEqualTo(2L);
    assertThat(CacheNodeStats.fromJson(new JsonObject().put("tiers", "broken")).tiers()).isNull();
  }

  @Test
  void aRedisTierCarriesItsRejectedEntriesByReason() {
    Map<String, Long> rejected = new LinkedHashMap<>();
    rejected.put("forged", 2L);
    rejected.put("corrupt", 1L);
    CacheNodeStats.Tier l2 = new CacheNodeStats.Tier(5L, 3L, 0L, 3L, 1.5, 900L, 4L, null, null, null, 900L, rejected);
    JsonObject json = l2.toJson();
    assertThat(json.getJsonObject("rejected")).isEqualTo(new JsonObject().put("forged", 2L).put("corrupt", 1L));
    assertThat(CacheNodeStats.Tier.fromJson(json)).isEqualTo(l2);
    assertThat(l2.rejectedTotal()).isEqualTo(3);
    // An instance of an earlier release sends none.
    assertThat(CacheNodeStats.Tier.fromJson(new JsonObject().put("hits", 1)).rejected()).isNull();
  }
}
