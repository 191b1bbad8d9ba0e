package io.storedash.cache.tier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.DashboardQuery;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one-off ranges out of Redis (docs/DESIGN.md §12.3): a question with its own {@code from}/{@code to} (not its
 * kind's default range) is written to Redis only when it is asked a second time within {@link #WINDOW}. The first
 * answer goes to L4 only, whose W-TinyLFU admission already lets one-offs pass; its second request — an L4 hit, or a
 * second computation when L4 let it go — writes it. So a flood of unique ranges fills nothing but this bounded set
 * of key hashes, and the warm set in Redis stays. In this process only: a range asked once on each of two instances
 * is computed twice and written by neither, which is the price of not writing first requests anywhere shared.
 */
public final class OneOffRanges {

  /** How long the first request of a range is remembered. */
  public static final Duration WINDOW = Duration.ofMinutes(10);
  /** The most first requests remembered (a 64-bit hash each). */
  public static final int MAX_REMEMBERED = 50_000;

  /** A first request seen, its entry not written to Redis yet. */
  private static final Boolean DEFERRED = Boolean.TRUE;
  /** A second request seen: from now on, written like any entry. */
  private static final Boolean WRITTEN = Boolean.FALSE;

  private final Cache<Long, Boolean> seen;
  private final Counter deferred;
  private final Counter promoted;

  public OneOffRanges(Clock clock, MeterRegistry registry) {
    seen = Caffeine.newBuilder()
      .maximumSize(MAX_REMEMBERED)
      .expireAfterWrite(WINDOW)
      .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
      .build();
    deferred = Counter.builder("storedash_cache_one_off_deferred")
      .description("Answers to a range's first request kept out of Redis").register(registry);
    promoted = Counter.builder("storedash_cache_one_off_written")
      .description("Ranges written to Redis on their second request").register(registry);
  }

  /** Whether the query names its own range: the default range (no from/to) is shared by every user. */
  public static boolean oneOff(DashboardQuery query) {
    return query.from() != null;
  }

  /** A computed answer: whether to write it to Redis now (false on a one-off range's first request). */
  public boolean writeComputed(DashboardQuery query, String key) {
    if (!oneOff(query)) {
      return true;
    }
    long hash = hash(key);
    Boolean before = seen.asMap().putIfAbsent(hash, DEFERRED);
    if (before == null) {
      deferred.increment();
      return false;
    }
    if (before == DEFERRED) {
      seen.put(hash, WRITTEN);
      promoted.increment();
    }
    return true;
  }

  /** An L4 hit: whether it is a one-off range's second request, whose entry is to be written to Redis now. */
  public boolean writeOnHit(DashboardQuery query, String key) {
    if (!oneOff(query)) {
      return false;
    }
    long hash = hash(key);
    if (seen.asMap().replace(hash, DEFERRED, WRITTEN)) {
      promoted.increment();
      return true;
    }
    return false;
  }

  private static long hash(String key) {
    // FNV-1a over the key's characters and its length: 64 bits, so two of 50,000 keys collide with odds of about 1e-10.
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    return h ^ key.length();
  }
}
