package io.storedash.monitor.cluster;

import io.storedash.common.CacheNodeStats;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cache figures summed over the live cache-service instances, from their heartbeat {@code stats.tiers}
 * ({@code {"L1": {"hits", "misses", "stale_hits", "bytes", "entries", "evictions", ...}, ..., "L4": {...}}}).
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
public final class CacheTierTotals {

  static final String IN_PROCESS_TIER = "L4";
  static final String COUNTERS_DOC = "hits, misses, stale_hits, bytes, evictions, loads, bytes_written";
  private static final List<String> TIERS = List.of("L1", "L2", "L3", "L4");

  private CacheTierTotals() {
  }

  /** @param instanceStats the {@code stats} of each live cache-service instance */
  public static JsonObject sum(List<CacheNodeStats> instanceStats) {
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
        if (figures.entries() != null) {
          sum.merge("entries", figures.entries().doubleValue(), IN_PROCESS_TIER.equals(tier.getKey()) ? Double::sum : Double::max);
        }
      }
    }
    JsonObject tiers = new JsonObject();
    double answered = 0;
    double redisLookups = 0;
    for (Map.Entry<String, Map<String, Double>> tier : totals.entrySet()) {
      Map<String, Double> sum = tier.getValue();
      JsonObject figures = new JsonObject();
      for (String counter : List.of("hits", "misses", "stale_hits", "bytes", "entries", "evictions", "loads", "bytes_written")) {
        Double value = sum.get(counter);
        figures.put(counter, value == null ? null : value.longValue());
      }
      double hits = sum.getOrDefault("hits", 0.0);
      double misses = sum.getOrDefault("misses", 0.0);
      double stale = sum.getOrDefault("stale_hits", 0.0);
      figures.put("hit_rate", Figures.ratio(hits, hits + misses));
      tiers.put(tier.getKey(), figures);
      answered += hits + stale;
      if (!IN_PROCESS_TIER.equals(tier.getKey())) {
        redisLookups += hits + stale + misses;
      }
    }
    Map<String, Double> l4 = totals.get(IN_PROCESS_TIER);
    double requests = l4.getOrDefault("hits", 0.0) + l4.getOrDefault("misses", 0.0);
    Double hitRate = requests > 0 ? Figures.ratio(Math.min(answered, requests), requests) : Figures.ratio(answered, redisLookups);
    return new JsonObject()
      .put("instances", instanceStats.size())
      .put("reporting", reporting)
      .put("tiers", tiers)
      .put("hit_rate", hitRate);
  }

  private static void add(Map<String, Double> sum, String counter, Long value) {
    if (value != null) {
      sum.merge(counter, value.doubleValue(), Double::sum);
    }
  }
}
