package io.storedash.monitor.cluster;

import io.storedash.common.CacheNodeStats;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cache figures summed over the live cache-service instances, from their heartbeat {@code stats.tiers}
 * ({@code {"L1": {"hits", "misses", "stale_hits", "bytes", "entries", "evictions", ...}, ..., "L4": {...}}}).
 * {@code rejected} is the sum over the reasons of the Redis entries an instance refused to serve (its MAC failed).
 *
 * <ul>
 *   <li>Counters ({@value #COUNTERS_DOC}) are summed. {@code entries} of L4 is summed too (each instance has its own
 *   in-process L4), but the L1–L3 entries live in the one shared Redis that every instance counts, so for them the
 *   largest count is taken. A figure no instance reported is {@code null}, not 0.</li>
 *   <li>A tier's hit rate is hits / (hits + misses), {@code null} without lookups.</li>
 *   <li>The overall hit rate is the share of requests answered from the cache, as cache-service computes it for one
 *   instance: every request is looked up in L4 first, so it is (hits + stale hits of every tier) / (L4 hits + L4
 *   misses). Without L4 lookups, the Redis tiers alone: (hits + stale) / (hits + stale + misses).</li>
 * </ul>
 */
public record CacheTierTotals(int instances, int reporting, Map<String, Tier> tiers, Double hitRate) {

  /** One tier's figures summed over the instances; a figure no instance reported is null. */
  public record Tier(Long hits, Long misses, Long staleHits, Long bytes, Long entries, Long evictions, Long loads,
                     Long bytesWritten, Double hitRate, Long rejected) {

    public JsonObject toJson() {
      return new JsonObject()
        .put("hits", hits)
        .put("misses", misses)
        .put("stale_hits", staleHits)
        .put("bytes", bytes)
        .put("entries", entries)
        .put("evictions", evictions)
        .put("loads", loads)
        .put("bytes_written", bytesWritten)
        .put("hit_rate", hitRate)
        .put("rejected", rejected);
    }
  }

  static final String IN_PROCESS_TIER = "L4";
  static final String COUNTERS_DOC = "hits, misses, stale_hits, bytes, evictions, loads, bytes_written, rejected";
  private static final List<String> TIERS = List.of("L1", "L2", "L3", "L4");

  /** @param instanceStats the {@code stats} of each live cache-service instance */
  public static CacheTierTotals sum(List<CacheNodeStats> instanceStats) {
    Map<String, Map<String, Double>> totals = new LinkedHashMap<>();
    TIERS.forEach(tier -> totals.put(tier, new LinkedHashMap<>()));
    int reporting = 0;
    for (CacheNodeStats stats : instanceStats) {
      if (stats.tiers() == null) {
        continue;
      }
      reporting++;
      for (Map.Entry<String, CacheNodeStats.Tier> tier : stats.tiers().entrySet()) {
        CacheNodeStats.Tier figures = tier.getValue();
        Map<String, Double> sum = totals.computeIfAbsent(tier.getKey(), t -> new LinkedHashMap<>());
        add(sum, "hits", figures.hits());
        add(sum, "misses", figures.misses());
        add(sum, "stale_hits", figures.staleHits());
        add(sum, "bytes", figures.bytes());
        add(sum, "evictions", figures.evictions());
        add(sum, "loads", figures.loads());
        add(sum, "bytes_written", figures.bytesWritten());
        add(sum, "rejected", figures.rejectedTotal());
        if (figures.entries() != null) {
          sum.merge("entries", figures.entries().doubleValue(), IN_PROCESS_TIER.equals(tier.getKey()) ? Double::sum : Double::max);
        }
      }
    }
    Map<String, Tier> tiers = new LinkedHashMap<>();
    double answered = 0;
    double redisLookups = 0;
    for (Map.Entry<String, Map<String, Double>> tier : totals.entrySet()) {
      Map<String, Double> sum = tier.getValue();
      double hits = sum.getOrDefault("hits", 0.0);
      double misses = sum.getOrDefault("misses", 0.0);
      double stale = sum.getOrDefault("stale_hits", 0.0);
      tiers.put(tier.getKey(), new Tier(whole(sum, "hits"), whole(sum, "misses"), whole(sum, "stale_hits"),
        whole(sum, "bytes"), whole(sum, "entries"), whole(sum, "evictions"), whole(sum, "loads"),
        whole(sum, "bytes_written"), Figures.ratio(hits, hits + misses), whole(sum, "rejected")));
      answered += hits + stale;
      if (!IN_PROCESS_TIER.equals(tier.getKey())) {
        redisLookups += hits + stale + misses;
      }
    }
    Map<String, Double> l4 = totals.get(IN_PROCESS_TIER);
    double requests = l4.getOrDefault("hits", 0.0) + l4.getOrDefault("misses", 0.0);
    Double hitRate = requests > 0 ? Figures.ratio(Math.min(answered, requests), requests) : Figures.ratio(answered, redisLookups);
    return new CacheTierTotals(instanceStats.size(), reporting, tiers, hitRate);
  }

  public JsonObject toJson() {
    JsonObject byTier = new JsonObject();
    tiers.forEach((name, figures) -> byTier.put(name, figures.toJson()));
    return new JsonObject()
      .put("instances", instances)
      .put("reporting", reporting)
      .put("tiers", byTier)
      .put("hit_rate", hitRate);
  }

  private static Long whole(Map<String, Double> sum, String counter) {
    Double value = sum.get(counter);
    return value == null ? null : value.longValue();
  }

  private static void add(Map<String, Double> sum, String counter, Long value) {
    if (value != null) {
      sum.merge(counter, value.doubleValue(), Double::sum);
    }
  }
}
