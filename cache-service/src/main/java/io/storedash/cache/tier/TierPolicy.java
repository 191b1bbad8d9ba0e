package io.storedash.cache.tier;

import io.storedash.common.QueryKind;
import io.storedash.common.config.StoreDashConfig;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Which Redis tier holds each kind of query, and for how long. */
public final class TierPolicy {

  private final Map<Tier, Duration> ttls = new EnumMap<>(Tier.class);

  public TierPolicy(Duration l1, Duration l2, Duration l3, Duration l4) {
    ttls.put(Tier.L1, l1);
    ttls.put(Tier.L2, l2);
    ttls.put(Tier.L3, l3);
    ttls.put(Tier.L4, l4);
  }

  public static TierPolicy from(StoreDashConfig config) {
    return new TierPolicy(config.cacheTtlL1(), config.cacheTtlL2(), config.cacheTtlL3(), config.cacheTtlL4());
  }

  /** The Redis tier of a kind: order lines are raw data (L1), diagnosis is L3, every other metric L2. */
  public Tier tierOf(QueryKind kind) {
    return switch (kind) {
      case ORDERS -> Tier.L1;
      case DIAGNOSIS -> Tier.L3;
      default -> Tier.L2;
    };
  }

  public Duration ttl(Tier tier) {
    return ttls.get(tier);
  }
}
