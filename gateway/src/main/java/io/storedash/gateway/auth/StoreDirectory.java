package io.storedash.gateway.auth;

import io.storedash.common.Addresses;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.DashboardReply;
import io.storedash.common.Gzip;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The gateway's list of stores and their cities, for the per-store checks: a user assigned a city sees every store
 * of that city, including one an import added later. Read from the {@code stores} view when a city assignment first
 * needs it, then after every import (data-changed, which every gateway receives) and every {@value #REFRESH_MS} ms;
 * a store the list does not know yet is looked up once more before it is refused. Without an answer the list is
 * empty, so a city assignment grants nothing: the checks fail closed. A gateway whose callers have no city
 * assignment never asks.
 */
public final class StoreDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(StoreDirectory.class);
  static final long REFRESH_MS = 60_000;
  /** A lookup for a store the list does not know is made at most this often: a flood of made-up codes costs one. */
  static final long UNKNOWN_LOOKUP_MS = 5_000;

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final Supplier<Future<DashboardReply>> fetch;
  private final Clock clock;
  private long lastLookup = Long.MIN_VALUE;
  /** Store code → city (empty string for a store without one); replaced whole on each refresh. */
  private volatile Map<String, String> cities = Map.of();
  private Future<Void> refreshing;
  /** Whether a caller with a city assignment came: only then is the list read and kept current. */
  private boolean wanted;
  private MessageConsumer<Object> changes;
  private long timer = -1;

  /**
   * @param signatures check that a data-changed event comes from a member
   * @param fetch      asks for the unrestricted {@code stores} view
   */
  public StoreDirectory(Vertx vertx, MessageSignatures signatures, Supplier<Future<DashboardReply>> fetch, Clock clock) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.fetch = fetch;
    this.clock = clock;
  }

  /** Keeps the list current once it is wanted; never fails. */
  public Future<Void> start() {
    changes = vertx.eventBus().consumer(Addresses.DATA_CHANGED, signatures.verified(Addresses.DATA_CHANGED, msg -> {
      if (wanted) {
        refresh();
      }
    }));
    timer = vertx.setPeriodic(REFRESH_MS, t -> {
      if (wanted) {
        refresh();
      }
    });
    return changes.completion();
  }

  /**
   * Completes once the list has been read at least once (or that failed: the list is then empty). Called for every
   * caller with a city assignment; the first call reads the list.
   */
  public Future<Void> loaded() {
    if (wanted) {
      return refreshing != null ? refreshing : Future.succeededFuture();
    }
    wanted = true;
    return refresh();
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return changes == null ? Future.succeededFuture() : changes.unregister();
  }

  /** Whether the list has this store. */
  public boolean knows(String store) {
    return cities.containsKey(store);
  }

  /** The store's city, or null when the store is unknown or has none. */
  public String city(String store) {
    String city = cities.get(store);
    return city == null || city.isEmpty() ? null : city;
  }

  /** Whether {@code access} allows {@code store}, by code or by the store's city. */
  public boolean allows(Access access, String store) {
    return access.allows(store, city(store));
  }

  /**
   * Every store code {@code access} allows: those assigned by code (whether or not the store exists yet: a store
   * that does not exist contributes nothing to any figure) and every known store of an assigned city.
   */
  public SortedSet<String> storesOf(Access access) {
    SortedSet<String> codes = new TreeSet<>(access.stores());
    if (!access.cities().isEmpty()) {
      cities.forEach((code, city) -> {
        if (access.cities().contains(city)) {
          codes.add(code);
        }
      });
    }
    return codes;
  }

  /**
   * The stores of {@code city} that {@code access} allows (by code or by city): what a caller's {@code city=} filter
   * shows. Never a store outside the access, and nothing for a city no known store has.
   */
  public SortedSet<String> storesIn(Access access, String city) {
    SortedSet<String> codes = new TreeSet<>();
    cities.forEach((code, storeCity) -> {
      if (storeCity.equals(city) && access.allows(code, storeCity)) {
        codes.add(code);
      }
    });
    return codes;
  }

  /**
   * Reads the list again for a store it does not know, unless that was done less than {@value #UNKNOWN_LOOKUP_MS} ms
   * ago (then completes at once).
   */
  public Future<Void> lookUpUnknown() {
    long now = clock.millis();
    if (lastLookup != Long.MIN_VALUE && now - lastLookup < UNKNOWN_LOOKUP_MS) {
      return Future.succeededFuture();
    }
    lastLookup = now;
    return refresh();
  }

  /** Reads the list again; concurrent calls share one question. Completes when the answer is in (or has failed). */
  public Future<Void> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    Promise<Void> done = Promise.promise();
    Future<Void> answer = done.future();
    refreshing = answer;
    fetch.get().onComplete(ar -> {
      refreshing = null;
      if (ar.succeeded()) {
        try {
          cities = parse(ar.result());
        } catch (RuntimeException e) {
          LOG.warn("the stores view could not be read: {}", e.toString());
        }
      } else {
        LOG.debug("stores view not available: {}", ar.cause().toString());
      }
      done.complete();
    });
    // Not the field: an answer that is already there has cleared it by now.
    return answer;
  }

  static Map<String, String> parse(DashboardReply reply) {
    byte[] bytes = reply.gzipped() ? Gzip.decompress(reply.body().getBytes()) : reply.body().getBytes();
    JsonArray stores = new JsonObject(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).getJsonArray("stores");
    Map<String, String> byCode = new java.util.HashMap<>();
    for (int i = 0; i < stores.size(); i++) {
      JsonObject store = stores.getJsonObject(i);
      String city = store.getString("city");
      byCode.put(store.getString("code"), city == null ? "" : city);
    }
    return Map.copyOf(byCode);
  }
}
