package io.storedash.cache.tier;

import io.storedash.common.CacheNodeStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each tier has seen in this instance since it started: hits, misses, stale hits, loads and their time, bytes
 * written. Kept as plain counters for heartbeats and as Micrometer meters for {@code /metrics}.
 */
public final class TierStats {

  private final Map<Tier, Counters> tiers = new EnumMap<>(Tier.class);
  private final Counter singleFlightJoins;
  private final AtomicLong joined = new AtomicLong();

  private static final class Counters {
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong stale = new AtomicLong();
    final AtomicLong loads = new AtomicLong();
    final AtomicLong loadMicros = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final Counter hitMeter;
    final Counter missMeter;
    final Counter staleMeter;
    final Timer loadTimer;

    Counters(MeterRegistry registry, Tier tier) {
      hitMeter = Counter.builder("storedash_cache_lookups").tag("tier", tier.name()).tag("result", "hit").register(registry);
      missMeter = Counter.builder("storedash_cache_lookups").tag("tier", tier.name()).tag("result", "miss").register(registry);
      staleMeter = Counter.builder("storedash_cache_lookups").tag("tier", tier.name()).tag("result", "stale").register(registry);
      loadTimer = Timer.builder("storedash_cache_load").tag("tier", tier.name())
        .description("time to compute a missing entry in query-service").register(registry);
    }
  }

  public TierStats(MeterRegistry registry) {
    for (Tier tier : Tier.values()) {
      tiers.put(tier, new Counters(registry, tier));
    }
    singleFlightJoins = Counter.builder("storedash_cache_singleflight_joins")
      .description("requests that waited for a computation already under way instead of starting their own").register(registry);
  }

  public void hit(Tier tier) {
    Counters c = tiers.get(tier);
    c.hits.incrementAndGet();
    c.hitMeter.increment();
  }

  public void miss(Tier tier) {
    Counters c = tiers.get(tier);
    c.misses.incrementAndGet();
    c.missMeter.increment();
  }

  public void stale(Tier tier) {
    Counters c = tiers.get(tier);
    c.stale.incrementAndGet();
    c.staleMeter.increment();
  }

  public void loaded(Tier tier, long micros, int bytes) {
    Counters c = tiers.get(tier);
    c.loads.incrementAndGet();
    c.loadMicros.addAndGet(micros);
    c.bytesWritten.addAndGet(bytes);
    c.loadTimer.record(micros, TimeUnit.MICROSECONDS);
  }

  public void joined() {
    joined.incrementAndGet();
    singleFlightJoins.increment();
  }

  public long hits(Tier tier) {
    return tiers.get(tier).hits.get();
  }

  public long misses(Tier tier) {
    return tiers.get(tier).misses.get();
  }

  public long loads(Tier tier) {
    return tiers.get(tier).loads.get();
  }

  public long singleFlightJoins() {
    return joined.get();
  }

  /**
   * The tier's counters as heartbeats and the admin command {@code stats} report them, with what only the caller knows:
   * the entries it holds, and for the in-process tier its bytes, evictions and limit (null for a Redis tier).
   */
  public CacheNodeStats.Tier figures(Tier tier, Long entries, Long bytes, Long evictions, Long maxBytes, long ttlSeconds) {
    Counters c = tiers.get(tier);
    long loads = c.loads.get();
    return new CacheNodeStats.Tier(c.hits.get(), c.misses.get(), c.stale.get(), loads,
      loads == 0 ? null : Math.round(c.loadMicros.get() / (double) loads) / 1000.0, c.bytesWritten.get(),
      entries, bytes, evictions, maxBytes, ttlSeconds);
  }
}
