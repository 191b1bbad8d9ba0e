package io.storedash.cache.warm;

import io.storedash.cache.TieredCache;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pre-warming: puts the standard dashboard queries of the default range into the cache before anyone asks, hottest
 * stores first (the hot fraction, 80/20), a few stores in parallel. Runs one warm-up at a time; stores asked for
 * while one runs are warmed right after it. Confined to the verticle's event loop.
 */
public final class Warmer {

  private static final Logger LOG = LoggerFactory.getLogger(Warmer.class);
  private static final List<QueryKind> STORE_KINDS = List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS,
    QueryKind.CATEGORIES, QueryKind.HOURS, QueryKind.PRODUCTS, QueryKind.DIAGNOSIS, QueryKind.ORDERS, QueryKind.ACTIONS);
  private static final List<QueryKind> CHAIN_KINDS = List.of(QueryKind.STORES, QueryKind.RANKING, QueryKind.OVERVIEW,
    QueryKind.TREND, QueryKind.CHANNELS, QueryKind.CATEGORIES, QueryKind.HOURS, QueryKind.ACTIONS);

  private final TieredCache cache;
  private final StoreHeat heat;
  private final int parallelism;
  private final double hotFraction;
  private final Set<String> pending = new LinkedHashSet<>();
  private String pendingReason;
  private Run current;
  private JsonObject last;

  /** One warm-up: what it covers and how far it got. */
  private static final class Run {
    final String reason;
    final List<String> stores;
    final int hot;
    final long startedAt = System.currentTimeMillis();
    final AtomicInteger storesDone = new AtomicInteger();
    final AtomicInteger queries = new AtomicInteger();
    final AtomicInteger computed = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    long hotDoneAt;
    String lastFailure;

    Run(String reason, List<String> stores, int hot) {
      this.reason = reason;
      this.stores = stores;
      this.hot = hot;
    }

    JsonObject toJson(boolean running) {
      long end = running ? System.currentTimeMillis() : 0;
      JsonObject json = new JsonObject()
        .put("running", running)
        .put("reason", reason)
        .put("stores_total", stores.size())
        .put("hot_stores", hot)
        .put("stores_done", storesDone.get())
        .put("queries", queries.get())
        .put("computed", computed.get())
        .put("failures", failures.get())
        .put("started_at", Instant.ofEpochMilli(startedAt).toString());
      if (hotDoneAt > 0) {
        json.put("hot_duration_ms", hotDoneAt - startedAt);
      }
      if (running) {
        json.put("elapsed_ms", end - startedAt);
      }
      if (lastFailure != null) {
        json.put("last_failure", lastFailure);
      }
      return json;
    }
  }

  public Warmer(TieredCache cache, StoreHeat heat, int parallelism, double hotFraction) {
    this.cache = cache;
    this.heat = heat;
    this.parallelism = parallelism;
    this.hotFraction = hotFraction;
  }

  /**
   * Warms {@code stores} (and the chain-wide views), hottest first. Completes when this warm-up is done; when one is
   * already running the stores are queued and the future completes at once with the progress.
   */
  public Future<JsonObject> warm(Collection<String> stores, String reason) {
    if (current != null) {
      pending.addAll(stores);
      pendingReason = reason;
      return Future.succeededFuture(progress());
    }
    List<String> ranked = heat.rank(stores);
    Run run = new Run(reason, ranked, StoreHeat.hotCount(ranked.size(), hotFraction));
    current = run;
    LOG.info("warming {} stores ({} hot first, {} in parallel): {}", ranked.size(), run.hot, parallelism, reason);
    Promise<JsonObject> done = Promise.promise();
    warmQueries(chainQueries(), run)
      .compose(v -> warmStores(run))
      .onComplete(ar -> {
        JsonObject result = run.toJson(false).put("duration_ms", System.currentTimeMillis() - run.startedAt)
          .put("finished_at", Instant.now().toString());
        last = result;
        current = null;
        LOG.info("warmed {} stores in {} ms: {} queries, {} computed, {} failed ({})", ranked.size(),
          result.getLong("duration_ms"), run.queries.get(), run.computed.get(), run.failures.get(), reason);
        done.complete(result);
        if (!pending.isEmpty()) {
          List<String> next = new ArrayList<>(pending);
          pending.clear();
          warm(next, pendingReason);
        }
      });
    return done.future();
  }

  /** Warms the hot share (the hottest {@code WARM_HOT_FRACTION}) of {@code stores}. */
  public Future<JsonObject> warmHot(Collection<String> stores, String reason) {
    List<String> ranked = heat.rank(stores);
    return warm(ranked.subList(0, StoreHeat.hotCount(ranked.size(), hotFraction)), reason);
  }

  private Future<Void> warmStores(Run run) {
    Promise<Void> all = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger active = new AtomicInteger();
    if (run.stores.isEmpty()) {
      return Future.succeededFuture();
    }
    for (int i = 0; i < Math.min(parallelism, run.stores.size()); i++) {
      startNext(run, next, active, all);
    }
    return all.future();
  }

  private void startNext(Run run, AtomicInteger next, AtomicInteger active, Promise<Void> all) {
    int index = next.getAndIncrement();
    if (index >= run.stores.size()) {
      if (active.get() == 0) {
        all.tryComplete();
      }
      return;
    }
    active.incrementAndGet();
    String store = run.stores.get(index);
    warmQueries(storeQueries(store), run).onComplete(ar -> {
      active.decrementAndGet();
      if (run.storesDone.incrementAndGet() == run.hot) {
        run.hotDoneAt = System.currentTimeMillis();
      }
      startNext(run, next, active, all);
    });
  }

  /** One query after the other: a store's queries share its rollups, so in sequence they are cheapest. */
  private Future<Void> warmQueries(List<DashboardQuery> queries, Run run) {
    Future<Void> chain = Future.succeededFuture();
    for (DashboardQuery query : queries) {
      chain = chain.compose(v -> cache.warm(query)
        .map(computed -> {
          run.queries.incrementAndGet();
          if (computed) {
            run.computed.incrementAndGet();
          }
          return (Void) null;
        })
        .otherwise(e -> {
          run.queries.incrementAndGet();
          run.failures.incrementAndGet();
          run.lastFailure = query.canonical() + ": " + e.getMessage();
          return null;
        }));
    }
    return chain;
  }

  /**
   * A store's views of the default range; the paged ones ({@code products}, {@code diagnosis}, {@code orders}) at
   * their first page of the default size (the kind's defaults), which is what the dashboard page asks first: the same
   * cache entry (docs/DESIGN.md §12.4).
   */
  static List<DashboardQuery> storeQueries(String store) {
    return STORE_KINDS.stream().map(kind -> DashboardQuery.of(kind, store, null, null)).toList();
  }

  /** The chain's views of the default range; the ranking at its first page. */
  static List<DashboardQuery> chainQueries() {
    return CHAIN_KINDS.stream().map(kind -> DashboardQuery.of(kind, DashboardQuery.ALL_STORES, null, null)).toList();
  }

  public boolean running() {
    return current != null;
  }

  /** The running warm-up, else the last one, else {@code {running:false}}. */
  public JsonObject progress() {
    if (current != null) {
      return current.toJson(true).put("queued_stores", pending.size());
    }
    return last != null ? last.copy() : new JsonObject().put("running", false);
  }
}
