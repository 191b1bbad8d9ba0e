package io.storedash.cache;

import io.storedash.cache.tier.CacheKeys;
import io.storedash.cache.tier.HotspotTier;
import io.storedash.cache.tier.RedisTier;
import io.storedash.cache.tier.Tier;
import io.storedash.cache.tier.TierPolicy;
import io.storedash.cache.tier.TierStats;
import io.storedash.cache.warm.Warmer;
import io.storedash.common.CacheNodeStats;
import io.storedash.common.bootstrap.InFlight;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's figures ({@link CacheNodeStats}) for its heartbeat and the admin command {@code stats}: what each
 * tier has seen, the entries it holds, Redis, the data versions and the warmer.
 */
final class CacheStats {

  private final String node;
  private final TierStats stats;
  private final TierPolicy policy;
  private final long l4MaxBytes;
  private final HotspotTier hotspot;
  private final RedisTier redis;
  private final StoreVersions versions;
  private final Warmer warmer;
  private final InFlight inFlight;
  /** Keys of each Redis tier, counted every 30 s: a SCAN is too slow for every heartbeat. */
  private final Map<Tier, Long> redisEntries = new ConcurrentHashMap<>();

  CacheStats(String node, TierStats stats, TierPolicy policy, long l4MaxBytes, HotspotTier hotspot, RedisTier redis,
             StoreVersions versions, Warmer warmer, InFlight inFlight) {
    this.node = node;
    this.stats = stats;
    this.policy = policy;
    this.l4MaxBytes = l4MaxBytes;
    this.hotspot = hotspot;
    this.redis = redis;
    this.versions = versions;
    this.warmer = warmer;
    this.inFlight = inFlight;
  }

  /** Counts the keys of each Redis tier; a tier whose count fails keeps its last one. */
  void countRedisEntries() {
    for (Tier tier : List.of(Tier.L1, Tier.L2, Tier.L3)) {
      redis.countMatching(CacheKeys.pattern(tier, null)).onSuccess(n -> redisEntries.put(tier, n));
    }
  }

  CacheNodeStats current() {
    Map<String, CacheNodeStats.Tier> tiers = new LinkedHashMap<>();
    long answeredFromCache = 0;
    for (Tier tier : Tier.values()) {
      long ttl = policy.ttl(tier).toSeconds();
      CacheNodeStats.Tier figures = tier == Tier.L4
        ? stats.figures(tier, hotspot.entries(), hotspot.bytes(), hotspot.evictions(), l4MaxBytes, ttl)
        : stats.figures(tier, redisEntries.get(tier), null, null, null, ttl);
      tiers.put(tier.name(), figures);
      answeredFromCache += figures.hits() + figures.staleHits();
    }
    long lookups = stats.hits(Tier.L4) + stats.misses(Tier.L4);
    return new CacheNodeStats(node, tiers, lookups,
      lookups == 0 ? null : Math.round(answeredFromCache * 10_000.0 / lookups) / 10_000.0,
      stats.singleFlightJoins(),
      new CacheNodeStats.Redis(redis.up(), redis.errors(), redis.name()),
      versions.known(), versions.stores().size(), warmer.progress(), inFlight.count());
  }
}
