package io.storedash.common;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One cache-service instance's figures: the {@code stats} of its heartbeat, read by monitor-service, and the answer
 * to the admin command {@code stats}. cache-service writes it, monitor-service reads it; JSON only on the wire.
 * <p>
 * Read tolerantly ({@link #fromJson}): instances of different versions may send less, so a missing or mistyped
 * figure is {@code null}, never an exception.
 *
 * @param tiers             by tier name (L1..L4), in that order; null when the heartbeat had none
 * @param lookups           requests looked up (every request is looked up in L4 first)
 * @param hitRate           the share answered from any tier, null without lookups
 * @param warming           what the warmer is doing, as it reports it
 */
public record CacheNodeStats(String node, Map<String, Tier> tiers, Long lookups, Double hitRate, Long singleFlightJoins,
                             Redis redis, Boolean versionsKnown, Integer storesKnown, JsonObject warming, Integer inFlight) {

  /**
   * One tier's figures. {@code bytes}, {@code evictions} and {@code maxBytes} only the in-process tier (L4) has;
   * {@code entries} of a Redis tier is the count of its keys in the shared Redis, null until first counted;
   * {@code rejected} only a Redis tier has: the entries read there that were not served because their MAC did not
   * prove that this cluster wrote them for their key, by reason ({@code forged}, {@code corrupt}, {@code unsigned},
   * {@code other_format}, {@code other_key}).
   */
  public record Tier(Long hits, Long misses, Long staleHits, Long loads, Double meanLoadMs, Long bytesWritten,
                     Long entries, Long bytes, Long evictions, Long maxBytes, Long ttlSeconds, Map<String, Long> rejected) {

    /** The figures of an instance that reports no rejected entries (L4, or a release before they were counted). */
    public Tier(Long hits, Long misses, Long staleHits, Long loads, Double meanLoadMs, Long bytesWritten,
                Long entries, Long bytes, Long evictions, Long maxBytes, Long ttlSeconds) {
      this(hits, misses, staleHits, loads, meanLoadMs, bytesWritten, entries, bytes, evictions, maxBytes, ttlSeconds, null);
    }

    /** All rejected entries of the tier, whatever the reason; null when it reports none. */
    public Long rejectedTotal() {
      return rejected == null ? null : rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject()
        .put("hits", hits)
        .put("misses", misses)
        .put("stale_hits", staleHits)
        .put("loads", loads)
        .put("mean_load_ms", meanLoadMs)
        .put("bytes_written", bytesWritten)
        .put("entries", entries);
      if (bytes != null) {
        json.put("bytes", bytes);
      }
      if (evictions != null) {
        json.put("evictions", evictions);
      }
      if (maxBytes != null) {
        json.put("max_bytes", maxBytes);
      }
      if (rejected != null) {
        JsonObject byReason = new JsonObject();
        rejected.forEach(byReason::put);
        json.put("rejected", byReason);
      }
      return json.put("ttl_s", ttlSeconds);
    }

    public static Tier fromJson(JsonObject json) {
      Map<String, Long> rejected = null;
      if (json.getValue("rejected") instanceof JsonObject byReason) {
        rejected = new LinkedHashMap<>();
        for (String reason : byReason.fieldNames()) {
          Long count = whole(byReason, reason);
          if (count != null) {
            rejected.put(reason, count);
          }
        }
      }
      return new Tier(whole(json, "hits"), whole(json, "misses"), whole(json, "stale_hits"), whole(json, "loads"),
        number(json, "mean_load_ms"), whole(json, "bytes_written"), whole(json, "entries"), whole(json, "bytes"),
        whole(json, "evictions"), whole(json, "max_bytes"), whole(json, "ttl_s"), rejected);
    }
  }

  /** The Redis the instance uses: whether it answers, the errors it gave, and where it is. */
  public record Redis(Boolean up, Long errors, String endpoint) {

    public JsonObject toJson() {
      return new JsonObject().put("up", up).put("errors", errors).put("endpoint", endpoint);
    }
  }

  public JsonObject toJson() {
    JsonObject byTier = null;
    if (tiers != null) {
      byTier = new JsonObject();
      for (Map.Entry<String, Tier> tier : tiers.entrySet()) {
        byTier.put(tier.getKey(), tier.getValue().toJson());
      }
    }
    return new JsonObject()
      .put("node", node)
      .put("tiers", byTier)
      .put("lookups", lookups)
      .put("hit_rate", hitRate)
      .put("single_flight_joins", singleFlightJoins)
      .put("redis", redis == null ? null : redis.toJson())
      .put("versions_known", versionsKnown)
      .put("stores_known", storesKnown)
      .put("warming", warming)
      .put("in_flight", inFlight);
  }

  /** The figures a heartbeat carries; a tier whose figures are not an object is left out. */
  public static CacheNodeStats fromJson(JsonObject json) {
    Map<String, Tier> tiers = null;
    if (json.getValue("tiers") instanceof JsonObject byTier) {
      tiers = new LinkedHashMap<>();
      for (String name : byTier.fieldNames()) {
        if (byTier.getValue(name) instanceof JsonObject figures) {
          tiers.put(name, Tier.fromJson(figures));
        }
      }
    }
    Redis redis = json.getValue("redis") instanceof JsonObject r
      ? new Redis(r.getValue("up") instanceof Boolean up ? up : null, whole(r, "errors"),
      r.getValue("endpoint") instanceof String endpoint ? endpoint : null)
      : null;
    Long storesKnown = whole(json, "stores_known");
    Long inFlight = whole(json, "in_flight");
    return new CacheNodeStats(
      json.getValue("node") instanceof String node ? node : null,
      tiers,
      whole(json, "lookups"),
      number(json, "hit_rate"),
      whole(json, "single_flight_joins"),
      redis,
      json.getValue("versions_known") instanceof Boolean known ? known : null,
      storesKnown == null ? null : storesKnown.intValue(),
      json.getValue("warming") instanceof JsonObject warming ? warming : null,
      inFlight == null ? null : inFlight.intValue());
  }

  private static Double number(JsonObject json, String key) {
    return json.getValue(key) instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
  }

  private static Long whole(JsonObject json, String key) {
    Double value = number(json, key);
    return value == null ? null : value.longValue();
  }
}
