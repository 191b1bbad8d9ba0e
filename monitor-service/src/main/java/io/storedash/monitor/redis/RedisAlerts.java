package io.storedash.monitor.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The alert thresholds of the Redis health monitor (docs/DESIGN.md §6.1), applied to a reading and the one before it. */
public final class RedisAlerts {

  public static final double MEMORY_WARNING_PERCENT = 75;
  public static final double MEMORY_CRITICAL_PERCENT = 90;
  public static final double FRAGMENTATION_RATIO = 1.5;
  /**
   * A nearly empty Redis always shows a high fragmentation ratio (its RSS is mostly allocator overhead), so the
   * ratio only counts when the memory it wastes is worth reclaiming.
   */
  public static final long FRAGMENTATION_MIN_WASTE_BYTES = 32L << 20;
  public static final double SLOW_PING_MILLIS = 50;
  /** Policies that let a cache evict any key; the others fail writes or keep stale data once memory is full. */
  public static final Set<String> CACHE_POLICIES = Set.of("allkeys-lru", "allkeys-lfu");

  private RedisAlerts() {
  }

  /**
   * @param now      the latest reading
   * @param previous the reading of the check before, {@code null} at the first check; growing counters are measured
   *                 against it
   */
  public static List<RedisAlert> classify(RedisReading now, RedisReading previous) {
    List<RedisAlert> alerts = new ArrayList<>();
    memory(now, alerts);
    policy(now, alerts);
    fragmentation(now, alerts);
    growth(now, previous, alerts);
    if (now.pingMillis() != null && now.pingMillis() > SLOW_PING_MILLIS) {
      alerts.add(new RedisAlert(RedisAlert.Level.WARNING, "slow_ping",
        String.format(Locale.ROOT, "PING took %.1f ms (over %.0f ms): Redis or the network to it is slow",
          now.pingMillis(), SLOW_PING_MILLIS),
        round(now.pingMillis()), SLOW_PING_MILLIS));
    }
    return alerts;
  }

  /** A server that answered a PING from a client without a password ({@link UnauthenticatedPing}). */
  public static RedisAlert openAccess(String endpoint) {
    return new RedisAlert(RedisAlert.Level.WARNING, "no_password",
      "Redis accepts clients without a password: anyone who reaches " + endpoint + " can read, forge or delete cache "
        + "entries and sessions; set requirepass or an ACL user, and give StoreDash its password in REDIS_PASSWORD "
        + "(docs/OPERATIONS.md, Redis password and ACL user)",
      false, true);
  }

  private static void memory(RedisReading now, List<RedisAlert> alerts) {
    if (now.maxmemory() != null && now.maxmemory() == 0) {
      alerts.add(new RedisAlert(RedisAlert.Level.WARNING, "no_maxmemory",
        "maxmemory is not set: Redis grows until the machine runs out of memory instead of evicting cache entries",
        0L, null));
      return;
    }
    Double usage = now.usagePercent();
    if (usage == null) {
      return;
    }
    if (usage >= MEMORY_CRITICAL_PERCENT) {
      alerts.add(new RedisAlert(RedisAlert.Level.CRITICAL, "memory_critical",
        String.format(Locale.ROOT, "Redis uses %.1f %% of maxmemory (critical at %.0f %%)", usage, MEMORY_CRITICAL_PERCENT),
        round(usage), MEMORY_CRITICAL_PERCENT));
    } else if (usage >= MEMORY_WARNING_PERCENT) {
      alerts.add(new RedisAlert(RedisAlert.Level.WARNING, "memory_high",
        String.format(Locale.ROOT, "Redis uses %.1f %% of maxmemory (warning at %.0f %%)", usage, MEMORY_WARNING_PERCENT),
        round(usage), MEMORY_WARNING_PERCENT));
    }
  }

  private static void policy(RedisReading now, List<RedisAlert> alerts) {
    String policy = now.maxmemoryPolicy();
    if (policy != null && !CACHE_POLICIES.contains(policy.toLowerCase(Locale.ROOT))) {
      alerts.add(new RedisAlert(RedisAlert.Level.WARNING, "eviction_policy",
        "maxmemory-policy is " + policy + ": a cache should use allkeys-lru or allkeys-lfu so that a full Redis evicts "
          + "old entries instead of refusing writes",
        policy, "allkeys-lru|allkeys-lfu"));
    }
  }

  private static void fragmentation(RedisReading now, List<RedisAlert> alerts) {
    Double ratio = now.fragmentationRatio();
    Long waste = now.fragmentationBytes();
    if (ratio != null && ratio > FRAGMENTATION_RATIO && waste != null && waste >= FRAGMENTATION_MIN_WASTE_BYTES) {
      alerts.add(new RedisAlert(RedisAlert.Level.WARNING, "fragmentation",
        String.format(Locale.ROOT, "memory fragmentation ratio is %.2f (over %.1f), %d MB of RSS unused: "
          + "consider activedefrag or a restart", ratio, FRAGMENTATION_RATIO, waste >> 20),
        round(ratio), FRAGMENTATION_RATIO));
    }
  }

  private static void growth(RedisReading now, RedisReading previous, List<RedisAlert> alerts) {
    if (previous == null || restarted(now, previous)) {
      return;
    }
    Long evicted = delta(now.evictedKeys(), previous.evictedKeys());
    if (evicted != null && evicted > 0) {
      alerts.add(new RedisAlert(RedisAlert.Level.WARNING, "evictions_growing",
        "Redis evicted " + evicted + " keys since the last check: maxmemory is too small for the cached working set",
        evicted, 0L));
    }
    Long rejected = delta(now.rejectedConnections(), previous.rejectedConnections());
    if (rejected != null && rejected > 0) {
      alerts.add(new RedisAlert(RedisAlert.Level.WARNING, "rejected_connections",
        "Redis rejected " + rejected + " connections since the last check: maxclients is reached",
        rejected, 0L));
    }
  }

  /** Counters restart from zero with the server; a restart is not growth. */
  private static boolean restarted(RedisReading now, RedisReading previous) {
    return now.uptimeSeconds() != null && previous.uptimeSeconds() != null
      && now.uptimeSeconds() < previous.uptimeSeconds();
  }

  private static Long delta(Long now, Long before) {
    return now == null || before == null ? null : now - before;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
