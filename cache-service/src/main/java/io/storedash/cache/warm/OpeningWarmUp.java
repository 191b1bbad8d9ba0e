package io.storedash.cache.warm;

import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.function.Consumer;

/**
 * Once a day at ACTIONS_WARM_AT in TIMEZONE (07:30 by default), before the stores open, the hot stores' views — the
 * 今日必做 list among them — are warmed (docs/DESIGN.md §14.1): the list is what a manager opens first, and overnight
 * its entries have outlived their TTL. The time is the chain's zone, not each store's: cache-service does not know
 * the stores' zones, and a chain's stores share one in practice.
 */
public final class OpeningWarmUp {

  private final Vertx vertx;
  private final LocalTime at;
  private final ZoneId zone;
  private final Clock clock;
  private final Consumer<String> warmHotStores;
  private long timer = -1;

  public OpeningWarmUp(Vertx vertx, LocalTime at, ZoneId zone, Clock clock, Consumer<String> warmHotStores) {
    this.vertx = vertx;
    this.at = at;
    this.zone = zone;
    this.clock = clock;
    this.warmHotStores = warmHotStores;
  }

  public void start() {
    timer = vertx.setTimer(Math.max(1, delayUntilNext(at, zone, clock.instant()).toMillis()), t -> {
      warmHotStores.accept("before opening (ACTIONS_WARM_AT " + at + " " + zone + ")");
      start();
    });
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** How long from {@code now} to the next {@code at} in {@code zone}: today's if it is still ahead, else tomorrow's. */
  static Duration delayUntilNext(LocalTime at, ZoneId zone, Instant now) {
    ZonedDateTime local = now.atZone(zone);
    ZonedDateTime next = local.with(at);
    if (!next.isAfter(local)) {
      next = local.plusDays(1).with(at);
    }
    return Duration.between(now, next.toInstant());
  }
}
