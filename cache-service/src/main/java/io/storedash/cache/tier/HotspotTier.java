package io.storedash.cache.tier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * L4: the hottest entries of any tier, in this process, bounded in bytes. Caffeine's W-TinyLFU admission keeps the
 * entries that are asked for often and lets one-off ones pass, so this tier holds the hotspot without a separate
 * popularity count.
 */
public final class HotspotTier {

  private final Cache<String, Entry> entries;
  private final boolean enabled;

  /**
   * @param maxBytes the bound in bytes; 0 turns the tier off (every lookup misses, nothing is kept)
   * @param clock    what entries expire by: the service's clock, so that a test moves it instead of sleeping
   */
  public HotspotTier(long maxBytes, Duration ttl, Clock clock) {
    enabled = maxBytes > 0;
    entries = Caffeine.newBuilder()
      .maximumWeight(maxBytes)
      .weigher((String key, Entry entry) -> entry.weight() + key.length())
      .expireAfterWrite(ttl)
      .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
      .recordStats()
      .build();
  }

  public Entry get(String key) {
    return enabled ? entries.getIfPresent(key) : null;
  }

  public void put(String key, Entry entry) {
    if (enabled) {
      entries.put(key, entry);
    }
  }

  /** Drops every entry whose key matches. */
  public void drop(Predicate<String> key) {
    entries.asMap().keySet().removeIf(key);
  }

  public long entries() {
    return entries.estimatedSize();
  }

  public long bytes() {
    return entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  public long evictions() {
    return entries.stats().evictionCount();
  }
}
