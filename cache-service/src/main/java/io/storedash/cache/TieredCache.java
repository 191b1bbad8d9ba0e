package io.storedash.cache;

import io.storedash.cache.tier.CacheKeys;
import io.storedash.cache.tier.Entry;
import io.storedash.cache.tier.FailureCache;
import io.storedash.cache.tier.HotspotTier;
import io.storedash.cache.tier.OneOffRanges;
import io.storedash.cache.tier.RedisTier;
import io.storedash.cache.tier.SingleFlight;
import io.storedash.cache.tier.Tier;
import io.storedash.cache.tier.TierPolicy;
import io.storedash.cache.tier.TierStats;
import io.storedash.common.DashboardQuery;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collection;
import java.util.OptionalLong;
import java.util.function.BiFunction;

/**
 * The read path of docs/DESIGN.md §5: L4 in this process, then the query's Redis tier, then query-service — with one
 * computation per key at a time, stale-while-revalidate past the soft TTL, and stale-if-error when query-service or
 * PostgreSQL fails; failures of the question answered again for a moment ({@link FailureCache}) and one-off ranges
 * kept out of Redis until their second request ({@link OneOffRanges}, docs/DESIGN.md §12.3). The computation is
 * asked on behalf of the client whose request started it (single-flight: the first asker). Confined to the verticle's
 * event loop. Entries are stamped and judged fresh by the clock passed in:
 * wall-clock time, because other instances judge the same entries in Redis.
 */
public final class TieredCache {

  private static final Logger LOG = LoggerFactory.getLogger(TieredCache.class);

  /** The result of query-service, compressed once: the gzip bytes and the time query-service reported. */
  public record Computed(byte[] gzip, String computeMs) {
  }

  /** An answer on its way to the gateway: the gzip bytes, the tier that answered, HIT/MISS/STALE. */
  public record Answer(byte[] gzip, Tier tier, String status, String etag, String computeMs) {
  }

  private final TierPolicy policy;
  private final HotspotTier hotspot;
  private final RedisTier redis;
  private final StoreVersions versions;
  private final TierStats stats;
  private final BiFunction<DashboardQuery, String, Future<Computed>> compute;
  private final FailureCache failures;
  private final OneOffRanges oneOffs;
  private final Clock clock;
  private final SingleFlight<Answer> reads = new SingleFlight<>();
  private final SingleFlight<Loaded> loads = new SingleFlight<>();
  /**
   * Entity tags by cache key (which names the query and its data version, all a tag depends on): a SHA-256 per hit
   * was a visible part of the hit path (docs/DESIGN.md §12.1). Bounded; a key not here costs one hash.
   */
  private final Cache<String, String> etags = Caffeine.newBuilder().maximumSize(16_384).build();

  private record Loaded(Entry entry, String computeMs) {
  }

  public TieredCache(TierPolicy policy, HotspotTier hotspot, RedisTier redis, StoreVersions versions, TierStats stats,
                     BiFunction<DashboardQuery, String, Future<Computed>> compute, FailureCache failures,
                     OneOffRanges oneOffs, Clock clock) {
    this.policy = policy;
    this.hotspot = hotspot;
    this.redis = redis;
    this.versions = versions;
    this.stats = stats;
    this.compute = compute;
    this.failures = failures;
    this.oneOffs = oneOffs;
    this.clock = clock;
  }

  /** Answers a dashboard query through the tiers: the cache's own work, charged to no client. */
  public Future<Answer> get(DashboardQuery query) {
    return get(query, null);
  }

  /** Answers a dashboard query through the tiers; a computation it starts is charged to {@code client}. */
  public Future<Answer> get(DashboardQuery query, String client) {
    Tier tier = policy.tierOf(query.kind());
    OptionalLong known = versions.versionOf(query);
    if (known.isEmpty()) {
      // Versions not learned yet: a stored entry might predate an import, so neither read nor write.
      stats.miss(tier);
      return compute.apply(query, client).map(c -> new Answer(c.gzip(), tier, "MISS", null, c.computeMs()));
    }
    long version = known.getAsLong();
    String key = CacheKeys.key(tier, query, version);
    String etag = etags.get(key, k -> CacheKeys.etag(query, version));
    long now = clock.millis();
    Entry hot = hotspot.get(key);
    if (hot != null && policy.fresh(query.kind(), hot, now)) {
      stats.hit(Tier.L4);
      if (oneOffs.writeOnHit(query, key)) {
        redis.set(key, hot, policy.hardTtl(query.kind()));
      }
      return Future.succeededFuture(new Answer(hot.gzip(), Tier.L4, "HIT", etag, null));
    }
    stats.miss(Tier.L4);
    return reads.run(key, () -> readThrough(query, client, tier, key, etag, version, hot), stats::joined);
  }

  private Future<Answer> readThrough(DashboardQuery query, String client, Tier tier, String key, String etag, long version,
                                     Entry hot) {
    return redis.read(tier, key).compose(read -> {
      Entry stored = read.entry();
      long now = clock.millis();
      if (stored != null) {
        hotspot.put(key, stored);
        if (policy.fresh(query.kind(), stored, now)) {
          stats.hit(tier);
          return Future.succeededFuture(new Answer(stored.gzip(), tier, "HIT", etag, null));
        }
        // Stale-while-revalidate: answer now, recompute in the background.
        stats.stale(tier);
        load(query, client, tier, key, version, false).onFailure(e -> LOG.debug("background refresh of {} failed: {}", key, e.getMessage()));
        return Future.succeededFuture(new Answer(stored.gzip(), tier, "STALE", etag, null));
      }
      stats.miss(tier);
      // A rejected entry Redis held is overwritten by what is computed, one-off range or not.
      return load(query, client, tier, key, version, !read.present())
        .map(loaded -> new Answer(loaded.entry().gzip(), tier, "MISS", etag, loaded.computeMs()))
        .recover(failure -> staleIfError(query, tier, hot, failure));
    });
  }

  /**
   * Computes an entry in query-service and stores it in L4 and Redis; one load per key at a time. A failure of the
   * question kept from a moment ago is answered instead of computing; a one-off range's first answer
   * ({@code mayDefer}: not a refresh of an entry Redis holds) goes to L4 only.
   */
  private Future<Loaded> load(DashboardQuery query, String client, Tier tier, String key, long version, boolean mayDefer) {
    return loads.run(key, () -> {
      io.vertx.core.eventbus.ReplyException failed = failures.get(key);
      if (failed != null) {
        return Future.failedFuture(failed);
      }
      long started = System.nanoTime();
      return compute.apply(query, client).map(computed -> {
        Entry entry = new Entry(clock.millis(), version, computed.gzip());
        stats.loaded(tier, (System.nanoTime() - started) / 1000, computed.gzip().length);
        hotspot.put(key, entry);
        if (!mayDefer || oneOffs.writeComputed(query, key)) {
          redis.set(key, entry, policy.hardTtl(query.kind()));
        }
        return new Loaded(entry, computed.computeMs());
      }).onFailure(e -> failures.remember(key, e));
    }, () -> { });
  }

  /**
   * Stale-if-error: when the entry cannot be computed, an older answer to the same question is better than an error
   * — the expired L4 entry, or the entry of the store's previous data version still in Redis.
   */
  private Future<Answer> staleIfError(DashboardQuery query, Tier tier, Entry hot, Throwable failure) {
    if (hot != null) {
      stats.stale(tier);
      return Future.succeededFuture(new Answer(hot.gzip(), tier, "STALE", CacheKeys.etag(query, hot.version()), null));
    }
    OptionalLong previous = versions.previousVersionOf(query);
    if (previous.isEmpty()) {
      return Future.failedFuture(failure);
    }
    String oldKey = CacheKeys.key(tier, query, previous.getAsLong());
    return redis.get(tier, oldKey).compose(old -> {
      if (old == null) {
        return Future.failedFuture(failure);
      }
      stats.stale(tier);
      return Future.succeededFuture(new Answer(old.gzip(), tier, "STALE", CacheKeys.etag(query, old.version()), null));
    });
  }

  /**
   * Makes sure the entry of a query is in Redis and fresh for a while: computes it when missing or when it has lived
   * most of its soft TTL. Completes with whether it computed.
   */
  public Future<Boolean> warm(DashboardQuery query) {
    Tier tier = policy.tierOf(query.kind());
    OptionalLong known = versions.versionOf(query);
    if (known.isEmpty()) {
      return Future.succeededFuture(false);
    }
    long version = known.getAsLong();
    String key = CacheKeys.key(tier, query, version);
    return redis.get(tier, key).compose(stored -> {
      if (stored != null && !policy.dueForRefresh(query.kind(), stored, clock.millis())) {
        hotspot.put(key, stored);
        return Future.succeededFuture(false);
      }
      return load(query, null, tier, key, version, false).map(true);
    });
  }

  /** Drops the in-process entries of these stores (and of {@code all}): their data changed. */
  public void dropHotspot(Collection<String> stores) {
    hotspot.drop(key -> stores.stream().anyMatch(store -> key.contains(CacheKeys.storeTag(store)))
      || key.contains(CacheKeys.storeTag(DashboardQuery.ALL_STORES)));
  }
}
