package io.storedash.cache.tier;

import io.storedash.common.QueryKind;
import io.storedash.common.config.StoreDashConfig;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which tier holds each kind of query and for how long. A tier's TTL is the soft TTL: past it an entry is still
 * served (marked STALE) while it is refreshed in the background, or while query-service is down. Redis keeps an entry
 * for {@link #STALE_FACTOR} times the soft TTL, after which it expires for good.
 */
public final class TierPolicy {

  /** How many soft TTLs an entry stays in Redis, to be served stale when it cannot be recomputed. */
  public static final int STALE_FACTOR = 4;
  /** Warming refreshes an entry once it has lived this share of its soft TTL, so hot entries never go stale. */
  public static final double REFRESH_AHEAD = 0.8;

  private final Map<Tier, Duration> ttls = new EnumMap<>(Tier.class);
  /** The 今日必做 list's own soft TTL (CACHE_TTL_ACTIONS) in its tier, L3. */
  private final Duration actionsTtl;

  public TierPolicy(Duration l1, Duration l2, Duration l3, Duration l4) {
    this(l1, l2, l3, l4, l3);
  }

  public TierPolicy(Duration l1, Duration l2, Duration l3, Duration l4, Duration actions) {
    ttls.put(Tier.L1, l1);
    ttls.put(Tier.L2, l2);
    ttls.put(Tier.L3, l3);
    ttls.put(Tier.L4, l4);
    this.actionsTtl = actions;
  }

  public static TierPolicy from(StoreDashConfig config) {
    return new TierPolicy(config.cacheTtlL1(), config.cacheTtlL2(), config.cacheTtlL3(), config.cacheTtlL4(),
      config.actions().cacheTtl());
  }

  /**
   * The Redis tier of a kind: order lines (searched and grouped too) are raw data (L1), diagnosis and the 今日必做 list
   * (both judgements over a store's products) L3, every other metric L2 — {@code losing-products} too: a figure of the
   * product rollup like the product table, asked by HQ a few times a day, whose data changes only at an import (which
   * changes its key).
   */
  public Tier tierOf(QueryKind kind) {
    return switch (kind) {
      case ORDERS -> Tier.L1;
      case DIAGNOSIS, ACTIONS -> Tier.L3;
      default -> Tier.L2;
    };
  }

  /**
   * A kind's soft TTL: its tier's, but the 今日必做 list's own. The list is of a closed day: only an import (a new data
   * version, a new key) or a change of the thresholds (a flush of the kind) changes it, so it may live longer.
   */
  public Duration ttl(QueryKind kind) {
    return kind == QueryKind.ACTIONS ? actionsTtl : ttls.get(tierOf(kind));
  }

  /** How long Redis keeps an entry of this kind. */
  public Duration hardTtl(QueryKind kind) {
    return ttl(kind).multipliedBy(STALE_FACTOR);
  }

  public boolean fresh(QueryKind kind, Entry entry, long now) {
    return entry.ageMillis(now) < ttl(kind).toMillis();
  }

  /** Whether warming should recompute an entry of this kind now, before its soft TTL runs out. */
  public boolean dueForRefresh(QueryKind kind, Entry entry, long now) {
    return entry.ageMillis(now) >= ttl(kind).toMillis() * REFRESH_AHEAD;
  }

  /** The soft TTL. */
  public Duration ttl(Tier tier) {
    return ttls.get(tier);
  }
}
