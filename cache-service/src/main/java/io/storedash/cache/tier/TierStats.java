package io.storedash.cache.tier;

import io.storedash.common.CacheNodeStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each tier has seen in this instance since it started: hits, misses, stale hits, loads and their time, bytes
 * written, and Redis entries rejected by {@link EntryCodec} (by reason). Kept as plain counters for heartbeats and as
 * Micrometer meters for {@code /metrics}.
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
    /** By reason; empty for L4, which holds only entries this process made or checked. */
    final Map<EntryCodec.Rejection, AtomicLong> rejected = new EnumMap<>(EntryCodec.Rejection.class);
    final Map<EntryCodec.Rejection, Counter> rejectedMeters = new EnumMap<>(EntryCodec.Rejection.class);
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
      if (tier != Tier.L4) {
        // Every series from 0, so that increase() sees the first rejection.
        for (EntryCodec.Rejection reason : EntryCodec.Rejection.values()) {
          rejected.put(reason, new AtomicLong());
          rejectedMeters.put(reason, Counter.builder("storedash_cache_entries_rejected").tag("tier", tier.name())
            .tag("reason", reason.label())
            .description("Redis entries not served because they were not sealed by this cluster for their key (a miss)")
            .register(registry));
        }
      }
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

  /** A Redis entry of {@code tier} that failed the check: it was answered as a miss. */
  public void rejected(Tier tier, EntryCodec.Rejection reason) {
    Counters c = tiers.get(tier);
    c.rejected.get(reason).incrementAndGet();
    c.rejectedMeters.get(reason).increment();
  }

  public long rejectedCount(Tier tier, EntryCodec.Rejection reason) {
    AtomicLong count = tiers.get(tier).rejected.get(reason);
    return count == null ? 0 : count.get();
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
    Map<String, Long> rejected = null;
    if (!c.rejected.isEmpty()) {
      rejected = new LinkedHashMap<>();
      for (Map.Entry<EntryCodec.Rejection, AtomicLong> reason : c.rejected.entrySet()) {
        rejected.put(reason.getKey().label(), reason.getValue().get());
      }
    }
    return new CacheNodeStats.Tier(c.hits.get(), c.misses.get(), c.stale.get(), loads,
      loads == 0 ? null : Math.round(c.loadMicros.get() / (double) loads) / 1000.0, c.bytesWritten.get(),
      entries, bytes, evictions, maxBytes, ttlSeconds, rejected);
  }
}
